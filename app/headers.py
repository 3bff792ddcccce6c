"""SEC-3: security headers on every response (issue #9), as one small after_request hook.

Flask-Talisman would do the same, but it also redirects to HTTPS and rewrites cookies, which
the demo and the tests (plain HTTP) must not get; these few headers are simpler to own.
FAB 5 marks its own inline scripts with `nonce="{{ csp_nonce() }}"` when `csp_nonce` is in
the template context (FAB-NOTES), so the policy allows scripts from this host and those
carrying this response's nonce only: no inline script, no event-handler attribute, no other
host. Styles may stay inline (FAB's templates set style attributes); they run no code.

PRIV-1 (issue #18): pages with ID numbers were sent without `Cache-Control`, so a browser or a
proxy could keep them on disk and show them to the next user of a shared computer. Every
answer but the static files (scripts, styles, icons: the same for everyone) is `no-store`:
the signed-in pages and API answers, and the public ones too (a progress lookup names the
applicant's case) — one rule, nothing to forget on a new page.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask.globals import _cv_app

HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """One random nonce per response, the same for every script tag of the page (kept in `g`,
    read from the app context without the proxy's walk: a page asks 5–10 times, issue #21)."""
    app_context = _cv_app.get(None)
    values = (app_context.g if app_context is not None else g).__dict__
    nonce = values.get("csp_nonce")
    if nonce is None:
        nonce = values["csp_nonce"] = secrets.token_urlsafe(16)
    return nonce


# A drawing kept across responses (list headers, the search form: issue #21) holds this in
# place of the nonce it was drawn with; each response puts its own in.
NONCE_STAND_IN = "0bianminnonce0"


def nonce_taken_out(html: str) -> str:
    """`html` drawn for this response, to keep: its nonce replaced by NONCE_STAND_IN."""
    return html.replace(csp_nonce(), NONCE_STAND_IN)


def nonce_put_in(kept: str) -> str:
    """A kept drawing with this response's nonce in."""
    return kept.replace(NONCE_STAND_IN, csp_nonce())


# The policy around the nonce, joined once per process (issue #21): only the nonce is new.
_POLICY_HEAD, _POLICY_TAIL = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'nonce-\x00'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)).split("\x00")
FIXED_HEADERS = (("X-Frame-Options", "DENY"),
                 ("X-Content-Type-Options", "nosniff"),
                 ("Referrer-Policy", "same-origin"))


def content_security_policy(nonce: str) -> str:
    return f"{_POLICY_HEAD}{nonce}{_POLICY_TAIL}"


def install_security_headers(app: Flask) -> None:
    """HSTS only when SECURITY_HSTS (production behind an HTTPS proxy): a browser that saw it
    on a plain-HTTP demo would refuse that host over HTTP for a year.

    A header the view set itself is kept. The response's header names are read once
    (issue #21): werkzeug's `setdefault` walked the list and raised a KeyError per header."""

    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        present = set(headers.keys(lower=True))
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", content_security_policy(csp_nonce()))
        for name, value in FIXED_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if app.config.get("SECURITY_HSTS") and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", HSTS)
        if not is_static_file() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"  # PRIV-1
        return response


def is_static_file() -> bool:
    """Flask's and FAB's static folders (`static`, `appbuilder.static`): cacheable."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")
