"""A real HTTP(S) webhook receiver on 127.0.0.1, scripted answer by answer, and a scripted
DNS resolver, for the tests of webhook delivery (the fixtures `receiver`, `tls_receiver` and
`dns` are built on these)."""

import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Received:
    headers: dict
    body: bytes
    received_at: float = field(default_factory=time.time)  # the receiver's clock


@dataclass
class Receiver:
    """Answers each POST with the next scripted (status, headers[, body]); the last one
    repeats."""

    url: str
    answers: list = field(default_factory=lambda: [(200, {})])
    requests: list = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering
    server_names: list = field(default_factory=list)  # SNI of each TLS handshake
    port: int = 0

    def answer(self):
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def serve(state: Receiver, tls: ssl.SSLContext | None = None):
    """Start answering POSTs on 127.0.0.1 for `state`, in TLS with `tls`; returns the server
    (`shutdown()` and `server_close()` it when done)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(dict(self.headers.items()), body))
            status, headers, *answer = state.answer()
            reply = answer[0] if answer else b"ok"
            time.sleep(state.delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout tests) is not an error of the receiver

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        tls.sni_callback = lambda sock, name, context: state.server_names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    scheme = "https" if tls else "http"
    state.url = f"{scheme}://127.0.0.1:{state.port}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server) -> None:
    """Stop a server `serve` started, and close its socket."""
    server.shutdown()
    server.server_close()


def make_tls_files(directory: Path) -> Path:
    """A throwaway CA (`ca.pem`), and a certificate it signed for `hooks.example`
    (`hooks.pem`, `hooks.key`), written in `directory` with openssl's CLI."""

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Webhook test CA")
    openssl("req", *key, "-keyout", "hooks.key", "-out", "hooks.csr", "-subj",
            "/CN=hooks.example")
    (directory / "hooks.ext").write_text(
        "subjectAltName=DNS:hooks.example\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    openssl("x509", "-req", "-in", "hooks.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "hooks.ext", "-out", "hooks.pem")
    return directory


REAL_GETADDRINFO = socket.getaddrinfo


@dataclass
class Resolver:
    """DNS as the tests script it: each name answers its next list of addresses (the last
    list repeats); `asked` records the names looked up. Other hosts (IP literals among
    them) go to the real resolver."""

    answers: dict = field(default_factory=dict)
    asked: list = field(default_factory=list)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        self.asked.append(host)
        script = self.answers[host]
        if not script:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = script.pop(0) if len(script) > 1 else script[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port, 0, 0))
            if ":" in a else
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port))
            for a in addresses
        ]
