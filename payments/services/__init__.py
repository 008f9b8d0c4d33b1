"""Every state change of payments, customers, cards, charges and setups (one module each)."""

from payments.services.cards import card_attach, card_create, card_detach, card_update
from payments.services.charges import charge_update
from payments.services.customers import customer_create, customer_delete, customer_update
from payments.services.payments import (
    payment_cancel,
    payment_capture,
    payment_confirm,
    payment_create,
    payment_facts,
    payment_lock,
    payment_open,
    payment_record_refund,
    payment_release,
    payment_settle,
    payment_update,
    payments_due,
    payments_release_due,
    payments_release_expired,
    payments_reset,
    payments_settle_overdue,
)
from payments.services.setups import setup_cancel, setup_confirm, setup_create, setup_update

__all__ = [
    "card_attach", "card_create", "card_detach", "card_update", "charge_update",
    "customer_create", "customer_delete", "customer_update", "payment_cancel",
    "payment_capture", "payment_confirm", "payment_create", "payment_facts", "payment_lock",
    "payment_open", "payment_record_refund", "payment_release", "payment_settle",
    "payment_update", "payments_due", "payments_release_due", "payments_release_expired",
    "payments_reset", "payments_settle_overdue", "setup_cancel", "setup_confirm",
    "setup_create", "setup_update",
]
