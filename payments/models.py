"""Payments: charges in test mode, with their status and what has been refunded."""

from django.db import models
from django.utils import timezone

from accounts.models import Account
from core.formats import Format
from core.ids import id_factory
from payments.money import CURRENCY_CHOICES

PAYMENT_ID_PREFIX = "pay"
CARD_ID_PREFIX = "card"
CHARGE_ID_PREFIX = "ch"
SETUP_ID_PREFIX = "setup"


class PaymentStatus(models.TextChoices):
    REQUIRES_CONFIRMATION = "requires_confirmation"  # opened, to be confirmed by the client
    PENDING = "pending"
    PROCESSING = "processing"
    AUTHORIZED = "authorized"  # manual capture: confirmed, waiting to be captured
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class PaymentMethod(models.TextChoices):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    WALLET = "wallet"
    CRYPTO = "crypto"


class CaptureMethod(models.TextChoices):
    AUTOMATIC = "automatic"  # confirming captures
    AUTOMATIC_ASYNC = "automatic_async"  # the same here (its capture is synchronous too)
    MANUAL = "manual"  # confirming authorizes; `payment_capture` captures, within 7 days


class SetupFutureUsage(models.TextChoices):
    NONE = "", "not saved"
    ON_SESSION = "on_session"  # charged again with the customer present
    OFF_SESSION = "off_session"  # charged again without the customer


class Payment(models.Model):
    """A charge. Its status and money fields change only through `payments.services`."""

    public_id = models.CharField(max_length=32, unique=True,
                                 default=id_factory(PAYMENT_ID_PREFIX))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="payments")
    origin = models.CharField(max_length=10, choices=Format.choices, default=Format.V1,
                              help_text="The wire format it was made through: which events "
                              "about it each format sends, and its id's prefix.")
    amount_minor = models.BigIntegerField(help_text="Minor units of the currency (cents; yen).")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=24, choices=PaymentStatus.choices)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_method_id = models.CharField(max_length=64, blank=True, default="")
    customer_email = models.EmailField(max_length=254, blank=True, default="")
    customer_id = models.CharField(max_length=100, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    capture_method = models.CharField(max_length=15, choices=CaptureMethod.choices,
                                      default=CaptureMethod.AUTOMATIC)
    amount_received_minor = models.BigIntegerField(
        default=0, help_text="Minor units captured: the amount, or less after a partial "
        "capture; what refunds draw on.")
    capture_before = models.DateTimeField(
        null=True, blank=True, help_text="An authorization's expiry (by the account's clock): "
        "uncaptured by then, it is released (cancelled).")
    refunded_minor = models.BigIntegerField(default=0, help_text="Minor units refunded.")
    statement_descriptor = models.CharField(max_length=22, blank=True, default="")
    statement_descriptor_suffix = models.CharField(max_length=22, blank=True, default="")
    shipping = models.JSONField(null=True, blank=True, help_text="Where the goods go.")
    return_url = models.URLField(max_length=2048, blank=True, default="",
                                 help_text="Where the customer's browser returns after "
                                 "authenticating.")
    setup_future_usage = models.CharField(max_length=11, blank=True, default="",
                                          choices=SetupFutureUsage.choices,
                                          help_text="Keeps the card for later charges.")
    format_fields = models.JSONField(default=dict, blank=True, help_text="What the format that "
                                     "made it keeps about it for its own rendering (accepted "
                                     "options the sandbox does not act on).")
    latest_charge_id = models.CharField(max_length=32, blank=True, default="",
                                        help_text="The charge of its last confirmation (a "
                                        "refundable payment's is its approved one).")
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")
    updated_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="payment_account_recent"),
            models.Index(
                fields=["account", "status", "-created_at"], name="payment_account_status"
            ),
            models.Index(fields=["idempotency_key"], name="payment_idempotency_key"),
            # The scheduler's scan for settlements lost with their task (every tick): only
            # the few pending rows, not the whole table.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"),
                         name="payment_pending"),
            # The scheduler's scan for authorizations to release: only the authorized rows.
            models.Index(fields=["capture_before"], condition=models.Q(status="authorized"),
                         name="payment_authorized"),
        ]
        # The admin's actions, each granted on its own (viewing payments is not acting).
        permissions = [("cancel_payment", "Can cancel payments"),
                       ("export_payment", "Can export payments as CSV")]

    def __str__(self):
        return self.public_id

    @property
    def refundable_minor(self) -> int:
        """What refunds may still draw on: what was captured, less what was refunded."""
        return self.amount_received_minor - self.refunded_minor


class Customer(models.Model):
    """A customer of the account's business: payments name it by id; cards saved for it are
    charged later, the default one first."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("cus"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=256, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    default_card = models.ForeignKey("Card", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="Charged when none is named.")
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"],
                                name="customer_account_recent"),
                   models.Index(fields=["account", "email"], name="customer_account_email")]

    def __str__(self):
        return f"{self.name or self.email or self.public_id}"


class Card(models.Model):
    """A payment method of the account: a test card (`payments.testcards`), made from its number,
    a token or a test payment method id, and saved for a customer to be charged later."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory(CARD_ID_PREFIX))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=10, choices=Format.choices, default=Format.V1)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="cards", help_text="Saved for this customer.")
    number = models.CharField(max_length=19, help_text="The test card's number (its behaviour; "
                              "never a real card's).")
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    funding = models.CharField(max_length=10, default="credit")
    country = models.CharField(max_length=2, default="US")
    fingerprint = models.CharField(max_length=32)
    billing_details = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"],
                                name="card_account_recent"),
                   models.Index(fields=["customer", "-created_at"], name="card_customer")]

    def __str__(self):
        return f"{self.brand} …{self.last4}"


class ChargeStatus(models.TextChoices):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Charge(models.Model):
    """One attempt to charge a payment (each confirmation makes one): approved or declined,
    with the card it was made on as it was then. An approved one is what captures and
    refunds draw on (its payment's `latest_charge_id`)."""

    public_id = models.CharField(max_length=32, unique=True,
                                 default=id_factory(CHARGE_ID_PREFIX))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="charges")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices)
    amount_captured_minor = models.BigIntegerField(default=0, help_text="0 while only "
                                                   "authorized (or declined).")
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    method_id = models.CharField(max_length=64, blank=True, default="",
                                 help_text="The payment method as the payment named it.")
    card = models.JSONField(default=dict, blank=True, help_text="The card: brand, last4, "
                            "exp_month, exp_year, funding, country, fingerprint.")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"],
                                name="charge_account_recent")]

    def __str__(self):
        return self.public_id

    @property
    def captured(self) -> bool:
        return self.amount_captured_minor > 0


class SetupStatus(models.TextChoices):
    """How saving a card for later goes."""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


class SetupUsage(models.TextChoices):
    ON_SESSION = "on_session"
    OFF_SESSION = "off_session"


class Setup(models.Model):
    """Saving a card for a customer to charge later (off session, by default): confirmed,
    the card is checked and attached to the customer."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory(SETUP_ID_PREFIX))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=10, choices=Format.choices, default=Format.V1)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    method_id = models.CharField(max_length=64, blank=True, default="",
                                 help_text="The payment method to save, as it was named.")
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="The card saved by the setup.")
    status = models.CharField(max_length=24, choices=SetupStatus.choices)
    usage = models.CharField(max_length=11, choices=SetupUsage.choices,
                             default=SetupUsage.OFF_SESSION)
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    cancellation_reason = models.CharField(max_length=40, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    return_url = models.URLField(max_length=2048, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    format_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")
    updated_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"],
                                name="setup_account_recent")]

    def __str__(self):
        return self.public_id
