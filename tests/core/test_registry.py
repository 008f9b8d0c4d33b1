"""`core.registry.Registry`: the plug-in points apps fill from `AppConfig.ready`; they run in
the order they were registered, and two functions cannot share a name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.registry import Registry
from core.sandbox import DUE_WORK, TEST_DATA_RESETS


def first():
    pass


def second():
    pass


def test_functions_run_in_the_order_they_were_registered():
    registry = Registry("reset")
    registry.register("zeta", first)
    registry.register("alpha", second)
    assert list(registry) == [("zeta", first), ("alpha", second)]


def test_registering_the_same_function_again_changes_nothing():
    """`ready()` may run twice (tests, some servers): the second registration is a no-op."""
    registry = Registry("reset")
    registry.register("payments", first)
    registry.register("payments", first)
    assert list(registry) == [("payments", first)]


def test_a_second_function_under_a_taken_name_is_refused():
    registry = Registry("test data reset")
    registry.register("payments", first)
    with pytest.raises(ImproperlyConfigured, match="Two test data resets are named 'payments'"):
        registry.register("payments", second)
    assert list(registry) == [("payments", first)]


def test_registering_while_running_does_not_disturb_the_run():
    registry = Registry("job")
    registry.register("one", first)
    ran = []
    for name, _function in registry:
        ran.append(name)
        registry.register("two", second)
    assert ran == ["one"]
    assert [name for name, _ in registry] == ["one", "two"]


def test_the_apps_filled_the_sandbox_registries_in_installed_apps_order():
    assert [name for name, _ in TEST_DATA_RESETS] == [
        "idempotency_keys", "oauth_rate_limits", "payments", "webhooks"]
    assert [name for name, _ in DUE_WORK] == [
        "idempotency_keys", "settlements", "authorizations", "checkouts", "webhooks"]
