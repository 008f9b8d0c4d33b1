"""`/v1/test`: test-mode controls of the calling account (seed 003's reset)."""

from django.utils import timezone
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from accounts.authentication import api_key_rate_limit_keys
from accounts.services import test_data_reset
from api import ratelimit
from api.surfaces import V1
from api.viewsets import V1ViewSet

ResetResult = inline_serializer(
    "ResetResult",
    {"message": serializers.CharField(), "timestamp": serializers.DateTimeField()},
)


class TestDataViewSet(V1ViewSet):
    @V1.write(
        "reset_test_data",
        "Delete this account's test data",
        scope=scopes.API_ADMIN,
        tag="test",
        responses={200: ResetResult},
        errors=(400, 401, 403, 409),
    )
    @action(detail=False, methods=["post"])
    def reset(self, request):
        # The rate-limit counters go too: every API key's here, every OAuth token family's in
        # oauth_app's entry of TEST_DATA_RESETS, and the account's ceiling.
        account = request.user.account
        test_data_reset(account=account)
        ratelimit.clear(api_key_rate_limit_keys(account),
                        account_key=ratelimit.account_key_for(account))
        return Response(
            {
                "message": "All test data has been reset.",
                "timestamp": timezone.now().isoformat(timespec="microseconds"),
            }
        )
