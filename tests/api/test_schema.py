"""The OpenAPI schema tells the whole truth: every route, its errors, headers and security."""

import re

import yaml
from django.urls import get_resolver
from openapi_spec_validator import validate

from tests.support.credentials import client_for

SURFACE_PREFIXES = ("v1/", "api/v0/", "api/v2/", "stripe/v1/")


def schema(fmt="json"):
    response = client_for(None).get(f"/api/schema/?format={fmt}")
    assert response.status_code == 200
    return response.json() if fmt == "json" else yaml.safe_load(response.content)


def test_json_and_yaml_validate(db):
    as_json, as_yaml = schema("json"), schema("yaml")
    validate(as_json)
    validate(as_yaml)
    assert as_json == as_yaml


def _routes():
    """Every concrete API route of the URL configuration, as an OpenAPI path."""
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, route)
            elif route.startswith(SURFACE_PREFIXES) and not route.startswith("^"):
                yield "/" + re.sub(r"<str:(\w+)>", r"{\1}", route)

    return set(walk(get_resolver().url_patterns))


def test_every_route_of_every_surface_is_documented(db):
    documented = set(schema()["paths"])
    routes = _routes()
    assert len(routes) == 45
    assert routes == documented


def test_operations_have_ids_tags_errors_and_headers(db):
    doc = schema()
    operations = [(path, method, op) for path, ops in doc["paths"].items()
                  for method, op in ops.items()]
    assert len(operations) == 60
    ids = [op["operationId"] for _, _, op in operations]
    assert len(set(ids)) == len(ids)
    for path, method, op in operations:
        assert op.get("tags"), (path, method)
        responses = op["responses"]
        assert "400" in responses, (path, method)
        for status, response in responses.items():
            headers = response["headers"]
            for name in ("X-Request-Id", "Request-Id", "X-Response-Time", "X-API-Version"):
                assert name in headers, (path, method, status)
        if op.get("security") or path.startswith("/v1/oauth/"):
            success = next(s for s in ("200", "201", "202") if s in responses)
            assert "429" in responses
            assert "X-RateLimit-Remaining" in responses[success]["headers"]


def test_each_surface_documents_its_own_error_shape(db):
    doc = schema()
    shapes = {"/v1/payments": "Error", "/api/v0/test-payment": "DevdraftError",
              "/api/v2/payment/refunds": "UqpayError", "/v1/oauth/token": "OAuthError"}
    for path, name in shapes.items():
        response = doc["paths"][path]["post"]["responses"]["429"]
        assert response["content"]["application/json"]["schema"]["$ref"].endswith(name)


def test_security_schemes(db):
    doc = schema()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer",
                                     "description": "An API key secret."}
    assert schemes["ApiKeyAuth"]["name"] == "X-API-Key"
    assert {schemes["x-client-key"]["name"], schemes["x-client-secret"]["name"]} == {
        "x-client-key", "x-client-secret"}
    assert {schemes["x-client-id"]["name"], schemes["x-auth-token"]["name"]} == {
        "x-client-id", "x-auth-token"}
    flow = schemes["OAuth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/v1/oauth/authorize"
    create = doc["paths"]["/v1/payments"]["post"]
    assert {"OAuth2": ["payments:write"]} in create["security"]
    devdraft = doc["paths"]["/api/v0/test-payment"]["post"]
    assert devdraft["security"] == [{"x-client-key": [], "x-client-secret": []}]


def test_idempotency_headers_and_examples(db):
    doc = schema()
    create = doc["paths"]["/v1/payments"]["post"]
    [key] = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert not key.get("required") and key["schema"]["pattern"]
    [devdraft_key] = [p for p in doc["paths"]["/api/v0/test-payment"]["post"]["parameters"]
                      if p["name"] == "Idempotency-Key"]
    assert devdraft_key["required"] is True
    [uqpay_key] = [p for p in doc["paths"]["/api/v2/payment/refunds"]["post"]["parameters"]
                   if p["name"] == "x-idempotency-key"]
    assert uqpay_key["required"] is True
    examples = create["requestBody"]["content"]["application/json"]["examples"]
    assert examples["AnOrder"]["value"]["amount"] == 49.99
