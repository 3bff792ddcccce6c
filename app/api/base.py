"""What every domain API shares with its view: permission names, rule checks, scoping."""

from __future__ import annotations

import sys

from flask import request
from flask_appbuilder import ModelRestApi
from flask_babel import gettext
from marshmallow import ValidationError
from marshmallow_sqlalchemy.fields import Related
from sqlalchemy import inspect
from flask_appbuilder.exceptions import ApplyFilterException
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from app.api.schemas.common import (ERROR_ANSWERS, VERSION, InvalidBody, TextRefusal,
                                    VersionedBody, load)
from app.datamodel import FilterValueRefused, column_checks
from app.error_messages import (NO_SUCH_RECORD, NOT_LOGGED_IN, WHOLE_REQUEST, error_texts,
                                translated_refusal)
from app.extensions import db
from app.rules.errors import N_, RuleViolation
from app.rules.input import INT32, MAX_ROW_ID, RULE, MalformedInput, validate_row_id
from app.security import API_METHOD_PERMISSIONS, staff_names, window_scoped_filters
from app.services.jobs import JobBusy
from app.services.references import StillReferenced, check_deletable
from app.services.transaction import Conflict, check_version, transaction, transactional


def json_body(*, optional: bool = False) -> dict:
    """INPUT-1: the request's body as a JSON object, or a MalformedInput (the API's 400 with a
    message under "_schema") saying what is wrong with it — before any schema reads it:

    - nothing sent: `{}` when the route's body is `optional` (a confirm, a cancel), else 400;
    - another content type (a form post, JSON sent as text/plain), text that does not parse
      as JSON (or nests deeper than the parser goes), or JSON that is no object (an array, a
      string, a number, null): 400 — never read as an empty body, which would run the write.
    """
    if not (request.content_length or request.get_data(cache=True)):
        if optional:
            return {}
        raise MalformedInput(N_("Send a JSON object."), field="_schema")
    if not request.is_json:
        raise MalformedInput(N_("Send the body as JSON, with the header Content-Type: "
                                "application/json."), field="_schema")
    try:
        body = request.get_json()
    except (BadRequest, RecursionError):
        raise MalformedInput(N_("The body is not valid JSON."), field="_schema") from None
    if not isinstance(body, dict):
        raise MalformedInput(N_("Send a JSON object."), field="_schema")
    return body


def request_body(schema, *, optional: bool = False) -> dict:
    """INPUT-1: the JSON object of the body (json_body) as `schema` reads it — typed, bounded,
    no unknown key — or InvalidBody, the 400/422 of app/api/schemas/common.py."""
    return load(schema(), json_body(optional=optional))


def versioned_body(schema, *, optional: bool = False) -> tuple[dict, object]:
    """request_body of a VersionedBody: (the body without its `version`, the version the
    client read — the body's or the If-Match header's, None when it sent neither)."""
    body = request_body(schema, optional=optional)
    seen = body.pop(VERSION, None)
    return body, seen if seen is not None else (request.headers.get("If-Match", "").strip()
                                                or None)


def query_args(schema) -> dict:
    """INPUT-1: the query string as `schema` reads it; any refusal is a 400 (a query is the
    request's shape, never a value to correct in a form)."""
    try:
        return load(schema(), request.args.to_dict())
    except InvalidBody as invalid:
        invalid.status = 400
        raise


def form_version():
    """Issue #9 for a multipart upload: the version the client read, from the form's `version`
    field (a whole number, INPUT-1) or an `If-Match` header; None when it sent neither."""
    text = request.form.get(VERSION, "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= 10
                     and int(text) <= MAX_VERSION):
        raise MalformedInput(N_("Enter a whole number."), field=VERSION)
    return text or request.headers.get("If-Match", "").strip() or None


def expected_version(body=None):
    """Issue #9: the version the client read, from the JSON body's `version` (taken out, so
    FAB's schema never loads it; read as VersionedBody documents it, INPUT-1) or an
    `If-Match` header; None when it sent neither."""
    if isinstance(body, dict) and VERSION in body:
        return load(VersionedBody(), {VERSION: body.pop(VERSION)})[VERSION]
    header = request.headers.get("If-Match", "").strip()
    return header or None


