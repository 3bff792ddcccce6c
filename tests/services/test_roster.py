"""ROSTER-1/2 services: the order, generating and editing a month, substitutes, duty logs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.actor import Actor, Clock
from app.rules.errors import RuleViolation
from app.services.roster import (DutyLog, arrange_substitute, duty_days_of, duty_logs_owed,
                                 duty_order, generate_month, missing_logs, month_calendar,
                                 reassign_shift, set_duty_order, shifts_between, write_duty_log)
from app.services.transaction import transaction
from models.audit import AuditLog
from models.org import Staff
from models.settings import Holiday, RuleSetting
from tests.factories import clock_on

OFFICE = Actor(username="office", user_id=None, staff_id=None)


@pytest.fixture
def people(db_session, center):
    rows = [Staff(name=name, unit="office") for name in ("甲", "乙", "丙", "丁")]
    db_session.add_all(rows)
    db_session.commit()
    with transaction(db_session):
        set_duty_order(db_session, [row.id for row in rows])
    return rows


def month_rows(db_session, year, month):
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1)
    return [(s.day, s.staff_id) for s in shifts_between(db_session, first, last) if s.day < last]


def generate(db_session, year, month, **kwargs):
    with transaction(db_session):
        return generate_month(db_session, year, month, **kwargs)


def actor_of(staff):
    return Actor(username=staff.name, user_id=None, staff_id=staff.id)


def at(day, hour, minute=0):
    """The center's wall-clock time (Asia/Shanghai, UTC+8) on `day`."""
    return Clock(datetime(day.year, day.month, day.day, hour, minute,
                          tzinfo=ZoneInfo("Asia/Shanghai")), day)


def test_roster_1_the_order_is_kept_and_replaced(db_session, people):
    assert [s.name for s in duty_order(db_session)] == ["甲", "乙", "丙", "丁"]
    with transaction(db_session):
        set_duty_order(db_session, [people[2].id, people[0].id])
    assert [s.name for s in duty_order(db_session)] == ["丙", "甲"]
    with pytest.raises(RuleViolation):
        set_duty_order(db_session, [people[0].id, people[0].id])


def test_roster_1_day_mode_generates_the_working_days_in_order(db_session, people):
    generate(db_session, 2026, 11)
    rows = month_rows(db_session, 2026, 11)
    assert len(rows) == 21 and all(day.weekday() < 5 for day, _ in rows)
    assert [staff for _, staff in rows[:5]] == [p.id for p in people] + [people[0].id]


def test_roster_1_week_mode_from_the_setting(db_session, people):
    db_session.execute(RuleSetting.__table__.update().where(RuleSetting.key == "roster.mode")
                       .values(value="week"))
    db_session.commit()
    generate(db_session, 2026, 11)
    by_day = dict(month_rows(db_session, 2026, 11))
    assert {by_day[date(2026, 11, d)] for d in range(2, 7)} == {people[0].id}
    assert by_day[date(2026, 11, 9)] == people[1].id


def test_roster_1_a_holiday_in_the_month_has_no_duty(db_session, people):
    db_session.add(Holiday(day=date(2026, 11, 11), kind="holiday", name="本地停办"))
    db_session.commit()
    generate(db_session, 2026, 11)
    by_day = dict(month_rows(db_session, 2026, 11))
    assert date(2026, 11, 11) not in by_day
    assert by_day[date(2026, 11, 12)] == people[(8 - 1) % 4].id  # the 8th working day


def test_roster_1_the_next_month_continues_the_order(db_session, people):
    generate(db_session, 2026, 11)
    last_staff = month_rows(db_session, 2026, 11)[-1][1]
    generate(db_session, 2026, 12)
    ids = [p.id for p in people]
    assert month_rows(db_session, 2026, 12)[0][1] == ids[(ids.index(last_staff) + 1) % 4]


def test_roster_1_regenerating_replaces_the_month_and_is_audited(db_session, people):
    generate(db_session, 2026, 11)
    with transaction(db_session):
        set_duty_order(db_session, [people[3].id, people[2].id])
    generate(db_session, 2026, 11)
    assert {staff for _, staff in month_rows(db_session, 2026, 11)} == {people[3].id, people[2].id}
    actions = {a for (a,) in db_session.execute(select(AuditLog.action)
                                                .where(AuditLog.model == "DutyShift"))}
    assert actions == {"create", "delete"}


def test_roster_1_a_month_with_logs_is_not_generated_again(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 2), date(2026, 11, 2))[0]
    with transaction(db_session):
        write_duty_log(db_session, shift, DutyLog(opened_hall=True), actor_of(shift.staff),
                       clock_on(date(2026, 11, 2)))
    with pytest.raises(RuleViolation) as refused:
        generate(db_session, 2026, 11)
    assert refused.value.rule_id == "ROSTER-1"
    assert len(month_rows(db_session, 2026, 11)) == 21


def test_roster_1_an_empty_order_generates_nothing(db_session, center):
    with pytest.raises(RuleViolation):
        generate(db_session, 2026, 11)


