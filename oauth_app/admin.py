"""Operators' view of OAuth clients and tokens: every change goes through the services."""

from django import forms
from django.contrib import admin
from django.core.validators import URLValidator
from django.db import transaction

from accounts import scopes
from api.admin import ActionPermissionsMixin, permitted_action, secrets_page
from oauth_app import services
from oauth_app.models import OAuthClient, OAuthToken
from oauth_app.oauth import AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN

GRANTS = [(g, g) for g in (AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS)]


class OAuthClientForm(forms.ModelForm):
    redirect_uris = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="One exact URI per line."
    )
    allowed_scopes = forms.MultipleChoiceField(
        choices=scopes.CHOICES, widget=forms.CheckboxSelectMultiple
    )
    allowed_grants = forms.MultipleChoiceField(choices=GRANTS, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = OAuthClient
        fields = ["client_id", "name", "account", "redirect_uris", "allowed_scopes",
                  "allowed_grants", "require_pkce", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["redirect_uris"] = "\n".join(self.instance.redirect_uris)
            # A viewer's form has no fields at all (the admin shows them read-only).
            for name in ("client_id", "account"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean_redirect_uris(self):
        uris = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines()
                if line.strip()]
        validate = URLValidator(schemes=["https", "http"])
        for uri in uris:
            validate(uri)
        return uris


@admin.register(OAuthClient)
class OAuthClientAdmin(ActionPermissionsMixin, admin.ModelAdmin):
    form = OAuthClientForm
    list_display = ("client_id", "name", "account", "is_active", "require_pkce", "created_at")
    list_filter = ("is_active",)
    search_fields = ("client_id", "name")
    actions = ["rotate_secret"]

    def has_rotate_secret_permission(self, request):
        """A new secret lets its holder mint tokens with the client's scopes: not for viewers."""
        return request.user.has_perm("oauth_app.rotate_secret_oauthclient")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.oauth_client_update(
                client=obj, **{name: data[name] for name in form.changed_data
                               if name not in ("client_id", "account")})
            return
        secret = services.new_client_secret()
        created = services.oauth_client_create(
            account=data["account"], client_id=data["client_id"], name=data["name"],
            secret=secret, redirect_uris=data["redirect_uris"], scopes=data["allowed_scopes"],
            grants=data["allowed_grants"], require_pkce=data["require_pkce"],
        )
        obj.pk = created.pk
        obj.new_secret = secret  # for response_add, in this request only

    def response_add(self, request, obj, post_url_continue=None):
        return secrets_page(self, request, title="New OAuth client",
                            secrets=[(obj.client_id, obj.new_secret)])

    @permitted_action("rotate_secret",
                      description="Rotate the client secret (the old one stops working)")
    def rotate_secret(self, request, queryset):
        rotated = []
        with transaction.atomic():  # all or none: a secret rotated but never shown is lost
            for client in queryset:
                secret = services.oauth_client_rotate_secret(client=client)
                rotated.append((client.client_id, secret))
                self.log_change(request, client, "Rotated the client secret.")
        return secrets_page(self, request, title="New client secrets", secrets=rotated)


@admin.register(OAuthToken)
class OAuthTokenAdmin(ActionPermissionsMixin, admin.ModelAdmin):
    list_display = ("client", "account", "scopes", "created_at", "access_expires_at",
                    "revoked_at")
    list_filter = ("client",)
    list_select_related = ("client", "account")
    fields = readonly_fields = ("client", "account", "scopes", "family", "created_at",
                                "access_expires_at", "refresh_expires_at", "refresh_used_at",
                                "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("oauth_app.revoke_oauthtoken")

    @permitted_action("revoke", description="Revoke (with every token of the same authorization)")
    def revoke(self, request, queryset):
        for token in queryset:
            services.oauth_family_revoke(token=token)
            self.log_change(request, token, "Revoked the token family.")
