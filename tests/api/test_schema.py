"""The OpenAPI schema tells the whole truth: every route, its errors, headers and security."""

import json
import re
from urllib.parse import urlencode

import yaml
from django.urls import get_resolver
from openapi_spec_validator import validate

from tests.support.credentials import ADMIN_KEY, STANDARD_KEY, client_for
from tests.support.errors import v1_error

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
    assert len(routes) == 64  # with the three searches, a charge's refunds and checkout
    assert routes == documented


def test_operations_have_ids_tags_errors_and_headers(db):
    doc = schema()
    operations = [(path, method, op) for path, ops in doc["paths"].items()
                  for method, op in ops.items()]
    assert len(operations) == 85
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


# --- What is refused, the schema says -------------------------------------------------------

FORM = "application/x-www-form-urlencoded"


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _stripe_bodies(doc):
    """(path, method, media type, resolved schema) of every `/stripe/v1` request body."""
    return [(path, method, media_type, _resolve(doc, content["schema"]))
            for path, operations in doc["paths"].items() if path.startswith("/stripe/v1/")
            for method, operation in operations.items()
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items()]


def test_stripe_bodies_take_no_parameter_they_do_not_name(db):
    """`StripeParams` refuses an unknown parameter, and every Stripe body says so: a form's
    `order_id=42` is not a parameter the schema lets through."""
    bodies = _stripe_bodies(schema())
    assert len(bodies) == 23  # 21 forms; webhook endpoints are taken as JSON too
    for path, method, media_type, body in bodies:
        assert body["additionalProperties"] is False, (path, method, media_type)


def test_an_unknown_stripe_parameter_is_refused_as_the_schema_says(demo):
    api = client_for(STANDARD_KEY)
    admin = client_for(ADMIN_KEY)
    for path, method, _media_type, body in _stripe_bodies(schema()):
        assert "order_id" not in body.get("properties", {})
        client = admin if "webhook" in path else api
        url = path.replace("{", "").replace("}", "")  # the body is judged before the path
        response = client.generic(method.upper(), url, "order_id=42", content_type=FORM)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["code"] == "parameter_unknown", path


def test_stripe_forms_name_parameters_as_bracket_notation_writes_them(demo):
    """Arrays are named with their brackets and metadata is one field of JSON, so that a form
    written as the schema says is one the server takes."""
    doc = schema()
    content = doc["paths"]["/stripe/v1/webhook_endpoints"]["post"]["requestBody"]["content"]
    form, json_body = (_resolve(doc, content[media]["schema"])
                       for media in (FORM, "application/json"))
    assert form["required"] == ["enabled_events[]", "url"]
    assert json_body["required"] == ["enabled_events", "url"]
    assert json_body["properties"]["metadata"]["type"] == "object"
    pattern = re.compile(form["properties"]["metadata"]["pattern"])
    example = content[FORM]["examples"]["TwoEventTypes"]["value"]
    assert example["enabled_events[]"] == ["payment_intent.succeeded", "charge.refunded"]
    response = client_for(ADMIN_KEY).post(
        "/stripe/v1/webhook_endpoints",
        urlencode({**example, "metadata": '{"order_id":"42"}'}, doseq=True),
        content_type=FORM)
    assert response.status_code == 200, response.content
    assert response.json()["enabled_events"] == example["enabled_events[]"]
    assert response.json()["metadata"] == {"order_id": "42"}
    for key, taken in [("k" * 40, True), ("k" * 41, False), ("", False)]:
        text = json.dumps({key: "v"}, separators=(",", ":"))
        assert bool(pattern.match(text)) is taken, key
        response = client_for(STANDARD_KEY).post("/stripe/v1/customers",
                                                 urlencode({"metadata": text}), content_type=FORM)
        assert (response.status_code == 200) is taken, response.content


