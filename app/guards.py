"""Request guards: what no route should ever answer with a 500 (INPUT-1, issue #9).

Checked once for every route, FAB's own included, rather than in each view:
- a row id in the URL beyond what the INTEGER id columns hold (or a `pk` that is not a
  number) names no row: 404, instead of an OverflowError in SQLite's driver or "integer out
  of range" / a type error from PostgreSQL;
- FAB's generic `/<view>/download/<file>` serves uploaded files, and no model here stores any
  (UPLOAD_FOLDER is unset, so it failed with a KeyError): 404;
- a value the database refuses as not fitting its column (DataError: a list filter on a page
  with an id past INTEGER or a NUL byte, which FAB hands to SQL as typed): 400;
- FAB's API login reads `provider` though its schema does not require it (a KeyError): a
  body without one is answered 400 like any other schema error;
- a malformed, forged or expired JWT is a failed authentication: 401, not Flask-JWT-Extended's
  default 422 (FAB-NOTES);
- a body whose Content-Length passes MAX_CONTENT_LENGTH is 413 before any route runs: raised
  inside an API route, FAB's `@safe` would turn it into a 500;
- FAB's action routes of every CRUD view, its own security views included
  (`/<view>/action/<name>/<pk>`, `/<view>/action_post`), look the action up without checking
  it exists (`self.actions.get(name).func`) and hand a missing row to it as None: 500s on 12
  views, reachable anonymously with the CSRF token of /login/ (issue #18). An action the view
  does not have is 404, an action without its `action` field 400; for a user allowed the action
  a row id that names no row (through the view's base filters) is 404 — for anyone else FAB's
  own refusal stands, so that no one learns which rows exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, abort, current_app, request
from flask_appbuilder.exceptions import ApplyFilterException
from flask_babel import gettext
from sqlalchemy.exc import DataError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.error_messages import LOGIN_EXPIRED, NO_SUCH_RECORD, NOT_LOGGED_IN, NOT_RISON, api_error
from app.extensions import db
from app.rules.input import MAX_ROW_ID

_WHOLE_NUMBER = re.compile(r"-?\d{1,10}")


def install_request_guards(app: Flask) -> None:
    app.before_request(refuse_impossible_urls)
    app.register_error_handler(DataError, _value_does_not_fit)
    app.register_error_handler(ApplyFilterException, _value_does_not_fit)
    app.register_error_handler(OverflowError, _value_does_not_fit)  # SQLite's driver, past 64 bits
    _answer_bad_tokens_with_401(app)


def _value_does_not_fit(_error):
    db.session.rollback()
    message = gettext("A filter value does not fit its column.")
    if request.path.startswith("/api/"):
        return api_error(400, message)  # the API answers JSON (INPUT-1)
    return message, 400


def refuse_impossible_urls():
    req = request._get_current_object()  # one proxy walk, not one per attribute (issue #21)
    limit = req.max_content_length
    if limit is not None and (req.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    rule = req.url_rule
    if rule is None:
        return None
    checks = _checks_of(rule)
    if checks.login:
        _login_names_its_provider()
    if checks.download:
        _not_found()
    if checks.action:
        _action_must_exist()
    if req.path.startswith("/api/") and req.args.get("q"):
        _rison_must_parse(req.args["q"])
    view_args = req.view_args
    if view_args:
        for name in checks.row_ids:
            if name in view_args and view_args[name] > MAX_ROW_ID:
                _not_found()
        if checks.pk and "pk" in view_args and not _is_row_id(view_args["pk"]):
            _not_found()
    return None


@dataclass(frozen=True)
class _Checks:
    """What `refuse_impossible_urls` looks at for one URL rule: read off the rule once per
    process instead of on every request (issue #21)."""
    login: bool
    download: bool
    action: bool
    row_ids: tuple[str, ...]  # arguments of the INTEGER converter
    pk: bool  # a `pk` argument is not an INTEGER one (FAB's `<pk>`): it must read as one


def _checks_of(rule) -> _Checks:
    checks = getattr(rule, "_bianmin_checks", None)  # kept on the rule: it lives with its app
    if checks is None:
        endpoint = rule.endpoint or ""
        converters = rule._converters
        checks = rule._bianmin_checks = _Checks(
            login=endpoint == "SecurityApi.login",
            download=endpoint.endswith(".download"),
            action=endpoint.endswith((".action", ".action_post")),
            row_ids=tuple(name for name, converter in converters.items()
                          if isinstance(converter, IntegerConverter)),
            pk=not isinstance(converters.get("pk"), IntegerConverter))
    return checks


def _action_must_exist() -> None:
    """INPUT-1 (issue #18): FAB's action routes answer 4xx, never 500 (module docstring)."""
    view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
    actions = getattr(view, "actions", None)
    if actions is None:
        return
    if request.endpoint.endswith(".action_post"):
        name = request.form.get("action")
        if name is None:
            abort(400)
        pks = request.form.getlist("rowid")
    else:
        name, pks = request.view_args.get("name"), [request.view_args.get("pk")]
    if name not in actions:
        _not_found()
    permission = view.get_action_permission_name(name)
    if not view.appbuilder.sm.has_access(permission, view.class_permission_name):
        return  # FAB refuses it itself (a flash and a redirect), before any row is read
    for pk in pks:
        pk = view._deserialize_pk_if_composite(pk)
        if not _is_row_id(pk) or view.datamodel.get(pk, view._base_filters) is None:
            _not_found()


def _login_names_its_provider():
    body = request.get_json(silent=True)
    if isinstance(body, dict) and "provider" not in body:
        abort(api_error(400, gettext("This field is required."), "provider"))


def _rison_must_parse(value: str) -> None:
    """FAB answers 400 to a `q` its rison parser refuses with a ParserException, but prison
    raises ValueError on a malformed number (`4.7e`): that one would be a 500 (INPUT-1)."""
    import prison

    try:
        prison.loads(value)
    except prison.decoder.ParserException:
        return  # FAB's own answer: a JSON fallback or 400
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):
        abort(api_error(400, gettext(NOT_RISON), "q"))


def _is_row_id(value) -> bool:
    return isinstance(value, str) and bool(_WHOLE_NUMBER.fullmatch(value)) \
        and abs(int(value)) <= MAX_ROW_ID


def _not_found():
    """404 — as JSON under /api/ (FAB's API answers in JSON), as the page elsewhere."""
    if request.path.startswith("/api/"):
        abort(api_error(404, gettext(NO_SUCH_RECORD)))
    abort(404)


def _answer_bad_tokens_with_401(app: Flask) -> None:
    jwt = app.extensions.get("flask-jwt-extended")
    if jwt is None:
        return

    def unauthorized(message: str = NOT_LOGGED_IN):
        """Flask-JWT-Extended's reasons are English; the user reads one of two sentences."""
        return api_error(401, gettext(message))

    jwt.invalid_token_loader(lambda _reason: unauthorized())
    jwt.unauthorized_loader(lambda _reason: unauthorized())
    jwt.expired_token_loader(lambda _header, _data: unauthorized(LOGIN_EXPIRED))
    jwt.revoked_token_loader(lambda _header, _data: unauthorized(LOGIN_EXPIRED))
    jwt.user_lookup_error_loader(lambda _header, _data: unauthorized())
    jwt.token_verification_failed_loader(lambda _header, _data: unauthorized())
    jwt.needs_fresh_token_loader(lambda _header, _data: unauthorized(LOGIN_EXPIRED))
