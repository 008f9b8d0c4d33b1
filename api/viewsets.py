"""The base of every format's viewset: rate limits, the error handler and the renderer of its
surface, validated input.

Each format's toolkit derives its base viewset from `SurfaceViewSet` (`api.v1.V1ViewSet`,
`api.stripe.surface.StripeViewSet`, ...), adding how callers authenticate. An app's
endpoints are ordinary ViewSet classes deriving from one of those and registered on a DRF
router in the app's `urls.py`; each handler is declared with its surface's `read` or `write`
(`api.surfaces`), which sets its scope, its documentation and its idempotency.
"""

from rest_framework.exceptions import AuthenticationFailed
from rest_framework.viewsets import GenericViewSet

from api import ratelimit
from api.surfaces import Surface
from core import context


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

    def get_renderers(self):
        return [self.surface.renderer()]

    def initial(self, request, *args, **kwargs):
        request_context = context.current()
        if request_context is not None:  # which test scenarios may shape the request
            request_context.surface = self.surface.name
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        """Failed authentication counts against the client IP: guessing credentials is
        limited too, and answers 429 instead of 401 once over the limit."""
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            ratelimit.consume(request._request, ratelimit.client_ip_key(request._request),
                              limits=self.surface.rate_limits)
            raise

    def check_permissions(self, request):
        """Rate limits come first (the surface's, `Surface.rate_limits`): every request
        counts, even a refused one; against its credential and its account, or (without
        credentials, as on the public OAuth endpoints) against the client IP."""
        if request.user is not None:
            ratelimit.consume(request._request, request.user.rate_limit_key,
                              account_key=ratelimit.account_key_for(request.user.account),
                              limits=self.surface.rate_limits)
        else:
            ratelimit.consume(request._request, ratelimit.client_ip_key(request._request),
                              limits=self.surface.rate_limits)
        super().check_permissions(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        request_context = context.current()
        usage = request_context.rate_limit if request_context is not None else None
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

    def validated(self, serializer_class, data=None) -> dict:
        """The request body (or `data`) checked by `serializer_class` (422 with every problem
        if not); checked once per request (an idempotent write checks it before its
        transaction)."""
        checked = self.__dict__.setdefault("_validated", {})
        if serializer_class not in checked:
            serializer = serializer_class(data=self.request.data if data is None else data)
            serializer.is_valid(raise_exception=True)
            checked[serializer_class] = serializer.validated_data
        return checked[serializer_class]

    @property
    def idempotency_key(self) -> str:
        """The request's idempotency key ('' without one)."""
        request_context = context.current()
        return (request_context.idempotency_key or "") if request_context is not None else ""
