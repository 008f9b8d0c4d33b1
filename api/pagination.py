"""`/v1`'s list pagination, in both of its styles: `page`/`per_page` and `limit`/`offset`.

Every list answers with both styles' fields, newest first:
`{"object": "list", "data", "pagination": {page, per_page, total, total_pages, has_more},
"has_more", "total_count"}`.

`total` is exact up to `LIST_COUNT_LIMIT` (1,000) matching rows. Past that the count stops
(`pagination.total_capped` is true and `total` is a lower bound), so a list page costs the
same with a million payments as with a thousand; `has_more` is always exact (one row more
than the page is read).
"""

import math

from django.conf import settings
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

MAX_OFFSET = 10**9  # far beyond any real list, well inside the databases' integer range


class DigitsField(serializers.IntegerField):
    """A query parameter of decimal digits only: what the schema's `integer` promises (DRF's
    own field would also take `1.0`, ` 1` or `1_000`, and an empty one as absent)."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.isascii() and data.isdigit()):
            self.fail("invalid")
        return super().to_internal_value(data)


class _PageParams(serializers.Serializer):
    page = DigitsField(min_value=1, max_value=MAX_OFFSET // 100, default=1)
    per_page = DigitsField(min_value=1, max_value=100, default=10)
    limit = DigitsField(min_value=1, max_value=100, required=False)
    offset = DigitsField(min_value=0, max_value=MAX_OFFSET, required=False)


def list_shape(serializer_class, name: str):
    """The schema of `whole_list` for items of `serializer_class` (an answer that is a list
    but no paginated endpoint)."""
    return inline_serializer(name, {
        "object": serializers.CharField(help_text="`list`"),
        "data": serializer_class(many=True),
        "pagination": inline_serializer("WholeListPagination", {
            field: serializers.IntegerField()
            for field in ("page", "per_page", "total", "total_pages")
        } | {"has_more": serializers.BooleanField()}),
        "has_more": serializers.BooleanField(),
        "total_count": serializers.IntegerField(),
    })


def whole_list(data: list) -> dict:
    """A list that is complete in one page (what an operation made), in the list shape."""
    pagination = {"page": 1, "per_page": max(len(data), 1), "total": len(data),
                  "total_pages": 1 if data else 0, "has_more": False}
    return {"object": "list", "data": data, "pagination": pagination, "has_more": False,
            "total_count": len(data)}


class PageOrOffsetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        params = _PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        if "limit" in values or "offset" in values:
            self.per_page = values.get("limit", 10)
            self.offset = values.get("offset", 0)
        else:
            self.per_page = values["per_page"]
            self.offset = (values["page"] - 1) * self.per_page
        limit = settings.LIST_COUNT_LIMIT
        self.total = queryset.order_by()[: limit + 1].count()  # no sort just to count
        self.capped = self.total > limit
        self.total = min(self.total, limit)
        rows = list(queryset[self.offset : self.offset + self.per_page + 1])
        self.has_more = len(rows) > self.per_page
        return rows[: self.per_page]

    def get_paginated_response(self, data):
        pagination = {
            "page": self.offset // self.per_page + 1,
            "per_page": self.per_page,
            "total": self.total,
            "total_pages": math.ceil(self.total / self.per_page),
            "has_more": self.has_more,
        }
        if self.capped:
            pagination["total_capped"] = True
        return Response(
            {
                "object": "list",
                "data": data,
                "pagination": pagination,
                "has_more": self.has_more,
                "total_count": self.total,
            }
        )

    def get_paginated_response_schema(self, schema):
        integer = {"type": "integer"}
        return {
            "type": "object",
            "required": ["object", "data", "pagination", "has_more", "total_count"],
            "properties": {
                "object": {"type": "string", "enum": ["list"]},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "properties": {
                        "page": integer,
                        "per_page": integer,
                        "total": integer,
                        "total_pages": integer,
                        "has_more": {"type": "boolean"},
                        "total_capped": {
                            "type": "boolean",
                            "description": "Present (true) when more rows match than are "
                            "counted: `total` is then a lower bound.",
                        },
                    },
                },
                "has_more": {"type": "boolean"},
                "total_count": integer,
            },
        }

    def get_schema_operation_parameters(self, view):
        def param(name, description, minimum, maximum):
            schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
            return {"name": name, "in": "query", "required": False,
                    "description": description, "schema": schema}

        return [
            param("page", "Page number.", 1, MAX_OFFSET // 100),
            param("per_page", "Items per page, 1-100 (default 10).", 1, 100),
            param("limit", "Items to return, 1-100 (overrides page).", 1, 100),
            param("offset", "Items to skip.", 0, MAX_OFFSET),
        ]
