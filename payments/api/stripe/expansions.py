"""What `expand[]` expands of the objects of payments on `/stripe/v1` (`api.stripe.expand`):
how PaymentIntents, Customers, PaymentMethods, Charges and SetupIntents are loaded by id (one
query for all of a page's), and which of their fields (and of Checkout Sessions') hold one of
them; and a Checkout Session's `line_items`, which Stripe leaves out unless expanded.

Fields Stripe lets expand that the sandbox always renders null (`application`, `review`,
`balance_transaction`, …) are registered without a target: accepted, and null they stay.
"""

from core import clock
from payments import selectors
from payments.api.stripe.cards import charge_to_stripe, method_to_stripe
from payments.api.stripe.checkouts import line_item_to_stripe
from payments.api.stripe.common import unix
from payments.api.stripe.rendering import customer_to_stripe, payment_to_stripe
from payments.api.stripe.setups import setup_to_stripe

SESSION_LINE_ITEMS = 10  # an expanded `line_items`: its first page, as Stripe shows it


def intents(account, ids: list[str]) -> dict[str, dict]:
    return {payment_id: payment_to_stripe(payment) for payment_id, payment in
            selectors.payments_by_id(account=account, payment_ids=ids).items()}


def customers(account, ids: list[str]) -> dict[str, dict]:
    return {customer_id: customer_to_stripe(customer) for customer_id, customer in
            selectors.customers_by_id(account=account, customer_ids=ids).items()}


def methods(account, ids: list[str]) -> dict[str, dict]:
    """Saved cards, and the cards test method ids stand for (made now, as a retrieve of one
    shows them)."""
    now = unix(clock.now(account))
    return {method_id: method_to_stripe(method, created=now) for method_id, method in
            selectors.methods_by_id(account=account, method_ids=ids).items()}


def charges(account, ids: list[str]) -> dict[str, dict]:
    return {charge_id: charge_to_stripe(charge) for charge_id, charge in
            selectors.charges_by_id(account=account, charge_ids=ids).items()}


def setups(account, ids: list[str]) -> dict[str, dict]:
    return {setup_id: setup_to_stripe(setup) for setup_id, setup in
            selectors.setups_by_id(account=account, setup_ids=ids).items()}


def session_line_items(account, session_ids: list[str]) -> dict[str, dict]:
    """Each Checkout Session's `line_items`: Stripe's list object of its first items, as
    given (its `url` the session's line items)."""
    found = selectors.line_items_of_checkouts(account=account, checkout_ids=session_ids,
                                              limit=SESSION_LINE_ITEMS)
    return {session_id: {"object": "list",
                         "data": [line_item_to_stripe(item)
                                  for item in rows[:SESSION_LINE_ITEMS]],
                         "has_more": len(rows) > SESSION_LINE_ITEMS,
                         "url": f"/v1/checkout/sessions/{session_id}/line_items"}
            for session_id, rows in found.items()}


OBJECTS = {"payment_intent": intents, "customer": customers, "payment_method": methods,
           "charge": charges, "setup_intent": setups}
# Per Stripe object type: each field Stripe's types declare expandable (`string | Object`) and
# the type it holds; None for those the sandbox always renders null (no Connect, reviews,
# balance transactions, mandates, ...): accepted, and null they stay.
FIELDS = {
    "payment_intent": {"customer": "customer", "payment_method": "payment_method",
                       "latest_charge": "charge", "application": None, "on_behalf_of": None,
                       "payment_record": None, "review": None, "source": None},
    "charge": {"customer": "customer", "payment_intent": "payment_intent",
               "application": None, "application_fee": None, "balance_transaction": None,
               "failure_balance_transaction": None, "on_behalf_of": None, "review": None,
               "source_transfer": None, "transfer": None},
    "setup_intent": {"customer": "customer", "payment_method": "payment_method",
                     "application": None, "latest_attempt": None, "mandate": None,
                     "on_behalf_of": None, "single_use_mandate": None},
    "payment_method": {"customer": "customer"},
    "customer": {"invoice_settings.default_payment_method": "payment_method",
                 "default_source": None, "test_clock": None},
    "checkout.session": {"customer": "customer", "payment_intent": "payment_intent",
                         "setup_intent": "setup_intent", "invoice": None,
                         "payment_link": None, "subscription": None},
}


def register_expansions(registry) -> None:
    for object_type, load in OBJECTS.items():
        registry.register_object(object_type, load)
    for object_type, fields in FIELDS.items():
        for path, target in fields.items():
            registry.register_field(object_type, path, target)
    registry.register_field("checkout.session", "line_items", "item", load=session_line_items,
                            key=lambda session: session.get("id"), many=True)
