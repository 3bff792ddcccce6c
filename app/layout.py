"""Issue #21 P1: the staff pages' frame drawn from parts kept per process.

FAB draws every page through `appbuilder/init.html` → `appbuilder/baselayout.html` → our
layout: ~20 fingerprinted `url_for` calls for its stylesheets and scripts, a dozen Babel
look-ups for the skip link, the modals and the navbar, the navbar itself (the language menu,
the case-number box, the user's menu) — about 60 % of a small page's CPU. Our layout
(`bianmin/baselayout.html`, FAB's `base_template`) draws the same page without FAB's chain,
from three parts kept here:

- the stylesheets and scripts (`assets`): the same files, in the same order, with the same
  fingerprinted URLs (app/static_assets.py) as FAB's `init.html` and our additions; kept per
  script root with the files' fingerprints, and rebuilt when one of them changes (asked of
  `static_assets.fingerprint` once every static_assets.RECHECK_SECONDS, which looks at the
  file itself no oftener). The response's CSP nonce is put into the kept text on every
  request.
- the confirmation and alert modals with the skip link (`modals`): kept per language.
- the navbar (`navbar`): FAB's `appbuilder/navbar.html` with our menu and right-hand side,
  kept under the user's permission-cache key (user id, login name, account creation time,
  session generation: app/permission_cache.py), the language, the session's language
  choice, the script root and the user's full name. The to-do badge (itself kept per user
  for a short while) and the logout form's CSRF token are put in on every request, so no
  request shows another's token or count. A role change advances the session generation,
  so the case-number box and the menu follow it at once; a role's permission edit clears
  the kept navbars with the menus. Entries are found only by the user's own key.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, render_template, request, session as cookie_session, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app import csrf_tokens, permission_cache, static_assets
from app.context import todo_count
from app.csrf_tokens import csrf_token
from app.headers import csp_nonce
from app.i18n import locale_name

NONCE = "\x00bianmin-nonce\x00"
TODO_BADGE = "\x00bianmin-todo\x00"
CSRF = "\x00bianmin-csrf\x00"

FAB = "appbuilder.static"
# FAB 5.3's appbuilder/init.html, then ours (bianmin/_favicon.html, css/bianmin.css).
HEAD_CSS = [(FAB, "css/bootstrap.min.css"),
            (FAB, "css/fontawesome/fontawesome.min.css"),
            (FAB, "css/fontawesome/regular.min.css"),
            (FAB, "css/fontawesome/solid.min.css"),
            (FAB, "css/fontawesome/brands.min.css"),
            (FAB, "css/fontawesome/v4-shims.min.css"),
            "theme",
            (FAB, "css/bootstrap-datepicker/bootstrap-datepicker3.min.css"),
            (FAB, "css/select2/select2.min.css"),
            (FAB, "css/select2/select2-bootstrap.min.css"),
            (FAB, "css/flags/flags16.css"),
            (FAB, "css/ab.css"),
            "favicon",
            ("static", "css/bianmin.css")]
HEAD_JS = [(FAB, "js/jquery-latest.js"), (FAB, "js/ab_filters.js"), (FAB, "js/ab_actions.js")]
TAIL_JS = [(FAB, "js/bootstrap.min.js"),
           (FAB, "js/bootstrap-datepicker/bootstrap-datepicker.min.js"),
           (FAB, "js/select2/select2.min.js"),
           (FAB, "js/ab.js"),
           # Issue #19: the date picker's Chinese names and our date fields (yyyy-mm-dd).
           ("static", "vendor/bootstrap-datepicker/bootstrap-datepicker.zh-CN.min.js"),
           ("static", "js/dates.js"),
           # Issue #21: search fields load their choices when opened (app/lazy_search.py).
           ("static", "js/lazy_choices.js")]
FAVICONS = [("icon", "img/favicon.ico", ' sizes="16x16 32x32 48x48"'),
            ("apple-touch-icon", "img/favicon.png", "")]

_lock = threading.Lock()
_ASSETS: dict = {}  # script root → (files, their fingerprints, {kind: text}, checked at)
_MODALS: dict = {}  # language → Markup
NAVBARS = permission_cache.TimedStore()


def _url(endpoint: str, filename: str) -> str:
    return url_for(endpoint, filename=filename)


def _files() -> list[tuple[str, str]]:
    """(endpoint, filename) of every file the kept text names, in its order."""
    theme = current_app.appbuilder.app_theme
    files = []
    for entry in HEAD_CSS:
        if entry == "theme":
            if theme:
                files.append((FAB, "css/themes/" + theme))
        elif entry == "favicon":
            files.extend(("static", filename) for _rel, filename, _extra in FAVICONS)
        else:
            files.append(entry)
    return [*files, *HEAD_JS, *TAIL_JS]


def _fingerprints(files) -> tuple:
    app = current_app._get_current_object()
    return tuple(static_assets.fingerprint(app, endpoint, filename)
                 for endpoint, filename in files)


def _build_assets() -> dict:
    theme = current_app.appbuilder.app_theme
    css = []
    for entry in HEAD_CSS:
        if entry == "theme":
            if theme:
                css.append(f'<link href="{escape(_url(FAB, "css/themes/" + theme))}" '
                           'rel="stylesheet">')
        elif entry == "favicon":
            for rel, filename, extra in FAVICONS:
                css.append(f'<link rel="{rel}" href="{escape(_url("static", filename))}"{extra}>')
        else:
            css.append(f'<link href="{escape(_url(*entry))}" rel="stylesheet">')

    def scripts(entries):
        return "\n".join(f'<script src="{escape(_url(*entry))}" nonce="{NONCE}"></script>'
                         for entry in entries)

    return {"css": "\n".join(css), "head_js": scripts(HEAD_JS), "tail_js": scripts(TAIL_JS)}


def assets(kind: str) -> Markup:
    """The page's stylesheets ("css"), head scripts ("head_js") or tail scripts ("tail_js")."""
    root = request.script_root
    kept = _ASSETS.get(root)
    now = time.monotonic()
    if kept is None or now - kept[3] > static_assets.RECHECK_SECONDS:
        files = kept[0] if kept is not None else _files()
        fingerprints = _fingerprints(files)
        if kept is None or fingerprints != kept[1]:
            kept = (files, fingerprints, _build_assets(), now)
        else:
            kept = (*kept[:3], now)
        with _lock:
            _ASSETS[root] = kept
    return Markup(kept[2][kind].replace(NONCE, str(escape(csp_nonce()))))


