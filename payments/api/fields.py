"""Money on the wire, for every surface that takes or shows amounts in major units."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import numbers
from api.fields import StrictChoiceField
from payments import money


def _major(minor: int, currency: money.Currency) -> Decimal:
    return Decimal(minor).scaleb(-currency.exponent)


# The widest bounds an amount in major units can have, over every currency: what the schema
# can say of a rule that depends on the currency (its decimals and limits are in the
# serializer's `validate`, answered 422). The smallest amount of any currency (0.01) ...
SMALLEST = min(_major(1, currency) for currency in money.CURRENCIES.values())
# ... the smallest charge (GBP 0.30) and the largest (JPY 99,999,999; nothing is refunded
# beyond what was charged).
LOWEST_CHARGE = min(_major(c.minimum, c) for c in money.CURRENCIES.values())
HIGHEST_CHARGE = max(_major(c.maximum, c) for c in money.CURRENCIES.values())


def _amount_schema(minimum: Decimal, description: str) -> dict:
    return {"type": "number", "format": "decimal", "minimum": float(minimum),
            "maximum": int(HIGHEST_CHARGE), "example": 49.99, "description": description}


@extend_schema_field(_amount_schema(
    SMALLEST, "Major units, with at most the currency's decimals (JPY none, others 2)."))
class AmountField(serializers.Field):
    """A JSON number in major units, parsed as Decimal (never float).

    Currency-dependent checks (precision, limits) happen in the serializer's `validate`,
    through `payments.money`, once the currency is known.
    """

    def to_internal_value(self, data):
        if isinstance(data, numbers.OutOfRange):
            raise serializers.ValidationError(numbers.OUT_OF_RANGE_MESSAGE,
                                              code="number_out_of_range")
        try:
            return money.parse_amount(data)
        except money.MoneyError as exc:
            raise serializers.ValidationError(str(exc), code=exc.code) from None


@extend_schema_field(_amount_schema(
    LOWEST_CHARGE, "Major units. At most the currency's decimals (JPY none, others 2), within "
    "its limits (e.g. USD 0.50 - 999,999.99; GBP from 0.30; JPY 50 - 99,999,999)."))
class ChargeAmountField(AmountField):
    """The amount of a payment: within its currency's limits (checked by `validate`)."""


class CurrencyField(StrictChoiceField):
    default_error_messages = {"invalid_choice": "'{input}' is not a supported currency."}

    def __init__(self, **kwargs):
        super().__init__(choices=money.CURRENCY_CHOICES, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


def amount_minor_for_currency(attrs: dict) -> dict:
    """Replace `amount` (Decimal, major units) by `amount_minor` for `attrs['currency']`,
    within the currency's charge limits."""
    try:
        currency = money.get_currency(attrs["currency"])
        minor = money.to_minor(attrs["amount"], currency)
        money.check_limits(minor, currency)
    except money.MoneyError as exc:
        raise serializers.ValidationError({"amount": [exc.args[0]]}, code=exc.code) from None
    attrs = {name: value for name, value in attrs.items() if name != "amount"}
    attrs["amount_minor"] = minor
    return attrs


@extend_schema_field(OpenApiTypes.NUMBER)
class MoneyOutField(serializers.Field):
    """Minor units rendered as a JSON number with exactly the currency's digits."""

    def __init__(self, attribute: str, **kwargs):
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return money.to_major(getattr(obj, self.attribute), obj.currency)