MAX_VERSION = INT32[1]  # the version column's INTEGER
# The error answers every custom route gives, by method (app/error_messages.py's shapes): bad
# input, not logged in, not allowed; a write also a broken rule (and 409, see `openapi`).
STANDARD_ANSWERS = {"get": (400, 401, 403), "post": (400, 401, 403, 422)}
IF_MATCH = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
            "description": "the version of the record the client read, instead of the body's "
                           "`version` (409 if someone changed it since)"}


def openapi(*answers: int, summary: str, body=None, answer=None, status: int = 200,
            path=None, query=None, upload: str | None = None, optional: bool = False,
            conflict: str | None = None, description: str | None = None,
            refusals: dict | None = None):
    """A custom route's OpenAPI operation, made from its schemas (issue #17): `summary`, the
    request `body` schema (or a multipart `upload` field), the `answer` schema of its
    `status`, its `path` and `query` parameter schemas; the standard error answers of its
    method and the further `answers` given (404), shaped as app/error_messages.py says. A body
    that is a VersionedBody documents the If-Match header and the 409 (`conflict` words it
    when the route says more); `refusals` {status: (description, schema)} replaces an answer
    the route shapes its own way (the import's 422 with its row errors).

    Place it below `@safe` (FAB's decorators copy the function's attributes)."""

    def operation(method: str) -> dict:
        spec: dict = {"summary": summary}
        if description:
            spec["description"] = description
        parameters = [{"in": "path", "schema": path}] if path is not None else []
        if query is not None:
            parameters.append({"in": "query", "schema": query})
        versioned = body is not None and issubclass(body, VersionedBody)
        if versioned:
            parameters.append(IF_MATCH)
        if parameters:
            spec["parameters"] = parameters
        if body is not None:
            spec["requestBody"] = {"required": not optional,
                                   "content": {"application/json": {"schema": body}}}
        elif upload is not None:
            spec["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": [upload], "properties": {
                    upload: {"type": "string", "format": "binary"},
                    VERSION: {"type": "integer", "minimum": 0, "maximum": MAX_VERSION,
                              "description": (
                        "the version of the record the client read (409 if someone changed "
                        "it since)")}}}}}}
        responses: dict = {status: {"description": summary_of(answer) if answer else "Done"}}
        if answer is not None:
            responses[status]["content"] = {"application/json": {"schema": answer}}
        for code in (*STANDARD_ANSWERS[method], *answers):
            responses[code] = {"$ref": f"#/components/responses/{code}"}
        if versioned or upload is not None or conflict:
            responses[409] = {"description": conflict or (
                "Someone changed the record since the client read it; nothing was saved"),
                "content": {"application/json": {"schema": TextRefusal}}}
        for code, (text, schema) in (refusals or {}).items():
            responses[code] = {"description": text,
                               "content": {"application/json": {"schema": schema}}}
        spec["responses"] = responses
        return spec

    def document(view):
        view._openapi_operation = operation
        return view

    return document


