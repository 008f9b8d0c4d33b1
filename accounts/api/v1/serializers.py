"""Wire format of the sandbox controls on `/v1/test` (scenarios and the clock)."""

from rest_framework import serializers

from accounts import scenarios
from accounts.api.v1.rendering import clock_to_v1, scenario_to_v1
from api.fields import StrictChoiceField, StrictIntegerField

OPERATIONS = list(scenarios.OUTCOMES)
ALL_OUTCOMES = list(dict.fromkeys(o for outcomes in scenarios.OUTCOMES.values()
                                  for o in outcomes))


class MatchSerializer(serializers.Serializer):
    """The facts a scenario can be matched on; their fields come from the apps that own them
    (`accounts.scenarios.MATCH_FIELDS`: amount, currency, payment_method, event_type)."""

    def get_fields(self):
        return {name: make_field() for name, make_field in scenarios.MATCH_FIELDS}


class ScenarioCreateSerializer(serializers.Serializer):
    operation = StrictChoiceField(choices=OPERATIONS)
    outcome = StrictChoiceField(choices=ALL_OUTCOMES)
    decline_code = StrictChoiceField(
        choices=scenarios.DECLINE_CODES, required=False,
        help_text="For `decline` and `fail` (default `card_declined`).")
    delay_ms = StrictIntegerField(min_value=1, max_value=scenarios.MAX_DELAY_MS,
                                  required=False, help_text="Required for `delay`.")
    times = StrictIntegerField(min_value=1, max_value=scenarios.MAX_TIMES, default=1)
    surface = StrictChoiceField(choices=scenarios.SURFACES, default="any")
    match = MatchSerializer(required=False)

    def validate(self, attrs):
        """The combinations `accounts.scenarios.OUTCOMES` allows; every problem at once."""
        operation, outcome = attrs["operation"], attrs["outcome"]
        problems = {}
        if outcome not in scenarios.OUTCOMES[operation]:
            allowed = ", ".join(scenarios.OUTCOMES[operation])
            problems["outcome"] = f"'{operation}' can have these outcomes: {allowed}."
        if "decline_code" in attrs and outcome not in (scenarios.DECLINE, scenarios.FAIL):
            problems["decline_code"] = "Only `decline` and `fail` take a decline_code."
        if outcome == scenarios.DELAY and "delay_ms" not in attrs:
            problems["delay_ms"] = "`delay` needs delay_ms (1 - 30000)."
        if "delay_ms" in attrs and outcome != scenarios.DELAY:
            problems["delay_ms"] = "Only `delay` takes delay_ms."
        if operation in scenarios.BACKGROUND and attrs["surface"] != "any":
            problems["surface"] = f"'{operation}' happens in the background: surface 'any'."
        unknown = set(attrs.get("match", {})) - set(scenarios.MATCHABLE[operation])
        if unknown:
            allowed = ", ".join(scenarios.MATCHABLE[operation])
            problems["match"] = f"'{operation}' can be matched on: {allowed}."
        if problems:
            raise serializers.ValidationError(problems, code="invalid_combination")
        if outcome in (scenarios.DECLINE, scenarios.FAIL):
            attrs.setdefault("decline_code", "card_declined")
        match = dict(attrs.get("match", {}))
        if "amount" in match:
            match["amount"] = str(match["amount"])  # JSON has no decimals: kept exact as text
        attrs["match"] = match
        return attrs


class ScenarioSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(help_text="`scenario`")
    operation = serializers.ChoiceField(choices=OPERATIONS)
    outcome = serializers.ChoiceField(choices=ALL_OUTCOMES)
    decline_code = serializers.ChoiceField(choices=scenarios.DECLINE_CODES, allow_null=True)
    delay_ms = serializers.IntegerField(allow_null=True)
    times = serializers.IntegerField()
    remaining = serializers.IntegerField()
    surface = serializers.ChoiceField(choices=scenarios.SURFACES)
    match = MatchSerializer()
    created_at = serializers.DateTimeField()

    def to_representation(self, scenario):
        return scenario_to_v1(scenario)


class ScenarioDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(help_text="`scenario`")
    deleted = serializers.BooleanField()


class ClockSerializer(serializers.Serializer):
    object = serializers.CharField(help_text="`test_clock`")
    now = serializers.DateTimeField(help_text="The account's time.")
    offset_seconds = serializers.IntegerField(help_text="How far it runs ahead of the wall.")

    def to_representation(self, account):
        return clock_to_v1(account)


class ProcessedSerializer(serializers.Serializer):
    payments_settled = serializers.IntegerField()
    authorizations_released = serializers.IntegerField(
        help_text="Authorized payments not captured within 7 days, cancelled.")
    checkout_sessions_expired = serializers.IntegerField(
        help_text="Open checkouts (Stripe's Checkout Sessions) past their `expires_at`.")
    webhook_attempts = serializers.IntegerField()
    endpoints_disabled = serializers.IntegerField()
    idempotency_keys_expired = serializers.IntegerField()


class RemainingSerializer(serializers.Serializer):
    payments_settled = serializers.IntegerField(help_text="Pending payments due to settle.")
    authorizations_released = serializers.IntegerField(
        help_text="Expired authorizations to release.")
    checkout_sessions_expired = serializers.IntegerField(help_text="Checkouts due to expire.")
    webhook_attempts = serializers.IntegerField(help_text="Attempts due to go out.")


class AdvancedClockSerializer(ClockSerializer):
    processed = ProcessedSerializer(help_text="The account's work that became due and ran "
                                    "(at most CLOCK_ADVANCE_MAX_ITEMS items).")
    remaining = RemainingSerializer(
        help_text="Due work left for later: another advance (one second is enough) runs the "
        "next batch, and the task workers' scheduler settles and releases what is left.")


class AdvanceSerializer(serializers.Serializer):
    seconds = StrictIntegerField(min_value=1, max_value=2_592_000)