def modals() -> Markup:
    """The skip link (first in <body>, issue #19) and FAB's confirmation and alert modals."""
    language = locale_name()
    html = _MODALS.get(language)
    if html is None:
        html = Markup(render_template("bianmin/_modals.html"))
        with _lock:
            _MODALS[language] = html
    return html


def navbar() -> Markup:
    """FAB's navbar (appbuilder/navbar.html with our menu and right-hand side) for the
    request's user; see the module's docstring for what the key holds."""
    key = permission_cache.user_key()
    if key is None and current_user and current_user.is_authenticated:
        # Signed in other than by the login cookie (a token): drawn afresh, never kept.
        full_key, html = None, None
    else:
        full_name = permission_cache.key_user().get_full_name() if key is not None else ""
        full_key = (key if key is not None else ("anonymous",), locale_name(),
                    cookie_session.get("locale"), request.script_root, full_name)
        html = NAVBARS.get(full_key, permission_cache.cache_seconds())
    if html is None:
        html = render_template("appbuilder/navbar.html", appbuilder=current_app.appbuilder,
                               bianmin_todo_badge=lambda: TODO_BADGE, csrf_token=lambda: CSRF)
        if full_key is not None:
            NAVBARS.put(full_key, html)
    if TODO_BADGE in html:
        html = html.replace(TODO_BADGE, str(todo_badge()))
    if CSRF in html:
        html = html.replace(CSRF, str(escape(csrf_token())))
    return Markup(html)


def todo_badge() -> Markup:
    """The navbar's to-do count as a badge (nothing at 0), issue #10."""
    count = todo_count()
    return Markup(f'<span class="badge badge-todo">{escape(count)}</span>') if count else Markup()


def clear() -> None:
    """Forget the kept parts (tests; a role's permissions edited: see permission_cache)."""
    with _lock:
        _ASSETS.clear()
        _MODALS.clear()
    NAVBARS.clear()
    csrf_tokens.clear()


def baselib():
    """FAB's macros (`appbuilder/baselib.html`) as `{% import ... as baselib %}` gives them: the
    template's module made with the environment's globals (an import without context makes
    the same module, after comparing every global's name on every render)."""
    return current_app.jinja_env.get_template("appbuilder/baselib.html").module


def install(app) -> None:
    app.jinja_env.globals.update(bianmin_assets=assets, bianmin_modals=modals, bianmin_baselib=baselib,
                                 bianmin_navbar=navbar, bianmin_todo_badge=todo_badge,
                                 csrf_token=csrf_token)
    permission_cache.on_clear(NAVBARS.clear)
    csrf_tokens.keep_csrf_checks()