def summary_of(schema) -> str:
    """A schema's description in the document: the first paragraph of its docstring."""
    paragraph = (schema.__doc__ or schema.__name__).strip().split("\n\n")[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def uploaded_file(name: str = "file"):
    """INPUT-1: the file a multipart upload sends as `name`, or MalformedInput (400) under
    it — no file, a file without a name, or a form Werkzeug refuses to parse (too many parts,
    a text part over MAX_FORM_MEMORY_SIZE), which would otherwise be a 500 or an HTML 413."""
    try:
        upload = request.files.get(name)
    except RequestEntityTooLarge:
        if over_request_limit():
            raise  # past MAX_CONTENT_LENGTH: the 413 of every route (app/views/errors.py)
        raise MalformedInput(N_("Send one file as multipart/form-data, without other large "
                                "fields."), field=name) from None
    if upload is None or not upload.filename:
        raise MalformedInput(N_("Choose a file."), field=name)
    return upload


def over_request_limit() -> bool:
    """The body is (or may be, when sent without a length) past MAX_CONTENT_LENGTH."""
    limit = request.max_content_length
    return limit is not None and (request.content_length is None
                                  or request.content_length > limit)


def item_values(item) -> dict:
    """An ORM item's column and relationship values by attribute name (for rule checks)."""
    mapper = inspect(item).mapper
    values = {attr.key: getattr(item, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(item, rel.key) for rel in mapper.relationships})
    return values


def schema_validator(check, field: str):
    """An INPUT-1 check as a marshmallow validator: its translated message under the field."""

    def validate(value):
        try:
            check(value, field)
        except RuleViolation as violation:
            raise ValidationError(violation.render(gettext)) from None

    return validate


class ExistingRelated(Related):
    """A reference to an existing row, by its id (or `{"id": …}`), or a 422 under the field.

    marshmallow-sqlalchemy's `Related` builds a new related object from whatever it is given
    when no row matches (`Window(**value)`): an unknown key is a TypeError, a missing row an
    insert that fails in the database — both 500s before (issue #9)."""

    def _deserialize(self, value, *args, **kwargs):
        key = self.related_keys[0].key
        if isinstance(value, dict):
            if set(value) != {key}:
                raise ValidationError(gettext("Give the id of an existing record."))
            value = value[key]
        try:
            row_id = validate_row_id(value, self.name)
        except RuleViolation as violation:
            raise ValidationError(violation.render(gettext)) from None
        row = self.session.get(self.related_model, row_id)
        if row is None:
            raise ValidationError(gettext("Choose an existing record."))
        return row


def bound_schema(schema, model) -> None:
    """INPUT-1 on an add/edit schema: bounds of the columns, references to existing rows."""
    checks = column_checks(model)
    for name, field in schema.fields.items():
        if type(field) is Related and len(field.related_keys) == 1:
            # Same field, stricter deserialisation: FAB builds these schemas itself.
            field.__class__ = ExistingRelated
        elif name in checks:
            field.validators.append(schema_validator(checks[name], name))


class RuleAnswers:
    """How every API of ours answers a broken rule or a concurrent change, model or not: one
    transaction per custom endpoint, 422/400 for a refusal, 409 for a conflict (issue #9).

    Every error answer is JSON with a `message` in the user's language, shaped as
    app/error_messages.py documents: `{field: [text]}` for 400 and 422, a text for any other
    status. FAB's own answers (its `protect()`'s 401/403, a missing row's 404, its 400s) pass
    through the response_* methods below, which say them so too."""

    def response_400(self, message=None):
        return self.response(400, message=translated_refusal(message, 400))

    def response_422(self, message=None):
        return self.response(422, message=translated_refusal(message, 422))

    def response_401(self):
        return self.response(401, message=gettext(NOT_LOGGED_IN))

    def response_403(self):
        return self.response(403, message=error_texts(403)[0])

    def response_404(self):
        return self.response(404, message=gettext(NO_SUCH_RECORD))

    def response_500(self, message=None):
        """FAB's `@safe` hands the exception's text (or a stack trace): the user gets ours.
        An HTTP error raised inside the route (a body sent without a length that runs past
        MAX_CONTENT_LENGTH while read) keeps its own status: `@safe` calls this from its
        `except`, so the error is re-raised to the app's handlers (app/views/errors.py)."""
        error = sys.exc_info()[1]
        if isinstance(error, HTTPException):
            raise error
        return self.response(500, message=error_texts(500)[0])

    def add_apispec_components(self, api_spec) -> None:
        """The error answers as they are (app/error_messages.py), in place of FAB's (a text
        under `message` for every status), whichever API registered them first."""
        super().add_apispec_components(api_spec)
        for status, (text, schema) in ERROR_ANSWERS.items():
            api_spec.components.responses.pop(str(status), None)
            api_spec.components.response(str(status), {
                "description": text, "content": {"application/json": {"schema": schema}}})

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs):
        """A route decorated with `openapi` gets the operation it describes (schemas resolved
        to components by apispec's MarshmallowPlugin); others FAB's, from the docstring."""
        super().operation_helper(path=path, operations=operations, methods=methods, func=func,
                                 **kwargs)
        make = getattr(func, "_openapi_operation", None)
        if make is None:
            return
        for method in methods:
            operation = make(method.lower())
            if self.get_method_permission(func.__name__):
                operation["security"] = [{"jwt": []}, {"api_key": []}]
            operations[method.lower()] = operation

    def unit_of_work(self) -> transaction:
        """One transaction for a custom endpoint: its `.answer` is the 422 of a broken rule or
        the 409 of a concurrent change (issue #9), None when it committed."""
        return transaction(db.session, on_error=self.answer_error)

    def answer_error(self, error):
        if isinstance(error, Conflict):
            return self.conflict()
        return self.refuse(error)

    def conflict(self):
        """409: someone else changed the row since the client read it (or is changing it)."""
        return self.response(409, message=Conflict().render(gettext))

    def job_busy(self, busy: JobBusy):
        """409: the generation is running (or was just done) — by whom, since when (OPS-1)."""
        db.session.rollback()
        names = staff_names([busy.run.started_by]) if busy.run is not None else {}
        return self.response(409, message=busy.render(gettext, names=names))

    def refuse(self, violation: RuleViolation):
        """Nothing saved; 422 with the rule's message under its field (400 when the body was
        not even of the expected shape, INPUT-1); a body its schema refused: each field's
        refusals, 400 or 422 as app/api/schemas/common.py says."""
        db.session.rollback()
        if isinstance(violation, InvalidBody):
            return self.response(violation.status, message=translated_refusal(
                violation.messages, violation.status))
        message = {violation.field or "_schema": [violation.render(gettext)]}
        if isinstance(violation, MalformedInput):
            return self.response_400(message=message)
        return self.response_422(message=message)


