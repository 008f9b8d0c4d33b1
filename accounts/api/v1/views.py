"""`/v1/test`: the calling account's test-mode controls: reset, scenarios and the
sandbox clock (`api:admin`)."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes, selectors, services
from accounts.api.v1.rendering import clock_to_v1
from accounts.api.v1.serializers import (
    AdvancedClockSerializer,
    AdvanceSerializer,
    ClockSerializer,
    ScenarioCreateSerializer,
    ScenarioDeletedSerializer,
    ScenarioSerializer,
)
from accounts.authentication import api_key_rate_limit_keys
from accounts.models import Scenario
from api import ratelimit
from api.errors import RouteNotFound
from api.pagination import PageOrOffsetPagination
from api.surfaces import LIST_ERRORS
from api.v1 import V1, V1ViewSet

ResetResult = inline_serializer(
    "ResetResult",
    {"message": serializers.CharField(), "timestamp": serializers.DateTimeField()},
)
TEST = {"tag": "test", "scope": scopes.API_ADMIN}


class TestControlsViewSet(V1ViewSet):
    """`/v1/test/*`: a route that does not exist where the sandbox's test controls are
    switched off (`SANDBOX_TEST_CONTROLS`)."""

    def initial(self, request, *args, **kwargs):
        if not settings.SANDBOX_TEST_CONTROLS:
            raise RouteNotFound(request)
        super().initial(request, *args, **kwargs)


class SandboxViewSet(TestControlsViewSet):
    """`/v1/test/reset`, and the account's sandbox clock: `GET /v1/test/clock`,
    `POST /v1/test/clock/advance`."""

    @V1.write(
        "reset_test_data",
        "Delete this account's test data",
        description="Payments (with their refunds), webhook endpoints and events, finished "
        "idempotency keys, scenarios, the sandbox clock and the rate-limit counters of the "
        "account's keys and tokens (not the account's own ceiling).",
        responses={200: ResetResult},
        errors=(400, 401, 403, 409),
        **TEST,
    )
    @action(detail=False, methods=["post"])
    def reset(self, request):
        # The credentials' rate-limit counters go too (every API key's here, every OAuth token
        # family's in oauth_app's entry of TEST_DATA_RESETS): a key that hit its limit is free
        # again. The account's ceiling stays: no sequence of resets lifts an account over it.
        account = request.user.account
        services.test_data_reset(account=account)
        ratelimit.clear(api_key_rate_limit_keys(account))
        return Response(
            {
                "message": "All test data has been reset.",
                "timestamp": timezone.now().isoformat(timespec="microseconds"),
            }
        )

    @V1.read("retrieve_test_clock", "The account's time", responses={200: ClockSerializer},
             errors=(401, 403), **TEST)
    @action(detail=False, methods=["get"])
    def clock(self, request):
        return Response(clock_to_v1(request.user.account))

    @V1.write(
        "advance_test_clock",
        "Move the account's time forward and run the work that became due",
        description="Settles pending payments past their delay, sends webhook attempts whose "
        "retry time has come, disables endpoints failing for five days and expires "
        "idempotency keys older than 24 hours, before answering: at most "
        "CLOCK_ADVANCE_MAX_ITEMS items (200), `remaining` counts what is left. The clock "
        "never goes back (`POST /v1/test/reset` returns it to zero).",
        examples=[OpenApiExample("A day", request_only=True, value={"seconds": 86400})],
        request=AdvanceSerializer,
        responses={200: AdvancedClockSerializer},
        errors=(400, 401, 403, 409, 413, 415, 422),
        **TEST,
    )
    @action(detail=False, methods=["post"], url_path="clock/advance")
    def advance(self, request):
        account = request.user.account
        processed, remaining = services.clock_advance(account=account,
                                                      **self.validated(AdvanceSerializer))
        return Response({**clock_to_v1(account), "processed": processed,
                         "remaining": remaining})


class ScenarioViewSet(TestControlsViewSet):
    pagination_class = PageOrOffsetPagination
    queryset = Scenario.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "scenario_id"

    @V1.read("list_scenarios", "List active scenarios, newest first",
             responses={200: ScenarioSerializer(many=True)}, errors=LIST_ERRORS, **TEST)
    def list(self, request):
        return self.list_response(selectors.scenario_list(account=request.user.account),
                                  ScenarioSerializer)

    @V1.write(
        "create_scenario",
        "Shape the account's next operations: declines, outages, delays, failures",
        description="The next `times` operations of the account that match (oldest scenario "
        "first) get `outcome`. Shaped responses carry `Sandbox-Scenario`.",
        examples=[
            OpenApiExample("A decline", request_only=True, value={
                "operation": "payment.create", "outcome": "decline",
                "decline_code": "insufficient_funds", "times": 2, "surface": "any",
                "match": {"currency": "USD"}}),
            OpenApiExample("A timeout after the charge went through", request_only=True,
                           value={"operation": "payment.create", "outcome": "delay",
                                  "delay_ms": 5000}),
            OpenApiExample("A settlement that fails", request_only=True, value={
                "operation": "payment.settle", "outcome": "fail",
                "decline_code": "insufficient_funds"}),
            OpenApiExample("Webhooks sent twice", request_only=True, value={
                "operation": "webhook.delivery", "outcome": "duplicate", "times": 3}),
        ],
        request=ScenarioCreateSerializer,
        responses={201: ScenarioSerializer},
        links={"201": [("retrieve_scenario", "scenario_id", "id"),
                       ("delete_scenario", "scenario_id", "id")]},
        **TEST,
    )
    def create(self, request):
        scenario = services.scenario_create(account=request.user.account,
                                            **self.validated(ScenarioCreateSerializer))
        return Response(ScenarioSerializer(scenario).data, status=status.HTTP_201_CREATED)

    @V1.read("retrieve_scenario", "Retrieve a scenario (also when used up)",
             responses={200: ScenarioSerializer}, **TEST)
    def retrieve(self, request, scenario_id):
        scenario = selectors.scenario_get(account=request.user.account, scenario_id=scenario_id)
        return Response(ScenarioSerializer(scenario).data)

    @V1.read("delete_scenario", "Delete a scenario", responses={200: ScenarioDeletedSerializer},
             **TEST)
    def destroy(self, request, scenario_id):
        services.scenario_delete(account=request.user.account, scenario_id=scenario_id)
        return Response({"id": scenario_id, "object": "scenario", "deleted": True})
