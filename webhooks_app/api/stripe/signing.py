"""How Stripe signs a webhook: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`."""

import hashlib
import hmac
from datetime import datetime


def stripe_signature(*, secrets: list[str], payload: str, at: datetime) -> str:
    """As `stripe.Webhook.construct_event` verifies it: HMAC-SHA256 of `"{t}.{payload}"`
    keyed by the whole `whsec_...` string (UTF-8), not by its base64-decoded bytes as
    Standard Webhooks is; one `v1` per secret (a rotation's overlap); no spaces."""
    timestamp = int(at.timestamp())
    signed = f"{timestamp}.{payload}".encode()
    return ",".join([f"t={timestamp}", *(
        "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        for secret in secrets)])


def signed_headers(*, secrets: list[str], message_id: str, payload: str, at: datetime) -> dict:
    return {"Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": stripe_signature(secrets=secrets, payload=payload, at=at)}