class DomainApi(RuleAnswers, ModelRestApi):
    """A REST resource of one domain model; `rule_checks` are the view's own (one rule, two doors).

    A broken rule answers 422 with `{"message": {field: [text]}}` in the user's language,
    like FAB's own schema errors, and nothing is saved.
    """

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    rule_checks: tuple = ()
    # Each resource names its `base_order`: without one a page of `get_list` has no ORDER BY
    # and PostgreSQL may repeat or skip rows from one page to the next (FAB adds the id as
    # the tie-break of whatever column is chosen).

    def __init__(self):
        # FAB's POST/PUT/DELETE commit inside its interface: ours runs them in transaction().
        self.datamodel = transactional(self.datamodel)
        super().__init__()

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        for schema in (self.add_model_schema, self.edit_model_schema):
            bound_schema(schema, self.datamodel.obj)
        for schema in (self.list_model_schema, self.show_model_schema):
            _name_nested_by_field(schema)
        if self.datamodel.is_versioned():
            _add_version_field(self.edit_model_schema)

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs):
        """FAB's generic routes as they answer here: 403 for a role without the permission;
        PUT and DELETE of a versioned record take the version the client read (the body's
        `version`, or If-Match) and answer 409 once someone changed it; a DELETE also 409
        while other records use the row (ORG-1)."""
        super().operation_helper(path=path, operations=operations, methods=methods, func=func,
                                 **kwargs)
        if getattr(func, "_openapi_operation", None) is not None:
            return
        name = getattr(func, "__name__", "")
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in (400, 401, 403):
                responses.setdefault(status, {"$ref": f"#/components/responses/{status}"})
            if name not in ("put", "delete"):
                continue
            responses[409] = {"$ref": "#/components/responses/409"}
            if not self.datamodel.is_versioned():
                continue
            operation.setdefault("parameters", []).append(IF_MATCH)
            if name == "delete":
                operation["requestBody"] = {"required": False, "content": {
                    "application/json": {"schema": VersionedBody}}}

    def _check(self, item) -> None:
        values = item_values(item)
        for check in self.rule_checks:
            check(values)

    def pre_add(self, item) -> None:
        self._check(item)

    def pre_update(self, item) -> None:
        self._check(item)

    def _guarded(self, write, *args):
        try:
            return write(*args)
        except RuleViolation as violation:
            return self.refuse(violation)
        except Conflict:
            db.session.rollback()
            return self.conflict()
        except IntegrityError:
            # A value that must be unique is taken (FAB re-raises the database's error): the
            # caller's input, so 422 like any other refusal, not a 500 (INPUT-1).
            return self.refuse(RuleViolation(RULE, N_("Another record already has this value, "
                                                      "or a referenced record is missing.")))

    def _check_version(self, pk) -> None:
        """Issue #9: a PUT/DELETE naming the version it read fails with 409 once the row moved
        on; without one, the version column still refuses an UPDATE racing another."""
        seen = expected_version(json_body(optional=True))
        item = self.datamodel.get(pk, self._base_filters) if seen is not None else None
        if item is not None and self.datamodel.is_versioned():
            check_version(item, seen)

    def _serves(self, method: str) -> bool:
        routes, excluded = self.include_route_methods, self.exclude_route_methods or set()
        return (routes is None or method in routes) and method not in excluded

    def _get_fields_info(self, cols, model_schema, filter_rel_fields, **kwargs):
        """ORG-2/PRIV-1: FAB's `_info` describes the add and edit forms with every row of each
        related model, unfiltered — every leave request (whose, when), every case number of
        every window — to anyone who may read the resource. An API without FAB's generic POST
        (PUT) has no add (edit) form: it describes none. (FAB's `info` calls its own merge
        functions, not overrides of them: this is the method they call on the API.)"""
        generic = "post" if model_schema is self.add_model_schema else "put"
        if not self._serves(generic):
            return []
        return super()._get_fields_info(cols, model_schema, filter_rel_fields, **kwargs)

    def pre_get(self, data) -> None:
        """The row's version beside its fields: what a client sends back to PUT safely."""
        if self.datamodel.is_versioned() and "id" in data:
            item = self.datamodel.get(data["id"], self._base_filters)
            if item is not None:
                data["version"] = item.version


    def get_list_headless(self, **kwargs):
        """A list filter whose value its column cannot hold (an id past INTEGER, text with a
        NUL byte or that is no date: FAB passes filter values to SQL as given; SQLite's driver
        overflows past 64 bits), or a page past any table's rows, is the caller's error: 400."""
        if not _page_fits(kwargs.get("rison")):
            return self.response_400(message={WHOLE_REQUEST: [
                gettext("Choose a page of the list that exists.")]})
        try:
            return super().get_list_headless(**kwargs)
        except (ApplyFilterException, DataError, OverflowError, FilterValueRefused):
            db.session.rollback()
            return self.response_400(message={WHOLE_REQUEST: [
                gettext("A filter value does not fit its column.")]})

    def post_headless(self):
        return self._guarded(self._from_json, super().post_headless)

    def put_headless(self, pk):
        return self._guarded(self._from_json, self._versioned_write, super().put_headless, pk)

    def _from_json(self, write, *args):
        """INPUT-1: FAB's add and edit run only on a JSON object (json_body's 400 otherwise):
        FAB answers anything else in English, and a body nested too deep with a 500."""
        json_body()
        return write(*args)

    def delete_headless(self, pk):
        return self._guarded(self._versioned_write, self._delete_unless_referenced, pk)

    def _delete_unless_referenced(self, pk):
        """ORG-1: a row other records still use answers 409 naming them; nothing deleted."""
        try:
            return super().delete_headless(pk)
        except StillReferenced as violation:
            db.session.rollback()
            return self.response(409, message=violation.render(gettext))

    def _versioned_write(self, write, pk):
        self._check_version(pk)
        return write(pk)

    def pre_delete(self, item) -> None:
        check_deletable(db.session, item)



