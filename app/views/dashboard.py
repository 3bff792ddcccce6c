"""驾驶舱 — the Leadership dashboard page and its JSON (issue #12).

The figures come from app.services.dashboard_queries (database aggregates only). This module
adds what a reader needs around them: the zh_CN labels, and for every figure the URL of the
filtered list behind it (FAB list filters `_flt_<n>_<column>`) or, for a score, its SCORE-7
explanation page. The charts are drawn by the static app/static/js/dashboard.js with the
vendored ECharts, from the JSON block the page carries (no inline script: the CSP forbids it).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from flask import abort, jsonify, request
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api
from flask_babel import gettext

from app.context import clock, today
from app.extensions import db
from app.services import dashboard_queries as dq
from app.services.case_queries import RUNNING

# FAB's filter indexes (flask_appbuilder/models/sqla/filters.py, SQLAFilterConverter):
# relation → 0 equal; date → 0 equal, 1 greater than, 2 smaller than; string → 3 equal, 8 in.
REL_EQ, GT, LT, STR_EQ, STR_IN = 0, 1, 2, 3, 8


def month_arg(value: str | None, fallback: date) -> date:
    """`?period=2026-10` → 2026-10-01; anything else → the month of `fallback`."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else dq.month_start(fallback)
    except (TypeError, ValueError):
        return dq.month_start(fallback)


CASES = "/caseview/list/"


def filter_query(**filters) -> str:
    """The encoded FAB filters of a case list: `accepted=(start, end)` etc. are day ranges."""
    args: list[tuple[str, object]] = []
    for column, value in filters.items():
        if isinstance(value, tuple):  # a day range, both ends included
            start, end = value
            args += [(f"_flt_{GT}_{column}", (start - timedelta(days=1)).isoformat()),
                     (f"_flt_{LT}_{column}", (end + timedelta(days=1)).isoformat())]
        elif isinstance(value, list):
            args += [(f"_flt_{STR_IN}_{column}", item) for item in value]
        else:
            args.append((f"_flt_{STR_EQ}_{column}", value))
    return urlencode(args)


def window_query(window_id) -> str:
    """The window filter of a case list, first in its query ("" for every window)."""
    return "" if window_id is None else urlencode([(f"_flt_{REL_EQ}_window", window_id)])


def joined(path: str, *queries: str) -> str:
    """`path` with the non-empty encoded `queries` — how the dashboard builds its many links
    from parts encoded once per request (issue #21), not each link from scratch."""
    query = "&".join(part for part in queries if part)
    return f"{path}?{query}" if query else path


def case_list(path: str = CASES, window_id=None, **filters) -> str:
    """A case list URL with FAB filters: `accepted=(start, end)` etc. are day ranges."""
    return joined(path, window_query(window_id), filter_query(**filters))


def overdue_query(day: date) -> str:
    """CASE-6 open cases past their deadline: running states, deadline before today."""
    return "&".join((filter_query(state=list(RUNNING)),
                     urlencode({f"_flt_{LT}_deadline": day.isoformat()})))


def overdue_now_list(day: date, window_id=None) -> str:
    """CASE-6: the open cases past their deadline (of one window)."""
    return joined(CASES, window_query(window_id), overdue_query(day))


def score_explanation(window_id: int, period: str) -> str:
    """SCORE-7: the page listing the deductions and bonuses behind a window's month score."""
    return f"/assessment/window/{window_id}/?month={period}"


def labels() -> dict[str, str]:
    return {
        "accepted": gettext("Cases accepted"), "on_time_rate": gettext("On-time rate (%)"),
        "overdue": gettext("Overdue now"), "satisfaction": gettext("Satisfaction rate (%)"),
        "score": gettext("Score"), "red_flag": gettext("Red-flag window"),
        "late_early": gettext("Late arrivals and early leaves"),
        "absent_days": gettext("Absence days"), "leave_days": gettext("Leave days"),
        "away_today": gettext("Away today"), "complaints": gettext("Complaints received"),
        "no_data": gettext("No data"), "month": gettext("Month"),
    }


