"""What can go wrong in the domain, independent of any wire format.

Services raise these; each API surface renders them in its own shape (see `api.errors`).
"""


class ServiceError(Exception):
    """A domain rule refused the operation; carries what the client needs to fix it."""

    status = 400
    type = "invalid_request"
    code = "invalid_request"
    headers: dict[str, str] = {}

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        if code:
            self.code = code


class NotFound(ServiceError):
    """No such object for the caller: `kind` ("payment", "customer", ...) and `object_id`
    say which, `param` names the argument that named it."""

    status = 404
    type = "not_found"
    code = "resource_missing"

    def __init__(self, kind: str, object_id: str, *, param: str | None = None,
                 message: str | None = None):
        super().__init__(message or f"{kind[:1].upper()}{kind[1:]} '{object_id}' not found.",
                         param=param)
        self.kind = kind
        self.object_id = object_id


class InvalidState(ServiceError):
    """The object exists but its current status does not allow the operation: `subject` is
    the object, `action` what was refused ("confirm", "capture"), so that each format can
    word it with its own names for the statuses."""

    status = 409
    type = "invalid_request"
    code = "invalid_state"

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None,
                 subject=None, action: str | None = None):
        super().__init__(message, code=code, param=param)
        self.subject = subject
        self.action = action


class UnprocessableRequest(ServiceError):
    """Well-formed input that a business rule rejects (e.g. refund over the balance)."""

    status = 422
    type = "validation_error"
    code = "invalid_value"


class SimulatedFailure(ServiceError):
    """A failure an integrator asked for (a test scenario's `server_error` or `unavailable`).

    Raised before the operation wrote anything, once the scenario's count-down committed;
    nothing is stored for an idempotency key, so the same retry runs anew."""

    type = "api_error"

    def __init__(self, message: str, *, status: int, code: str, scenario_id: str,
                 retry_after: int | None = None):
        super().__init__(message, code=code)
        self.status = status
        self.scenario_id = scenario_id
        self.headers = {"Sandbox-Scenario": scenario_id}
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)


class Declined(ServiceError):
    """The card was declined where nothing stores the decline (saving it for a customer):
    `code` is the failure reason, as on a declined payment."""

    status = 402
    type = "card_declined"

    def __init__(self, message: str, *, code: str, param: str | None = None):
        super().__init__(message, code=code, param=param)
