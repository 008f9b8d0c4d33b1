"""Card declines in Stripe's words: the code, decline code and message Stripe gives each
reason a card is declined for."""

GENERIC_DECLINE = "Your card was declined."
# A failure reason as Stripe reports it: (code, decline_code, message, param).
DECLINES = {
    "card_declined": ("card_declined", "generic_decline", GENERIC_DECLINE, None),
    "insufficient_funds": ("card_declined", "insufficient_funds",
                           "Your card has insufficient funds.", None),
    "lost_card": ("card_declined", "lost_card", GENERIC_DECLINE, None),
    "stolen_card": ("card_declined", "stolen_card", GENERIC_DECLINE, None),
    "fraudulent": ("card_declined", "fraudulent", GENERIC_DECLINE, None),
    "expired_card": ("expired_card", "expired_card", "Your card has expired.", "exp_month"),
    "incorrect_cvc": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.",
                      "cvc"),
    "processing_error": ("processing_error", "processing_error",
                         "An error occurred while processing your card. Try again in a little "
                         "bit.", None),
    "authentication_required": ("authentication_required", "authentication_required",
                                "Your card was declined. This transaction requires "
                                "authentication.", None),
    # The amount trigger of large round amounts: over the card's limit.
    "amount_exceeds_limit": ("card_declined", "card_velocity_exceeded", GENERIC_DECLINE, None),
}


def decline_of(failure_reason: str) -> tuple[str, str, str, str | None]:
    """Stripe's (code, decline_code, message, param) of a failure reason: for a 402's error
    body, `last_payment_error` and a failed charge. Declines Stripe files under
    `card_declined` (do_not_honor, ...) keep the reason as their `decline_code`."""
    return DECLINES.get(failure_reason, ("card_declined", failure_reason, GENERIC_DECLINE, None))


def card_error_of(failure_reason: str) -> dict:
    """Stripe's card error for a decline (null keys left out, as Stripe leaves them out)."""
    code, decline_code, message, param = decline_of(failure_reason)
    error = {"type": "card_error", "code": code, "decline_code": decline_code,
             "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
             "message": message}
    if param:
        error["param"] = param
    return error
