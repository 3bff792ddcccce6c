"""办件查询 — the work queue and the deadline filters as SQL (CASE-6, CASE-8, CASE-10).

Overdue is computed, never typed: each condition is a WHERE clause over the stored deadline
and decision day, and overdue working days are two lookups in the work_day table, so lists
and scores never load cases into Python to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, case as sql_case, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.rules import case_states as cs
from models.cases import Case, WorkDay
from models.catalogue import ServiceItem
from models.org import Staff, Window

# The clock runs in these states (CASE-3); a suspended case waits for its moved deadline.
RUNNING = tuple(s for s in cs.STATES if cs.clock_running(s))
OPEN_STATES = tuple(s for s in cs.STATES if cs.is_open(s))


def overdue_condition(today: date):
    """CASE-6: not decided by the end of its deadline — still running past it, decided later,
    or withdrawn (撤回) after it: the withdrawal does not undo the overdue days reached."""
    return or_(
        and_(Case.state.in_(RUNNING), Case.deadline < today),
        and_(Case.decided_on.is_not(None), Case.decided_on > Case.deadline),
        and_(Case.withdrawn_on.is_not(None), Case.withdrawn_on > Case.deadline),
    )


def running_overdue_condition(today: date):
    """CASE-6: open cases already past their deadline (the ones still to rescue)."""
    return and_(Case.state.in_(RUNNING), Case.deadline < today)


def due_soon_condition(today: date, last_day: date):
    """CASE-6: running cases due from today to `last_day` (= today + N working days)."""
    return and_(Case.state.in_(RUNNING), Case.deadline >= today, Case.deadline <= last_day)


def overdue_days_expression(today: date):
    """CASE-6: working days d with deadline < d <= decision day (or withdrawal day, or today),
    as SQL — the same count as `Case.overdue_days` (app.rules.deadlines.overdue_working_days).

    0 for cases without a deadline or decided in time. Uses work_day.ordinal, the running
    count of working days, so the difference of two ordinals is the count between them.
    """
    end_day = aliased(WorkDay)
    due_day = aliased(WorkDay)
    end = func.coalesce(Case.decided_on, Case.withdrawn_on, today)
    end_ordinal = select(end_day.ordinal).where(end_day.day == end).scalar_subquery()
    due_ordinal = select(due_day.ordinal).where(due_day.day == Case.deadline).scalar_subquery()
    return sql_case(
        (and_(Case.deadline.is_not(None), end > Case.deadline,
              or_(Case.decided_on.is_not(None), Case.withdrawn_on.is_not(None),
                  Case.state.in_(RUNNING))),
         func.coalesce(end_ordinal - due_ordinal, 0)),
        else_=0,
    )


def queue_order():
    """CASE-8: urgent first, then the nearest deadline, then appointments, then arrival (the
    id last: cases arriving in the same second keep one order, page after page, on PostgreSQL)."""
    return (Case.urgent.desc(), Case.deadline.is_(None), Case.deadline.asc(),
            Case.appointment_at.is_(None), Case.appointment_at.asc(), Case.received_at.asc(),
            Case.id.asc())


def work_queue(window_id: int):
    """The clerk's queue: the window's open cases, most urgent first (CASE-8)."""
    return (select(Case).where(Case.window_id == window_id, Case.state.in_(OPEN_STATES))
            .order_by(*queue_order()))


@dataclass(frozen=True)
class OpenCaseCounts:
    """What the home pages count of the open cases (CASE-6/8): all of them, overdue (still
    running past the deadline), due soon (running, due from today to the last due-soon day),
    due today (running), urgent (绿色通道), and today's work (`todays_work_condition`)."""

    open: int
    overdue: int
    due_soon: int
    due_today: int
    urgent: int
    work: int


@lru_cache(maxsize=2)
def _counts_statement(with_window: bool):
    """The SELECT of `open_case_counts`, built once per shape (issue #21: building it cost more
    than running it): the counts as aggregates with FILTER over the open cases, the day, the
    last due-soon day and the window as bind parameters."""
    today = bindparam("counts_today", type_=Date)
    last = bindparam("counts_last", type_=Date)
    conditions = [running_overdue_condition(today), due_soon_condition(today, last),
                  and_(Case.state.in_(RUNNING), Case.deadline == today),
                  Case.urgent.is_(True), todays_work_condition(today, last)]
    columns = [func.count()] + [func.count().filter(c) for c in conditions]
    if with_window:
        window = Case.window_id == bindparam("counts_window")
        columns += [func.count().filter(window)]
        columns += [func.count().filter(and_(window, c)) for c in conditions]
    # Every condition above lies within the open states (RUNNING ⊂ OPEN_STATES).
    return select(*columns).where(Case.state.in_(OPEN_STATES))


