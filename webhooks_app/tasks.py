"""Background work of webhooks, run by the `django.tasks` worker."""

from django.tasks import task

from webhooks_app import services


@task
def attempt_delivery(delivery_id: int) -> str:
    """POST one event to one endpoint; failures schedule the next attempt."""
    return services.delivery_attempt(delivery_id=delivery_id).status
