"""Template context shared by every page: the center, dates in its time zone, points and
scores written one way."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache

from flask import Flask, g
from flask.globals import _cv_request
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup

from app.csrf_tokens import csrf_token
from app.extensions import db
from app.i18n import locale_name
from app.permission_cache import role_decision, todo_count as cached_todo_count
from app.policy.calendar import sees_calendar_warnings
from app.policy.cases import may_read_cases
from app.request_context import (center_zone, clock, current_actor, current_staff,
                                 request_calendar, today)
from app.rules.points import format_points
from app.rules.scoring import CATEGORY_LABELS
from app.services import org_queries
from app.services.calendar import years_missing_schedule
from app.services.frame_queries import frame_reads
from app.services.todo import todo_count as count

# `today()`, `clock()` and `center_zone()` are the request's (app/request_context.py); the pages
# call them through this module, which also holds what every template is given.
__all__ = ["center_zone", "clock", "today"]


def local_datetime(value: datetime | None) -> str:
    """An instant as the center's wall-clock time, `2026-10-13 14:05`."""
    if value is None:
        return ""
    return value.astimezone(center_zone()).strftime("%Y-%m-%d %H:%M")


def local_date(value: date | datetime | None) -> str:
    """A date as `2026-10-13` (an instant is first put in the center's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(center_zone()).date()
    return value.isoformat()


# Calendar / CASE-3: what a provisional deadline says (RULES.md, verbatim in zh_CN).
PROVISIONAL_NOTE = _l("This year's official holiday schedule has not been published; the deadline "
                      "is computed from the statutory holidays and is subject to the official "
                      "schedule.")


def deadline_provisional(value: date | datetime | None) -> bool:
    """Calendar / CASE-3: whether a deadline falls in a year without the official schedule
    that nobody entered (app.rules.calendar.deadline_is_provisional, on the request's calendar)."""
    if value is None:
        return False
    if isinstance(value, datetime):
        value = value.astimezone(center_zone()).date()
    return request_calendar().is_provisional(value)


def deadline_marked(value: date | datetime | None) -> str:
    """A deadline in a list: its date, and when provisional a compact 暂定 badge carrying the
    sentence as its title; the page repeats the sentence once as a footnote (baselayout)."""
    text = local_date(value)
    if not deadline_provisional(value):
        return text
    g.bianmin_provisional_shown = True
    return Markup('{} <span class="label label-warning provisional-deadline" title="{}" '
                  'data-provisional-deadline>{}</span>').format(
        text, PROVISIONAL_NOTE, gettext("Provisional"))


def deadline_noted(value: date | datetime | None) -> str:
    """A deadline with the whole sentence beside it when provisional (case page, notices,
    public lookup)."""
    text = local_date(value)
    if not deadline_provisional(value):
        return text
    return Markup('{} <span class="provisional-note" data-provisional-deadline>{}</span>').format(
        text, PROVISIONAL_NOTE)


def provisional_footnote() -> bool:
    """Whether a list of this page marked a deadline provisional (its footnote is due)."""
    return bool(g.get("bianmin_provisional_shown"))


def last_finished_month() -> date:
    """The first day of the month last finished (SCORE-3: the one waiting for confirmation):
    score pages, the notice and their exports open on it (issue #20)."""
    first = today().replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


# (method, endpoint) of the requests this process has seen drawing the frame: the next such
# request reads the frame with its user (app/security/manager.py `load_session_user`).
_FRAME_PAGES: set = set()


def current_center():
    """The center's values the pages show (a read-only row, read with the calendar's version
    once per transaction: app/services/frame_queries.py, issue #21)."""
    request_context = _cv_request.get(None)
    if request_context is not None:
        _FRAME_PAGES.add((request_context.request.method, request_context.request.endpoint))
    return frame_reads(db.session()).center  # the request's Session itself, not its proxy


def draws_frame() -> bool:
    """Whether this request is one of those seen drawing the frame (its user's statement then
    reads the center and the calendar's version too: one statement less, issue #21)."""
    request_context = _cv_request.get(None)
    return request_context is not None and (
        request_context.request.method, request_context.request.endpoint) in _FRAME_PAGES


def fee_text(amount, waived: bool) -> str:
    """CASE-9: a case's fee as the case page, the ledger and the notices show it: "20.00 元",
    免收 when the published fee was waived, "" when nothing is recorded (issue #19)."""
    if amount:
        return gettext("%(amount)s yuan", amount=amount)
    return gettext("Waived") if waived else ""


def case_fee(case) -> str:
    """CASE-9: `fee_text` of a case (a template filter: `case | case_fee`)."""
    return fee_text(case.fee_amount, bool(case.fee_waived))


@lru_cache(maxsize=4096, typed=True)
def _score_text(value: Decimal) -> str:
    return format_points(value, score=True)


def score(value) -> str:
    """A score or total as shown everywhere: one decimal, "98.0" (app.rules.points).

    Issue #21 P1: a Decimal's text is kept per process (the score pages show ~150 a page, few
    distinct): a score's text depends on its value alone — equal Decimals (10, 10.0, −0.0 and
    0) quantize to the same tenth — and only Decimals are kept (`typed`: a float equal to a
    Decimal may round otherwise through its shortest repr)."""
    if type(value) is Decimal:
        return _score_text(value)
    return format_points(value, score=True)


def points(value) -> str:
    """Item points as shown everywhere: as given, "−0.5", "−2", "10" (app.rules.points)."""
    return format_points(value)


def signed_points(value) -> str:
    """Item points with their sign either way: "+2", "−0.5" (app.rules.points)."""
    return format_points(value, signed=True)


# Issue #20: what a system action is signed with. `cli:demo`, `cli:nightly:…` and the
# audit's "system" are commands and jobs, not people.
SYSTEM_WHO = _l("System (automatic)")


def is_system_actor(username: str | None) -> bool:
    return bool(username) and (username.startswith("cli:") or username == "system")


def person(value) -> str:
    """Issue #20: a person by name — a user (or a login name, as histories store it) is shown
    by the name of their staff record, else their full name; commands and jobs read
    系统（自动）. Login names never reach a page."""
    if value is None or value == "":
        return ""
    username = value if isinstance(value, str) else getattr(value, "username", None)
    if is_system_actor(username):
        return str(SYSTEM_WHO)
    cache = g.setdefault("bianmin_person_names", {})
    if username not in cache:
        cache.update(org_queries.staff_names(db.session, [username]))
    if cache.get(username):
        return cache[username]
    if not isinstance(value, str):
        full = " ".join(part for part in (getattr(value, "first_name", ""),
                                          getattr(value, "last_name", "")) if part)
        if full:
            return full
    return username or ""


def score_category(code: str | None) -> str:
    """Issue #20: a score category by its Chinese name (行为规范…), never its code (M1…)."""
    return gettext(CATEGORY_LABELS[code]) if code in CATEGORY_LABELS else (code or "")


def register_context(app: Flask) -> None:
    app.add_template_filter(score_category, "score_category")
    app.add_template_filter(person, "person")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(case_fee, "case_fee")  # CASE-9: amount, 免收 or nothing
    # Calendar / CASE-3: a deadline in a year without the official schedule is provisional.
    app.add_template_filter(deadline_marked, "deadline_marked")
    app.add_template_filter(deadline_noted, "deadline_noted")
    app.add_template_global(deadline_provisional, "deadline_provisional")
    app.add_template_global(provisional_footnote, "provisional_footnote")
    app.jinja_env.globals["provisional_note"] = PROVISIONAL_NOTE
    # Points and scores read one way on every page (app/rules/points.py); data-* attributes
    # and form values keep the plain Decimal for scripts and tests.
    app.add_template_filter(score, "score")
    app.add_template_filter(points, "points")
    app.add_template_filter(signed_points, "signed_points")
    # The instant a page was drawn, in its generate forms: a generation done since refuses the
    # click as "already done" instead of running again (OPS-1, app/services/jobs.py).
    app.jinja_env.globals["page_opened_at"] = lambda: datetime.now(timezone.utc).isoformat()

    @app.context_processor
    def inject_center():
        return frame_values()


def frame_values() -> dict:
    """Our names in every template's context: the center, the banners, the locale, the to-do
    count and the case-number box."""
    return {"center": current_center(), "bianmin_banners": banners, "locale": locale_name(),
            "bianmin_todo_count": todo_count, "bianmin_case_box": case_box}


def merge_context_processors(app: Flask) -> None:
    """Issue #21 P1: one template context processor instead of Flask's, Flask-WTF's,
    Flask-Login's and ours, and no second run of Flask's default one per blueprint (each
    blueprint brings its own copy, which sets `g` and `request` again to the same objects).

    The context is the same: `g` and `request` (Flask), `csrf_token` and `csrf_meta_tag`
    (Flask-WTF; the token from app.csrf_tokens.csrf_token, Flask-WTF's token signed once per
    process), `current_user` (Flask-Login), and ours (`inject_center`). Left as it is when the
    processors are not exactly those (a new extension's processor is never dropped)."""
    from flask.globals import _cv_app
    from flask.templating import _default_template_ctx_processor
    from flask_login.utils import _get_user, _user_context_processor
    from flask_wtf.csrf import csrf_meta_tag

    processors = app.template_context_processors
    own = processors.get(None, [])
    if len(own) != 4 or own[0] is not _default_template_ctx_processor \
            or getattr(own[1], "__module__", None) != "flask_wtf.csrf" \
            or own[2] is not _user_context_processor \
            or getattr(own[3], "__qualname__", "") != "register_context.<locals>.inject_center":
        return
    for name in [name for name in processors if name is not None]:
        kept = [func for func in processors[name] if func is not _default_template_ctx_processor]
        if kept:
            processors[name] = kept
        else:
            del processors[name]

    def frame_context():
        context = {"csrf_token": csrf_token, "csrf_meta_tag": csrf_meta_tag,
                   "current_user": _get_user(), **frame_values()}
        app_context = _cv_app.get(None)
        if app_context is not None:
            context["g"] = app_context.g
        request_context = _cv_request.get(None)
        if request_context is not None:
            context["request"] = request_context.request
        return context

    processors[None] = [frame_context]


def case_box() -> bool:
    """Issue #19: the header's case-number box, for every role that reads cases (ORG-2)."""
    return may_read_cases(current_actor())


def todo_count() -> int:
    """The navigation bar's 待办 count (issue #10), computed only when the navbar is drawn."""
    # Issue #21: kept per user for a short while (app/permission_cache.py).
    return cached_todo_count(lambda: count(db.session, current_staff(), today()))


def banners() -> list[str]:
    """Warnings for administrators and the office, e.g. a year without its official schedule."""
    # Issue #21: the policy reads the roles only; its answer is kept per user like their roles.
    if not role_decision("calendar warnings", lambda: sees_calendar_warnings(current_actor())):
        return []
    return [
        gettext("The official holiday schedule of %(year)s is missing: working days of %(year)s "
                "are counted as Monday to Friday minus the statutory public holidays, and "
                "deadlines in %(year)s are shown as provisional. Enter the schedule under "
                "System → Year schedule.", year=year)
        for year in years_missing_schedule(db.session, today())
    ]
