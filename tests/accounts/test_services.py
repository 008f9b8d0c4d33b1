"""The test-data reset deletes what every app registered, for the one account only."""

from accounts import services
from accounts.services import account_create
from payments.models import Payment
from payments.services import payment_create
from webhooks_app.models import Event, WebhookEndpoint
from webhooks_app.services import endpoint_create


def test_reset_deletes_only_the_accounts_payments_endpoints_and_events(demo):
    other = account_create(name="Other")
    for account in (demo, other):
        endpoint_create(account=account, url="https://example.com/hook",
                        events=["payment.created"])
        payment_create(account=account, amount_minor=4999, currency="USD")
    services.test_data_reset(account=demo)
    assert list(Payment.objects.values_list("account", flat=True)) == [other.pk]
    assert list(WebhookEndpoint.objects.values_list("account", flat=True)) == [other.pk]
    assert set(Event.objects.values_list("account", flat=True)) == {other.pk}
    demo.refresh_from_db()
    assert demo.has_webhook_endpoints is False
