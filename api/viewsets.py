"""One base viewset per wire format: authentication, error shape and rate limits.

An app's endpoints are ordinary ViewSet classes deriving from one of these and registered on
a DRF router in the app's `urls.py`; each handler is declared with its surface's `read` or
`write` (`api.surfaces`), which sets its scope, its documentation and its idempotency.
"""

from rest_framework.exceptions import AuthenticationFailed
from rest_framework.viewsets import GenericViewSet

from api import ratelimit
from api.authentication import (
    BearerAuthentication,
    DevdraftAuthentication,
    StripeAuthentication,
    UqpayAuthentication,
)
from api.fields import expand_of
from api.forms import BracketFormParser, parse_brackets
from api.json import DecimalJSONParser
from api.pagination import StripeCursorPagination
from api.surfaces import DEVDRAFT, OAUTH, STRIPE, UQPAY, V1, Surface
from core import sandbox


class SurfaceViewSet(GenericViewSet):
    """What every viewset of every surface shares."""

    surface: Surface
    # OPTIONS (DRF's metadata) is not part of any surface: it answers 405 like any other
    # method a view does not offer.
    http_method_names = ["get", "post", "patch", "delete", "head"]

    def __init_subclass__(cls, **kwargs):
        """A handler declared for another surface would answer in the wrong shape."""
        super().__init_subclass__(**kwargs)
        for name, member in vars(cls).items():
            declared = getattr(member, "surface", None)
            if declared is not None and declared is not cls.surface:
                raise TypeError(f"{cls.__name__}.{name} is declared for {declared.prefix}, "
                                f"but the viewset serves {cls.surface.prefix}")

    def get_exception_handler(self):
        return self.surface.exception_handler

    def initial(self, request, *args, **kwargs):
        sandbox.set_surface(self.surface.name)  # which test scenarios may shape the request
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        """Failed authentication counts against the client IP: guessing credentials is
        limited too, and answers 429 instead of 401 once over the limit."""
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            ratelimit.consume(request._request, ratelimit.client_ip_key(request._request))
            raise

    def check_permissions(self, request):
        """Rate limits come first: every request counts, even a refused one; against its
        credential and its account, or (without credentials, as on the public OAuth
        endpoints) against the client IP."""
        if request.user is not None:
            ratelimit.consume(request._request, request.user.rate_limit_key,
                              account_key=ratelimit.account_key_for(request.user.account))
        else:
            ratelimit.consume(request._request, ratelimit.client_ip_key(request._request))
        super().check_permissions(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        usage = getattr(request._request, "rate_limit", None)
        if usage is not None:
            for name, value in usage.headers().items():
                response[name] = value
        return response

    def filter_queryset(self, queryset):
        """django-filter builds a form per request; a list without filters needs none."""
        filterset = getattr(self, "filterset_class", None)
        if filterset is None or not set(self.request.query_params) & set(filterset.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def list_response(self, queryset, serializer_class):
        """One page of `queryset`, filtered by the view's filterset, in the list shape."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def validated(self, serializer_class) -> dict:
        """The request body checked by `serializer_class` (422 with every problem if not);
        checked once per request (an idempotent write checks it before its transaction)."""
        checked = self.__dict__.setdefault("_validated", {})
        if serializer_class not in checked:
            serializer = serializer_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            checked[serializer_class] = serializer.validated_data
        return checked[serializer_class]


class V1ViewSet(SurfaceViewSet):
    """`/v1`: Bearer or X-API-Key credentials, the `{"error": {...}}` envelope."""

    surface = V1
    authentication_classes = [BearerAuthentication]


class DevdraftViewSet(SurfaceViewSet):
    """`/api/v0` (seeds 000/001): client key + secret headers, `{"statusCode", "message"}`."""

    surface = DEVDRAFT
    authentication_classes = [DevdraftAuthentication]


class UqpayViewSet(SurfaceViewSet):
    """`/api/v2` (seed 004): client id + auth token headers, `{"code", "message"}`."""

    surface = UQPAY
    authentication_classes = [UqpayAuthentication]


class StripeViewSet(SurfaceViewSet):
    """`/stripe/v1`: Stripe's credentials (Bearer, or Basic with the key as user name), form
    bodies in bracket notation, cursor lists and Stripe's error object."""

    surface = STRIPE
    authentication_classes = [StripeAuthentication]
    parser_classes = [BracketFormParser, DecimalJSONParser]
    pagination_class = StripeCursorPagination

    def rendered_list(self, queryset, render):
        """One cursor page of `queryset`, each object in Stripe's shape by `render`."""
        return self.get_paginated_response([render(obj)
                                            for obj in self.paginate_queryset(queryset)])

    def expanded(self) -> set[str]:
        """What `expand` asks for, in the body or (as the SDKs send it on a GET,
        `expand[0]=customer`) in the query string."""
        query = parse_brackets(self.request.META.get("QUERY_STRING", ""))
        return expand_of(self.request.data) | expand_of(query)


class OAuthViewSet(SurfaceViewSet):
    """`/v1/oauth`: clients authenticate inside the protocol; RFC 6749 error bodies."""

    surface = OAUTH
    authentication_classes = []
    permission_classes = []
