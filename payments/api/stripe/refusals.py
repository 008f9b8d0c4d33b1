"""How `/stripe/v1` words a refusal of an object's state: in Stripe's sentences, naming the
status Stripe would show (each object's `status_of`), never the domain's words for it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import InvalidState
from payments.api.stripe import rendering, setups

# Any action a `Refusals` has no sentence of its own for.
OTHER = "You cannot {action} this {noun} because it has a status of {status}."
# A confirmation refused for want of a payment method (the domain's code
# `payment_method_missing`), as Stripe words it.
MISSING_METHOD = ("You cannot confirm this {noun} because it's missing a payment method. You "
                  "can either update the {noun} with a payment method and then confirm it "
                  "again, or confirm it again directly with a payment method.")
# An update refused for one parameter (`InvalidState.param`).
PARAMETER = ("This {noun}'s {param} could not be updated because it has a status of "
             "{status}. You may only update the {param} of a {noun} with one of the "
             "following statuses: {updatable}.")


@dataclass(frozen=True)
class Refusals:
    """The refusals of one kind of intent: `noun` is Stripe's name for it, `status_of` its
    status as Stripe shows it; `messages` the sentence of each refused action
    (`InvalidState.action`; any other: `OTHER`), `updatable` the statuses whose parameters
    can change (for `PARAMETER`)."""

    noun: str
    status_of: Callable[[object], str]
    messages: dict[str, str] = field(default_factory=dict)
    updatable: str = ""

    def message(self, exc: Exception, param_names: dict[str, str]) -> str | None:
        """Stripe's words for `exc` if it refuses the object's status or a confirmation
        without a payment method (None: not such a refusal; an expired authorization names
        no status).
        `param_names`: the Stripe name of each domain argument."""
        if isinstance(exc, InvalidState) and exc.code == "payment_method_missing":
            return MISSING_METHOD.format(noun=self.noun)
        if not isinstance(exc, InvalidState) or exc.code != InvalidState.code or (
                exc.subject is None):
            return None
        words = {"noun": self.noun, "action": exc.action,
                 "status": self.status_of(exc.subject), "updatable": self.updatable}
        if exc.action == "update" and exc.param and self.updatable:
            return PARAMETER.format(param=param_names.get(exc.param, exc.param), **words)
        return self.messages.get(exc.action, OTHER).format(**words)


PAYMENT_INTENT = Refusals(
    "PaymentIntent", rendering.status_of, {
        "capture": "This PaymentIntent could not be captured because it has a status of "
                   "{status}. Only a PaymentIntent with one of the following statuses may be "
                   "captured: requires_capture.",
        "cancel": "You cannot cancel this PaymentIntent because it has a status of {status}. "
                  "Only a PaymentIntent with one of the following statuses may be canceled: "
                  "requires_payment_method, requires_capture, requires_confirmation, "
                  "requires_action, processing.",
    }, updatable="requires_payment_method, requires_confirmation, requires_action")

SETUP_INTENT = Refusals(
    "SetupIntent", setups.status_of, {
        "cancel": "You cannot cancel this SetupIntent because it has a status of {status}. "
                  "Only a SetupIntent with one of the following statuses may be canceled: "
                  "requires_payment_method, requires_confirmation, requires_action.",
    })

# A PaymentMethod has no status: what is refused is attaching one saved for another customer,
# or detaching one attached to none (`InvalidState.action`), in Stripe's sentences.
PAYMENT_METHOD = {
    "attach": "The payment method you provided has already been attached to a customer.",
    "detach": "The payment method you provided is not attached to a customer so detachment "
              "is impossible.",
}


METHOD_STATE = "payment_method_unexpected_state"  # the domain's code of those refusals


def method_refusal(exc: Exception) -> str | None:
    """Stripe's words for a refused attach or detach, wherever it happens (a PaymentMethod's
    own endpoints, a SetupIntent saving the card); None: another error."""
    if isinstance(exc, InvalidState) and exc.code == METHOD_STATE:
        return PAYMENT_METHOD.get(exc.action)
    return None