def open_case_counts(session: Session, today: date, due_soon_last: date | None = None,
                     scope=None, window_id: int | None = None
                     ) -> tuple[OpenCaseCounts, OpenCaseCounts | None]:
    """`OpenCaseCounts` of the open cases `scope` admits (a SQL condition on Case: ORG-2, AB-2,
    app.security.case_scope_condition; None = every window), and with `window_id` the same
    counts of that window's cases among them (a clerk's queue: the window must lie within
    `scope`) — one statement, one pass over the open cases (ix_case_window_state_deadline for
    a window), never the closed ones. Due soon and today's work count up to `due_soon_last`
    (today when not given)."""
    statement = _counts_statement(window_id is not None)
    if scope is not None:
        statement = statement.where(scope)
    params = {"counts_today": today, "counts_last": due_soon_last or today}
    if window_id is not None:
        params["counts_window"] = window_id
    row = [value or 0 for value in session.execute(statement, params).one()]
    return OpenCaseCounts(*row[:6]), OpenCaseCounts(*row[6:]) if window_id is not None else None


def case_id_by_number(session: Session, number: str) -> int | None:
    """The id of the case with this acceptance number (受理编号), or None."""
    return session.scalar(select(Case.id).where(Case.number == number))


def case_by_number_and_phone(session: Session, number: str, phone: str) -> Case | None:
    """CASE-11 / PRIV-1: the case with this number AND this applicant phone, else None — one
    query with both conditions, so a wrong phone and an unknown number take the same path."""
    return session.scalars(
        select(Case)
        .where(Case.number == number, Case.applicant_phone == phone)
        .options(selectinload(Case.item), selectinload(Case.window))
    ).first()


# Issue #19: the most cases one applicant search lists; more means "narrow it down".
APPLICANT_SEARCH_LIMIT = 100


def cases_by_applicant(session: Session, column: str, value: str, scope=None,
                       limit: int = APPLICANT_SEARCH_LIMIT) -> list[Case]:
    """Issue #19: the cases whose applicant ID number (`column` "id_number"), phone ("phone")
    or name ("name") is exactly `value` (already in its stored form, app.rules.identity
    `applicant_search_key`), newest first, at most `limit` + 1 (the caller says "more").

    `scope` is the caller's row condition (ORG-2 + AB-2: app.security.case_scope_condition),
    None for every window. Served by ix_case_applicant_id_number / _phone / _name.
    """
    target = {"id_number": Case.applicant_id_number, "phone": Case.applicant_phone,
              "name": Case.applicant_name}[column]
    query = (select(Case).where(target == value)
             .options(selectinload(Case.item), selectinload(Case.window))
             .order_by(Case.received_at.desc(), Case.id.desc()).limit(limit + 1))
    if scope is not None:
        query = query.where(scope)
    return list(session.scalars(query))


def preload_related(session: Session, cases: list[Case]) -> list:
    """The items, windows and handlers of a page of cases, in one query each.

    A many-to-one relationship loads from the session's identity map without SQL when the row
    is there, so the page's columns then cost no query per row (the office's page of 25 cases
    over many windows and items sent 46 statements before; issue #9). The caller holds the
    list while the page renders: the identity map keeps objects only weakly."""
    loaded = []
    for model, key in ((ServiceItem, "item_id"), (Window, "window_id"), (Staff, "handler_id")):
        ids = {getattr(case, key) for case in cases} - {None}
        if ids:
            loaded += session.scalars(select(model).where(model.id.in_(ids))).all()
    return loaded


def todays_work_condition(today: date, due_soon_last: date):
    """Issue #20, CASE-6/8: the cases a home page lists as today's work — running past the
    deadline (overdue), running and due by `due_soon_last` (due soon, today included), or
    open and urgent (绿色通道)."""
    return or_(running_overdue_condition(today), due_soon_condition(today, due_soon_last),
               and_(Case.state.in_(OPEN_STATES), Case.urgent.is_(True)))


@lru_cache(maxsize=1)
def _work_rows_statement():
    """Today's work as the page's columns (the item's name joined), in queue order, built once
    with the day and the last due-soon day as bind parameters (issue #21)."""
    today = bindparam("work_today", type_=Date)
    last = bindparam("work_last", type_=Date)
    return (select(Case.id, Case.number, Case.state, Case.deadline, Case.urgent,
                   Case.applicant_name, ServiceItem.name.label("item_name"))
            .outerjoin(ServiceItem, ServiceItem.id == Case.item_id)
            .where(todays_work_condition(today, last)).order_by(*queue_order()))


def todays_work(session: Session, today: date, due_soon_last: date, scope=None, *,
                page: int = 0, page_size: int = 10, total: int | None = None) -> tuple[list, int]:
    """Issue #20: one page of today's work (`todays_work_condition`) in queue order (CASE-8:
    urgent first, then the nearest deadline) among the rows `scope` admits (ORG-2, AB-2:
    app.security.case_scope_condition; None = every window), and how many there are (`total`
    when the caller counted them already: `OpenCaseCounts.work` of the same scope).

    The rows carry the columns a list of today's work shows: id, number, state, deadline,
    urgent, applicant_name and item_name (the service item's name, None without one)."""
    if total is None:
        condition = todays_work_condition(today, due_soon_last)
        if scope is not None:
            condition = and_(condition, scope)
        total = session.scalar(select(func.count(Case.id)).where(condition)) or 0
    statement = _work_rows_statement()
    if scope is not None:
        statement = statement.where(scope)
    statement = statement.limit(page_size).offset(max(page, 0) * page_size)
    rows = session.execute(statement, {"work_today": today, "work_last": due_soon_last}).all()
    return rows, total