def test_what_the_stripe_parameters_refuse_the_schema_refuses(db):
    doc = schema()
    components = doc["components"]["schemas"]
    endpoint = components["StripeWebhookEndpointCreateRequest"]["properties"]
    assert endpoint["enabled_events"]["minItems"] == 1  # an empty list is refused
    assert re.fullmatch(endpoint["api_version"]["pattern"], "2024-06-20")
    assert not re.search(endpoint["api_version"]["pattern"], "0")
    intent = components["StripePaymentIntentCreateRequest"]["properties"]
    assert (intent["amount"]["minimum"], intent["amount"]["maximum"]) == (30, 99_999_999)
    assert re.fullmatch(intent["currency"]["pattern"], "uSd")
    assert not re.search(intent["currency"]["pattern"], "usx")
    refund = components["StripeRefundCreateRequest"]["properties"]["amount"]
    assert (refund["minimum"], refund["maximum"]) == (1, 99_999_999)
    events = {parameter["name"]: parameter["schema"]
              for parameter in doc["paths"]["/stripe/v1/events"]["get"]["parameters"]}
    for blank in ("", " ", "\t"):  # refused by the server: stripped, blank
        assert not re.search(events["type"]["pattern"], blank)
        assert not re.search(events["types[]"]["items"]["pattern"], blank)
    cursor = events["starting_after"]["pattern"]
    assert re.search(cursor, "") and re.search(cursor, "evt_1") and not re.search(cursor, " ")
    for path in ("/stripe/v1/customers", "/stripe/v1/payment_intents", "/stripe/v1/refunds"):
        listed = {p["name"] for p in doc["paths"][path]["get"]["parameters"]}
        assert {"limit", "starting_after", "ending_before"} <= listed, path
        assert "any other is refused" in doc["paths"][path]["get"]["description"]


def test_amounts_in_major_units_have_the_widest_true_bounds(db):
    """Over every currency: a charge from GBP's 0.30 to JPY's 99,999,999, a refund from 0.01.
    As plain numbers: `exclusiveMinimum: true` is OpenAPI 3.0's own, and a fuzzer that reads
    the schema as JSON Schema 2020-12 could not build a validator of the body holding it."""
    components = schema()["components"]["schemas"]
    for name, minimum in [("PaymentCreateRequest", 0.3), ("PaymentRequestRequest", 0.3),
                          ("RefundCreateRequest", 0.01)]:
        amount = components[name]["properties"]["amount"]
        assert (amount["minimum"], amount["maximum"]) == (minimum, 99_999_999), name
        assert "exclusiveMinimum" not in amount
    payment_method = components["PaymentCreateRequest"]["properties"]["payment_method_id"]
    assert not payment_method.get("nullable")  # null is refused


def test_a_422_without_a_parameter_lists_it_with_field_null(admin_api, settings):
    """Every `/v1` 422 carries `errors`; an account's limit is no one parameter's fault."""
    settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT = 1
    body = {"url": "https://example.com/hooks", "events": ["payment.completed"]}
    assert admin_api.post("/v1/webhooks/endpoints", body, format="json").status_code == 201
    error = v1_error(admin_api.post("/v1/webhooks/endpoints", body, format="json"), 422,
                     code="too_many_endpoints", param=None)
    assert error["errors"] == [{"field": None, "code": "too_many_endpoints",
                                "message": error["message"]}]
    stripe = client_for(ADMIN_KEY).post(
        "/stripe/v1/webhook_endpoints", "url=https%3A%2F%2Fexample.com%2Fh&enabled_events[]=*",
        content_type=FORM)
    assert stripe.status_code == 400
    assert "code" not in stripe.json()["error"]  # Stripe publishes no code for this limit
    assert "param" not in stripe.json()["error"]
    assert "endpoints" in stripe.json()["error"]["message"]


def test_the_v1_error_schema_says_a_422_carries_errors(db):
    doc = schema()
    components = doc["components"]["schemas"]
    assert "errors" in components["ValidationErrorDetail"]["required"]
    assert "errors" not in components["ErrorDetail"]["required"]
    assert components["FieldError"]["properties"]["field"]["nullable"] is True
    assert "field" in components["FieldError"]["required"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            unprocessable = operation["responses"].get("422")
            if unprocessable and path.startswith("/v1/") and not path.startswith("/v1/oauth/"):
                ref = unprocessable["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ValidationError"), (path, method)
