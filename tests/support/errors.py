"""Reading an error as a client of each surface does: its status, then the fields the client
branches on, in that surface's shape. Each returns the error object for further checks.

    v1_error(response, 404, code="resource_missing", param="payment_id")
"""


def _fields(error: dict, expected: dict) -> None:
    assert {name: error.get(name) for name in expected} == expected, error


def v1_error(response, status: int, **expected) -> dict:
    """`/v1`'s envelope: `{"error": {"type", "code", "message", "status"[, "param",
    "errors"]}}`; `expected` names fields of `error` and their values."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status, error
    _fields(error, expected)
    return error


def stripe_error(response, status: int, **expected) -> dict:
    """Stripe's envelope: `{"error": {"type", "code", "message"[, "param"]}}`."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    _fields(error, expected)
    return error


def uqpay_error(response, status: int, **expected) -> dict:
    """UQPay's flat error: `{"code", "message"}`."""
    assert response.status_code == status, response.content
    error = response.json()
    _fields(error, expected)
    return error


def devdraft_error(response, status: int, **expected) -> dict:
    """devdraft's flat error: `{"statusCode", "message"}`, its status repeated."""
    assert response.status_code == status, response.content
    error = response.json()
    assert error["statusCode"] == status, error
    _fields(error, expected)
    return error


def oauth_error(response, status: int, error: str, **expected) -> dict:
    """RFC 6749's error: `{"error", "error_description"}`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error, body
    _fields(body, expected)
    return body
