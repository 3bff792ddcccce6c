"""办件查询 — the work queue and the deadline filters as SQL (CASE-6, CASE-8, CASE-10).

Overdue is computed, never typed: each condition is a WHERE clause over the stored deadline
and decision day, and overdue working days are two lookups in the work_day table, so lists
and scores never load cases into Python to decide.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case as sql_case, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.rules import case_states as cs
from app.rules import notices as nt
from models.cases import Case, CaseNotice, NoticeMaterial, WorkDay
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


def case_counts(session: Session, today: date, due_soon_last: date, scope=None) -> dict[str, int]:
    """The open, overdue (CASE-6, still running past the deadline) and due-soon cases (running,
    due from today to `due_soon_last`) — of the rows `scope` admits, a SQL condition on Case
    (ORG-2, AB-2: app.security.case_scope_condition), or of all when None.

    Counts only: three indexed COUNTs over the open states, never the closed million.
    """
    def count(*conditions) -> int:
        query = select(func.count(Case.id)).where(*conditions)
        if scope is not None:
            query = query.where(scope)
        return session.scalar(query) or 0

    return {
        "open": count(Case.state.in_(OPEN_STATES)),
        # Open and past the deadline: the running states only, served by ix_case_state_deadline.
        "overdue": count(running_overdue_condition(today)),
        "due_soon": count(due_soon_condition(today, due_soon_last)),
    }


def case_id_by_number(session: Session, number: str) -> int | None:
    """The id of the case with this acceptance number (受理编号), or None."""
    return session.scalar(select(Case.id).where(Case.number == number))


class PublicCase(NamedTuple):
    """CASE-11 / PRIV-1: what the public progress lookup reads of a case — its state, dates,
    item and window; no column of the applicant (name, ID number, phone, address)."""

    id: int
    number: str
    state: str
    item_name: str
    window_number: str
    window_name: str
    accepted_on: date | None
    deadline: date | None
    competent_unit: str | None
    delivered: bool
    satisfaction: str | None


class NoticeMaterialRow(NamedTuple):
    """NOTICE-1: one material a one-time notice asks for, as the public page lists it."""

    name: str
    problem: str | None


@cache
def _public_statement(name: str):
    """The public lookup's statements, built once (building one costs more than running it);
    their values are bound parameters."""
    if name == "materials":
        # NOTICE-1: the materials of the case's latest one-time notice, in their order.
        latest = (select(func.max(CaseNotice.id))
                  .where(CaseNotice.case_id == bindparam("case_id"),
                         CaseNotice.kind == nt.ONE_TIME).scalar_subquery())
        return (select(NoticeMaterial.name, NoticeMaterial.problem)
                .where(NoticeMaterial.notice_id == latest).order_by(NoticeMaterial.id))
    if name == "pair":
        condition = and_(Case.number == bindparam("number"),
                         Case.applicant_phone == bindparam("phone"))
    else:
        condition = Case.id == bindparam("case_id")
    return (select(Case.id, Case.number, Case.state, ServiceItem.name, Window.number,
                   Window.name, Case.accepted_on, Case.deadline, Case.competent_unit,
                   Case.delivered_at.is_not(None), Case.satisfaction)
            .join(ServiceItem, ServiceItem.id == Case.item_id)
            .join(Window, Window.id == Case.window_id)
            .where(condition))


def public_case_by_number_and_phone(session: Session, number: str,
                                    phone: str) -> PublicCase | None:
    """CASE-11 / PRIV-1: the case with this number AND this applicant phone, else None — one
    statement with both conditions, so a wrong phone and an unknown number take the same path.
    Read as plain values with its item and window (no ORM objects)."""
    row = session.connection().execute(_public_statement("pair"),
                                       {"number": number, "phone": phone}).first()
    return None if row is None else PublicCase._make(row)


def public_case(session: Session, case_id: int) -> PublicCase | None:
    """`public_case_by_number_and_phone`'s values of the case with this id (the rating's
    answer, once its token named the case)."""
    row = session.connection().execute(_public_statement("id"), {"case_id": case_id}).first()
    return None if row is None else PublicCase._make(row)


def one_time_notice_materials(session: Session, case_id: int) -> list[NoticeMaterialRow]:
    """NOTICE-1: what the case's latest one-time notice asks the applicant to bring."""
    return [NoticeMaterialRow._make(row) for row in session.connection().execute(
        _public_statement("materials"), {"case_id": case_id})]


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


def todays_work(session: Session, today: date, due_soon_last: date, scope=None, *,
                page: int = 0, page_size: int = 10) -> tuple[list[Case], int]:
    """Issue #20: one page of today's work (`todays_work_condition`) in queue order (CASE-8:
    urgent first, then the nearest deadline) among the rows `scope` admits (ORG-2, AB-2:
    app.security.case_scope_condition; None = every window), and how many there are."""
    condition = todays_work_condition(today, due_soon_last)
    if scope is not None:
        condition = and_(condition, scope)
    total = session.scalar(select(func.count(Case.id)).where(condition)) or 0
    rows = list(session.scalars(select(Case).where(condition).order_by(*queue_order())
                                .limit(page_size).offset(max(page, 0) * page_size)))
    return rows, total
