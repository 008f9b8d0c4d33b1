"""A surface at the root of a port of its own: Stripe's format on `STRIPE_ROOT_PORT` (12111,
stripe-mock's), where `/v1/payment_intents` is `/stripe/v1/payment_intents`. SDKs and tools
configured with a host and a port but no path (the Node SDK's `{host, port, protocol}`,
stripe-mock set-ups) then work unchanged.

Which surface answers depends only on the port the request arrived on
(`api.client_ip.arrival_port`: behind a trusted proxy, the port the proxy received it on),
never on anything else the client sends. `SurfacePortMiddleware` routes such a request, before
Django resolves it, by its `path_info` alone: under the surface's root (`Surface.root`,
`/v1/`) to the surface's own path, anything else (`/`, `/admin/`, `/static/...`) to the
surface's 404, never a page or a file. `request.path` stays the path the client asked for,
which is what lists report as their `url` and unknown routes name; everything that needs the
surface asks `api.surfaces.surface_of(request)`. Requests on every other port are left as
they are.

The pages a customer's browser is sent to by an API answer (the 3-D Secure page, the hosted
Checkout page) are built on the address the API call arrived at, so they are served on the
surface's port too: their apps register their path prefixes in `PAGE_PREFIXES`.

This module is also the URLconf of requests outside the surface's root (`urlpatterns`).
"""

from django.urls import re_path

from api.client_ip import arrival_port
from api.surfaces import surface_at_port
from api.views import api_not_found

urlpatterns = [re_path(r"", api_not_found)]

# Path prefixes of the customers' pages, answered on a surface's port as on any other.
PAGE_PREFIXES: list[str] = []


class SurfacePortMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        surface = surface_at_port(arrival_port(request))
        if surface is not None and not request.path_info.startswith(tuple(PAGE_PREFIXES)):
            path, root = request.path_info, surface.root
            if not (path.startswith(root) or path == root.rstrip("/")):
                request.urlconf = __name__
            # Under the mount, nothing else answers either (static files, the favicon).
            request.path_info = surface.mount + path
        return self.get_response(request)