def test_roster_1_reassign_a_day_but_not_a_past_or_logged_one(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 10), date(2026, 11, 10))[0]
    other = next(p for p in people if p.id != shift.staff_id)
    with transaction(db_session):
        reassign_shift(db_session, shift, other.id, today=date(2026, 11, 9))
    assert shift.staff_id == other.id
    with pytest.raises(RuleViolation):
        reassign_shift(db_session, shift, people[0].id, today=date(2026, 11, 11))


def test_roster_2_substitute_arranged_in_advance_only(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 10), date(2026, 11, 10))[0]
    substitute = next(p for p in people if p.id != shift.staff_id)
    # 07:50 opens the hall in winter hours (08:00 minus 10 minutes): 08:05 on the day is too late.
    with pytest.raises(RuleViolation) as late:
        arrange_substitute(db_session, shift, substitute.id, OFFICE, at(shift.day, 8, 5))
    assert late.value.rule_id == "ROSTER-2"
    with pytest.raises(RuleViolation):
        arrange_substitute(db_session, shift, shift.staff_id, OFFICE, at(date(2026, 11, 9), 17))
    with transaction(db_session):
        arrange_substitute(db_session, shift, substitute.id, OFFICE, at(shift.day, 7, 30))
    assert shift.substitute_id == substitute.id and shift.substitute_arranged_at is not None


def test_roster_2_only_the_duty_person_or_substitute_writes_the_log(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 10), date(2026, 11, 10))[0]
    stranger = next(p for p in people if p.id != shift.staff_id)
    log = DutyLog(opened_hall=True, closed_up=True, note="正常")
    with pytest.raises(RuleViolation):
        write_duty_log(db_session, shift, log, actor_of(stranger), clock_on(date(2026, 11, 10)))
    with pytest.raises(RuleViolation):  # not before the day
        write_duty_log(db_session, shift, log, actor_of(shift.staff), clock_on(date(2026, 11, 9)))
    with transaction(db_session):
        write_duty_log(db_session, shift, log, actor_of(shift.staff), clock_on(date(2026, 11, 10)))
    assert shift.has_log and shift.log_staff_id == shift.staff_id and not shift.log_on_behalf


def test_roster_2_office_writes_on_behalf_of_someone_without_login(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 10), date(2026, 11, 10))[0]
    with transaction(db_session):
        write_duty_log(db_session, shift, DutyLog(cleaning_supervised=True), OFFICE,
                       clock_on(date(2026, 11, 11)), on_behalf=True)
    assert shift.log_on_behalf and shift.log_staff_id == shift.staff_id


def test_roster_2_past_days_without_log_are_missing_and_owed(db_session, people):
    generate(db_session, 2026, 11)
    today = date(2026, 11, 5)  # 2, 3, 4 November are past
    missing = missing_logs(db_session, today)
    assert [s.day for s in missing] == [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    first = missing[0]
    assert [s.day for s in duty_logs_owed(db_session, first.staff_id, today)] == [date(2026, 11, 2)]
    with transaction(db_session):
        write_duty_log(db_session, first, DutyLog(opened_hall=True), actor_of(first.staff),
                       clock_on(today))
    assert duty_logs_owed(db_session, first.staff_id, today) == []
    assert len(missing_logs(db_session, today)) == 2


def test_roster_2_a_substitute_owes_the_log_and_sees_the_day(db_session, people):
    generate(db_session, 2026, 11)
    shift = shifts_between(db_session, date(2026, 11, 10), date(2026, 11, 10))[0]
    substitute = next(p for p in people if p.id != shift.staff_id)
    with transaction(db_session):
        arrange_substitute(db_session, shift, substitute.id, OFFICE, at(date(2026, 11, 9), 10))
    today = date(2026, 11, 11)
    assert shift in duty_logs_owed(db_session, substitute.id, today)
    assert shift not in duty_logs_owed(db_session, shift.staff_id, today)
    assert shift in duty_days_of(db_session, substitute.id, date(2026, 11, 1), date(2026, 11, 30))
    assert shift in duty_days_of(db_session, shift.staff_id, date(2026, 11, 1), date(2026, 11, 30))


def test_roster_1_month_calendar_has_whole_weeks_with_shifts(db_session, people):
    generate(db_session, 2026, 11)
    weeks = month_calendar(db_session, 2026, 11)
    cells = [cell for week in weeks for cell in week]
    assert len(cells) % 7 == 0
    assert sum(len(c.shifts) for c in cells if c.in_month) == 21
    assert not any(c.shifts for c in cells if not c.working)


def test_roster_2_demo_rota_has_logs_a_few_missing_and_substitutes(db_session, center):
    from app.demo.roster import generate_demo_rota

    db_session.add_all([Staff(name=f"演示{i}", unit="office") for i in range(6)])
    db_session.commit()
    today = date(2026, 11, 20)
    with transaction(db_session):
        made = generate_demo_rota(db_session, today)
    shifts = shifts_between(db_session, date(2026, 1, 1), date(2026, 11, 30))
    assert made == len(shifts) > 200
    past = [s for s in shifts if s.day < today]
    missing = missing_logs(db_session, today)
    assert 0 < len(missing) < len(past) // 10
    assert sum(1 for s in shifts if s.substitute_id) == 2
    with transaction(db_session):  # again: the logged months are kept
        generate_demo_rota(db_session, today)
    assert len(missing_logs(db_session, today)) == len(missing)
