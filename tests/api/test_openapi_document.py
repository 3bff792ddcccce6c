"""INPUT-1 (issues #9, #17): the OpenAPI document is made from the schemas that check the
bodies, and states the error answers of every custom route.

A custom route says its summary, its request and response schemas and its particular answers
to one helper, app/api/base.openapi; the standard answers (400, 401, 403, 422, and the 409 of a
route that takes the version the client read) come from it too. These tests read the live
document, as a client does, so the helper cannot silently drop an answer or a bound, and a new
route without the helper is caught.
"""

from __future__ import annotations

import inspect
import re
import warnings

import pytest
from flask_appbuilder.api import BaseApi
from marshmallow import fields
from openapi_spec_validator import OpenAPIV30SpecValidator

from app.api.base import openapi
from app.api.schemas.common import Answer, Body, PkPath, Text, VersionedBody
from app.rules.input import MAX_ROW_ID, TEXT_MAX_LENGTH
from models.cases import Case

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# How a route reads the version the client read (JSON body or If-Match; multipart form).
# ActionApi.act_on reads the version the client sent (app/api/actions.py).
VERSION_READERS = ("versioned_body(", "form_version(", "self.act_on(")


def document(app, token_for) -> dict:
    return app.test_client().get("/api/v1/_openapi", headers=token_for("Admin")).get_json()


def resolved(spec: dict, node: dict) -> dict:
    """`node`, its `$ref` followed (components)."""
    while "$ref" in node:
        section, name = node["$ref"].split("/")[2:]
        node = spec["components"][section][name]
    return node


def custom_routes(app) -> list[tuple[str, str, type, object]]:
    """(OpenAPI path, method, API class, view) of every @expose route our API modules define;
    FAB's own routes (get, get_list, info, post, put, delete) come from FAB's module."""
    routes = []
    for api in app.appbuilder.baseviews:
        if not isinstance(api, BaseApi):
            continue
        cls = type(api)
        for name, view in inspect.getmembers(cls, callable):
            if not (getattr(view, "_urls", None) and view.__module__.startswith("app.api.")):
                continue
            if api.include_route_methods is not None and name not in api.include_route_methods:
                continue
            for url, methods in view._urls:
                path = api.route_base + re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", url)
                routes.extend((path, method, cls, view) for method in methods)
    return routes


def takes_a_version(cls, view) -> bool:
    """The route reads a version, itself, through `act_on` or through the helpers of its
    class it calls (leave's and away's `_decide`)."""
    todo, seen = [inspect.unwrap(view)], set()
    while todo:
        source = inspect.getsource(todo.pop())
        if any(reader in source for reader in VERSION_READERS):
            return True
        for helper in set(re.findall(r"self\.(_\w+)\(", source)) - seen:
            seen.add(helper)
            if inspect.isfunction(getattr(cls, helper, None)):
                todo.append(getattr(cls, helper))
    return False


def test_input_1_every_custom_write_route_documents_its_error_answers(app, token_for):
    spec = document(app, token_for)
    routes = custom_routes(app)
    assert ("/api/v1/complaint/{pk}/answer", "POST") in {(p, m) for p, m, _c, _v in routes}
    writes = [route for route in routes if route[1] in WRITE_METHODS]
    versioned = [route for route in writes if takes_a_version(route[2], route[3])]
    assert len(writes) >= 20 and len(versioned) >= 10  # the discovery found the routes

    missing = []
    for path, method, cls, view in writes:
        operation = spec["paths"][path][method.lower()]
        expected = {"400", "401", "403", "422"}
        if (path, method, cls, view) in versioned:
            expected.add("409")
            for content in operation["requestBody"]["content"].values():
                if "version" not in resolved(spec, content["schema"])["properties"]:
                    missing.append(f"{method} {path}: the body's version")
        missing += [f"{method} {path}: {status}"
                    for status in sorted(expected - set(operation["responses"]))]
    assert missing == []


