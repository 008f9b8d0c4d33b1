"""The parameters of PaymentIntents and Customers on `/stripe/v1`."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.stripe.params import FormBooleanField, MetadataField, StripeParams
from payments import money
from payments.api.stripe.rendering import REQUESTABLE_CANCELLATION_REASONS

PAYMENT_METHOD = RegexValidator(r"^pm_[A-Za-z0-9_]{1,60}$", "No such PaymentMethod.")
# The widest bounds of an amount in minor units, over every currency (each currency's own are
# checked once it is known): the smallest charge (GBP 30) and the largest (99,999,999).
LOWEST_CHARGE = min(currency.minimum for currency in money.CURRENCIES.values())
HIGHEST_CHARGE = max(currency.maximum for currency in money.CURRENCIES.values())


@extend_schema_field({"type": "integer", "minimum": LOWEST_CHARGE, "maximum": HIGHEST_CHARGE,
                      "description": "Minor units (cents), within the currency's limits (USD "
                      "50 - 99,999,999; GBP from 30; JPY 50 - 99,999,999)."})
class ChargeAmountField(serializers.IntegerField):
    """A PaymentIntent's amount (the currency's limits are checked by `validate`)."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": HIGHEST_CHARGE})
class MinorAmountField(serializers.IntegerField):
    """A part of a payment's amount (captured, refunded), in minor units: at most what the
    payment allows, which the service checks; never more than any charge."""


def _either_case(code: str) -> str:
    return "".join(f"[{letter.lower()}{letter.upper()}]" for letter in code)


@extend_schema_field({
    "type": "string", "example": "usd",
    "pattern": f"^({'|'.join(_either_case(code) for code in money.CURRENCIES)})$",
    "description": f"A supported currency, in either case: {', '.join(money.CURRENCIES).lower()}.",
})
class CurrencyField(serializers.CharField):
    """Three letters, in either case; a currency the sandbox does not support is refused by
    `validate`."""


# --- What PaymentIntents, SetupIntents and PaymentMethods share ------------------------------


class AddressParams(StripeParams):
    city = serializers.CharField(required=False, allow_blank=True, max_length=200)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    line1 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    state = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ShippingParams(StripeParams):
    address = AddressParams()
    name = serializers.CharField(max_length=200)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=200)


class BillingDetailsParams(StripeParams):
    address = AddressParams(required=False)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class AutomaticPaymentMethodsParams(StripeParams):
    enabled = FormBooleanField()
    allow_redirects = serializers.ChoiceField(["always", "never"], required=False)


class CardOptionsParams(StripeParams):
    request_three_d_secure = serializers.ChoiceField(["automatic", "any", "challenge"],
                                                     required=False)
    setup_future_usage = serializers.ChoiceField(["none", "off_session", "on_session"],
                                                 required=False)
    capture_method = serializers.ChoiceField(["manual"], required=False)


class PaymentMethodOptionsParams(StripeParams):
    card = CardOptionsParams(required=False)


@extend_schema_field({"oneOf": [{"type": "boolean"},
                               {"type": "string", "enum": ["one_off", "recurring"]}]})
class OffSessionField(serializers.Field):
    """`off_session`: true or false, or Stripe's `one_off` and `recurring` (both true)."""

    default_error_messages = {"invalid": "Invalid off_session: {input}"}

    def to_internal_value(self, data):
        if data in (True, "true", "one_off", "recurring"):
            return True
        if data in (False, "false"):
            return False
        self.fail("invalid", input=str(data)[:100])

    def to_representation(self, value):
        return value


ACCEPTED = {"help_text": "Accepted and not used by the sandbox."}


class OnlineAcceptanceParams(StripeParams):
    ip_address = serializers.CharField(required=False, max_length=45)
    user_agent = serializers.CharField(required=False, max_length=500)


class CustomerAcceptanceParams(StripeParams):
    type = serializers.ChoiceField(["online", "offline"])
    accepted_at = serializers.IntegerField(required=False, min_value=0)
    online = OnlineAcceptanceParams(required=False)


