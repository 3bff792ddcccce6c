"""Issue #21 P1: FAB's frame computed once per user, not once per request.

FAB answers every `has_access` (the view's decorator, every button and link, one
`is_menu_visible` per menu item) by walking the user's roles, and draws the whole menu on
every page. Here, per process:

- a signed-in user's permissions — the (permission, view or menu) pairs of their roles, one
  query — are kept under the key (user id, login name, account creation time, session
  generation) and `sm.has_access` is answered from them;
- the names of the user's roles (`app.security.role_names`, read by every row scope) too,
  and the answers of policies that read the roles only (`role_decision`: the calendar
  banner's);
- the navbar's menu HTML is kept under that key, the language and the script root;
- the navbar's to-do count (issue #10) is kept per user for TODO_SECONDS; a POST by the user
  drops it at once (they approved a leave, confirmed a handover...).

Invalidation. A role or group change, a password change and a deactivation advance the
user's session generation (app/security.py, issue #18), which is part of every key: the next
request computes afresh, in every process. The generation is taken from the login cookie,
which `load_session_user` has just checked against the database. A change to a role's
permissions (FAB's role page) clears this process's entries at flush; other processes keep
theirs at most PERMISSION_CACHE_SECONDS. No entry is ever looked up by anything but the
user's own key, so a cache cannot show one user another's menu or counts. The account's
creation time is in the key because SQLite may give a new account the id of a deleted one.

Requests signed in by a JWT or an API key, and roles declared in FAB_ROLES, go FAB's way.
"""

from __future__ import annotations

import threading
import time

from flask import current_app, render_template, request, session
from flask.globals import _cv_app, _cv_request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

# The cookie session's copy of the user's session generation (issue #18); the security
# manager writes and checks it, the cache keys on it.
GENERATION_KEY = "_bianmin_generation"

PERMISSION_SECONDS = 60.0
TODO_SECONDS = 45.0
MAX_ENTRIES = 10_000


class TimedStore:
    """A dict whose entries expire; thread-safe; emptied when it grows past MAX_ENTRIES."""

    def __init__(self):
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, key, seconds: float):
        entry = self._data.get(key)
        if entry is None or time.monotonic() - entry[0] > seconds:
            return None
        return entry[1]

    def put(self, key, value) -> None:
        with self._lock:
            if len(self._data) >= MAX_ENTRIES:
                self._data.clear()
            self._data[key] = (time.monotonic(), value)

    def pop_user(self, user_key) -> None:
        with self._lock:
            for key in [k for k in self._data if k[0] == user_key]:
                self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


PERMISSIONS = TimedStore()
ROLE_NAMES = TimedStore()
ROLE_DECISIONS = TimedStore()
MENUS = TimedStore()
TODO = TimedStore()


def _seconds(name: str, default: float) -> float:
    app_context = _cv_app.get(None)  # not through current_app's proxy: asked ~4 times a page
    config = app_context.app.config if app_context is not None else current_app.config
    return float(config.get(name, default))


def cache_seconds() -> float:
    """How long an entry under a user's key is kept (PERMISSION_CACHE_SECONDS)."""
    return _seconds("PERMISSION_CACHE_SECONDS", PERMISSION_SECONDS)


# Other per-user parts drawn from the permissions (app/layout.py's navbar): forgotten with them.
_ALSO_CLEAR: list = []


def on_clear(forget) -> None:
    """Call `forget()` whenever the menus are forgotten (a role's permissions edited)."""
    if forget not in _ALSO_CLEAR:
        _ALSO_CLEAR.append(forget)


def user_key():
    """The signed-in (cookie) user's cache key, or None (anonymous, JWT, API key, no request).

    Asked several times a page (permissions, role names, menu, navbar, to-do count): kept in
    `g` beside the user object and the cookie's generation it was made from, and made again
    when either changes (a login, a logout, a generation moved on during the request) —
    without `current_user`'s proxy walk on every call (issue #21)."""
    request_context = _cv_request.get(None)
    app_context = _cv_app.get(None)
    if request_context is None or app_context is None:
        return None
    kept_vars = app_context.g.__dict__
    if kept_vars.get("_api_key_user"):
        return None
    if "_login_user" not in kept_vars:
        current_user._get_current_object()  # Flask-Login loads the cookie's user
    user = kept_vars.get("_login_user")
    if user is None or not user.is_authenticated:
        return None
    generation = request_context.session.get(GENERATION_KEY, 0)
    kept = kept_vars.get("_bianmin_user_key")
    if kept is not None and kept[0] is user and kept[1] == generation:
        return kept[2]
    key = (user.id, user.username, str(user.created_on), int(generation or 0))
    kept_vars["_bianmin_user_key"] = (user, generation, key)
    return key


def key_user():
    """The user object `user_key` made the request's key from (call after a key was made)."""
    return _cv_app.get().g.__dict__["_bianmin_user_key"][0]


