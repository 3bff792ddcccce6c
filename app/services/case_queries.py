"""办件查询 — the work queue and the deadline filters as SQL (CASE-6, CASE-8, CASE-10).

Overdue is computed, never typed: each condition is a WHERE clause over the stored deadline
and decision day, and overdue working days are two lookups in the work_day table, so lists
and scores never load cases into Python to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import NamedTuple

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import (Date, Integer, String, and_, bindparam, case as sql_case, cast, exists,
                        func, literal_column, null, or_, select, union_all)
from sqlalchemy.orm import Session, aliased, selectinload

from app.rules import case_states as cs
from app.rules import notices as nt
from app.services.core_reads import core_execute
from models.cases import (Case, CaseAnnotation, CaseMaterial, CaseNotice, CaseSubTask,
                          CaseTransition, NoticeMaterial, RefusalReport, WorkDay)
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
    row = [value or 0 for value in core_execute(session, statement, params).one()]
    return OpenCaseCounts(*row[:6]), OpenCaseCounts(*row[6:]) if window_id is not None else None


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


# --- The case page (issue #19; issue #21 P1: a fixed number of statements) ---------------------
# Read-only display reads values, not ORM objects: only the case itself is one (the rules and
# the policy take it). Its item, window (as Window shows itself: "01 户政窗口") and staff
# (first contact, clerk, handler: their names) and whether its refusal report is filed (NEG-1)
# come in the case's own statement (parameter `case_id`). The caller adds its row filters
# (ORG-2, AB-2).
_CASE_ID = bindparam("case_id")
_FIRST_CONTACT, _CLERK, _HANDLER = (aliased(Staff, name=name)
                                    for name in ("first_contact", "clerk", "handler"))
CASE_PAGE = (
    select(Case, ServiceItem.name.label("item_name"),
           (Window.number + " " + Window.name).label("window_label"),
           _FIRST_CONTACT.name.label("first_contact"), _CLERK.name.label("clerk"),
           _HANDLER.name.label("handler"),
           exists().where(RefusalReport.case_id == Case.id).label("report_filed"))
    .join(ServiceItem, ServiceItem.id == Case.item_id).join(Window, Window.id == Case.window_id)
    .outerjoin(_FIRST_CONTACT, _FIRST_CONTACT.id == Case.first_contact_id)
    .outerjoin(_CLERK, _CLERK.id == Case.clerk_id)
    .outerjoin(_HANDLER, _HANDLER.id == Case.handler_id)
    .where(Case.id == _CASE_ID))


def case_page_row(session: Session, case_id: int, row_filters):
    """CASE_PAGE's row for case `case_id` through the caller's `row_filters` (a function that
    adds the view's ORG-2/AB-2 filters to a statement), or None when they hold it back."""
    return session.execute(row_filters(CASE_PAGE), {"case_id": case_id}).one_or_none()


# Its history: transitions (CASE-4), materials (CASE-1) and notes, in one statement, each
# transition and note with the Staff name of its login name (issue #20; none for a login
# without a Staff row, a command or a job). `source` says which: 0, 1, 2, in id order.
TRANSITION, MATERIAL, NOTE = 0, 1, 2


def _history(source: int, model, at, text, username=None, action=None, to_state=None,
             copies=None):
    def column(name, value, kind=String):
        return (cast(null(), kind) if value is None else value).label(name)

    columns = select(literal_column(str(source)).label("source"), model.id.label("id"),
                     at.label("at"), text.label("text"), column("username", username),
                     column("staff_name", None if username is None else Staff.name),
                     column("action", action), column("to_state", to_state),
                     column("copies", copies, Integer))
    if username is not None:
        columns = (columns.outerjoin(User, User.username == username)
                   .outerjoin(Staff, Staff.user_id == User.id))
    return columns.where(model.case_id == _CASE_ID)


CASE_HISTORY = union_all(
    _history(TRANSITION, CaseTransition, CaseTransition.at, CaseTransition.note,
             CaseTransition.username, CaseTransition.action, CaseTransition.to_state),
    _history(MATERIAL, CaseMaterial, CaseMaterial.received_at, CaseMaterial.name,
             copies=CaseMaterial.copies),
    _history(NOTE, CaseAnnotation, CaseAnnotation.at, CaseAnnotation.text,
             CaseAnnotation.username),
).order_by(literal_column("source"), literal_column("id"))


def case_history(session: Session, case_id: int) -> list:
    """The rows of CASE_HISTORY for one case: transitions, then materials, then notes, each
    in id order (the order of the case's relationships)."""
    return core_execute(session, CASE_HISTORY, {"case_id": case_id}).all()


@dataclass
class NoticeShown:
    """A notice as the case page shows it (NOTICE-1/2); `materials` the rows (name, problem)
    of what it asked for."""

    id: int
    kind: str
    issued_at: datetime
    issued_on: date
    due_on: date | None
    late: bool
    text: str | None
    materials: list = field(default_factory=list)


CASE_NOTICES = (select(CaseNotice.id, CaseNotice.kind, CaseNotice.issued_at, CaseNotice.issued_on,
                       CaseNotice.due_on, CaseNotice.late, CaseNotice.text,
                       NoticeMaterial.id.label("material_id"), NoticeMaterial.name,
                       NoticeMaterial.problem)
                .outerjoin(NoticeMaterial, NoticeMaterial.notice_id == CaseNotice.id)
                .where(CaseNotice.case_id == _CASE_ID)
                .order_by(CaseNotice.id, NoticeMaterial.id))


def case_notices(session: Session, case_id: int) -> list[NoticeShown]:
    """The case's notices in id order, each with the materials it asked for in id order
    (NOTICE-1), in one statement."""
    notices: dict[int, NoticeShown] = {}
    for row in core_execute(session, CASE_NOTICES, {"case_id": case_id}):
        notice = notices.get(row.id)
        if notice is None:
            notice = notices[row.id] = NoticeShown(row.id, row.kind, row.issued_at,
                                                   row.issued_on, row.due_on, row.late,
                                                   row.text)
        if row.material_id is not None:
            notice.materials.append(row)
    return list(notices.values())


# CASE-7: the parts of a joint case, each with its window as Window shows itself.
CASE_PARTS = (select(CaseSubTask.part, CaseSubTask.deadline, CaseSubTask.done_on,
                     (Window.number + " " + Window.name).label("window"))
              .join(Window, Window.id == CaseSubTask.window_id)
              .where(CaseSubTask.case_id == _CASE_ID).order_by(CaseSubTask.id))


def case_parts(session: Session, case_id: int) -> list:
    """CASE-7: the case's parts (window, part, deadline, done_on) in id order."""
    return core_execute(session, CASE_PARTS, {"case_id": case_id}).all()


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
    rows = core_execute(session, statement, {"work_today": today,
                                             "work_last": due_soon_last}).all()
    return rows, total
