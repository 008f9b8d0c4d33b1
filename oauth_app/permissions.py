"""Scope checks: each view names the scope every HTTP method needs."""

from rest_framework.permissions import BasePermission


class HasRequiredScope(BasePermission):
    """Grants access when the caller holds `view.required_scopes[method]`.

    Views without `required_scopes` are public; an unauthenticated caller of a protected
    view gets 401 (DRF turns a denied anonymous request into NotAuthenticated).
    """

    message = "This credential does not have the required scope."

    def has_permission(self, request, view):
        required = getattr(view, "required_scopes", None)
        if required is None:
            return True
        scope = required.get(request.method)
        if request.user is None:
            return False
        if scope is None:
            return True
        if not request.user.has_scope(scope):
            self.message = f"This credential lacks the '{scope}' scope."
            return False
        return True
