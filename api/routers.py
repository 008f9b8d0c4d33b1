"""The router every app registers its viewsets on."""

from rest_framework.routers import Route, SimpleRouter


class Router(SimpleRouter):
    """DRF's router with Django path converters (`payments/<str:payment_id>`, readable and
    documented as plain strings) and no trailing slash, as the seeds' paths have none."""

    def __init__(self):
        super().__init__(trailing_slash=False, use_regex_path=False)


class StripeRouter(Router):
    """Stripe's verbs: an object is changed by a POST to its own path (`POST
    /customers/{id}`), never PUT or PATCH."""

    routes = [
        route._replace(mapping={"get": "retrieve", "post": "update", "delete": "destroy"})
        if isinstance(route, Route) and route.detail else route
        for route in Router.routes
    ]
