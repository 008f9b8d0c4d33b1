"""Request bodies the documentation shows, for tests to send as they are or overridden."""

# `POST /v1/payments`: the documented example (a card payment that completes at once).
PAYMENT_BODY = {
    "amount": 49.99,
    "currency": "USD",
    "description": "Order #12345 - Premium Widget",
    "customer_email": "customer@example.com",
    "payment_method": "card",
    "metadata": {"order_id": "12345", "sku": "WIDGET-PRO-001"},
}
