"""Our own error pages (403, 404, 500): in the base layout and the user's language.

Werkzeug's default pages are English HTML without the menu; FAB aborts with 403 when a
signed-in user lacks a permission, and a typo in an address gives 404. The API keeps
answering JSON, as its clients expect.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# status → (title, explanation); the titles are what the tests and the users look for.
ERROR_TEXTS = {
    403: (_l("No permission"), _l("Your account has no permission for this page. If your work "
                                   "needs it, ask the administrator to change your role.")),
    404: (_l("Page not found"), _l("The page does not exist or has been moved. Check the address, "
                                    "or start again from the home page.")),
    500: (_l("Server error"), _l("The system could not complete the request and saved nothing. "
                                  "Please try again; if it happens again, tell the administrator.")),
}

# The last resort when even the layout cannot be rendered (e.g. the database is down).
PLAIN_500 = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>系统错误</title>"
             "<h1>系统错误</h1><p>系统暂时无法完成您的请求，未保存任何内容。请稍后重试。</p></html>")


def error_response(code: int):
    title, explanation = ERROR_TEXTS[code]
    if request.path.startswith("/api/"):
        return jsonify(message=str(title)), code
    html = render_template("bianmin/error.html", appbuilder=current_app.appbuilder,
                           code=code, title=title, explanation=explanation)
    return html, code


def handle_http_error(error: HTTPException):
    return error_response(error.code)


def handle_server_error(error: InternalServerError):
    """A failed request may leave the session in a broken transaction: roll it back before
    the layout (menu, center name) reads from the database again."""
    from app.extensions import db

    db.session.rollback()
    try:
        return error_response(500)
    except Exception:  # the error page itself must never fail
        log.exception("the 500 page could not be rendered")
        return PLAIN_500, 500


def handle_other_http_error(error: HTTPException):
    """Any other HTTP error keeps Werkzeug's page, except under /api/, whose clients read JSON
    (INPUT-1): a method the route does not take (405), a cookie-borne write without its CSRF
    token (400), a body past a size limit (413)."""
    if not request.path.startswith("/api/"):
        return error
    return jsonify(message=error.description or error.name), error.code


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(403, handle_http_error)
    app.register_error_handler(404, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_other_http_error)
