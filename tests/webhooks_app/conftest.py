"""A real HTTP receiver on 127.0.0.1, and a stand-in for the task worker."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.tasks import TaskResultStatus, default_task_backend


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next scripted (status, headers); the last one repeats."""

    url: str
    answers: list = field(default_factory=lambda: [(200, {})])
    requests: list = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering

    def answer(self):
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(dict(self.headers.items()), body))
            status, headers = state.answer()
            time.sleep(state.delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout tests) is not an error of the receiver

    server = Server(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


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
