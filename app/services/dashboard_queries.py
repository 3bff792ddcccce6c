"""驾驶舱 — the dashboards' figures as database aggregates (issue #12).

Every figure here is a GROUP BY or COUNT in SQL, served by an index (migration 0022), so the
Leadership dashboard at a million cases and a million score events is a handful of small
result sets: rows per (day, window) or per (window, category), never per case. Views and the
JSON endpoint call these functions only; they hold no query of their own.

Periods are whole months: `period` is the first day of the month shown; trends cover the
twelve months up to it. A `window_id` narrows every figure to one window (the filter of the
Leadership page, and the scope of a window head's or clerk's home page, ORG-2).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (String, and_, case as sql_case, func, literal, literal_column, or_, select,
                        union_all)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session, aliased

from app.rules.attendance import AM, PM
from app.rules.calendar import month_end, month_start
from app.rules.intake import BASICALLY_SATISFIED, DISSATISFIED, SATISFIED
from app.services.assessment import window_month_total
from app.services.away import away_count_by_window, away_when, on_leave_half_condition
from app.services.case_queries import OpenCaseCounts, open_case_counts, running_overdue_condition
from app.services.window_scores import WindowMonthScore, month_window_scores
from models.attendance import AttendanceDay
from models.cases import Case, WorkDay
from models.complaints import Complaint
from models.leave import LeaveRequest
from models.org import Staff, Window

GOOD_RATINGS = (SATISFIED, BASICALLY_SATISFIED)  # 满意率 = (满意 + 基本满意) / 评价数 (CASE-11)
APPROVED = "approved"  # LeaveRequest.state of approved leave (LEAVE-2)
TREND_MONTHS = 12


# --- periods ---------------------------------------------------------------------------------
def months_back(period: date, count: int) -> list[date]:
    """The first days of the `count` months ending with `period`, oldest first."""
    months = [month_start(period)]
    while len(months) < count:
        months.insert(0, month_start(months[0] - timedelta(days=1)))
    return months


class month_key(FunctionElement):  # noqa: N801 — used like func.xxx
    """'YYYY-MM' of a date column, so that a GROUP BY buckets months in SQL (issue #21: the
    dashboard summed ~5,500 (day, window) rows into months in Python). SQLite keeps a date
    as its ISO text, so the month is its first seven characters; PostgreSQL formats it."""

    type = String()
    inherit_cache = True
    name = "month_key"


@compiles(month_key)
def _month_key_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(month_key, "postgresql")
def _month_key_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@lru_cache(maxsize=1024)
def month_of_key(key: str) -> date:
    """The first day of the month of a `month_key` value ('2026-11' → 2026-11-01); kept, as
    a page parses the same twelve keys hundreds of times."""
    return date(int(key[:4]), int(key[5:7]), 1)


def _pct(part, whole) -> float | None:
    return None if not whole else round(float(part) * 100.0 / float(whole), 1)


def _where_window(query, column, window_id):
    return query if window_id is None else query.where(column == window_id)


# --- windows ---------------------------------------------------------------------------------
def windows(session: Session, window_id: int | None = None) -> list[tuple[int, str, str]]:
    """(id, number, name) of the active windows (or the one asked for), in number order."""
    query = select(Window.id, Window.number, Window.name).order_by(Window.number, Window.id)
    query = (query.where(Window.is_active.is_(True)) if window_id is None
             else query.where(Window.id == window_id))
    return [tuple(row) for row in session.execute(query)]


# --- cases (CASE-3/6/11) -----------------------------------------------------------------------
def overdue_by_window(session: Session, today: date, window_id=None) -> dict[int, int]:
    """CASE-6: open cases past their deadline, per window."""
    query = (select(Case.window_id, func.count()).where(running_overdue_condition(today))
             .group_by(Case.window_id))
    return dict(session.execute(_where_window(query, Case.window_id, window_id)).all())


def accepted_by_month_window(session: Session, start: date, end: date, window_id=None,
                             through: date | None = None):
    """(month's first day, window, cases accepted, of those the ones accepted by `through`),
    bucketed by month in SQL (issue #21). The second count is the year-to-date KPI's share of
    the month: summing it over the year's months spares a count of its own over the same
    index range (P6).

    Grouped twice: by (day, window) in the covering index's order (ix_case_accepted_window,
    no sort), then those few thousand groups by month — grouping the cases by a month
    expression directly made SQLite sort every case of the year (18× slower)."""
    days = (select(Case.accepted_on.label("day"), Case.window_id.label("window_id"),
                   func.count().label("n"))
            .where(Case.accepted_on.between(start, end))
            .group_by(Case.accepted_on, Case.window_id))
    days = _where_window(days, Case.window_id, window_id).subquery()
    month = month_key(days.c.day)
    by_then = func.sum(sql_case((days.c.day <= (through or end), days.c.n), else_=0))
    query = (select(month, days.c.window_id, func.sum(days.c.n), by_then)
             .group_by(month, days.c.window_id))
    return [(month_of_key(key), window, int(count), int(then or 0)) for key, window, count, then
            in session.execute(query)]


def decided_by_month_window(session: Session, start: date, end: date, window_id=None):
    """(month's first day, window, decided, on time, rated, rated well, rated dissatisfied)
    of the cases
    decided from `start` to `end`. On time (CASE-6): decided on or before the deadline.
    Satisfaction (CASE-11) is counted on the cases decided in the period."""
    on_time = sql_case((and_(Case.deadline.is_not(None), Case.decided_on <= Case.deadline), 1),
                       else_=0)
    rated = sql_case((Case.satisfaction.is_not(None), 1), else_=0)
    good = sql_case((Case.satisfaction.in_(GOOD_RATINGS), 1), else_=0)
    bad = sql_case((Case.satisfaction == DISSATISFIED, 1), else_=0)
    days = (select(Case.decided_on.label("day"), Case.window_id.label("window_id"),
                   func.count().label("n"), func.sum(on_time).label("on_time"),
                   func.sum(rated).label("rated"), func.sum(good).label("good"),
                   func.sum(bad).label("bad"))
            .where(Case.decided_on.between(start, end))
            .group_by(Case.decided_on, Case.window_id))
    days = _where_window(days, Case.window_id, window_id).subquery()  # as accepted_by_month_window
    month = month_key(days.c.day)
    query = (select(month, days.c.window_id, func.sum(days.c.n), func.sum(days.c.on_time),
                    func.sum(days.c.rated), func.sum(days.c.good), func.sum(days.c.bad))
             .group_by(month, days.c.window_id))
    return [(month_of_key(key), window, *counts) for key, window, *counts
            in session.execute(query)]


def average_days_to_decide(session: Session, start: date, end: date, window_id=None) -> float | None:
    """Average working days from acceptance to decision of the cases decided in the period
    (the difference of the two days' work_day ordinals, as CASE-6 counts overdue days)."""
    accepted_day, decided_day = aliased(WorkDay), aliased(WorkDay)
    query = (select(func.sum(decided_day.ordinal - accepted_day.ordinal), func.count())
             .select_from(Case)
             .join(accepted_day, accepted_day.day == Case.accepted_on)
             .join(decided_day, decided_day.day == Case.decided_on)
             .where(Case.decided_on.between(start, end)))
    total, count = session.execute(_where_window(query, Case.window_id, window_id)).one()
    return None if not count else round(float(total) / count, 1)


def queue_figures(counts: OpenCaseCounts) -> dict[str, int]:
    """A clerk's queue (CASE-6/8) of a window's `OpenCaseCounts`: due today, overdue, urgent,
    open."""
    return {"due_today": counts.due_today, "overdue": counts.overdue, "urgent": counts.urgent,
            "open": counts.open}


def queue_counts(session: Session, today: date, window_id: int) -> dict[str, int]:
    """A clerk's queue today (CASE-6/8): due today, overdue, urgent — of their window (one
    statement: app.services.case_queries.open_case_counts)."""
    counts, _window = open_case_counts(session, today, None, Case.window_id == window_id)
    return queue_figures(counts)


# --- people (LEAVE-1..3, ATT-2/3) ----------------------------------------------------------------
def away_by_window(session: Session, day: date, window_id=None,
                   now: datetime | None = None) -> dict[int | None, int]:
    """AB-2 / LEAVE-3: staff away on `day`, per window (None: staff of no window) — the one
    definition of app/services/away.py (leave, errand or meeting, absence; with `now`, absence
    only in the half-days begun by then), so the KPI counts the people the "Away today" list
    names."""
    return away_count_by_window(session, away_when(session, day, now), window_id)


def leave_taken_by_window(session: Session, start: date, end: date, window_id=None):
    """LEAVE-3/4, ATT-3: per window, (approved requests with leave taken from `start` to
    `end`, the leave half days of those days) — the working days actually taken
    (`taken_period`: cut short by an early 销假, carried to the 销假 by an excused overstay),
    half day by half day with `on_leave_half_condition`, the very condition the SQL attendance
    derivation counts as leave; an overstay without reason is absence, not leave. One
    aggregate over the month's working days (`work_day`) × the two halves × the requests.

    The days of the month not yet over count as planned (the leave of the rest of the month
    is known). A person who has since left the center keeps the leave they took then, as in
    LEAVE-4's totals."""
    days = (select(WorkDay.day.label("day"))
            .where(WorkDay.working.is_(True), WorkDay.day.between(start, end)).cte("leave_days"))
    halves = union_all(select(literal(AM).label("half")),
                       select(literal(PM).label("half"))).cte("leave_halves")
    query = (select(Staff.window_id, func.count(func.distinct(LeaveRequest.id)), func.count())
             .select_from(LeaveRequest)
             .join(Staff, Staff.id == LeaveRequest.staff_id)
             .join(days, days.c.day >= LeaveRequest.start_day)
             .join(halves, literal_column("1") == 1)
             .where(LeaveRequest.state == APPROVED, LeaveRequest.start_day <= end,
                    or_(LeaveRequest.end_day >= start, LeaveRequest.reported_back_on > start),
                    on_leave_half_condition(days.c.day, halves.c.half))
             .group_by(Staff.window_id))
    return session.execute(_where_window(query, Staff.window_id, window_id)).all()


def attendance_by_window(session: Session, start: date, end: date, window_id=None) -> dict:
    """ATT-2/3 from the derived attendance days (nightly): late/early count and absence days
    per window; LEAVE-3/4: the approved requests with leave taken in the period and its days
    (`leave_taken_by_window`, the days attendance counts as leave)."""
    att = (select(Staff.window_id, func.sum(AttendanceDay.late_early),
                  func.sum(AttendanceDay.absent_days))
           .join(Staff, Staff.id == AttendanceDay.staff_id)
           .where(AttendanceDay.day.between(start, end)).group_by(Staff.window_id))
    out: dict = defaultdict(lambda: {"late_early": 0, "absent_days": 0.0, "leave_requests": 0,
                                     "leave_days": 0.0})
    for window, late, absent in session.execute(_where_window(att, Staff.window_id, window_id)):
        out[window].update(late_early=int(late or 0), absent_days=float(absent or 0))
    for window, requests, half_days in leave_taken_by_window(session, start, end, window_id):
        out[window].update(leave_requests=int(requests), leave_days=half_days / 2)
    return dict(out)


# --- complaints (COMP-1..5) -------------------------------------------------------------------
def complaint_figures(session: Session, months: list[date], today: date, window_id=None):
    """Open complaints, overdue answers (COMP-2) and complaints received per month."""
    overdue = func.sum(sql_case((Complaint.due_on < today, 1), else_=0))
    open_q = (select(func.count(), overdue).select_from(Complaint)
              .where(Complaint.state == "open"))
    start, end = months[0], month_end(months[-1])
    month = month_key(Complaint.received_on)
    trend_q = (select(month, func.count())
               .where(Complaint.received_on.between(start, end)).group_by(month))
    trend = {month_of_key(key): count for key, count
             in session.execute(_where_window(trend_q, Complaint.window_id, window_id))}
    open_count, overdue_count = session.execute(
        _where_window(open_q, Complaint.window_id, window_id)).one()
    return {
        "open": open_count or 0,
        "overdue": int(overdue_count or 0),
        "trend": [trend.get(month, 0) for month in months],
    }


# --- scores (SCORE-2/3) -----------------------------------------------------------------------
def window_ranking(session: Session, period: date) -> list[WindowMonthScore]:
    """SCORE-2/3: the month's window scores and ranking with 红旗窗口 — the monthly
    assessment's own results (confirmed snapshot, or live from one GROUP BY while open:
    app/services/assessment.py), so the dashboard and the assessment pages never disagree."""
    return month_window_scores(session, period)


def window_month_score(session: Session, window_id: int, period: date) -> Decimal:
    """A window's score of the month (SCORE-2) — the clerk's and window head's home figure,
    the same total the assessment page shows for that window (the monthly assessment's own
    rows, as `window_ranking`: `window_month_total`). COMP-5's exclusions decide 满意窗口 (SCORE-4) only, never a
    total or a rank: the home does not read the month's complaints for them (issue #21 P1)."""
    total = window_month_total(session, period.replace(day=1), window_id)
    return Decimal(100) if total is None else total


def ranked_score(data: dict, window_id: int) -> float:
    """The same score (SCORE-2) read from the ranking of a `leadership_dashboard` already
    computed for the month: a window head's home shows both, and computing the month's
    assessment once is half the page's score work (bench/bench_dashboard.py)."""
    return next((row["total"] for row in data["ranking"] if row["window_id"] == window_id),
                100.0)


# --- the pages' data -----------------------------------------------------------------------
def case_figures(session: Session, period: date, today: date, window_id=None) -> dict:
    """KPIs and the per-window, per-month case series of the twelve months up to `period`.
    The months' totals are summed in one pass over the (month, window) rows."""
    months = months_back(period, TREND_MONTHS)
    start, end = months[0], month_end(period)
    year_start = period.replace(month=1, day=1)
    year_end = min(end, today) if period <= today else end
    accepted, accepted_month, accepted_year = {}, 0, 0
    for month, window, count, by_year_end in accepted_by_month_window(
            session, start, end, window_id, through=year_end):
        accepted[(month, window)] = count
        accepted_month += count if month == period else 0
        accepted_year += by_year_end if month >= year_start else 0
    by_month: dict = defaultdict(lambda: [0] * 5)  # decided, on time, rated, good, bad
    by_window = {}
    for month, window, *counts in decided_by_month_window(session, start, end, window_id):
        counts = [int(value or 0) for value in counts]
        by_month[month] = [a + b for a, b in zip(by_month[month], counts)]
        if month == period:
            by_window[window] = (_pct(counts[3], counts[2]), counts[2], counts[4])
    decided, on_time, rated, good, _bad = by_month[period]
    return {
        "months": months,
        "accepted_month": accepted_month,
        "accepted_year": accepted_year,
        "decided_month": decided,
        "on_time_rate": _pct(on_time, decided),
        "satisfaction_rate": _pct(good, rated),
        "rated_month": rated,
        "average_days": average_days_to_decide(session, period, end, window_id),
        "accepted": accepted,
        "on_time_trend": [_pct(by_month[m][1], by_month[m][0]) for m in months],
        "satisfaction_by_window": by_window,
    }


def leadership_dashboard(session: Session, period: date, today: date, window_id=None,
                         now: datetime | None = None, wins: list | None = None) -> dict:
    """Everything the Leadership dashboard shows for one month (and, with `window_id`, one
    window), as plain JSON-ready values: KPI cards, chart series, ranking (issue #12). `now`
    (the clock) tells which half-days of today have begun for "staff away today" (AB-2).
    `wins`: `windows(session, window_id)` when the caller has read it already (the page's
    filter checks the window asked for exists: issue #21, read once)."""
    period = month_start(period)
    if wins is None:
        wins = windows(session, window_id)
    cases = case_figures(session, period, today, window_id)
    months = cases["months"]
    overdue = overdue_by_window(session, today, window_id)
    away = away_by_window(session, today, window_id, now=now)
    attendance = attendance_by_window(session, period, month_end(period), window_id)
    complaints = complaint_figures(session, months, today, window_id)
    ranking = window_ranking(session, period)
    if window_id is not None:
        ranking = [row for row in ranking if row.window_id == window_id]
    return {
        "period": period.strftime("%Y-%m"),
        "today": today.isoformat(),
        "window_id": window_id,
        "windows": [{"id": w, "number": n, "name": name} for w, n, name in wins],
        "months": [m.strftime("%Y-%m") for m in months],
        "kpi": {
            "accepted_month": cases["accepted_month"],
            "accepted_year": cases["accepted_year"],
            "on_time_rate": cases["on_time_rate"],
            "decided_month": cases["decided_month"],
            "overdue_now": sum(overdue.values()),  # CASE-6: the windows' counts summed
            "average_days": cases["average_days"],
            "satisfaction_rate": cases["satisfaction_rate"],
            "rated_month": cases["rated_month"],
            "complaints_open": None if complaints is None else complaints["open"],
            "complaints_overdue": None if complaints is None else complaints["overdue"],
            "away_today": sum(away.values()),
        },
        "accepted_by_window": [
            {"window_id": w, "counts": [cases["accepted"].get((m, w), 0) for m in months]}
            for w, _n, _name in wins],
        "on_time_trend": cases["on_time_trend"],
        "overdue_by_window": [{"window_id": w, "count": overdue.get(w, 0)} for w, _n, _name in wins],
        "satisfaction_by_window": [
            {"window_id": w, "rate": cases["satisfaction_by_window"].get(w, (None, 0, 0))[0],
             "rated": cases["satisfaction_by_window"].get(w, (None, 0, 0))[1],
             "dissatisfied": cases["satisfaction_by_window"].get(w, (None, 0, 0))[2]}
            for w, _n, _name in wins],
        "ranking": [{"window_id": r.window_id, "number": r.number, "name": r.name,
                     "total": float(r.total), "rank": r.rank, "red_flag": r.red_flag,
                     "incomplete": bool(r.missing)} for r in ranking],
        "attendance_by_window": [
            {"window_id": w, "away_today": away.get(w, 0),
             **attendance.get(w, {"late_early": 0, "absent_days": 0.0, "leave_requests": 0,
                                  "leave_days": 0.0})}
            for w, _n, _name in wins],
        "complaint_trend": None if complaints is None else complaints["trend"],
    }


def window_home(session: Session, window_id: int, period: date, today: date) -> dict:
    """A window head's home: the Leadership figures narrowed to their window (ORG-2), with
    their window's month score."""
    data = leadership_dashboard(session, period, today, window_id)
    data["score"] = ranked_score(data, window_id)
    return data


def clerk_home(session: Session, window_id: int, period: date, today: date,
               queue: dict[str, int] | None = None) -> dict:
    """A clerk's home: their own queue (due today, overdue, urgent; `queue` when the caller
    counted it already, `queue_figures`) and this month's score of their window (SCORE-2)."""
    return {
        "period": month_start(period).strftime("%Y-%m"),
        "window_id": window_id,
        "queue": queue if queue is not None else queue_counts(session, today, window_id),
        "score": float(window_month_score(session, window_id, month_start(period))),
    }