def _permission_pairs(sm, user, key):
    """The user's (permission, view) pairs, or None where FAB must decide (built-in roles)."""
    pairs = PERMISSIONS.get(key, _seconds("PERMISSION_CACHE_SECONDS", PERMISSION_SECONDS))
    if pairs is None:
        roles = sm.get_user_roles(user)
        if any(role.name in sm.builtin_roles for role in roles):
            return None
        pairs = sm.role_permission_pairs(sorted(role.id for role in roles)) if roles \
            else frozenset()
        PERMISSIONS.put(key, pairs)
    return pairs


def install(app) -> None:
    """Answer the security manager's `has_access` from the cache; cache the menu and the
    to-do count; clear on permission edits (see the module's docstring)."""
    sm = app.appbuilder.sm
    fab_has_access = sm.has_access

    def has_access(permission_name: str, view_name: str) -> bool:
        key = user_key()
        if key is None:
            return fab_has_access(permission_name, view_name)
        from flask_login import current_user

        user = current_user._get_current_object()
        if not user.is_active:
            return False
        pairs = _permission_pairs(sm, user, key)
        if pairs is None:
            return fab_has_access(permission_name, view_name)
        return (permission_name, view_name) in pairs

    sm.has_access = has_access
    app.jinja_env.globals["bianmin_menu_html"] = menu_html

    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")

    @app.after_request
    def _forget_own_todo(response):
        if request.method not in ("GET", "HEAD", "OPTIONS") and (
                "_login_user" in _cv_app.get().g.__dict__ or "_user_id" in session
                or remember_cookie in request.cookies):
            # A request with no user loaded, no user in its session and no remember cookie
            # (a public POST) has nobody signed in: not loading the anonymous user for it.
            key = user_key()
            if key is not None:
                TODO.pop_user(key)
        return response

    _MODELS[:] = [sm.role_model, sm.permissionview_model, sm.permission_model,
                  sm.viewmenu_model]
    if not event.contains(Session, "after_flush", _permissions_changed):
        event.listen(Session, "after_flush", _permissions_changed)


_MODELS: list = []


def _permissions_changed(session, _context) -> None:
    """A role, permission or view row written: this process forgets every user's entries."""
    models = tuple(_MODELS)
    if any(isinstance(row, models)
           for rows in (session.new, session.dirty, session.deleted) for row in rows):
        PERMISSIONS.clear()
        ROLE_NAMES.clear()
        ROLE_DECISIONS.clear()
        MENUS.clear()
        for forget in _ALSO_CLEAR:
            forget()


def menu_html() -> Markup:
    """The navbar's menu for the request's user, drawn once per user, language and root."""

    key = user_key()
    full_key = (key if key is not None else ("anonymous",), str(get_locale()),
                request.script_root)
    seconds = _seconds("PERMISSION_CACHE_SECONDS", PERMISSION_SECONDS)
    html = MENUS.get(full_key, seconds)
    if html is None:
        html = Markup(render_template("bianmin/_navbar_menu.html",
                                      menu=current_app.appbuilder.menu))
        MENUS.put(full_key, html)
    return html


def todo_count(compute) -> int:
    """The navbar's to-do count of the request's user: `compute()` at most every
    TODO_SECONDS (issue #21), and again right after the user's own POST."""
    key = user_key()
    if key is None:
        return compute()
    count = TODO.get((key, "todo"), _seconds("TODO_CACHE_SECONDS", TODO_SECONDS))
    if count is None:
        count = compute()
        TODO.put((key, "todo"), count)
    return count


def role_names():
    """The names of the signed-in (cookie) user's own roles, kept like the permissions; None
    where there is no such user (app.security.role_names then reads them as before)."""
    names = ordered_role_names()
    return None if names is None else frozenset(names)


def ordered_role_names():
    """`role_names` in the roles' id order (the home page lists them so), as a tuple."""
    key = user_key()
    if key is None:
        return None
    names = ROLE_NAMES.get(key, _seconds("PERMISSION_CACHE_SECONDS", PERMISSION_SECONDS))
    if names is None:
        from flask_login import current_user

        names = names_in_id_order(current_user._get_current_object().roles)
        ROLE_NAMES.put(key, names)
    return names


def names_in_id_order(roles) -> tuple[str, ...]:
    """The roles' names in their id order (as the home page lists them)."""
    return tuple(role.name for role in sorted(roles, key=lambda role: role.id))


def role_decision(name: str, decide):
    """`decide()` — a policy's answer that depends on the user's roles only — kept under the
    user's key like their role names (a role change moves the key on); asked afresh where
    there is no such key."""
    key = user_key()
    if key is None:
        return decide()
    answer = ROLE_DECISIONS.get((key, name), cache_seconds())
    if answer is None:
        answer = decide()
        ROLE_DECISIONS.put((key, name), answer)
    return answer


def clear() -> None:
    """Forget everything (tests; an operator's role import)."""
    PERMISSIONS.clear()
    ROLE_NAMES.clear()
    ROLE_DECISIONS.clear()
    MENUS.clear()
    TODO.clear()
    for forget in _ALSO_CLEAR:
        forget()