class MandateDataParams(StripeParams):
    customer_acceptance = CustomerAcceptanceParams()


class IntentOptionsParams(StripeParams):
    """What creating, updating and confirming an intent take besides its own fields."""

    payment_method_options = PaymentMethodOptionsParams(required=False)
    mandate_data = MandateDataParams(required=False, **ACCEPTED)


def shipping_of(data: dict) -> dict:
    """Shipping details as Stripe shows them: every key present."""
    address = {key: data["address"].get(key) or None for key in AddressParams().fields}
    return {"address": address, "carrier": data.get("carrier") or None, "name": data["name"],
            "phone": data.get("phone") or None,
            "tracking_number": data.get("tracking_number") or None}


def kept_fields(data: dict) -> dict:
    """What only Stripe's shape shows of an intent, kept as sent (`format_fields`)."""
    kept = {}
    automatic = data.get("automatic_payment_methods")
    if automatic is not None:
        kept["automatic_payment_methods"] = {
            "allow_redirects": automatic.get("allow_redirects", "always"),
            "enabled": automatic["enabled"]}
    if data.get("payment_method_types"):
        kept["payment_method_types"] = list(data["payment_method_types"])
    secure = (data.get("payment_method_options") or {}).get("card", {}).get(
        "request_three_d_secure")
    if secure:
        kept["request_three_d_secure"] = secure
    return kept


class StripePaymentIntentCreateSerializer(IntentOptionsParams):
    amount = ChargeAmountField(min_value=1)
    currency = CurrencyField(min_length=3, max_length=3)
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    confirm = serializers.BooleanField(required=False, default=False)
    off_session = OffSessionField(required=False, help_text="With `confirm`: charge a saved "
                                  "card without the customer present.")
    error_on_requires_action = FormBooleanField(required=False, **ACCEPTED)
    capture_method = serializers.ChoiceField(
        ["automatic", "automatic_async", "manual"], required=False, default="automatic_async")
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False, max_length=10,
        help_text="Only `card` in this sandbox.")
    automatic_payment_methods = AutomaticPaymentMethodsParams(required=False)
    return_url = serializers.URLField(required=False, max_length=2048)
    setup_future_usage = serializers.ChoiceField(["on_session", "off_session"], required=False)
    shipping = ShippingParams(required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    statement_descriptor_suffix = serializers.CharField(required=False, max_length=22)

    def validate(self, attrs):
        currency = attrs["currency"].upper()
        try:
            money.check_limits(attrs["amount"], money.get_currency(currency))
        except money.MoneyError as exc:
            raise serializers.ValidationError({"amount": [str(exc)]}) from None
        return {**attrs, "currency": currency}


class StripePaymentIntentUpdateSerializer(IntentOptionsParams):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False, max_length=10)
    setup_future_usage = serializers.ChoiceField(["on_session", "off_session", ""],
                                                 required=False)
    shipping = ShippingParams(required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    statement_descriptor_suffix = serializers.CharField(required=False, max_length=22)


class StripePaymentIntentConfirmSerializer(IntentOptionsParams):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    return_url = serializers.URLField(required=False, max_length=2048)
    off_session = OffSessionField(required=False)
    error_on_requires_action = FormBooleanField(required=False, **ACCEPTED)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    setup_future_usage = serializers.ChoiceField(["on_session", "off_session", ""],
                                                 required=False)
    shipping = ShippingParams(required=False)


class StripePaymentIntentCaptureSerializer(StripeParams):
    amount_to_capture = MinorAmountField(min_value=1, required=False)


class StripePaymentIntentCancelSerializer(StripeParams):
    cancellation_reason = serializers.ChoiceField(REQUESTABLE_CANCELLATION_REASONS,
                                                  required=False)


class InvoiceSettingsParams(StripeParams):
    default_payment_method = serializers.CharField(required=False, allow_blank=True,
                                                   max_length=64)


class StripeCustomerSerializer(StripeParams):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=256)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    metadata = MetadataField(required=False)
    invoice_settings = InvoiceSettingsParams(required=False)


class StripeCustomerCreateSerializer(StripeCustomerSerializer):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD],
                                           help_text="Saved for the new customer.")


