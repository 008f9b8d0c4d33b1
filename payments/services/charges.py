"""Charges: made by each confirmation (`payments.services.payments`); here, what a client
changes of one afterwards."""

from accounts.models import Account
from core.errors import NotFound
from core.metadata import merged_metadata
from core.transactions import service_transaction
from payments.models import Charge
from webhooks_app import events
from webhooks_app.services import events_emit


@service_transaction
def charge_update(*, account: Account, charge_id: str, description: str | None = None,
                  metadata: dict | None = None) -> Charge:
    """Change a charge's description or metadata (merged); its money never changes here."""
    charge = (Charge.objects.select_for_update(of=("self",)).select_related("payment")
              .filter(account=account, public_id=charge_id).first())
    if charge is None:
        raise NotFound("charge", charge_id, param="charge_id")
    if description is not None:
        charge.description = description
    if metadata is not None:
        charge.metadata = merged_metadata(charge.metadata, metadata)
    charge.save(update_fields=["description", "metadata"])
    events_emit(account=account, events=[(events.CHARGE_UPDATED, charge)])
    return charge
