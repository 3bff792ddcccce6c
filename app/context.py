"""Template context shared by every page: the center, dates in its time zone, points and
scores written one way."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from app.extensions import db
from app.rules.points import format_points

if TYPE_CHECKING:
    from app.services.cases import Clock


def center_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CENTER_TIMEZONE"])


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


def today() -> date:
    """Today in the center's time zone (the `today` the rule functions are given)."""
    return datetime.now(center_zone()).date()


def clock() -> Clock:
    """The instant of an action and its day in the center's time zone (the services' Clock)."""
    from app.services.cases import Clock

    now = datetime.now(center_zone())
    return Clock(now=now, today=now.date())


def current_center():
    from models.org import Center

    return db.session.query(Center).order_by(Center.id).first()


def score(value) -> str:
    """A score or total as shown everywhere: one decimal, "98.0" (app.rules.points)."""
    return format_points(value, score=True)


def points(value) -> str:
    """Item points as shown everywhere: as given, "−0.5", "−2", "10" (app.rules.points)."""
    return format_points(value)


def signed_points(value) -> str:
    """Item points with their sign either way: "+2", "−0.5" (app.rules.points)."""
    return format_points(value, signed=True)


def register_context(app: Flask) -> None:
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(local_date, "local_date")
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
        from flask_babel import get_locale

        return {"center": current_center(), "bianmin_banners": banners, "locale": str(get_locale()),
                "bianmin_todo_count": todo_count}


def todo_count() -> int:
    """The navigation bar's 待办 count (issue #10), computed only when the navbar is drawn."""
    from app.security import current_staff
    from app.services.todo import todo_count as count

    return count(db.session, current_staff(), today())


def banners() -> list[str]:
    """Warnings for administrators and the office, e.g. a year without its official schedule."""
    from flask_babel import gettext

    from app.security import ADMIN, OFFICE, role_names
    from app.services.calendar import years_missing_schedule

    if not role_names() & {ADMIN, OFFICE}:
        return []
    return [
        gettext("The official holiday schedule of %(year)s is missing: working days of %(year)s "
                "are counted as Monday to Friday. Enter the schedule under System → Year schedule.", year=year)
        for year in years_missing_schedule(db.session, today())
    ]
