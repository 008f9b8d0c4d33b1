"""The webhook tests' fixtures: a receiver speaking TLS, a scripted resolver, and a stand-in
for the task worker (the plain `receiver` is shared: tests/support/fixtures.py)."""

import shutil
import socket
import ssl

import pytest
import requests
from django.tasks import TaskResultStatus, default_task_backend
from django.utils import timezone

from tests.support.receiver import Receiver, Resolver, make_tls_files, serve, stop


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A throwaway CA, and a certificate it signed for `hooks.example` (openssl's CLI)."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_receiver(tls_files, monkeypatch):
    """A receiver speaking TLS as `hooks.example`, with the test CA trusted by requests (whose
    default CA bundle is read at each request from this module global)."""
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(tls_files / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "hooks.pem", tls_files / "hooks.key")
    state = Receiver(url="")
    server = serve(state, tls=context)
    yield state
    stop(server)


@pytest.fixture
def dns(monkeypatch):
    """DNS as the test scripts it (`tests.support.receiver.Resolver`)."""
    resolver = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the worker would: every task enqueued so far, until none is left.

    Returns, per task run, (task name, kwargs, run_after) so tests can read the schedule.
    """
    default_task_backend.clear()
    done = set()

    def run(limit: int = 100) -> list[tuple]:
        ran = []
        for _ in range(limit):
            pending = [r for r in default_task_backend.results
                       if r.id not in done and r.status == TaskResultStatus.READY]
            if not pending:
                return ran
            result = pending[0]
            done.add(result.id)
            with django_capture_on_commit_callbacks(execute=True):
                result.task.call(*result.args, **result.kwargs)
            ran.append((result.task.name, result.kwargs, result.task.run_after))
        raise AssertionError("tasks keep enqueuing tasks")

    return run


@pytest.fixture
def run_due_tasks(django_capture_on_commit_callbacks):
    """Run what the worker would run now: the tasks whose time has come (by the wall clock),
    until none is left; returns (task name, kwargs) of each run."""
    default_task_backend.clear()
    done = set()

    def run(limit: int = 100) -> list[tuple]:
        ran = []
        for _ in range(limit):
            due = [r for r in default_task_backend.results
                   if r.id not in done and r.status == TaskResultStatus.READY
                   and (r.task.run_after is None or r.task.run_after <= timezone.now())]
            if not due:
                return ran
            result = due[0]
            done.add(result.id)
            with django_capture_on_commit_callbacks(execute=True):
                result.task.call(*result.args, **result.kwargs)
            ran.append((result.task.name, result.kwargs))
        raise AssertionError("tasks keep enqueuing tasks")

    return run
