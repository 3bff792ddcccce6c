"""Our own error pages: in the base layout and the user's language, for every HTTP error.

Werkzeug's default pages are English HTML without the menu; FAB aborts with 403 when a
signed-in user lacks a permission, a typo in an address gives 404, a form without its CSRF
token 400, a wrong method 405, a body past MAX_CONTENT_LENGTH 413, the login's rate limit 429.
Under /api/ the same errors are JSON with the same translated text, in the shape documented in
app/error_messages.py.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.error_messages import API_CSRF_ERROR, api_error, error_texts
from app.extensions import db

log = logging.getLogger(__name__)

# The last resort when even the layout cannot be rendered (e.g. the database is down).
PLAIN_500 = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>系统错误</title>"
             "<h1>系统错误</h1><p>系统暂时无法完成您的请求，未保存任何内容。请稍后重试。</p></html>")
# Werkzeug's headers worth keeping: Allow (405), Retry-After (429, 503).
KEPT_HEADERS = ("Allow", "Retry-After")


def error_response(code: int, csrf: bool = False, headers=()):
    title, explanation = error_texts(code, csrf)
    if request.path.startswith("/api/"):
        text = gettext(API_CSRF_ERROR) if csrf else title
        return api_error(code, text, headers=headers)
    # An error raised before FAB's own before_request (the CSRF check, a body past
    # MAX_CONTENT_LENGTH read by it) finds no g.user, which the layout's menu reads.
    g.setdefault("user", current_user)
    html = render_template("bianmin/error.html", appbuilder=current_app.appbuilder,
                           code=code, title=title, explanation=explanation)
    return (html, code, list(headers)) if headers else (html, code)


def handle_http_error(error: HTTPException):
    if error.response is not None:
        # The error brings its own answer (the public lookup's 429 in the public frame, made
        # by its limit's on_breach): keep it.
        return error.response
    headers = [(name, value) for name, value in error.get_headers() if name in KEPT_HEADERS]
    return error_response(error.code, isinstance(error, CSRFError), headers)


def handle_server_error(error: InternalServerError):
    """A failed request may leave the session in a broken transaction: roll it back before
    the layout (menu, center name) reads from the database again."""
    db.session.rollback()
    try:
        return error_response(500)
    except Exception:  # the error page itself must never fail
        log.exception("the 500 page could not be rendered")
        return PLAIN_500, 500


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