def intent_fields(data: dict) -> dict:
    """A PaymentIntent's parameters as the payment services name them."""
    names = {"payment_method": "payment_method_id", "customer": "customer_id",
             "receipt_email": "customer_email", "description": "description",
             "metadata": "metadata", "return_url": "return_url",
             "setup_future_usage": "setup_future_usage",
             "statement_descriptor": "statement_descriptor",
             "statement_descriptor_suffix": "statement_descriptor_suffix"}
    fields = {names[name]: value for name, value in data.items()
              if name in names and (name != "customer" or value)}
    if "shipping" in data:
        fields["shipping"] = shipping_of(data["shipping"])
    kept = kept_fields(data)
    if kept:
        fields["format_fields"] = kept
    return fields


def customer_fields(data: dict) -> dict:
    """A Customer's parameters as the customer services name them."""
    fields = {name: data[name] for name in ("email", "name", "description", "phone", "metadata")
              if name in data}
    settings = data.get("invoice_settings") or {}
    if "default_payment_method" in settings:
        fields["default_card_id"] = settings["default_payment_method"]
    return fields


# --- PaymentMethods ------------------------------------------------------------------------


class CardParams(StripeParams):
    """A card: a test card number with its expiry (and any CVC), or a token (`tok_visa`)."""

    number = serializers.CharField(required=False, max_length=23)
    exp_month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    exp_year = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    cvc = serializers.CharField(required=False, max_length=4, **ACCEPTED)
    token = serializers.CharField(required=False, max_length=64)

    def validate(self, attrs):
        if bool(attrs.get("number")) == bool(attrs.get("token")):
            raise serializers.ValidationError({"number": ["Give card[number] (with "
                                                          "card[exp_month] and card[exp_year]) "
                                                          "or card[token]."]})
        return attrs


class StripePaymentMethodCreateSerializer(StripeParams):
    type = serializers.ChoiceField(["card"])
    card = CardParams()
    billing_details = BillingDetailsParams(required=False)
    metadata = MetadataField(required=False)
    allow_redisplay = serializers.ChoiceField(["always", "limited", "unspecified"],
                                              required=False, **ACCEPTED)


class CardUpdateParams(StripeParams):
    exp_month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    exp_year = serializers.IntegerField(required=False, min_value=0, max_value=9999)


class StripePaymentMethodUpdateSerializer(StripeParams):
    billing_details = BillingDetailsParams(required=False)
    metadata = MetadataField(required=False, allow_clear=True)
    card = CardUpdateParams(required=False)
    allow_redisplay = serializers.ChoiceField(["always", "limited", "unspecified"],
                                              required=False, **ACCEPTED)


class StripePaymentMethodAttachSerializer(StripeParams):
    customer = serializers.CharField(max_length=64)


class StripePaymentMethodDetachSerializer(StripeParams):
    pass


# --- Charges -------------------------------------------------------------------------------


class StripeChargeUpdateSerializer(StripeParams):
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False, allow_clear=True)


# --- SetupIntents --------------------------------------------------------------------------


class StripeSetupIntentCreateSerializer(IntentOptionsParams):
    customer = serializers.CharField(required=False, max_length=64)
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    usage = serializers.ChoiceField(["off_session", "on_session"], required=False,
                                    default="off_session")
    confirm = FormBooleanField(required=False, default=False)
    automatic_payment_methods = AutomaticPaymentMethodsParams(required=False)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False, max_length=10)
    return_url = serializers.URLField(required=False, max_length=2048)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)


class StripeSetupIntentUpdateSerializer(IntentOptionsParams):
    customer = serializers.CharField(required=False, max_length=64)
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False, max_length=10)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False, allow_clear=True)


class StripeSetupIntentConfirmSerializer(IntentOptionsParams):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    return_url = serializers.URLField(required=False, max_length=2048)


class StripeSetupIntentCancelSerializer(StripeParams):
    cancellation_reason = serializers.ChoiceField(
        ["abandoned", "duplicate", "requested_by_customer"], required=False)
