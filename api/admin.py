"""Idempotency keys, read-only: operators see what a key named and what it answered.

Also the admin plumbing every app's admin shares: actions guarded by a permission of their
own, and the page that shows a new secret once.
"""

import functools
import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html

from api.models import IdempotencyKey
from core import json

# Values that authenticate something, by the prefixes this service gives them (webhook
# signing secrets, API keys, OAuth access and refresh tokens).
SECRET_TOKEN = re.compile(r"\b(whsec_|sk_|tok_|rtok_)[A-Za-z0-9_\-+/=.]+")
REDACTED = "[redacted]"


class ActionPermissionsMixin:
    """A crafted POST of an action the user may not run is refused with 403.

    Django leaves out the actions whose `has_<name>_permission` says no, but answers a POST
    naming one with a mere "no action selected" message; this makes the refusal explicit.
    Actions built with `permitted_action` check their permission again when they run.
    """

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


def permitted_action(permission: str, **options):
    """`@admin.action(permissions=[permission])` that also refuses (403) inside the action,
    so no other way of calling it skips `has_<permission>_permission`."""

    def decorate(function):
        @functools.wraps(function)
        def action(modeladmin, request, queryset):
            if not getattr(modeladmin, f"has_{permission}_permission")(request):
                raise PermissionDenied
            return function(modeladmin, request, queryset)

        return admin.action(permissions=[permission], **options)(action)

    return decorate


def secrets_page(modeladmin, request, *, title: str, secrets: list[tuple[str, str]]):
    """New secrets, shown once in the response of the request that made them: never in a
    flash message (a readable cookie) or the session, and never stored by a cache."""
    response = TemplateResponse(request, "admin/secrets_once.html", {
        **modeladmin.admin_site.each_context(request),
        "title": title, "opts": modeladmin.model._meta, "secrets": secrets,
    })
    patch_cache_control(response, no_store=True)
    return response


def redact(value):
    """A stored response as the admin may show it: values under a `secret` key and anything
    with a secret's prefix are replaced (the prefix stays, to say what it was)."""
    if isinstance(value, dict):
        return {key: REDACTED if _is_secret_key(key) else redact(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return SECRET_TOKEN.sub(rf"\1{REDACTED}", value)
    return value


def _is_secret_key(key) -> bool:
    return isinstance(key, str) and (key.lower() == "secret" or key.lower().endswith("_secret"))


def redact_body(body: bytes) -> str:
    text = body.decode(errors="replace")
    try:
        return json.dumps(redact(json.loads(text))).decode()
    except ValueError:  # not JSON: at least the prefixed secrets go
        return SECRET_TOKEN.sub(rf"\1{REDACTED}", text)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "account", "method", "path", "status", "response_status",
                    "created_at", "expires_at")
    list_filter = ("status", "method")
    search_fields = ("key", "path")
    list_select_related = ("account",)
    fields = readonly_fields = ("key", "account", "method", "path", "fingerprint", "status",
                                "response_status", "response_content_type", "stored_response",
                                "created_at", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="stored response")
    def stored_response(self, record):
        body = redact_body(bytes(record.response_body or b""))
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", body or "—")
