"""`manage.py devserver [ADDR:PORT]`: Django's development server (`runserver`: its reloader,
static files and options), answering on `STRIPE_ROOT_PORT` of the same address too, where
Stripe's format is at the root (`api.ports`; the site alone there, no static files). One
process serves both ports, so `make run` stays one command: Ctrl-C stops both, and a code
change restarts both."""

import socketserver
import threading

from django.conf import settings
from django.contrib.staticfiles.management.commands import runserver
from django.core.servers.basehttp import WSGIRequestHandler, get_internal_wsgi_application


class Command(runserver.Command):
    help = ("Starts runserver, and the same site on STRIPE_ROOT_PORT (Stripe's format at the "
            "root; 0: not).")

    def on_bind(self, server_port):
        """Once the main port is bound: the Stripe port too (a taken one stops the server as
        a taken main port does), served by threads of this process."""
        super().on_bind(server_port)
        port = settings.STRIPE_ROOT_PORT
        if not port or port == server_port:
            return
        server_class = type("WSGIServer", (socketserver.ThreadingMixIn, self.server_cls),
                            {"daemon_threads": True})
        try:
            server = server_class((self.addr, port), WSGIRequestHandler, ipv6=self.use_ipv6)
        except OSError:
            self.stderr.write(f"STRIPE_ROOT_PORT {port} cannot be served "
                              "(STRIPE_ROOT_PORT=0: no Stripe port).")
            raise
        server.set_app(get_internal_wsgi_application())  # no static files there: all Stripe's
        threading.Thread(target=server.serve_forever, name="stripe-root-port",
                         daemon=True).start()
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        self.stdout.write(f"Stripe's format at the root: {self.protocol}://{host}:{port}/v1/")
