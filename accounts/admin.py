"""Operators' view of accounts and API keys: every change goes through the services."""

from django import forms
from django.contrib import admin, messages

from accounts import scopes, services
from accounts.models import Account, ApiKey, Scenario
from api.admin import ActionPermissionsMixin, permitted_action, secrets_page
from core import clock


class ScenarioInline(admin.TabularInline):
    model = Scenario
    fields = readonly_fields = ("public_id", "operation", "outcome", "remaining", "times",
                                "surface", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "sandbox_now", "created_at")
    search_fields = ("name", "public_id")
    readonly_fields = ("public_id", "sandbox_now", "clock_offset_seconds", "created_at")
    inlines = [ScenarioInline]

    @admin.display(description="sandbox clock")
    def sandbox_now(self, account):
        """The account's own time (`/v1/test/clock`), and how far ahead of the wall it runs."""
        if not account.clock_offset_seconds:
            return "wall clock"
        return f"{clock.now(account):%Y-%m-%d %H:%M:%S} UTC (+{account.clock_offset_seconds} s)"


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    """Scenarios are made through `/v1/test/scenarios`; here they are seen and deleted."""

    list_display = ("public_id", "account", "operation", "outcome", "remaining", "times",
                    "surface", "created_at")
    list_filter = ("operation", "outcome", "surface")
    search_fields = ("public_id", "account__name", "account__public_id")
    list_select_related = ("account",)
    fields = readonly_fields = ("public_id", "account", "operation", "outcome", "decline_code",
                                "delay_ms", "times", "remaining", "surface", "match",
                                "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, scenario):
        services.scenario_delete(account=scenario.account, scenario_id=scenario.public_id)

    def delete_queryset(self, request, queryset):
        for scenario in queryset.select_related("account"):
            self.delete_model(request, scenario)


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=scopes.CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["account", "name", "scopes", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(ActionPermissionsMixin, admin.ModelAdmin):
    """The secret is shown once, at creation; afterwards only its first characters."""

    list_display = ("name", "account", "client_id", "prefix", "scopes", "is_active",
                    "expires_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "client_id", "secret_prefix", "account__name")
    list_select_related = ("account",)
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("account", "name", "client_id", "prefix", "scopes", "is_active", "expires_at",
                "last_used_at", "created_at")

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or ["account", "name", "scopes",
                                                          "expires_at"]

    def has_change_permission(self, request, obj=None):
        # Created here, revoked by the action; never edited.
        return obj is None and super().has_change_permission(request)

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.revoke_apikey")

    @admin.display(description="secret")
    def prefix(self, key):
        return f"{key.secret_prefix}…"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created, secret = services.api_key_create(
            account=data["account"], name=data["name"], scopes=data["scopes"],
            expires_at=data["expires_at"],
        )
        obj.pk = created.pk
        obj.new_secret = secret  # for response_add, in this request only

    def response_add(self, request, obj, post_url_continue=None):
        return secrets_page(self, request, title="New API key",
                            secrets=[(obj.name, obj.new_secret)])

    @permitted_action("revoke", description="Revoke selected API keys")
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(key=key)
            self.log_change(request, key, "Revoked.")
        self.message_user(request, f"{queryset.count()} key(s) revoked.", messages.SUCCESS)
