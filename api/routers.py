"""The router every app registers its viewsets on."""

from rest_framework.routers import SimpleRouter


class Router(SimpleRouter):
    """DRF's router with Django path converters (`payments/<str:payment_id>`, readable and
    documented as plain strings) and no trailing slash, as the formats' paths have none."""

    def __init__(self):
        super().__init__(trailing_slash=False, use_regex_path=False)