def with_links(data: dict, day: date) -> dict:
    """The figures plus, for each, the list or explanation a click opens. The filters of a
    month or of a window are encoded once and joined per link (issue #21: ~200 links)."""
    period = dq.month_start(date.fromisoformat(data["period"] + "-01"))
    month = (period, dq.month_end(period))
    selected = window_query(data.get("window_id"))
    names = {w["id"]: f'{w["number"]} {w["name"]}' for w in data["windows"]}
    windows = {}  # window id → its filter
    for row in (data["accepted_by_window"] + data["overdue_by_window"]
                + data["satisfaction_by_window"] + data["attendance_by_window"] + data["ranking"]):
        row["window"] = names.get(row["window_id"], str(row["window_id"]))
        windows.setdefault(row["window_id"], window_query(row["window_id"]))
    months = [date.fromisoformat(s + "-01") for s in data["months"]]
    accepted_in = [filter_query(accepted_on=(m, dq.month_end(m))) for m in months]
    for row in data["accepted_by_window"]:
        row["links"] = [joined(CASES, windows[row["window_id"]], q) for q in accepted_in]
    overdue = overdue_query(day)
    for row in data["overdue_by_window"]:
        row["link"] = joined(CASES, windows[row["window_id"]], overdue)
    decided = filter_query(decided_on=month)
    dissatisfied = filter_query(decided_on=month, satisfaction=dq.DISSATISFIED)
    for row in data["satisfaction_by_window"]:
        row["link"] = joined(CASES, windows[row["window_id"]], dissatisfied)
    attendance = f"/attendance/?year={period.year}&month={period.month}&window_id="
    for row in data["attendance_by_window"]:
        row["link"] = f"{attendance}{row['window_id']}"
    for row in data["ranking"]:
        row["link"] = score_explanation(row["window_id"], data["period"])
    kpi_links = {
        "accepted_month": joined(CASES, selected, filter_query(accepted_on=month)),
        "accepted_year": joined(CASES, selected, filter_query(
            accepted_on=(period.replace(month=1), month[1]))),
        "on_time_rate": joined(CASES, selected, decided),
        "decided_month": joined(CASES, selected, decided),
        "overdue_now": joined(CASES, selected, overdue),
        "average_days": joined(CASES, selected, decided),
        "satisfaction_rate": joined(CASES, selected, dissatisfied),
        "complaints_open": "/complaintview/overdue/?all=1",
        "complaints_overdue": "/complaintview/overdue/",
        "away_today": "/leaverequestview/away/",
    }
    trend_links = [joined(CASES, selected, filter_query(decided_on=(m, dq.month_end(m))))
                   for m in months]
    return {**data, "kpi_links": kpi_links, "on_time_links": trend_links, "labels": labels()}


def dashboard_data(period: date, window_id=None, wins: list | None = None) -> dict:
    """`wins`: the filter's window as `_filters` read it (issue #21: not read again)."""
    now = clock()  # AB-2: the half-days of today begun by now (absence)
    day = now.today
    return with_links(dq.leadership_dashboard(db.session, period, day, window_id, now=now.now,
                                              wins=wins), day)


def kpi_cards(data: dict) -> list[tuple[str, str, object, str, str]]:
    """(key, label, value shown, unit, link) of the KPI cards, in reading order."""
    kpi, links = data["kpi"], data["kpi_links"]

    def shown(value):
        return "—" if value is None else value

    return [
        ("accepted_month", gettext("Accepted this month"), shown(kpi["accepted_month"]), "", links["accepted_month"]),
        ("accepted_year", gettext("Accepted this year"), shown(kpi["accepted_year"]), "", links["accepted_year"]),
        ("on_time_rate", gettext("On-time rate"), shown(kpi["on_time_rate"]), "%", links["on_time_rate"]),
        ("overdue_now", gettext("Overdue now"), shown(kpi["overdue_now"]), "", links["overdue_now"]),
        ("average_days", gettext("Average working days to decide"), shown(kpi["average_days"]), "", links["average_days"]),
        ("satisfaction_rate", gettext("Satisfaction rate"), shown(kpi["satisfaction_rate"]), "%", links["satisfaction_rate"]),
        ("complaints_open", gettext("Open complaints"), shown(kpi["complaints_open"]), "", links["complaints_open"]),
        ("complaints_overdue", gettext("Complaint answers overdue"), shown(kpi["complaints_overdue"]), "", links["complaints_overdue"]),
        ("away_today", gettext("Staff away today"), shown(kpi["away_today"]), "", links["away_today"]),
    ]


class DashboardView(BaseView):
    """领导驾驶舱 — the center at a glance for Leadership, the office and administrators."""

    route_base = "/dashboard"
    default_view = "index"
    class_permission_name = "Dashboard"
    method_permission_name = {"index": "read", "data": "read"}
    base_permissions = ["can_read"]

    def _filters(self) -> tuple[date, int | None, list | None]:
        """The month, the window asked for (404 when there is none such) and — read once,
        for the figures too (issue #21) — its (id, number, name); None without a window."""
        period = month_arg(request.args.get("period"), today())
        window_id = request.args.get("window", type=int)
        if window_id is None:
            return period, None, None
        wins = dq.windows(db.session, window_id)
        if not wins:
            abort(404)
        return period, window_id, wins

    @expose("/")
    @has_access
    def index(self):
        period, window_id, wins = self._filters()
        data = dashboard_data(period, window_id, wins)
        # Unfiltered, the figures' windows are the filter's choices: no second read.
        all_windows = (dq.windows(db.session) if window_id is not None else
                       [(w["id"], w["number"], w["name"]) for w in data["windows"]])
        return self.render_template(
            "bianmin/dashboard.html", data=data, cards=kpi_cards(data),
            all_windows=all_windows, window_id=window_id,
            big=request.args.get("big") == "1", title=gettext("Leadership dashboard"))

    @expose("/data")
    @has_access_api
    def data(self):
        """The same figures as JSON (Dashboard read only: a clerk gets 403, ORG-2)."""
        period, window_id, wins = self._filters()
        return jsonify(dashboard_data(period, window_id, wins))
