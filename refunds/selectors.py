"""Reads of refunds, always scoped to the calling account (a list narrowed to `where`, a `Q`
over the refund's fields, as `payments.selectors` does)."""

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from accounts.models import Account
from core.errors import NotFound
from payments.selectors import payment_get
from refunds.models import Refund

ALL = Q()  # a list's `where` when nothing narrows it


def refund_get(*, account: Account, refund_id: str) -> Refund:
    refund = (
        Refund.objects.select_related("payment")
        .filter(payment__account=account, public_id=refund_id)
        .first()
    )
    if refund is None:
        raise NotFound("refund", refund_id, param="refund_id")
    return refund


def refund_list_for_payment(*, account: Account, payment_id: str):
    payment = payment_get(account=account, payment_id=payment_id)
    return payment.refunds.select_related("payment")


def refund_list(*, account: Account, where: Q = ALL):
    """The account's refunds matching `where`, with their payments."""
    return Refund.objects.filter(where, payment__account=account).select_related("payment")


def refunds_by_id(*, account: Account, refund_ids) -> dict[str, Refund]:
    """The account's refunds named in `refund_ids`, with their payments, by id (one query
    at most)."""
    ids = {refund_id for refund_id in refund_ids if refund_id}
    if not ids:
        return {}
    return {refund.public_id: refund for refund in Refund.objects.filter(
        payment__account=account, public_id__in=ids).select_related("payment")}


def refunds_of_charges(*, account: Account, charge_ids, limit: int) -> dict[str, list[Refund]]:
    """The refunds drawn on each charge of `charge_ids` (those of the payments whose latest
    charge it is), newest first: at most `limit` + 1 per charge (the one more says there
    are more), all in one query."""
    ids = {charge_id for charge_id in charge_ids if charge_id}
    if not ids:
        return {}
    ranked = Refund.objects.filter(
        payment__account=account, payment__latest_charge_id__in=ids,
    ).select_related("payment").annotate(rank=Window(
        RowNumber(), partition_by=[F("payment_id")], order_by=[F("created_at").desc(),
                                                                F("id").desc()]))
    found: dict[str, list[Refund]] = {charge_id: [] for charge_id in ids}
    for refund in ranked.filter(rank__lte=limit + 1).order_by("-created_at", "-id"):
        found[refund.payment.latest_charge_id].append(refund)
    return found
