"""The test-data reset deletes what every app registered, for the one account only."""

from accounts import services
from payments.models import Payment
from tests.support.factories import make_account, make_endpoint, make_payment
from webhooks_app.models import Event, WebhookEndpoint


def test_reset_deletes_only_the_accounts_payments_endpoints_and_events(demo):
    other = make_account()
    for account in (demo, other):
        make_endpoint(account, "https://example.com/hook", ["payment.created"])
        make_payment(account, 4999, "USD")
    services.test_data_reset(account=demo)
    assert list(Payment.objects.values_list("account", flat=True)) == [other.pk]
    assert list(WebhookEndpoint.objects.values_list("account", flat=True)) == [other.pk]
    assert set(Event.objects.values_list("account", flat=True)) == {other.pk}
    demo.refresh_from_db()
    assert demo.has_webhook_endpoints is False
