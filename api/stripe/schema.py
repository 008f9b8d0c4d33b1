"""The `/stripe/v1` operations in the OpenAPI schema, as their parameters are written: a
drf-spectacular postprocessing hook (named in `SPECTACULAR_SETTINGS`).

A Stripe body takes its own parameters and `expand`, nothing else (`StripeParams`, shown with
`additionalProperties: false`), and so does a query string (`StripeViewSet.initial`), which
OpenAPI 3.0 cannot close: each operation says so in its description.

A form body is in bracket notation (`api.stripe.forms`), which OpenAPI's form encoding cannot
say for every parameter, so each is documented in a way it can say and the server takes:

- an array is named with its brackets, `enabled_events[]` (sent `enabled_events[]=a&
  enabled_events[]=b`): the plain name repeated, as OpenAPI would send it, is not bracket
  notation (the server keeps the last value);
- metadata, the object of free keys, is one field holding the object as compact JSON
  (`metadata={"order_id":"42"}`), which the server takes beside `metadata[order_id]=42`. As
  `deepObject` its keys would be fields the schema cannot name (OpenAPI 3.0 has no
  `patternProperties`), so that a form as sent could not be checked against the schema;
  as JSON its key lengths can be stated;
- an object of named fields (`shipping`, `card`, `billing_details[address]`) is its fields,
  each named in brackets as it is written: `shipping[address][city]`. What such an object
  requires once it is given (`shipping[name]`) a flat form cannot require, so it is said in
  the field's description and refused by the server (400) when missing.

Where the same body is also taken as JSON, the form gets a component of its own
(`...FormRequest`), so that the JSON one keeps the plain names and the metadata object.
"""

import json

from api.stripe.params import metadata_form_schema
from api.stripe.surface import STRIPE

FORM = "application/x-www-form-urlencoded"
QUERY_NOTE = ("Query parameters: those listed here and `expand[]`; any other is refused "
              "(400 `parameter_unknown`).")


def bracket_notation(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Stripe operations' parameters as they are
    written (see the module's docstring)."""
    schemas = result.get("components", {}).get("schemas", {})
    forms = []
    shared = set()  # components of the bodies that are also taken as JSON
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(STRIPE.prefix):
            continue
        for operation in operations.values():
            operation["description"] = "\n\n".join(
                filter(None, [operation.get("description"), QUERY_NOTE]))
            for media_type, content in operation.get("requestBody", {}).get(
                    "content", {}).items():
                if media_type == FORM:
                    forms.append(content)
                else:
                    shared.add(_ref_name(content["schema"]))
    for content in forms:
        name = _ref_name(content["schema"])
        schema = schemas[name] if name else content["schema"]
        renames = _renames(schema, schemas)
        if not renames:
            continue
        form = _as_form(schema, renames, schemas)
        if name in shared:
            form_name = name.removesuffix("Request") + "FormRequest"
            schemas.setdefault(form_name, form)
            content["schema"] = {"$ref": f"#/components/schemas/{form_name}"}
        elif name:
            schemas[name] = form
        else:
            content["schema"] = form
        for example in content.get("examples", {}).values():
            if isinstance(example.get("value"), dict):
                example["value"] = _form_example(example["value"], renames)
    return result


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def _is_metadata(value: dict) -> bool:
    """The object parameter (`MetadataField`, with `allow_clear` one of two)."""
    return (value.get("type") == "object" and "properties" not in value) or any(
        branch.get("type") == "object" for branch in value.get("oneOf", []))


def _renames(schema: dict, schemas: dict) -> dict[str, str]:
    """Each parameter written otherwise in a form: array -> `name[]`, metadata -> JSON, an
    object of named fields -> its fields in brackets."""
    renames = {}
    for prop, value in schema.get("properties", {}).items():
        if value.get("type") == "array":
            renames[prop] = f"{prop}[]"
        elif _is_metadata(value) or _fields_of(value, schemas) is not None:
            renames[prop] = prop
    return renames


def _fields_of(value: dict, schemas: dict) -> dict | None:
    """The object of named fields `value` is (resolving a component), None if it is none."""
    name = _ref_name(value) or next(
        (_ref_name(branch) for branch in value.get("allOf", []) if _ref_name(branch)), None)
    target = schemas.get(name, {}) if name else value
    return target if target.get("type") == "object" and target.get("properties") else None


def _as_form(schema: dict, renames: dict[str, str], schemas: dict) -> dict:
    properties, required = {}, list(schema.get("required", []))
    for prop, value in schema["properties"].items():
        if prop in renames and _is_metadata(value):
            properties[prop] = metadata_form_schema(clearable="oneOf" in value)
        elif prop in renames and _fields_of(value, schemas) is not None:
            properties.update(_flattened(prop, _fields_of(value, schemas), schemas))
            required = [item for item in required if item != prop]
        else:
            properties[renames.get(prop, prop)] = value
    form = {**schema, "properties": properties}
    if "required" in schema:
        form["required"] = [renames.get(prop, prop) for prop in required]
    return form


def _flattened(prefix: str, schema: dict, schemas: dict) -> dict:
    """The fields of an object parameter, each under its bracketed name."""
    properties = {}
    needed = set(schema.get("required", []))
    for prop, value in schema["properties"].items():
        name = f"{prefix}[{prop}]"
        inner = _fields_of(value, schemas)
        if inner is not None:
            properties.update(_flattened(name, inner, schemas))
            continue
        if value.get("type") == "array":
            name += "[]"
        if prop in needed:
            value = {**value, "description": " ".join(filter(None, [
                value.get("description"), f"Required when `{prefix}` is given."]))}
        properties[name] = value
    return properties


def _form_example(value: dict, renames: dict[str, str]) -> dict:
    example = {}
    for key, item in value.items():
        if key in renames and isinstance(item, dict):
            item = json.dumps(item, separators=(",", ":"))
        example[renames.get(key, key)] = item
    return example
