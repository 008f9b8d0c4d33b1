"""Transactions of services, with no savepoint when their caller rolls back whole.

A service's `transaction.atomic` nested in a caller's transaction costs a SAVEPOINT and a
RELEASE: two round trips, 10 % of a keyed create (docs/performance.md). The savepoint is
needed only by a caller that survives the service's error and goes on in the same
transaction (an admin action looping over payments, a test). A caller that does not, such as
the idempotency mechanism (an error unwinds its whole transaction), opens `all_or_nothing`,
and every service (`@service_transaction`) then joins its transaction without one.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import transaction

_rolled_back_whole = ContextVar("rolled_back_whole", default=False)


@contextmanager
def all_or_nothing():
    """A transaction that no error inside it is survived in: it is rolled back whole."""
    with transaction.atomic():
        token = _rolled_back_whole.set(True)
        try:
            yield
        finally:
            _rolled_back_whole.reset(token)


def service_transaction(service):
    """Run `service` in a transaction: its own; inside another, a savepoint of it, except
    inside `all_or_nothing`, whose transaction it joins as it is."""

    @wraps(service)
    def run(*args, **kwargs):
        with transaction.atomic(savepoint=not _rolled_back_whole.get()):
            return service(*args, **kwargs)

    return run
