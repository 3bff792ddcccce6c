"""Issue #21: static files with the hash of their content in their URL, cached for a year.

Every page named ~26 scripts, styles and icons whose answers carried no max-age, so the
browser asked again for each of them (If-None-Match → 304) on every page. Now every URL
Flask builds for a static folder — ours (`static`) and FAB's (`appbuilder.static`) — carries
`?v=<first 12 hex digits of the file's SHA-256>`, and a request whose `v` is the file's
current hash is answered `Cache-Control: public, max-age=31536000, immutable`: the browser
never asks again, and a changed file gets a new URL. A static file asked for without (or with
a stale) `v` — the fonts and images a stylesheet names by a relative URL — is cached for
STATIC_UNVERSIONED_MAX_AGE seconds (an hour) instead of being re-validated per page.
"""

from __future__ import annotations

import hashlib
import os
import time

from flask import Flask, request

YEAR = 31_536_000
UNVERSIONED_MAX_AGE = 3600


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


# A file changed in place (without a restart) gets its new fingerprint within this; until
# then its URL is built without looking at the disk (issue #21: a page names up to 26 files).
RECHECK_SECONDS = 1.0


def fingerprint(app: Flask, endpoint: str, filename: str | None, fresh: bool = False) -> str | None:
    """The first 12 hex digits of the SHA-256 of a static file, None if there is no such file;
    read again when its modification time changes (looked at once every RECHECK_SECONDS, or
    now if `fresh`: the file itself is being served, and a year's caching follows)."""
    hashes = app.extensions.setdefault("bianmin_fingerprints", {})
    known = hashes.get((endpoint, filename))  # (mtime, fingerprint, checked at, path)
    now = time.monotonic()
    if known is not None and not fresh and now - known[2] < RECHECK_SECONDS:
        return known[1]
    if known is not None:
        path = known[3]
    else:
        folder = _folder(app, endpoint)
        if not folder or not filename:
            return None
        path = os.path.join(folder, filename)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    if known is None or known[0] != mtime:
        with open(path, "rb") as file:
            known = (mtime, hashlib.sha256(file.read()).hexdigest()[:12], now, path)
    hashes[(endpoint, filename)] = (known[0], known[1], now, path)
    return known[1]


def is_static(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def install(app: Flask) -> None:

    @app.url_defaults
    def _fingerprint_static_urls(endpoint, values):
        if is_static(endpoint) and "v" not in values:
            version = fingerprint(app, endpoint, values.get("filename"))
            if version:
                values["v"] = version

    _fingerprint_static_urls.static_only = True  # app/urls.py: adds values to static URLs only

    @app.after_request
    def _cache_static_files(response):
        if not is_static(request.endpoint) or response.status_code not in (200, 304):
            return response
        version = request.args.get("v")
        current = fingerprint(app, request.endpoint, (request.view_args or {}).get("filename"),
                              fresh=True)
        cache = response.cache_control
        cache.no_cache = None
        cache.public = True
        if version and version == current:
            cache.max_age = YEAR
            cache.immutable = True
        else:
            cache.max_age = int(app.config.get("STATIC_UNVERSIONED_MAX_AGE",
                                               UNVERSIONED_MAX_AGE))
        return response
