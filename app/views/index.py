"""The home page: a portal for the public, a start page for staff."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from flask import jsonify, request
from flask_appbuilder import IndexView, expose
from flask_babel import gettext
from flask_login import current_user

from app.context import clock, today
from app.error_messages import NOT_LOGGED_IN, error_texts
from app.extensions import db
from app.policy.cases import may_read_cases
from app.policy.dashboard import home_dashboard_kind
from app.request_context import (current_actor, current_staff, kept_for_user_and_day,
                                 own_role_names, request_calendar)
from app.rules.points import format_points
from app.rules import case_states as cs
from app.roles import OFFICE, SECTION_HEAD
from app.request_context import role_names
from app.security import case_scope_condition, window_scope
from app.services import case_queries, dashboard_queries as dq
from app.services.attendance import days_without_clock_data
from app.services.away import away_rows
from app.services.leave import default_substitute
from app.services.refusals import reports_awaiting_review
from app.services.todo import todo_rows
from app.services.settings import setting_value
from app.views.attendance import runs_text
from app.views.self_service import TODO_KINDS
from app.views.dashboard import (case_list, dashboard_data, kpi_cards, overdue_now_list,
                                 score_explanation)

WORK_PAGE_SIZE = 10


class WorkRow(NamedTuple):
    """One line of a home page's list of today's work (issue #20). A tuple: the template
    unpacks it in its loop rather than looking up each field by name (issue #21 P1)."""

    case_id: int
    number: str
    item: str
    applicant: str
    state: str
    deadline: date | None
    flag: str  # overdue / due_today / due_soon / urgent
    urgent: bool


def due_soon_last(day: date) -> date:
    """CASE-6: the last day a case counts as due soon (case.due_soon_days working days on)."""
    return request_calendar().add_working_days(day, setting_value(db.session, "case.due_soon_days"))


def work_flag(case, day: date) -> str:
    """Why the case is on today's list: overdue, due today, due soon, or only urgent."""
    if case.deadline is not None and cs.clock_running(case.state):
        if case.deadline < day:
            return "overdue"
        return "due_today" if case.deadline == day else "due_soon"
    return "urgent"


def open_counts() -> tuple[case_queries.OpenCaseCounts, case_queries.OpenCaseCounts | None]:
    """The open-case counts of this request's home page (CASE-6/8), counted once per request
    in one statement (issue #21): of the cases the user reaches (ORG-2 + AB-2:
    `case_scope_condition`) — the counters and today's work — and, for a clerk's home, of
    their window's queue. Kept on flask.g for this user and day only."""
    return kept_for_user_and_day("bianmin_open_counts", _open_counts)


def _open_counts():
    day = today()
    scope, staff = case_scope_condition(), current_staff()
    window = (staff.window_id if staff is not None
              and home_dashboard_kind(current_actor()) == "clerk" else None)
    last = due_soon_last(day)
    if window is None or scope is None or window_scope() == window:
        # the queue's window lies within the scope: one statement counts both
        return case_queries.open_case_counts(db.session, day, last, scope, window)
    return (case_queries.open_case_counts(db.session, day, last, scope)[0],
            case_queries.open_case_counts(db.session, day, last, None, window)[1])


def todays_work() -> dict:
    """Issue #20: one page (?page=, 10 rows) of today's work among the cases the user reaches
    (ORG-2 + AB-2: `case_scope_condition`): overdue, due soon and urgent cases, most pressing
    first (CASE-6/8). A page past the last shows the last page (its number and its rows)."""
    day = today()
    total = open_counts()[0].work
    pages = max(1, -(-total // WORK_PAGE_SIZE))
    page = max(0, min(request.args.get("page", default=0, type=int) or 0, pages - 1))
    cases, total = case_queries.todays_work(db.session, day, due_soon_last(day),
                                            case_scope_condition(), page=page,
                                            page_size=WORK_PAGE_SIZE, total=total)
    rows = [WorkRow(case.id, case.number, case.item_name or "", case.applicant_name or "",
                    gettext(cs.STATE_LABELS.get(case.state, case.state)),
                    case.deadline, work_flag(case, day), bool(case.urgent)) for case in cases]
    return {"rows": rows, "total": total, "page": page, "pages": pages}


def todo_groups() -> list[tuple[str, str, str, list]]:
    """The signed-in person's 待办 (issue #10) as (kind, heading, link format, rows), only the
    kinds that have rows: the home page lists them, not only their number."""
    staff = current_staff()
    if staff is None:
        return []
    return [(kind, *TODO_KINDS[kind], rows)
            for kind, rows in todo_rows(db.session, staff, today()).items() if rows]


def clock_data_missing() -> str:
    """ATT-2: this month's working days before today without any clock record, as text."""
    day = today()
    return runs_text(days_without_clock_data(db.session, day.year, day.month, day))


def window_away(window_id: int) -> list[tuple]:
    """Issue #20, AB-2: the window head's home — who of the window is away today (the one
    definition of app/services/away.py) and who covers: the substitute the leave names, else
    the B (or A) of the person's post."""
    now = clock()
    rows = [row for row in away_rows(db.session, now.today, now.now)
            if row.staff is not None and row.staff.window_id == window_id]
    return [(row, row.leave.substitute if row.leave is not None and row.leave.substitute
             is not None else default_substitute(db.session, row.staff)) for row in rows]


def case_counts() -> dict[str, int]:
    """Open, overdue and due-soon cases of the user's window (all windows for the others;
    ORG-2, and AB-2: the cases the user covers count too)."""
    counts = open_counts()[0]
    return {"open": counts.open, "overdue": counts.overdue, "due_soon": counts.due_soon}


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
    queue = open_counts()[1]
    data = dq.clerk_home(db.session, window_id, period, day,
                         queue=dq.queue_figures(queue) if queue is not None else None)
    return kind, data, clerk_cards(data, day)


class HomeView(IndexView):
    """首页 — links to the guide and lookup for the public, the daily entry points for staff,
    and each role's home dashboard (issue #12)."""

    index_template = "bianmin/index.html"

    @expose("/")
    def index(self):
        counts = case_counts() if may_read_cases(current_actor()) else None
        kind, data, cards = home_dashboard() if current_user.is_authenticated else (None, None, [])
        # Issue #20: home pages are work pages. A clerk and a window head list their window's
        # (and covered) cases due, overdue and urgent; the section head every window's, and
        # the refusal reports waiting for his review (NEG-2); everyone their 待办.
        section = SECTION_HEAD in role_names()
        work = reviews = None
        if kind in ("clerk", "window") or (kind is None and section):
            work = todays_work()
        if section:
            reviews = reports_awaiting_review(db.session)
        todo = todo_groups() if current_user.is_authenticated else []
        # ATT-2 (issue #20): the office's home names this month's working days without clock
        # data — the import that is still missing.
        missing_clocks = clock_data_missing() if OFFICE in role_names() else None
        staff = current_staff() if kind == "window" else None
        away = window_away(staff.window_id) if staff is not None and staff.window_id else None
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    case_counts=counts, dashboard_kind=kind, data=data,
                                    cards=cards, work=work, reviews=reviews, todo=todo,
                                    away=away, missing_clocks=missing_clocks,
                                    own_roles=own_role_names() if current_user.is_authenticated
                                    else (), today=today())

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
