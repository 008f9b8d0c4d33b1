"""Keep a command running: start it again whenever it exits or dies, until told to stop.

    python -m core.supervise [--name NAME] -- COMMAND [ARGS...]

`make run` and `scripts/cluster-run` run the task worker under it. The command runs in a
session of its own, with SUPERVISOR_PID in its environment (the worker stops when this
process is gone). SIGTERM or SIGINT is passed on to it as SIGTERM, and this process exits
when it has. Another one within REPEAT_WITHIN seconds is the same request (Ctrl-C, then the
shell that started us stopping us) and is not passed on; a later one is (the worker then
exits at once, cutting its tasks short). A command that exits soon after starting is
started again after 1 s, then 2, 4... up to 30 s. Plain Python, no Django.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

STABLE_AFTER = 60.0  # seconds of running that reset the delay
REPEAT_WITHIN = 2.0  # seconds in which a second stop signal is the same request


def log(name: str, message: str) -> None:
    stamp = datetime.now().isoformat(sep=" ", timespec="seconds")
    print(f"{stamp} supervise[{name}]: {message}", file=sys.stderr, flush=True)


def describe(code: int) -> str:
    if code < 0:
        try:
            return f"ended by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"ended by signal {-code}"
    return f"exited with code {code}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.supervise", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", default="worker")
    parser.add_argument("--stop-timeout", type=float, default=30.0,
                        help="Seconds the command has to stop before it gets SIGKILL.")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("a command to run is required (after --)")

    stopping = False
    child: subprocess.Popen | None = None
    first_signal: float | None = None

    def on_signal(signum, frame):
        nonlocal stopping, first_signal
        stopping = True
        now = time.monotonic()
        if first_signal is not None and now - first_signal < REPEAT_WITHIN:
            return
        first_signal = first_signal or now
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    environment = {**os.environ, "SUPERVISOR_PID": str(os.getpid())}
    delay = 1.0
    while not stopping:
        started = time.monotonic()
        child = subprocess.Popen(command, env=environment, start_new_session=True)
        try:
            code = child.wait()
        except BaseException:
            child.kill()
            raise
        if stopping:
            break
        if time.monotonic() - started > STABLE_AFTER:
            delay = 1.0
        log(options.name, f"pid {child.pid} {describe(code)}; starting it again in "
                          f"{delay:.0f} s")
        until = time.monotonic() + delay
        while not stopping and time.monotonic() < until:
            time.sleep(0.1)
        delay = min(delay * 2, 30.0)
    if child is not None and child.poll() is None:
        try:
            child.wait(timeout=options.stop_timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
