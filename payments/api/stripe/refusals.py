"""How `/stripe/v1` words a refusal of a PaymentIntent's status: in Stripe's sentences, naming
the status Stripe would show (`rendering.status_of`), never the domain's."""

from core.errors import InvalidState
from payments.api.stripe.rendering import status_of

UPDATABLE = "requires_payment_method, requires_confirmation, requires_action"
# By what was refused (`InvalidState.action`); any other action: `OTHER`.
MESSAGES = {
    "capture": "This PaymentIntent could not be captured because it has a status of {status}. "
               "Only a PaymentIntent with one of the following statuses may be captured: "
               "requires_capture.",
    "cancel": "You cannot cancel this PaymentIntent because it has a status of {status}. Only "
              "a PaymentIntent with one of the following statuses may be canceled: "
              "requires_payment_method, requires_capture, requires_confirmation, "
              "requires_action, processing.",
}
OTHER = "You cannot {action} this PaymentIntent because it has a status of {status}."
# An update refused for one parameter (`InvalidState.param`).
PARAMETER = ("This PaymentIntent's {param} could not be updated because it has a status of "
             "{status}. You may only update the {param} of a PaymentIntent with one of the "
             f"following statuses: {UPDATABLE}.")


def refusal_message(exc: Exception, param_names: dict[str, str]) -> str | None:
    """Stripe's words for `exc` if it refuses an intent's status (None: not such a refusal;
    the intent's other refusals, a missing method or an expired authorization, name no
    status). `param_names`: the Stripe name of each domain argument."""
    if not isinstance(exc, InvalidState) or exc.code != InvalidState.code or exc.subject is None:
        return None
    status = status_of(exc.subject)
    if exc.action == "update" and exc.param:
        return PARAMETER.format(param=param_names.get(exc.param, exc.param), status=status)
    return MESSAGES.get(exc.action, OTHER).format(action=exc.action, status=status)
