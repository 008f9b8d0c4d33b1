"""A database migrated on the layout before `accounts` and `api` existed upgrades in place:
every row survives the move of Account/ApiKey (oauth_app -> accounts) and IdempotencyKey
(payments -> api) and the renaming of amounts to `amount_minor`, and so do the permissions
granted on the moved models."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Account, ApiKey, hash_secret
from api.models import IdempotencyKey
from oauth_app.models import OAuthClient
from payments.models import Payment
from refunds.models import Refund
from webhooks_app.models import Event, WebhookEndpoint

# The newest migration of each app before the move (main at 11073f3).
BEFORE_THE_MOVE = [
    ("oauth_app", "0003_account_has_webhook_endpoints"),
    ("payments", "0002_created_at_default"),
    ("refunds", "0002_created_at_default"),
    ("webhooks_app", "0003_mark_accounts_with_endpoints"),
]
SECRET = "sk_test_upgrade_0123456789abcdef"


def migrate_to(targets):
    """Migrate (backwards) to `targets`; the historical models there, with auth's."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(
        [*targets, *executor.loader.graph.leaf_nodes("auth")]).apps


def fill_old_schema(apps) -> dict:
    """Rows as the old code wrote them, through the historical models."""
    OldAccount = apps.get_model("oauth_app", "Account")
    account = OldAccount.objects.create(public_id="acct_upgrade", name="Upgrade",
                                        has_webhook_endpoints=True)
    key = apps.get_model("oauth_app", "ApiKey").objects.create(
        account=account, name="k", client_id="client_upgrade", secret_hash=hash_secret(SECRET),
        secret_prefix=SECRET[:12], scopes=["payments:read", "refunds:write"])
    client = apps.get_model("oauth_app", "OAuthClient").objects.create(
        client_id="upgrade_app", name="Upgrade app", account=account, secret_hash="x",
        redirect_uris=["https://example.com/cb"], allowed_scopes=["payments:read"],
        allowed_grants=["client_credentials"])
    payment = apps.get_model("payments", "Payment").objects.create(
        public_id="pay_upgrade", account=account, amount=150000, currency="JPY",
        status="partially_refunded", payment_method="card", refunded_amount=50000,
        description="before the move")
    apps.get_model("refunds", "Refund").objects.create(
        public_id="ref_upgrade", payment=payment, amount=50000, currency="JPY",
        status="completed")
    apps.get_model("payments", "IdempotencyKey").objects.create(
        account=account, key="upgrade-key-1", fingerprint="f" * 64, method="POST",
        path="/v1/payments", status="completed", response_status=201,
        response_body=b'{"id":"pay_upgrade"}', response_content_type="application/json",
        expires_at=timezone.now() + timedelta(hours=1))
    endpoint = apps.get_model("webhooks_app", "WebhookEndpoint").objects.create(
        public_id="we_upgrade", account=account, url="https://example.com/hook",
        events=["payment.created"])
    apps.get_model("webhooks_app", "Event").objects.create(
        public_id="evt_upgrade", account=account, type="payment.created", payload="{}",
        object_id="pay_upgrade", created_at=timezone.now())
    # An operator group allowed to view API keys: the grant must follow the model.
    OldContentType = apps.get_model("contenttypes", "ContentType")
    apikey_type, _ = OldContentType.objects.get_or_create(app_label="oauth_app", model="apikey")
    OldPermission = apps.get_model("auth", "Permission")
    permission, _ = OldPermission.objects.get_or_create(
        content_type=apikey_type, codename="view_apikey", defaults={"name": "Can view API key"})
    group = apps.get_model("auth", "Group").objects.create(name="key viewers")
    group.permissions.add(permission)
    return {"account": account.pk, "key": key.pk, "client": client.pk, "endpoint": endpoint.pk}


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_layout_upgrades_with_every_row():
    try:
        old_apps = migrate_to(BEFORE_THE_MOVE)
        pks = fill_old_schema(old_apps)
    finally:
        ContentType.objects.clear_cache()
        call_command("migrate", verbosity=0)  # the upgrade, as an operator runs it
    ContentType.objects.clear_cache()

    account = Account.objects.get(pk=pks["account"])
    assert (account.public_id, account.name, account.has_webhook_endpoints) == (
        "acct_upgrade", "Upgrade", True)
    key = ApiKey.objects.get(pk=pks["key"])
    assert (key.account_id, key.client_id, key.scopes) == (
        account.pk, "client_upgrade", ["payments:read", "refunds:write"])
    assert OAuthClient.objects.get(pk=pks["client"]).account_id == account.pk
    payment = Payment.objects.get(public_id="pay_upgrade")
    assert (payment.account_id, payment.amount_minor, payment.refunded_minor) == (
        account.pk, 150000, 50000)
    assert Refund.objects.get(public_id="ref_upgrade").amount_minor == 50000
    record = IdempotencyKey.objects.get(key="upgrade-key-1")
    assert (record.account_id, bytes(record.response_body)) == (
        account.pk, b'{"id":"pay_upgrade"}')
    assert WebhookEndpoint.objects.get(pk=pks["endpoint"]).account_id == account.pk
    assert Event.objects.get(public_id="evt_upgrade").account_id == account.pk

    granted = Group.objects.get(name="key viewers").permissions.get()
    assert granted == Permission.objects.get(content_type__app_label="accounts",
                                             codename="view_apikey")
    assert not ContentType.objects.filter(app_label="oauth_app", model__in=["account", "apikey"])
    tables = set(connection.introspection.table_names())
    assert {"accounts_account", "accounts_apikey", "api_idempotencykey"} <= tables
    assert not {"oauth_app_account", "oauth_app_apikey", "payments_idempotencykey"} & tables


@pytest.mark.django_db(transaction=True)
def test_the_upgraded_rows_serve_the_api(client):
    try:
        fill_old_schema(migrate_to(BEFORE_THE_MOVE))
    finally:
        ContentType.objects.clear_cache()
        call_command("migrate", verbosity=0)
    response = client.get("/v1/payments/pay_upgrade", HTTP_AUTHORIZATION=f"Bearer {SECRET}")
    assert response.status_code == 200
    body = response.json()
    assert (body["amount"], body["refunded_amount"], body["currency"]) == (150000, 50000, "JPY")
    refunds = client.get("/v1/payments/pay_upgrade/refunds",
                         HTTP_AUTHORIZATION=f"Bearer {SECRET}").json()
    assert [r["id"] for r in refunds["data"]] == ["ref_upgrade"]
