"""The plug-in points of an account's sandbox controls, filled by the apps that own the data.

`accounts.services` runs them (a test-data reset, a clock advance) without importing the
apps, which register here from their `AppConfig.ready`.
"""

from core.registry import Registry

# What a test-data reset deletes: each is called as `reset(account=...)` inside the reset's
# transaction.
TEST_DATA_RESETS = Registry("test data reset")
# The account's work that becomes due when its clock moves: each is called as
# `run(account=..., now=...)` inside the advance's transaction and returns its counts
# (`{"payments_settled": 2}`).
DUE_WORK = Registry("due work")
