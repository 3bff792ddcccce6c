"""Issue #21 P1: the templates' `url_for` kept per process.

A page builds the same URLs on every request — the public pages' header and forms, the
staff pages' links, FAB's buttons — and werkzeug builds each anew (~50 Python calls; the
public lookup's GET and POST build 24). A URL is a function of what is asked (endpoint,
values) and of where the request came in (script root, server name, subdomain), and for a
static file of the file's fingerprint (app/static_assets.py, which follows a changed file),
nothing else as long as no other `url_defaults` hook adds values. So the templates' `url_for`
keeps the URLs it built under exactly that, and builds the rest as Flask does.

Built as Flask does, never kept: calls with `_external`, `_anchor`, `_method` or `_scheme`,
values that are not plain text or whole numbers, any call outside a request, and every call
if a `url_defaults` hook not marked `static_only` is registered. Python code keeps
`flask.url_for`.
"""

from __future__ import annotations

from flask import Flask
from flask.globals import _cv_request

from app.static_assets import fingerprint, is_static

MAX_URLS = 10_000
_PLAIN = (str, int)


def _only_static_defaults(app: Flask) -> bool:
    hooks = app.url_default_functions
    return set(hooks) <= {None} and all(getattr(hook, "static_only", False)
                                        for hook in hooks.get(None, ()))


def install(app: Flask) -> None:
    build = app.url_for
    kept: dict = {}
    keepable: list = []  # decided at the first call: no hook is added after the first request

    def url_for(endpoint: str, /, **values) -> str:
        request_context = _cv_request.get(None)
        if request_context is None:
            return build(endpoint, **values)
        if not keepable:
            keepable.append(_only_static_defaults(app))
        adapter = request_context.url_adapter
        if not keepable[0] or adapter is None or not all(
                type(value) in _PLAIN and name[:1] != "_" for name, value in values.items()):
            return build(endpoint, **values)
        if endpoint[:1] == ".":  # relative to the request's blueprint, as Flask reads it
            blueprint = request_context.request.blueprint
            endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
        version = (fingerprint(app, endpoint, values.get("filename"))
                   if is_static(endpoint) and "v" not in values else None)
        key = (endpoint, tuple(sorted(values.items())), version, adapter.script_name,
               adapter.server_name, adapter.subdomain)
        url = kept.get(key)
        if url is None:
            url = build(endpoint, **values, v=version) if version else build(endpoint, **values)
            if len(kept) >= MAX_URLS:
                kept.clear()
            kept[key] = url
        return url

    app.jinja_env.globals["url_for"] = url_for