def _page_fits(rison) -> bool:
    """INPUT-1: a list page whose first row lies within what an INTEGER id can number (FAB
    would run an OFFSET of trillions and answer an empty page)."""
    if not isinstance(rison, dict):
        return True
    page, size = rison.get("page", 0), rison.get("page_size", 25)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (page, size)):
        return True  # FAB refuses these itself
    return page * max(size, 1) <= MAX_ROW_ID


def _name_nested_by_field(schema) -> None:
    """FAB names a related row's nested schema `<Api>.<route>.<Model>`: two references to
    one model (a leave's staff and substitute) were two schemas of one name, which apispec
    renamed with a warning. Each is named by its field: `LeaveApi.get.substitute.Staff`."""
    for name, field in schema.fields.items():
        nested = getattr(field, "nested", None)
        meta = getattr(nested, "Meta", None)
        parent = getattr(meta, "parent_schema_name", None)
        if parent and not parent.endswith(f".{name}"):
            meta.parent_schema_name = f"{parent}.{name}"


def _add_version_field(schema) -> None:
    """The edit schema of a versioned record documents the `version` the client read (taken
    out of the body before FAB loads it, DomainApi._check_version) and answers the new one."""
    field = VersionedBody().fields[VERSION]
    field._bind_to_schema(VERSION, schema)
    schema.fields[VERSION] = schema.load_fields[VERSION] = schema.dump_fields[VERSION] = field


class WindowScopedApi(DomainApi):
    """ORG-2 for the API: the same row filter as the view, declared here because FAB's API
    does not inherit a view's base_filters (FAB-NOTES)."""

    base_filters = window_scoped_filters()
