"""The request's context, built once per request and passed down (issue #17, STYLE.md "Layout").

Who acts (`current_actor`, from the session or the API's JWT and the user's Staff row) and when
(`now`, `today`, `clock` in the center's time zone) are read here and nowhere below: views, the
API and the FAB glue call these and hand the values to the services as arguments.

The clock is injectable: `app.config["BIANMIN_NOW"]` (an ISO datetime, read in the center's
zone when it carries none, or an aware `datetime`) replaces the wall clock, so a test — or a
demo — gets the same answers on any day. Within one request the instant is read once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context, has_request_context
from flask_jwt_extended import current_user as jwt_user
from flask_login import current_user

from app.actor import Actor, Clock
from app import permission_cache  # issue #21: the user's roles kept per user
from app.extensions import db
from app.rules.calendar import WorkCalendar
from app.services.calendar import load_calendar
from models.org import Staff

NOW_SETTING = "BIANMIN_NOW"  # app.config: the instant "now" is, for tests and demos


# --- When -------------------------------------------------------------------------------------
def center_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CENTER_TIMEZONE"])


def configured_now(value, zone: ZoneInfo) -> datetime | None:
    """The instant `BIANMIN_NOW` names (ISO text or a datetime), in `zone`; None when unset."""
    if not value:
        return None
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zone)
    return instant.astimezone(zone)


def _read_now() -> datetime:
    zone = center_zone()
    return configured_now(current_app.config.get(NOW_SETTING), zone) or datetime.now(zone)


def now() -> datetime:
    """The instant of this request (read once per request) in the center's time zone; outside a
    request (CLI, jobs) the instant of the call. `BIANMIN_NOW` replaces the wall clock."""
    if not has_request_context():
        return _read_now()
    if "bianmin_now" not in g:
        g.bianmin_now = _read_now()
    return g.bianmin_now


def today():
    """Today in the center's time zone (the `today` the rule functions are given)."""
    return now().date()


def clock() -> Clock:
    """The instant of an action and its day in the center's time zone (the services' Clock)."""
    return Clock.at(now())


def kept_for_user_and_day(name: str, compute):
    """`compute()`, worked out once per request for the request's user and day and kept on
    flask.g under `name` as ((user id, day), value): a later call for another user or day
    (a test signing in again within one request context) works it out anew (issue #21)."""
    user = current_login()
    key = (user.id if user is not None else None, today())
    kept = g.get(name)
    if kept is None or kept[0] != key:
        kept = (key, compute())
        setattr(g, name, kept)
    return kept[1]


def request_calendar() -> WorkCalendar:
    """The calendar for this request, built once (or a fresh one outside a request)."""
    if not has_request_context():
        return load_calendar(db.session)
    if "bianmin_calendar" not in g:
        g.bianmin_calendar = load_calendar(db.session)
    return g.bianmin_calendar


# --- Who --------------------------------------------------------------------------------------
def current_login():
    """The signed-in user of this request (session or API JWT), or None."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user
    try:
        return jwt_user if jwt_user and jwt_user.is_active else None
    except RuntimeError:  # no JWT in this request
        return None


def login_of_request() -> tuple[int, str] | None:
    """(id, login name) of the request's user, for the audit trail (AUDIT-1); None outside."""
    user = current_login() if has_app_context() else None
    return (user.id, user.username) if user is not None else None


def role_names(user=None) -> set[str]:
    if user is None and (cached := permission_cache.role_names()) is not None:  # issue #21
        return set(cached)
    user = user or current_login()
    if user is None:
        return set()
    return {role.name for role in user.roles}


def own_role_names() -> tuple[str, ...]:
    """The request's user's role names in the roles' id order (kept per user, issue #21)."""
    if (kept := permission_cache.ordered_role_names()) is not None:
        return kept
    user = current_login()
    return permission_cache.names_in_id_order(user.roles if user is not None else ())


def remember_staff(user, staff) -> None:
    """The login's Staff row, read with the user (app/security: one statement, issue #21)."""
    if has_request_context():
        g.bianmin_staff_of = (user.id, staff)


def current_staff():
    """The Staff row of the signed-in user, or None (cached for the request)."""
    if not has_request_context():
        return None
    if "bianmin_staff" not in g:
        user = current_login()
        known = g.get("bianmin_staff_of")
        if user is not None and known is not None and known[0] == user.id:
            g.bianmin_staff = known[1]
        else:
            g.bianmin_staff = (
                db.session.query(Staff).filter_by(user_id=user.id).one_or_none() if user else None
            )
    return g.bianmin_staff


def current_actor() -> Actor:
    """The Actor of this request's user, signed in by session or JWT: who, their roles, their
    Staff row's id, window and position (what the policies of app/policy/ decide on). Nobody
    signed in: an actor without name, roles or Staff row, whom every policy refuses."""
    user = current_login()
    if user is None:
        return Actor(username="")
    staff = current_staff()
    return Actor(username=user.username, user_id=user.id, staff_id=staff.id if staff else None,
                 roles=frozenset(role_names()),  # the request's user: kept per user (#21)
                 window_id=staff.window_id if staff else None,
                 position=staff.position if staff else None)
