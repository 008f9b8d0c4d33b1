"""Scope checks: every operation names the scope it needs (see `api.surfaces`)."""

from rest_framework.permissions import BasePermission


def operation_handler(view, method: str):
    """The function answering `method` on `view`: a viewset's action, or `get`/`post`."""
    if method.lower() not in view.http_method_names:
        return None
    return getattr(view, getattr(view, "action", None) or method.lower(), None)


class HasRequiredScope(BasePermission):
    """Grants access when the caller holds the scope declared on the view's handler.

    A handler that declares no scope is refused: forgetting one can never make an endpoint
    public. Public views say so by setting `permission_classes = []`. An unauthenticated
    caller is refused too, which DRF turns into 401.
    """

    message = "This credential does not have the required scope."

    def has_permission(self, request, view):
        handler = operation_handler(view, request.method)
        if handler is None:
            return True  # not an operation of this view: the answer is 405, whoever asks
        if request.user is None:
            return False
        scope = getattr(handler, "required_scope", None)
        if scope is None:
            return False
        if scope and not request.user.has_scope(scope):
            self.message = f"This credential lacks the '{scope}' scope."
            return False
        return True
