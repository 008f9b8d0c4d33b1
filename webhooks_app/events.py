"""Domain events: what happened, named once here, and how each wire format renders them.

Services emit domain events (`services.events_emit`) with the object they are about. Each
format registers, from its app's `AppConfig.ready`, what it makes of a domain event
(`RENDERINGS.register`): zero or more events of its own, each with its own type name and its
own rendering of the object, and the envelope its events are delivered in. An endpoint
receives the events of the format it was registered with.
"""

from collections.abc import Callable

PAYMENT_CREATED = "payment.created"
PAYMENT_COMPLETED = "payment.completed"
PAYMENT_AUTHORIZED = "payment.authorized"  # manual capture: confirmed, to be captured
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELLED = "payment.cancelled"
REFUND_CREATED = "refund.created"
REFUND_COMPLETED = "refund.completed"
REFUND_FAILED = "refund.failed"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_UPDATED = "customer.updated"
CUSTOMER_DELETED = "customer.deleted"
CHARGE_SUCCEEDED = "charge.succeeded"  # a confirmation's charge: approved
CHARGE_FAILED = "charge.failed"  # declined
CHARGE_CAPTURED = "charge.captured"  # an authorization captured
CHARGE_UPDATED = "charge.updated"
CARD_ATTACHED = "card.attached"  # saved for a customer
CARD_DETACHED = "card.detached"
CARD_UPDATED = "card.updated"
SETUP_CREATED = "setup.created"
SETUP_SUCCEEDED = "setup.succeeded"  # the card is saved
SETUP_FAILED = "setup.failed"  # declined: another card may be tried
SETUP_CANCELLED = "setup.cancelled"

ALL_TYPES = "*"  # in an endpoint's subscriptions: every type of its format

# render(subject) -> the object as the format shows it, or None: not an event of that format
# (a format may render only the objects it made).
Render = Callable[[object], dict | None]
# envelope(event, data, *, pending_webhooks) -> the JSON body delivered.
Envelope = Callable[..., dict]


class Renderings:
    """Per format, what each domain event becomes, and the envelope of its events."""

    def __init__(self):
        self._events: dict[tuple[str, str], list[tuple[str, Render]]] = {}
        self._envelopes: dict[str, Envelope] = {}

    def register(self, format_: str, domain_type: str, event_type: str, render: Render):
        self._events.setdefault((format_, domain_type), []).append((event_type, render))

    def register_envelope(self, format_: str, envelope: Envelope) -> None:
        self._envelopes[format_] = envelope

    def formats(self) -> list[str]:
        return list(self._envelopes)

    def envelope(self, format_: str) -> Envelope:
        return self._envelopes[format_]

    def of(self, format_: str, domain_type: str) -> list[tuple[str, Render]]:
        return self._events.get((format_, domain_type), [])


RENDERINGS = Renderings()
