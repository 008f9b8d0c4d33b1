"""Event types: the only place their names are spelled (seed 002's list, seed 003's words),
and the Stripe dialect's (`/stripe/v1`, DESIGN.md §4), which Stripe-dialect endpoints receive.
"""

PAYMENT_CREATED = "payment.created"
PAYMENT_COMPLETED = "payment.completed"
PAYMENT_AUTHORIZED = "payment.authorized"  # manual capture: confirmed, to be captured
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELLED = "payment.cancelled"
PAYMENT_REFUNDED = "payment.refunded"
REFUND_CREATED = "refund.created"
REFUND_COMPLETED = "refund.completed"
REFUND_FAILED = "refund.failed"

ALL = (
    PAYMENT_CREATED,
    PAYMENT_COMPLETED,
    PAYMENT_AUTHORIZED,
    PAYMENT_FAILED,
    PAYMENT_CANCELLED,
    PAYMENT_REFUNDED,
    REFUND_CREATED,
    REFUND_COMPLETED,
    REFUND_FAILED,
)
CHOICES = [(name, name) for name in ALL]

# The Stripe dialect: Stripe's own names (its `refund.created` is spelled like ours, but its
# events carry Stripe's objects and go to Stripe-dialect endpoints only).
STRIPE_PAYMENT_INTENT_CREATED = "payment_intent.created"
STRIPE_PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
STRIPE_PAYMENT_INTENT_PAYMENT_FAILED = "payment_intent.payment_failed"
STRIPE_PAYMENT_INTENT_CANCELED = "payment_intent.canceled"
STRIPE_PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED = "payment_intent.amount_capturable_updated"
STRIPE_CHARGE_REFUNDED = "charge.refunded"
STRIPE_REFUND_CREATED = "refund.created"
STRIPE_CUSTOMER_CREATED = "customer.created"
STRIPE_CUSTOMER_UPDATED = "customer.updated"
STRIPE_CUSTOMER_DELETED = "customer.deleted"

STRIPE_ALL = (
    STRIPE_PAYMENT_INTENT_CREATED,
    STRIPE_PAYMENT_INTENT_SUCCEEDED,
    STRIPE_PAYMENT_INTENT_PAYMENT_FAILED,
    STRIPE_PAYMENT_INTENT_CANCELED,
    STRIPE_PAYMENT_INTENT_AMOUNT_CAPTURABLE_UPDATED,
    STRIPE_CHARGE_REFUNDED,
    STRIPE_REFUND_CREATED,
    STRIPE_CUSTOMER_CREATED,
    STRIPE_CUSTOMER_UPDATED,
    STRIPE_CUSTOMER_DELETED,
)
STRIPE_CHOICES = [(name, name) for name in STRIPE_ALL]
STRIPE_ALL_EVENTS = "*"  # in a Stripe endpoint's `enabled_events`: every type

# What an event row may hold, of either dialect (the admin's filter).
MODEL_CHOICES = [(name, name) for name in dict.fromkeys((*ALL, *STRIPE_ALL))]
