"""What the Stripe shapes of payments share: times and client secrets."""

from django.utils.crypto import salted_hmac


def unix(value) -> int | None:
    """A time as Stripe writes it: whole Unix seconds."""
    return int(value.timestamp()) if value is not None else None


def client_secret(public_id: str) -> str:
    """`{id}_secret_…`: the same for the same object, unguessable without SECRET_KEY."""
    digest = salted_hmac("payments.stripe.client_secret", public_id,
                         algorithm="sha256").hexdigest()
    return f"{public_id}_secret_{digest[:24]}"
