"""The home page: a portal for the public, a start page for staff."""

from __future__ import annotations

from flask import jsonify
from flask_appbuilder import IndexView, expose
from flask_babel import gettext
from flask_login import current_user

from app.context import today
from app.error_messages import NOT_LOGGED_IN, error_texts
from app.extensions import db
from app.policy.cases import may_read_cases
from app.policy.dashboard import home_dashboard_kind
from app.request_context import current_actor, current_staff, request_calendar
from app.rules.points import format_points
from app.security import case_scope_condition
from app.services import case_queries, dashboard_queries as dq
from app.services.settings import setting_value
from app.views.dashboard import (case_list, dashboard_data, kpi_cards, overdue_now_list,
                                 score_explanation)

def case_counts() -> dict[str, int]:
    """Open, overdue and due-soon cases of the user's window (all windows for the others;
    ORG-2, and AB-2: the cases the user covers count too)."""
    day = today()
    last = request_calendar().add_working_days(day, setting_value(db.session, "case.due_soon_days"))
    return case_queries.case_counts(db.session, day, last, case_scope_condition())


def clerk_cards(data: dict, day) -> list[tuple[str, str, object, str, str]]:
    """A clerk's queue and score cards (key, label, value, unit, link), issue #12."""
    queue, window_id = data["queue"], data["window_id"]
    due_today = case_list("/casequeue/list/", deadline=(day, day))
    return [
        ("clerk-due_today", gettext("Due today"), queue["due_today"], "", due_today),
        ("clerk-overdue", gettext("Overdue"), queue["overdue"], "", overdue_now_list(day, window_id)),
        ("clerk-urgent", gettext("Urgent (green channel)"), queue["urgent"], "", "/casequeue/list/"),
        ("clerk-score", gettext("This month's window score"),
         format_points(data["score"], score=True), "",
         score_explanation(window_id, data["period"])),
    ]


def home_dashboard() -> tuple[str | None, dict | None, list]:
    """The signed-in user's home dashboard (issue #12): its kind, data and KPI cards — the
    center for Leadership/Office/Admin, the own window for a window head (ORG-2), the own
    queue and month score for a clerk."""
    kind, day = home_dashboard_kind(current_actor()), today()
    period = dq.month_start(day)
    if kind == "center":
        data = dashboard_data(period)
        return kind, data, kpi_cards(data)
    staff = current_staff()
    window_id = staff.window_id if staff is not None else None
    if kind is None or window_id is None:
        return None, None, []
    if kind == "window":
        data = dashboard_data(period, window_id)
        data["score"] = dq.ranked_score(data, window_id)
        cards = kpi_cards(data) + [("window-score", gettext("This month's window score"),
                                    format_points(data["score"], score=True), "",
                                    score_explanation(window_id, data["period"]))]
        return kind, data, cards
    data = dq.clerk_home(db.session, window_id, period, day)
    return kind, data, clerk_cards(data, day)


class HomeView(IndexView):
    """首页 — links to the guide and lookup for the public, the daily entry points for staff,
    and each role's home dashboard (issue #12)."""

    index_template = "bianmin/index.html"

    @expose("/")
    def index(self):
        counts = case_counts() if may_read_cases(current_actor()) else None
        kind, data, cards = home_dashboard() if current_user.is_authenticated else (None, None, [])
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    case_counts=counts, dashboard_kind=kind, data=data,
                                    cards=cards)

    @expose("/home/data")
    def data(self):
        """The home dashboard's figures as JSON, row-filtered like the page: a clerk or window
        head gets their own window only, whatever they ask for (ORG-2)."""
        if not current_user.is_authenticated:
            return jsonify(message=gettext(NOT_LOGGED_IN)), 401
        kind, data, _cards = home_dashboard()
        if kind is None:
            return jsonify(message=error_texts(403)[0]), 403
        return jsonify(kind=kind, **data)
