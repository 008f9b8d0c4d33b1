"""Event types: the only place their names are spelled (seed 002's list, seed 003's words)."""

PAYMENT_CREATED = "payment.created"
PAYMENT_COMPLETED = "payment.completed"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELLED = "payment.cancelled"
PAYMENT_REFUNDED = "payment.refunded"
REFUND_CREATED = "refund.created"
REFUND_COMPLETED = "refund.completed"
REFUND_FAILED = "refund.failed"

ALL = (
    PAYMENT_CREATED,
    PAYMENT_COMPLETED,
    PAYMENT_FAILED,
    PAYMENT_CANCELLED,
    PAYMENT_REFUNDED,
    REFUND_CREATED,
    REFUND_COMPLETED,
    REFUND_FAILED,
)
CHOICES = [(name, name) for name in ALL]
