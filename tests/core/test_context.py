"""`core.context`: the request being served, as code below the HTTP layer reads it: set by
`begin`, read by `current`/`surface`, gone after `end`, and private to its thread."""

import threading

import pytest

from core import context
from core.formats import Format


@pytest.fixture(autouse=True)
def no_request():
    """Each test starts, and leaves, outside any request."""
    context.end()
    yield
    context.end()


def test_outside_a_request_there_is_no_context_and_no_surface():
    assert context.current() is None
    assert context.surface() is None


def test_begin_makes_the_context_current_until_end():
    begun = context.begin(request_id="req_1", client_ip="203.0.113.7", surface=Format.STRIPE)
    assert context.current() is begun
    assert (begun.request_id, begun.client_ip) == ("req_1", "203.0.113.7")
    assert context.surface() == "stripe"
    context.end()
    assert context.current() is None and context.surface() is None


def test_a_new_request_replaces_the_previous_one():
    context.begin(request_id="req_1", surface=Format.V1)
    second = context.begin(request_id="req_2")
    assert context.current() is second
    assert context.surface() is None  # the second one came in no surface


def test_defaults_of_a_request_nothing_has_shaped():
    begun = context.begin()
    assert (begun.request_id, begun.client_ip, begun.surface) == ("-", "-", None)
    assert (begun.scenarios, begun.delay_ms, begun.idempotency_key) == ([], 0, None)
    assert (begun.rate_limit, begun.described_status) == (None, None)


def test_shaped_records_each_scenario_and_the_longest_delay():
    begun = context.begin()
    begun.shaped("scn_1", delay_ms=200)
    begun.shaped("scn_2")
    begun.shaped("scn_3", delay_ms=50)
    assert begun.scenarios == ["scn_1", "scn_2", "scn_3"]
    assert begun.delay_ms == 200


def test_requests_do_not_share_their_scenarios():
    context.begin().shaped("scn_1")
    assert context.begin().scenarios == []


def test_another_thread_does_not_see_this_threads_request():
    context.begin(request_id="req_here", surface=Format.V1)
    seen = []
    thread = threading.Thread(target=lambda: seen.append((context.current(), context.surface())))
    thread.start()
    thread.join()
    assert seen == [(None, None)]
    assert context.current().request_id == "req_here"


def test_the_cause_is_the_api_call_being_served():
    begun = context.begin(request_id="req_7")
    begun.surface, begun.idempotency_key = Format.STRIPE, "order-7"
    assert context.cause() == context.Cause("req_7", "order-7")
    begun.idempotency_key = None
    assert context.cause() == context.Cause("req_7", None)


def test_nothing_is_the_cause_outside_an_api_call():
    assert context.cause() is context.AUTOMATIC  # a task, a command
    context.begin(request_id="req_admin")  # a page of the admin: no surface
    assert context.cause() == context.Cause(None, None)


def test_inside_automatic_nothing_is_the_cause_and_after_it_the_call_again():
    context.begin(request_id="req_advance", surface=Format.V1)
    with context.automatic():
        assert context.cause() is context.AUTOMATIC
        with context.automatic():
            pass
        assert context.cause() is context.AUTOMATIC
    assert context.cause() == context.Cause("req_advance", None)
    context.end()
    with context.automatic():  # outside requests too: nothing to mark
        assert context.cause() is context.AUTOMATIC
