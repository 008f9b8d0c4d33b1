"""The parameters of Checkout Sessions on `/stripe/v1`: creating one (line items described by
`price_data`), and expiring one."""

from datetime import UTC, datetime

from rest_framework import serializers

from api.stripe.filters import MAX_SECONDS
from api.stripe.params import MetadataField, StripeParams
from payments import money, services
from payments.api.stripe.serializers import HIGHEST_CHARGE, CurrencyField

# Stripe's Checkout locales (`Checkout.Session.Locale`): kept and shown; the page is English.
LOCALES = ("auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi",
           "fil", "fr", "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms",
           "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr",
           "vi", "zh", "zh-HK", "zh-TW")
NO_PRICES = ("Prices ('price_…') are not supported by the sandbox: describe the item with "
             "price_data[currency], price_data[unit_amount] and "
             "price_data[product_data][name].")


def supported_currency(value: str) -> str:
    """A currency code in either case, as the domain writes it (upper case)."""
    try:
        return money.get_currency(value.upper()).code
    except money.MoneyError as error:
        raise serializers.ValidationError(str(error), code="invalid_value") from None


class ProductDataParams(StripeParams):
    name = serializers.CharField(max_length=250)


class PriceDataParams(StripeParams):
    currency = CurrencyField(min_length=3, max_length=3)
    unit_amount = serializers.IntegerField(min_value=0, max_value=HIGHEST_CHARGE,
                                           help_text="Minor units (cents).")
    product_data = ProductDataParams()

    def validate_currency(self, value):
        return supported_currency(value)


class LineItemParams(StripeParams):
    """An item: `price_data` and `quantity` (a Price's id, `price`, is refused: the sandbox
    has no Prices)."""

    price_data = PriceDataParams()
    quantity = serializers.IntegerField(min_value=1, max_value=999_999)

    def to_internal_value(self, data):
        if isinstance(data, dict) and "price" in data:
            raise serializers.ValidationError({"price": [serializers.ErrorDetail(
                NO_PRICES, code="invalid_value")]})
        return super().to_internal_value(data)


class PaymentIntentDataParams(StripeParams):
    capture_method = serializers.ChoiceField(["automatic", "automatic_async", "manual"],
                                             required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)


class UnixTimeField(serializers.IntegerField):
    """Unix seconds, as an aware time."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_SECONDS, **kwargs)

    def run_validation(self, data=serializers.empty):
        seconds = super().run_validation(data)  # the bounds are checked on the number
        return datetime.fromtimestamp(seconds, UTC) if isinstance(seconds, int) else seconds


class StripeCheckoutSessionCreateSerializer(StripeParams):
    mode = serializers.ChoiceField(["payment", "setup"],
                                   help_text="`payment` (line items paid on the page) or "
                                   "`setup` (a card saved there); no subscriptions.")
    line_items = LineItemParams(many=True, required=False, max_length=100,
                                help_text="In payment mode, 1-100 items in one currency.")
    currency = CurrencyField(required=False, min_length=3, max_length=3,
                             help_text="Required in setup mode; in payment mode, the items'.")
    success_url = serializers.URLField(required=False, max_length=2048,
                                       help_text="`{CHECKOUT_SESSION_ID}` is filled in.")
    cancel_url = serializers.URLField(required=False, max_length=2048)
    customer = serializers.CharField(required=False, max_length=64)
    customer_email = serializers.EmailField(required=False, max_length=254)
    customer_creation = serializers.ChoiceField(["always", "if_required"], required=False)
    client_reference_id = serializers.CharField(required=False, max_length=200)
    metadata = MetadataField(required=False)
    expires_at = UnixTimeField(required=False, help_text="30 minutes to 24 hours ahead, by "
                               "the account's clock (default 24 hours).")
    payment_intent_data = PaymentIntentDataParams(required=False)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False, max_length=10,
        help_text="Only `card` in this sandbox.")
    locale = serializers.ChoiceField(LOCALES, required=False,
                                     help_text="Kept; the page is in English.")
    submit_type = serializers.ChoiceField(["auto", "book", "donate", "pay"], required=False,
                                          help_text="Kept.")

    def validate_currency(self, value):
        return supported_currency(value)


def checkout_fields(data: dict) -> dict:
    """A Checkout Session's parameters as `services.checkout_create` names them."""
    fields = {name: data[name] for name in (
        "mode", "currency", "success_url", "cancel_url", "customer_email", "customer_creation",
        "client_reference_id", "metadata", "expires_at", "payment_method_types", "locale",
        "submit_type") if name in data}
    if "customer" in data:
        fields["customer_id"] = data["customer"]
    fields["line_items"] = [services.LineItem(
        name=item["price_data"]["product_data"]["name"],
        unit_amount_minor=item["price_data"]["unit_amount"], quantity=item["quantity"],
        currency=item["price_data"]["currency"]) for item in data.get("line_items", [])]
    intent = data.get("payment_intent_data")
    if intent is not None or data["mode"] == "payment":
        intent = intent or {}
        fields["payment"] = services.PaymentData(
            capture_method=intent.get("capture_method", "automatic_async"),
            description=intent.get("description", ""), metadata=intent.get("metadata"))
    return fields


class StripeCheckoutSessionExpireSerializer(StripeParams):
    pass
