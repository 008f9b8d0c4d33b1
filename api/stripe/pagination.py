"""Stripe's lists: newest first, `limit`, and a cursor (`starting_after`, `ending_before`)."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from api.pagination import DigitsField
from api.schema import EMPTY_OR_NOT_BLANK
from core.errors import ServiceError


class _CursorParams(serializers.Serializer):
    limit = DigitsField(min_value=1, max_value=100, default=10)
    starting_after = serializers.CharField(max_length=64, required=False)
    ending_before = serializers.CharField(max_length=64, required=False)


class MissingCursor(ServiceError):
    """A cursor that names no object of the list: Stripe's 400 `resource_missing`."""

    status = 400
    code = "resource_missing"


class CursorPagination(BasePagination):
    """Stripe's lists: newest first (but a few), `limit` (1-100, default 10), and a cursor,
    the id of an object of the list (`starting_after`: the next ones, `ending_before`: the
    ones before). Pages walk `(created_at, id)`, so objects created meanwhile (newer) never
    shift a walk that goes on with `starting_after`: the SDK's `auto_paging_iter()` sees each
    object exactly once.

    The view names its id field (`cursor_field`, default `public_id`) and the actions whose
    lists keep the order objects were given in, oldest first (`oldest_first`: a checkout's
    line items); `url` is the list's path without the surface's `/stripe` mount, which the
    SDK fetches the next page from.
    """

    def paginate_queryset(self, queryset, request, view=None):
        params = _CursorParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        self.request, limit = request, values["limit"]
        field = getattr(view, "cursor_field", "public_id")
        after, before = values.get("starting_after"), values.get("ending_before")
        if after is not None and before is not None:
            raise serializers.ValidationError(
                {"ending_before": "Pass at most one of starting_after and ending_before."})
        oldest_first = view is not None and view.action in getattr(view, "oldest_first", ())
        order, backwards = ("created_at", "id"), ("-created_at", "-id")
        if not oldest_first:
            order, backwards = backwards, order
        if after is None and before is None:
            rows = list(queryset.order_by(*order)[: limit + 1])
        else:
            anchor = queryset.filter(**{field: after or before}).values("created_at", "id").first()
            if anchor is None:
                raise MissingCursor(f"No such object: '{after or before}'",
                                    param="starting_after" if after else "ending_before")
            at, pk = anchor["created_at"], anchor["id"]
            older = Q(created_at__lt=at) | Q(created_at=at, id__lt=pk)
            newer = Q(created_at__gt=at) | Q(created_at=at, id__gt=pk)
            onwards, back = (newer, older) if oldest_first else (older, newer)
            if after is not None:
                rows = list(queryset.filter(onwards).order_by(*order)[: limit + 1])
            else:
                rows = list(queryset.filter(back).order_by(*backwards)[: limit + 1])
        self.has_more = len(rows) > limit
        rows = rows[:limit]
        return rows if before is None else rows[::-1]

    def get_paginated_response(self, data):
        path = self.request.path
        return Response({"object": "list", "data": data, "has_more": self.has_more,
                         "url": path.removeprefix("/stripe")})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["object", "data", "has_more", "url"],
            "properties": {
                "object": {"type": "string", "enum": ["list"]},
                "data": schema,
                "has_more": {"type": "boolean"},
                "url": {"type": "string"},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [{"name": name, "in": "query", "required": False, "description": description,
                 "schema": schema} for name, schema, description in _PARAMETERS]


# Empty is no cursor; whitespace only is refused (stripped, it is blank).
_CURSOR = {"type": "string", "maxLength": 64, "pattern": EMPTY_OR_NOT_BLANK}
_PARAMETERS = [
    ("limit", {"type": "integer", "minimum": 1, "maximum": 100},
     "Objects to return, 1-100 (default 10)."),
    ("starting_after", _CURSOR, "An object id: the page of objects older than it."),
    ("ending_before", _CURSOR,
     "An object id: the page of objects newer than it (not with `starting_after`)."),
]
# For lists whose response the schema shows as one object (where drf-spectacular does not ask
# the paginator): their cursor parameters, declared with the operation.
LIST_PARAMETERS = [OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description)
                   for name, schema, description in _PARAMETERS]
