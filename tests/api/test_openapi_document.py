"""INPUT-1 (issue #9): the OpenAPI document states the error answers of every custom route.

A custom route's docstring states only what is particular to it; the standard answers (400,
401, 403, 422, and the 409 of a route that takes the version the client read) come from one
helper, app/api/base.openapi. These tests read the live document, as a client does, so the
helper cannot silently drop an answer, and a new route without the helper is caught.
"""

from __future__ import annotations

import inspect
import re

from apispec.yaml_utils import load_operations_from_docstring
from flask_appbuilder.api import BaseApi

from app.api.base import openapi

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# How a route reads the version the client read (JSON body or If-Match; multipart form).
VERSION_READERS = ("versioned_body(", "form_version(")


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
    """The route reads a version, itself or through the helpers of its class it calls
    (complaints' `_change`, leave's `_decide`)."""
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
    spec = app.test_client().get("/api/v1/_openapi", headers=token_for("Admin")).get_json()
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
                if "version" not in content["schema"]["properties"]:
                    missing.append(f"{method} {path}: the body's version")
        missing += [f"{method} {path}: {status}"
                    for status in sorted(expected - set(operation["responses"]))]
    assert missing == []


def test_input_1_every_custom_read_route_documents_its_error_answers(app, token_for):
    spec = app.test_client().get("/api/v1/_openapi", headers=token_for("Admin")).get_json()
    reads = [(path, method) for path, method, _c, _v in custom_routes(app) if method == "GET"]
    assert ("/api/v1/dutyshift/mine", "GET") in reads
    missing = [f"GET {path}: {status}" for path, _method in reads for status in ("400", "401", "403")
               if status not in spec["paths"][path]["get"]["responses"]]
    assert missing == []


def test_input_1_what_a_docstring_says_itself_stands_beside_the_standard_answers():
    """The helper adds; a route's own 409 wording and its own 422 shape are kept."""

    @openapi(404, version="the thing")
    def view():
        """Change the thing.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {name: {type: string}}}
          responses:
            200: {description: Changed}
            409: {description: Someone else is changing it}
            422: {description: Rows with errors}
        """

    operation = load_operations_from_docstring(view.__doc__)["post"]
    assert view.__doc__.startswith("Change the thing.")
    assert operation["responses"] == {
        200: {"description": "Changed"}, 409: {"description": "Someone else is changing it"},
        422: {"description": "Rows with errors"},
        400: {"$ref": "#/components/responses/400"}, 401: {"$ref": "#/components/responses/401"},
        403: {"$ref": "#/components/responses/403"}, 404: {"$ref": "#/components/responses/404"}}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert body == {"name": {"type": "string"}, "version": {
        "type": "integer", "description": "the thing's version the client read (409 if it moved on)"}}
