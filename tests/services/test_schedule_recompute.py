"""CASE-3: a holiday schedule entered or changed for a year moves the deadlines of the running
cases whose limit runs through that year — in bulk, audited, and shown on each case."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from app.services.schedule import (
    RECOMPUTE_DEADLINE,
    recompute_running_deadlines,
    replace_year_schedule,
)
from models.audit import AuditLog
from tests.factories import clock_on, residence_permit_item

ACTOR = Actor(username="office01")
ZONE = "Asia/Shanghai"
# 2027 is not in chinese-calendar: Monday–Friday minus the statutory holidays (10-01..10-03,
# of which only Fri 10-01 is a weekday) until the office enters the schedule.
NATIONAL_DAY_2027 = [(date(2027, 10, d), "国庆节") for d in range(1, 8)]
ADJUSTED_2027 = [(date(2027, 9, 26), "调休上班"), (date(2027, 10, 9), "调休上班")]


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a)


def accepted(db_session, item, day: date):
    received = {m.id: m.copies for m in item.materials}
    return register_intake(db_session, Intake(item_id=item.id, case_class="accepted",
                                              applicant=Applicant(name="王五"), received=received),
                           ACTOR, clock_on(day))


def recompute(db_session, years=(2027,)):
    from zoneinfo import ZoneInfo

    return recompute_running_deadlines(db_session, years, ACTOR, clock_on(date(2027, 9, 30)),
                                       ZoneInfo(ZONE))


def test_case_3_new_schedule_recomputes_running_deadlines_only(db_session, item):
    tue = date(2027, 9, 28)
    running = accepted(db_session, item, tue)
    extended = accepted(db_session, item, tue)
    apply_action(db_session, extended, cs.START, ACTOR, clock_on(tue))
    apply_action(db_session, extended, cs.EXTEND, ACTOR, clock_on(date(2027, 9, 29)),
                 reason="需现场核查", extension_days=3)
    suspended = accepted(db_session, item, tue)
    apply_action(db_session, suspended, cs.START, ACTOR, clock_on(tue))
    apply_action(db_session, suspended, cs.SUSPEND, ACTOR, clock_on(date(2027, 9, 29)),
                 procedure="专家评审", reason="论证")
    apply_action(db_session, suspended, cs.RESUME, ACTOR, clock_on(date(2027, 9, 30)))
    decided = accepted(db_session, item, tue)
    apply_action(db_session, decided, cs.APPROVE, ACTOR, clock_on(date(2027, 9, 29)))
    last_year = accepted(db_session, item, date(2026, 11, 2))
    db_session.commit()
    before = {c.number: c.deadline for c in (running, extended, suspended, decided, last_year)}
    # Statutory fallback: 09-29, 09-30, (Fri 10-01 National Day), 10-04, 10-05, 10-06.
    assert before[running.number] == date(2027, 10, 6)

    replace_year_schedule(db_session, 2027, NATIONAL_DAY_2027, ADJUSTED_2027, date(2027, 9, 30))
    assert recompute(db_session) == 3
    db_session.commit()

    # Tue 09-28 not counted: 09-29, 09-30, Fri 10-08, Sat 10-09 (调休), Mon 10-11.
    assert (running.original_deadline, running.deadline) == (date(2027, 10, 11), date(2027, 10, 11))
    assert extended.deadline == date(2027, 10, 14)  # + 3 working days of extension
    assert suspended.deadline == date(2027, 10, 12)  # + 1 working day suspended (09-30)
    assert decided.deadline == before[decided.number]  # decided: its record stands
    assert last_year.deadline == before[last_year.number]
    history = running.transitions[-1]
    assert (history.action, history.to_state) == (RECOMPUTE_DEADLINE, cs.ACCEPTED)
    assert history.note == "2027-10-06 → 2027-10-11" and history.username == "office01"
    audited = [json.loads(row.changes) for row in db_session.scalars(
        select(AuditLog).where(AuditLog.model == "Case", AuditLog.action == "update",
                               AuditLog.record_id == str(running.id)).order_by(AuditLog.id))]
    assert {"deadline": ["2027-10-06", "2027-10-11"]}.items() <= audited[-1].items()


def test_case_3_recomputing_again_on_the_same_schedule_moves_nothing(db_session, item):
    case = accepted(db_session, item, date(2027, 9, 28))
    replace_year_schedule(db_session, 2027, NATIONAL_DAY_2027, ADJUSTED_2027, date(2027, 9, 30))
    assert recompute(db_session) == 1
    assert recompute(db_session) == 0
    assert recompute(db_session, years=()) == 0
    assert [t.action for t in case.transitions].count(RECOMPUTE_DEADLINE) == 1


def test_case_3_recomputation_reads_in_bulk_not_a_query_per_case(db_session, item):
    from sqlalchemy import event

    for _ in range(12):
        accepted(db_session, item, date(2027, 9, 28))
    replace_year_schedule(db_session, 2027, NATIONAL_DAY_2027, ADJUSTED_2027, date(2027, 9, 30))
    db_session.commit()
    selects: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert recompute(db_session) == 12
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The calendar's entries and the years entered, the cases' ids, then per batch of
    # RECOMPUTE_BATCH the cases, their history, their joint-case parts: not a query per case.
    assert len(selects) <= 6, selects


def test_case_3_issue_21_recomputation_goes_by_batches_and_tells_its_progress(
        db_session, item, monkeypatch):
    import app.services.schedule as schedule
    from zoneinfo import ZoneInfo

    cases = [accepted(db_session, item, date(2027, 9, 28)) for _ in range(12)]
    replace_year_schedule(db_session, 2027, NATIONAL_DAY_2027, ADJUSTED_2027, date(2027, 9, 30))
    db_session.commit()
    monkeypatch.setattr(schedule, "RECOMPUTE_BATCH", 5)
    told: list[tuple[int, int]] = []
    moved = recompute_running_deadlines(db_session, [2027], ACTOR, clock_on(date(2027, 9, 30)),
                                        ZoneInfo(ZONE), progress=lambda *step: told.append(step))
    assert moved == 12 and told == [(5, 12), (10, 12), (12, 12)]
    assert {case.deadline for case in cases} == {date(2027, 10, 11)}


def test_case_3_a_suspended_case_still_resumes_after_a_schedule_moved_its_deadline_earlier(
        db_session, item):
    replace_year_schedule(db_session, 2027, NATIONAL_DAY_2027, [], date(2027, 9, 30))
    case = accepted(db_session, item, date(2027, 9, 28))
    assert case.deadline == date(2027, 10, 12)  # 09-29, 09-30, 10-08, 10-11, 10-12
    apply_action(db_session, case, cs.START, ACTOR, clock_on(date(2027, 9, 29)))
    apply_action(db_session, case, cs.SUSPEND, ACTOR, clock_on(date(2027, 10, 8)),
                 procedure="专家评审", reason="论证")
    replace_year_schedule(db_session, 2027, [], [], date(2027, 9, 30))  # entered by mistake
    assert recompute(db_session) == 1
    # The statutory fallback again (10-01 off): now before the suspension.
    assert case.deadline == date(2027, 10, 6)
    apply_action(db_session, case, cs.RESUME, ACTOR, clock_on(date(2027, 10, 12)))
    # Resumed: the deadline moves by the suspended working days (10-11, 10-12).
    assert case.state == cs.IN_PROGRESS and case.deadline == date(2027, 10, 8)
    # The reprint of the special-procedure notice replays the same history without refusing it.
    from zoneinfo import ZoneInfo

    from app.services.calendar import load_calendar
    from app.services.cases import deadlines_around_notice

    notice = [n for n in case.notices if n.kind == "special_procedure"][-1]
    shown = deadlines_around_notice(case, notice, load_calendar(db_session), ZoneInfo(ZONE))
    assert (shown.before, shown.after) == (date(2027, 10, 6), date(2027, 10, 8))