def test_input_1_every_custom_read_route_documents_its_error_answers(app, token_for):
    spec = document(app, token_for)
    reads = [(path, method) for path, method, _c, _v in custom_routes(app) if method == "GET"]
    assert ("/api/v1/dutyshift/mine", "GET") in reads
    missing = [f"GET {path}: {status}" for path, _method in reads for status in ("400", "401", "403")
               if status not in spec["paths"][path]["get"]["responses"]]
    assert missing == []


def test_input_1_the_document_is_valid_openapi_made_without_warnings(app, token_for):
    """Issue #17: apispec named two nested schemas of one model alike (a leave's staff and
    substitute, "LeaveApi.get.Staff") and warned; and type lists and a "None" enum made the
    hand-written YAML invalid OpenAPI 3.0."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = document(app, token_for)
    assert [str(w.message) for w in caught if "apispec" in w.filename or "schema" in
            str(w.message)] == []
    assert list(OpenAPIV30SpecValidator(spec).iter_errors()) == []
    assert {"LeaveApi.get.staff.Staff", "LeaveApi.get.substitute.Staff"} <= set(
        spec["components"]["schemas"])


def test_input_1_custom_bodies_are_schemas_of_the_document_not_yaml(app, token_for):
    """Issue #17: every custom route's request and answer body is a component made from the
    marshmallow schema that checks it; no route writes an OpenAPI body of its own in YAML."""
    spec = document(app, token_for)
    inline = []
    for path, method, _cls, view in custom_routes(app):
        assert "---" not in (inspect.unwrap(view).__doc__ or ""), f"{method} {path}: YAML"
        operation = spec["paths"][path][method.lower()]
        bodies = [("request", c["schema"]) for c in
                  operation.get("requestBody", {}).get("content", {}).values()]
        bodies += [(status, c["schema"]) for status, answer in operation["responses"].items()
                   for c in answer.get("content", {}).values()]
        inline += [f"{method} {path} {where}" for where, schema in bodies
                   if "$ref" not in schema and schema.get("items", {}).get("$ref") is None
                   and "multipart/form-data" not in str(operation.get("requestBody"))]
    assert inline == []


def _unbounded(spec, schema, where) -> list[str]:
    """The properties of a request schema without the bounds a check puts on them."""
    schema = resolved(spec, schema)
    if "anyOf" in schema:
        return [gap for part in schema["anyOf"] if "$ref" in part
                for gap in _unbounded(spec, part, where)]
    kind = schema.get("type")
    if kind == "object":
        gaps = [] if "additionalProperties" in schema else [f"{where}: additionalProperties"]
        if isinstance(schema.get("additionalProperties"), dict):
            gaps += _unbounded(spec, schema["additionalProperties"], f"{where}.*")
        for name, prop in schema.get("properties", {}).items():
            gaps += _unbounded(spec, prop, f"{where}.{name}")
        return gaps
    if kind == "array":
        return _unbounded(spec, schema["items"], f"{where}[]")
    if kind == "string" and not ({"maxLength", "enum", "format", "pattern"} & set(schema)):
        return [f"{where}: maxLength"]
    if kind == "integer" and not ({"maximum", "enum"} & set(schema)):
        return [f"{where}: maximum"]
    return []


def test_input_1_every_request_property_shows_its_bounds(app, token_for):
    """A text its maxLength (or choices, or format), a whole number its range, an object its
    closed set of keys — what the schema checks, in the document."""
    spec = document(app, token_for)
    gaps = []
    for path, method, _cls, _view in custom_routes(app):
        operation = spec["paths"][path][method.lower()]
        for kind, content in operation.get("requestBody", {}).get("content", {}).items():
            if kind == "multipart/form-data":  # a file and its version: parts, not JSON keys
                content = {"schema": {**content["schema"], "additionalProperties": False}}
            gaps += _unbounded(spec, content["schema"], f"{method} {path}")
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "header":  # If-Match: any text, read as a version or 409
                continue
            gaps += _unbounded(spec, parameter["schema"], f"{method} {path} {parameter['name']}")
    assert gaps == []


def test_input_1_a_bound_in_the_document_is_the_columns_and_the_checks(app, token_for):
    """The intake's applicant phone: the document's maxLength is the column's length, a phone
    one character longer is refused (422, under `applicant_phone`) — before the PRIV-2 rule."""
    spec = document(app, token_for)
    applicant = spec["components"]["schemas"]["CaseApplicant"]["properties"]
    assert applicant["phone"]["maxLength"] == Case.__table__.c.applicant_phone.type.length == 30
    assert applicant["address"]["maxLength"] == Case.__table__.c.applicant_address.type.length
    intake = spec["components"]["schemas"]["CaseIntake"]
    assert intake["properties"]["request"]["maxLength"] == TEXT_MAX_LENGTH
    assert intake["properties"]["item_id"] == {"type": "integer", "minimum": 1,
                                               "maximum": MAX_ROW_ID}
    assert intake["additionalProperties"] is False and intake["required"] == ["case_class",
                                                                               "item_id"]


@pytest.mark.parametrize("resource", ["window", "center", "staff", "service_item"])
def test_input_1_generic_writes_of_versioned_records_document_the_version_and_409(
        app, token_for, resource):
    """FAB's generic PUT and DELETE take the version the client read here (409 once it moved
    on; a DELETE also 409 while other records use the row, ORG-1)."""
    spec = document(app, token_for)
    operations = spec["paths"][f"/api/v1/{resource}/{{pk}}"]
    put = resolved(spec, operations["put"]["requestBody"]["content"]["application/json"]["schema"])
    assert put["properties"]["version"]["type"] == "integer"
    delete = operations["delete"]["requestBody"]["content"]["application/json"]["schema"]
    assert "version" in resolved(spec, delete)["properties"]
    for method in ("put", "delete"):
        assert {"400", "401", "403", "404", "409"} <= set(operations[method]["responses"])
        assert "If-Match" in {p["name"] for p in operations[method]["parameters"]}


def test_input_1_the_error_answers_are_documented_in_their_shape(app, token_for):
    """400 and 422: `{"message": {field: [text]}}`; any other status a text (README)."""
    responses = document(app, token_for)["components"]["responses"]
    spec = document(app, token_for)
    for status in ("400", "422"):
        message = resolved(spec, responses[status]["content"]["application/json"]["schema"])
        assert message["properties"]["message"]["additionalProperties"]["type"] == "array"
    for status in ("401", "403", "404", "409"):
        message = resolved(spec, responses[status]["content"]["application/json"]["schema"])
        assert message["properties"]["message"]["type"] == "string"


class _Thing(VersionedBody):
    """A thing."""

    name = Text(20, required=True)


class _ThingAnswer(Answer):
    """The thing after the change."""

    id = fields.Integer()


def test_input_1_the_helper_makes_the_operation_from_the_schemas():
    """Summary, path, body and answer schemas, the standard answers of the method and the
    further ones; a versioned body its If-Match and its 409 (in the route's words if given)."""

    @openapi(404, summary="Change the thing", path=PkPath, body=_Thing, answer=_ThingAnswer,
             conflict="Someone else is changing it")
    def view():
        """Change the thing."""

    operation = view._openapi_operation("post")
    assert operation["summary"] == "Change the thing"
    assert operation["requestBody"] == {"required": True,
                                        "content": {"application/json": {"schema": _Thing}}}
    assert operation["parameters"][0] == {"in": "path", "schema": PkPath}
    assert operation["parameters"][1]["name"] == "If-Match"
    responses = operation["responses"]
    assert responses[200]["content"]["application/json"]["schema"] is _ThingAnswer
    assert responses[200]["description"] == "The thing after the change."
    assert responses[409]["description"] == "Someone else is changing it"
    assert {code: responses[code] for code in (400, 401, 403, 404, 422)} == {
        code: {"$ref": f"#/components/responses/{code}"} for code in (400, 401, 403, 404, 422)}
    assert issubclass(_Thing, Body) and "version" in _Thing().fields
