"""Reads of payments, always scoped to the calling account."""

from accounts.models import Account
from core import sql
from core.errors import NotFound
from payments.models import Customer, Payment
from webhooks_app.models import Event


def payment_list(*, account: Account, customer_id: str | None = None):
    payments = Payment.objects.filter(account=account)
    return payments if not customer_id else payments.filter(customer_id=customer_id)


def payment_get(*, account: Account, payment_id: str) -> Payment:
    payment = sql.get_with(Payment, public_id=payment_id, account_id=account.pk)  # hot path
    if payment is None:
        raise NotFound("payment", payment_id, param="payment_id")
    payment.account = account  # the caller's instance: no second read of the account
    return payment


def payment_events(*, payment: Payment):
    """Events about the payment and its refunds, oldest first (for the admin)."""
    object_ids = [payment.public_id, *payment.refunds.values_list("public_id", flat=True)]
    return Event.objects.filter(account_id=payment.account_id, object_id__in=object_ids).order_by(
        "created_at", "id"
    )


def customer_list(*, account: Account, email: str | None = None):
    customers = Customer.objects.filter(account=account)
    return customers if email is None else customers.filter(email=email)


def customer_get(*, account: Account, customer_id: str) -> Customer:
    customer = Customer.objects.filter(account=account, public_id=customer_id).first()
    if customer is None:
        raise NotFound("customer", customer_id, param="customer_id")
    return customer


def customers_by_id(*, account: Account, customer_ids) -> dict[str, Customer]:
    """The account's customers named in `customer_ids`, by id (one query; unknown ids are
    left out)."""
    ids = {customer_id for customer_id in customer_ids if customer_id}
    if not ids:
        return {}
    return {customer.public_id: customer
            for customer in Customer.objects.filter(account=account, public_id__in=ids)}
