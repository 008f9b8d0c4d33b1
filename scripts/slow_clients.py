#!/usr/bin/env python3
"""Slow clients (slowloris) against a local server, and how long /v1/health takes meanwhile.

Usage: scripts/slow_clients.py http://127.0.0.1:PORT [--clients 3] [--seconds 10]
                               [--mode trickle|silent] [--reopen] [--host-header 127.0.0.1]

Opens CLIENTS connections that never finish their request:
  trickle  sends a request line, then one more header line every --interval seconds
           (a slowloris: the request is never complete, the connection never idle);
  silent   connects and sends nothing.
With --reopen, a connection the server gives up on (it closes it, or answers it with an
error) is opened again at once, as a hostile client would: the server's idle cut-off then
costs the attacker nothing.
While they hang on (--seconds), one probe after another sends `GET /v1/health` on a fresh
connection and times the answer (each probe gives up after --probe-timeout seconds). Then
the slow clients hang up, the last probe is waited for, and one JSON line is printed: the
number of probes, their median, 90th percentile and slowest times, how many failed or timed
out, and how often a slow connection was opened again. A server that a slow client can stall
shows a slowest probe of about --seconds (or more), or failed probes.

Bounded on purpose: loopback addresses only, at most 256 clients, at most 120 seconds.
It needs nothing but the standard library; tests/ops/test_slow_clients.py runs it against
gunicorn started with deploy/gunicorn.conf.py, alone and behind nginx as scripts/cluster-run
puts it in front (and against the cluster itself).
"""

import argparse
import ipaddress
import json
import select
import socket
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit

MAX_CLIENTS = 256
MAX_SECONDS = 120


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _probe(host: str, port: int, host_header: str, timeout: float) -> tuple[float, bool]:
    """One GET /v1/health on a fresh connection: (seconds, answered with 200)."""
    started = time.monotonic()
    ok = False
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(f"GET /v1/health HTTP/1.1\r\nHost: {host_header}\r\n"
                         "Connection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            ok = data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")
    except OSError:
        ok = False
    return time.monotonic() - started, ok


def _open(host: str, port: int, mode: str, host_header: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=5)
    if mode == "trickle":
        sock.sendall(f"GET /v1/health HTTP/1.1\r\nHost: {host_header}\r\n".encode())
    return sock


def _given_up(sock: socket.socket) -> bool:
    """The server is done with the connection: it closed it, or answered it (an error)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def measure(url: str, *, clients: int = 3, seconds: float = 10.0, mode: str = "trickle",
            interval: float = 1.0, probe_timeout: float = 60.0,
            host_header: str | None = None, reopen: bool = False) -> dict:
    """Hold `clients` slow connections open for `seconds` while probing /v1/health."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    if not _loopback(host):
        raise ValueError(f"slow clients target loopback addresses only, not {host!r}")
    if not 0 <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be between 0 and {MAX_CLIENTS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be between 0 and {MAX_SECONDS}")
    if mode not in ("trickle", "silent"):
        raise ValueError("mode is trickle or silent")
    host_header = host_header or f"{host}:{port}"
    stop = threading.Event()
    socks: list[socket.socket | None] = [_open(host, port, mode, host_header)
                                         for _ in range(clients)]
    reopened = 0

    def keep():
        """Trickle the next header line; with `reopen`, replace what the server gave up on."""
        nonlocal reopened
        n = 0
        tick = interval if mode == "trickle" else min(interval, 0.2)
        while not stop.wait(tick):
            n += 1
            for i, sock in enumerate(socks):
                gone = sock is None or (reopen and _given_up(sock))
                if not gone and mode == "trickle":
                    try:
                        sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                    except OSError:
                        gone = True  # the server gave up on it
                if gone and reopen and not stop.is_set():
                    if sock is not None:
                        sock.close()
                    try:
                        socks[i] = _open(host, port, mode, host_header)
                        reopened += 1
                    except OSError:
                        socks[i] = None  # refused for now: tried again next time

    keeper = threading.Thread(target=keep, daemon=True)
    if mode == "trickle" or reopen:
        keeper.start()
    time.sleep(min(1.0, seconds / 4))  # let the server accept them before probing
    times: list[float] = []
    failed = 0

    def probe():
        nonlocal failed
        while not stop.is_set():
            took, ok = _probe(host, port, host_header, probe_timeout)
            times.append(took)
            failed += not ok
            stop.wait(0.2)

    # Probes run in their own thread: the slow clients give up at the deadline even while a
    # probe is stuck behind them, so a stall shows as long as the slow clients hang on.
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    try:
        time.sleep(seconds)
    finally:
        stop.set()
        if keeper.is_alive():
            keeper.join(timeout=interval + 6)
        for sock in socks:
            if sock is not None:
                sock.close()
        prober.join(timeout=probe_timeout + 1)
    return {
        "clients": clients, "mode": mode, "reopen": reopen, "seconds": seconds,
        "probes": len(times),
        "median_s": round(statistics.median(times), 3) if times else None,
        "p90_s": round(statistics.quantiles(times, n=10)[-1], 3) if len(times) > 1 else None,
        "max_s": round(max(times), 3) if times else None,
        "failed": failed, "reopened": reopened,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="base URL of the server, on a loopback address")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="how long the slow clients hang on (probing meanwhile)")
    parser.add_argument("--mode", choices=("trickle", "silent"), default="trickle")
    parser.add_argument("--reopen", action="store_true",
                        help="open a connection again as soon as the server gives up on it")
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between trickled header lines")
    parser.add_argument("--probe-timeout", type=float, default=60.0)
    parser.add_argument("--host-header", default=None)
    options = parser.parse_args(argv)
    try:
        result = measure(options.url, clients=options.clients, seconds=options.seconds,
                         mode=options.mode, interval=options.interval,
                         probe_timeout=options.probe_timeout, host_header=options.host_header,
                         reopen=options.reopen)
    except ValueError as exc:
        parser.error(str(exc))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
