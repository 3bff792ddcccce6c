"""Flask-WTF's CSRF tokens with less work per request (issue #21 P1): the logout form's and
the templates' token signed once per process for a session's raw token (`csrf_token`), and
the passed checks of `validate_csrf` kept where no time limit applies (`keep_csrf_checks`).
Its own module so that app.layout and app.context (the templates' context) both use it without
importing each other."""

from __future__ import annotations

import time

from flask import current_app, session as cookie_session
from flask.globals import _cv_app, _cv_request
from flask_wtf.csrf import generate_csrf


# (secret key, field name, the session's raw token) → (the signed token, signed at): see csrf_token.
_SIGNED_TOKENS: dict = {}
_SIGNED_TOKENS_MAX = 4096
# With a WTF_CSRF_TIME_LIMIT, a kept signed token is given out for at most this share of it
# (and never over a minute), so a page's token lives at least 90 % of the limit, as it would.
_REUSE_SHARE = 10
_REUSE_MAX_SECONDS = 60


def csrf_token() -> str:
    """Flask-WTF's `generate_csrf()` (the session's raw token signed with its timestamp),
    signing it once per process rather than on every page (issue #21: ~170 Python calls).

    The token is what Flask-WTF would give: the same raw session token signed the same way;
    `validate_csrf` checks POSTs unchanged (a foreign or tampered token is refused, and an
    expired one where WTF_CSRF_TIME_LIMIT is set). Without a time limit (config.py) the
    timestamp is never checked, so the signed token is kept as long as the session's raw token
    and the secret stay the same; with a time limit it is given out for at most a tenth of the
    limit (at most a minute). A session without a raw token yet goes to Flask-WTF, which makes
    one. Entries are found only by the session's own raw token."""
    app_context = _cv_app.get()  # not through the proxies: a page asks once or twice
    app = app_context.app
    config = app.config
    field_name = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    kept_vars = app_context.g.__dict__
    token = kept_vars.get(field_name)
    if token is not None:
        return token
    raw = _cv_request.get().session.get(field_name)
    secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    if not isinstance(raw, str) or not secret:
        return generate_csrf()
    limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    key = (secret, field_name, raw)
    kept = _SIGNED_TOKENS.get(key)
    now = time.time()
    if kept is not None and (limit is None or now - kept[1] < min(limit / _REUSE_SHARE,
                                                                    _REUSE_MAX_SECONDS)):
        kept_vars[field_name] = kept[0]
        return kept[0]
    token = generate_csrf()
    if cookie_session.get(field_name) == raw:  # Flask-WTF signed this very raw token
        if len(_SIGNED_TOKENS) >= _SIGNED_TOKENS_MAX:
            _SIGNED_TOKENS.clear()
        _SIGNED_TOKENS[key] = (token, now)
    return token


# (secret key, field name, the session's raw token, the token sent) of checks passed: see
# keep_csrf_checks.
_PASSED_CHECKS: dict = {}


def keep_csrf_checks() -> None:
    """Issue #21 P1: Flask-WTF's `validate_csrf` (every POST: CSRFProtect and FlaskForm) with
    its passed checks kept per process (~250 Python calls a POST) — only without a time
    limit (WTF_CSRF_TIME_LIMIT None, config.py), where its answer depends on nothing but the
    secret, the session's raw token and the token sent, all in the key. A token that fails is
    checked afresh every time (and refused as before); with a time limit every token is."""
    from flask_wtf import csrf as flask_wtf_csrf

    check = flask_wtf_csrf.validate_csrf
    if getattr(check, "bianmin_kept", False):
        return

    def validate_csrf(data, secret_key=None, time_limit=None, token_key=None):
        config = current_app.config
        if time_limit is None:
            time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
        secret = secret_key if secret_key is not None else \
            config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
        field_name = token_key if token_key is not None else \
            config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        raw = cookie_session.get(field_name) if field_name else None
        if time_limit is not None or not secret or type(data) is not str \
                or type(raw) is not str:
            return check(data, secret_key, time_limit, token_key)
        key = (secret, field_name, raw, data)
        if key in _PASSED_CHECKS:
            return None
        check(data, secret_key, time_limit, token_key)  # raises when refused
        if len(_PASSED_CHECKS) >= _SIGNED_TOKENS_MAX:
            _PASSED_CHECKS.clear()
        _PASSED_CHECKS[key] = True
        return None

    validate_csrf.bianmin_kept = True
    flask_wtf_csrf.validate_csrf = validate_csrf


def clear() -> None:
    """Forget the signed tokens and passed checks (tests; app.layout.clear)."""
    _SIGNED_TOKENS.clear()
    _PASSED_CHECKS.clear()
