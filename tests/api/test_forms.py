"""Stripe's bracket-notation form bodies: what they mean, and their bounds (a clear 400 in
Stripe's error shape, never a 500)."""

import pytest
from rest_framework.exceptions import ParseError

from api.stripe.forms import MAX_DEPTH, parse_brackets
from tests.support.credentials import STANDARD_KEY, client_for


def test_objects_arrays_and_expand_as_the_sdks_send_them():
    assert parse_brackets(
        "amount=2000&metadata[order_id]=42&metadata[note]=&expand[]=customer"
        "&expand[]=latest_charge&enabled_events[1]=b&enabled_events[0]=a"
        "&items[0][price]=p1&items[1][price]=p2"
    ) == {"amount": "2000", "metadata": {"order_id": "42", "note": ""},
          "expand": ["customer", "latest_charge"], "enabled_events": ["a", "b"],
          "items": [{"price": "p1"}, {"price": "p2"}]}


@pytest.mark.parametrize("body", [
    "a=1&a[b]=2",                       # a value and an object at once
    "a[0]=1&a[b]=2",                    # an array and an object at once
    "a[1000]=1",                        # an index beyond 999
    "[x]=1", "a[b=1", "a]b[=1",         # not a name
    "a" + "[b]" * MAX_DEPTH + "=1",     # nested too deep
    "a=%00",                            # NUL
])
def test_bodies_that_cannot_be_an_object_are_refused(body):
    with pytest.raises(ParseError):
        parse_brackets(body)


def test_too_many_fields_is_refused(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    with pytest.raises(ParseError):
        parse_brackets("&".join(f"metadata[k{n}]=v" for n in range(11)))


@pytest.mark.parametrize("body", ["a=1&a[b]=2", "metadata" + "[x]" * 20 + "=1",
                                  "&".join(f"expand[]={n}" for n in range(2000))])
def test_over_http_it_is_stripes_400(demo, body):
    api = client_for(STANDARD_KEY)
    response = api.generic("POST", "/stripe/v1/customers", body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["type"] == "invalid_request_error"
