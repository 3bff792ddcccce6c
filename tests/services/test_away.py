"""Who is away on a day — one definition (LEAVE-3, AB-2), asked by the leave service
(`away_on`, the "Away today" list), the Leadership dashboard (`away_by_window`, its KPI), B's
cover of A's cases (`covered_staff`), the to-do's 销假 owed and attendance's leave half days.

The prepared requests: approved and running, pending, rejected, cancelled, a half day each
way, reported back early, reported back today, an overstay not reported back, an overstay
reported back late, one starting tomorrow, one over and reported back on time, an overstay
whose reason the general office accepted, a 销假 at the planned noon of the end day, one cut
short to its first afternoon, and two of staff no longer active.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.rules.attendance import AM, PM, leave_halves
from app.rules.leave import is_away, is_overdue
from app.services import dashboard_queries as dq
from app.services.attendance import compute_days
from bench.attendance_sql import month_totals_sql
from app.services.away import (away_on, away_rows, keeps_away, leave_halves_of,
                               on_leave_half_condition, overdue)
from app.services.calendar import refresh_work_days
from app.services.cover import covered_staff
from app.services.todo import report_back_owed
from models.leave import LeaveRequest
from models.org import Post, Staff
from tests.factories import clocks_on_time

TODAY = date(2026, 11, 11)  # a Wednesday


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# name → (state, first day, last day, half_day_start, half_day_end, reported back on)
CASES = {
    "running": ("approved", -1, 2, False, False, None),
    "pending": ("pending", 0, 0, False, False, None),
    "rejected": ("rejected", 0, 0, False, False, None),
    "cancelled": ("cancelled", -1, 1, False, False, None),
    "afternoon": ("approved", 0, 0, True, False, None),
    "morning": ("approved", -2, 0, False, True, None),
    "back_early": ("approved", -3, 3, False, False, -1),
    "back_today": ("approved", -3, 3, False, False, 0),
    "overstay": ("approved", -5, -1, False, False, None),
    "overstay_reported": ("approved", -10, -6, False, False, -2),
    "tomorrow": ("approved", 1, 2, False, False, None),
    "over": ("approved", -9, -8, False, False, -7),
    "overstay_excused": ("approved", -10, -6, False, True, -2),
    "back_at_noon": ("approved", -4, -2, False, True, -2),  # back Monday noon, as planned
    "cut_to_half": ("approved", -6, 1, True, False, -5),  # only Thursday afternoon taken
    "gone_running": ("approved", -1, 2, False, False, None),
    "gone_overstay": ("approved", -5, -1, False, False, None),
}
# ATT-3: the general office accepted the reason of this late return (LEAVE-3 report_back).
EXCUSED = {"overstay_excused": {"report_back_reason": "航班取消", "overstay_days": Decimal(0)}}
GONE = {"gone_running", "gone_overstay"}  # staff no longer active: away from nobody's view
AWAY_TODAY = {"running", "afternoon", "morning", "overstay"}


@pytest.fixture
def world(db_session, window_a, window_b):
    """One person per case (so a count of people is a count of cases), half of them at each
    window, each the A of a post whose B is `backup`."""
    backup = Staff(name="B角", unit="window", window=window_a)
    people, leaves = {}, {}
    for n, (name, (state, first, last, half_start, half_end, back)) in enumerate(CASES.items()):
        person = Staff(name=name, unit="window", window=(window_a, window_b)[n % 2],
                       is_active=name not in GONE)
        people[name] = person
        leaves[name] = LeaveRequest(
            staff=person, kind="personal", start_day=day(first), end_day=day(last),
            half_day_start=half_start, half_day_end=half_end, days=Decimal(1),
            approver_position="director", state=state,
            reported_back_on=None if back is None else day(back), **EXCUSED.get(name, {}))
        db_session.add(Post(window=person.window, name=f"岗{n}", a_staff=person, b_staff=backup))
    db_session.add_all([backup, *people.values(), *leaves.values()])
    db_session.commit()
    return {"people": people, "leaves": leaves, "backup": backup,
            "names": {person.id: name for name, person in people.items()}}


def test_leave_3_away_today_is_the_prepared_set_for_service_dashboard_and_list(db_session, world):
    names = world["names"]
    assert {names[leave.staff_id] for leave in away_on(db_session, TODAY)} == AWAY_TODAY
    assert dq.leadership_dashboard(db_session, TODAY, TODAY)["kpi"]["away_today"] == len(AWAY_TODAY)
    assert sum(dq.away_by_window(db_session, TODAY).values()) == len(AWAY_TODAY)
    rows = {names[row.leave.staff_id]: row for row in away_rows(db_session, TODAY)}
    assert set(rows) == AWAY_TODAY
    assert {name: (sorted(row.halves), row.overdue) for name, row in rows.items()} == {
        "running": ([AM, PM], False), "afternoon": ([PM], False), "morning": ([AM], False),
        "overstay": ([], True)}


@pytest.mark.parametrize("offset", range(-12, 5))
def test_leave_3_ab_2_every_door_agrees_on_every_day(db_session, world, offset):
    """The SQL condition (list, dashboard per window, B's cover) and the Python rule on the
    loaded rows name the same people, whatever the day."""
    on, names = day(offset), world["names"]
    python = {name for name, leave in world["leaves"].items() if keeps_away(leave, on)}
    assert {names[leave.staff_id] for leave in away_on(db_session, on)} == python
    counts = dq.away_by_window(db_session, on)
    for window in {person.window for person in world["people"].values()}:
        assert counts.get(window.id, 0) == len(
            [n for n in python if world["people"][n].window_id == window.id])
    assert dq.away_by_window(db_session, on, window_id=world["backup"].window_id) == (
        {world["backup"].window_id: counts[world["backup"].window_id]}
        if counts.get(world["backup"].window_id) else {})
    assert {names[i] for i in covered_staff(db_session, world["backup"].id, on)} == python


def test_leave_3_pending_rejected_cancelled_and_future_leave_keep_nobody_away(db_session, world):
    leaves = world["leaves"]
    for name in ("pending", "rejected", "cancelled", "tomorrow", "over", "back_today"):
        assert not keeps_away(leaves[name], TODAY), name
    assert keeps_away(leaves["back_early"], day(-2)) and not keeps_away(leaves["back_early"], day(-1))
    # An overstay reported back late was away until the day before the 销假, then no longer.
    assert keeps_away(leaves["overstay_reported"], day(-3))
    assert overdue(leaves["overstay_reported"], day(-3))
    assert not keeps_away(leaves["overstay_reported"], day(-2))


def test_leave_3_the_self_service_to_do_asks_for_the_overdue_report_back_only(db_session, world):
    owed = {name for name, person in world["people"].items()
            if report_back_owed(db_session, person, TODAY)}
    assert owed == {name for name, leave in world["leaves"].items() if overdue(leave, TODAY)}
    assert owed == {"overstay"}


def someone_clocks_every_day(db_session, first: date, last: date) -> None:
    """ATT-2: a bystander clocks on every working day, so every day has clock data (a day
    without any clock of anyone is no data, not absence)."""
    bystander = Staff(name="打卡人", unit="office")
    db_session.add(bystander)
    db_session.flush()
    clocks_on_time(db_session, bystander, first, last)


def test_att_3_leave_half_days_are_the_planned_days_the_person_is_away(db_session, world):
    """ATT-3: from an early 销假 on, the days are work days (absent without clocks), and an
    overstay's days past the end are absence, not leave — in the Python derivation and the
    one SQL statement alike."""
    people = world["people"]
    someone_clocks_every_day(db_session, date(2026, 11, 1), TODAY)
    ids = [people["back_early"].id, people["overstay_reported"].id]
    first = date(2026, 11, 1)
    results = compute_days(db_session, first, TODAY, TODAY, ids)
    status = {(r.staff_id, r.day): (r.am.status, r.pm.status) for r in results}
    early, late = ids
    assert status[(early, day(-2))] == ("leave", "leave")
    assert status[(early, day(-1))] == ("absent", "absent")  # back on day −1, no clock
    assert status[(late, day(-6))] == ("leave", "leave")  # its last day
    assert status[(late, day(-5))] == ("absent", "absent")  # overstayed: away, not on leave
    refresh_work_days(db_session, TODAY)  # the SQL reads the calendar from work_day
    sql = month_totals_sql(db_session, first, TODAY, TODAY)
    for staff_id in ids:
        absent = sum((r.am.status == "absent") + (r.pm.status == "absent")
                     for r in results if r.staff_id == staff_id)
        assert sql[(staff_id, 2026, 11)][2] == absent


@pytest.mark.parametrize("on, start, end, back, away, late", [
    (date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 5), None, True, False),
    (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5), None, False, False),
    (date(2026, 11, 6), date(2026, 11, 3), date(2026, 11, 5), None, True, True),
    (date(2026, 11, 6), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 6), False, False),
    (date(2026, 11, 4), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 4), False, False),
    (date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 4), True, False),
    (date(2026, 11, 9), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 10), True, True),
])
def test_leave_3_is_away_until_the_report_back(on, start, end, back, away, late):
    assert is_away(on, start, back) is away
    assert is_overdue(on, start, end, back) is late
    # Attendance's leave half days: only on the planned days the person is away.
    assert bool(leave_halves(on, start, end, False, False, back)) == (away and not late)


def test_leave_3_staff_no_longer_active_is_away_nowhere(db_session, world):
    """Someone who left the center (Staff.is_active off) with a leave never reported back is
    not in the "Away today" list nor the dashboard's count, asks no 销假 in the to-do, and
    hands no cases to B."""
    people, names = world["people"], world["names"]
    gone = {people[name].id for name in GONE}
    assert not gone & {leave.staff_id for leave in away_on(db_session, TODAY)}
    assert sum(dq.away_by_window(db_session, TODAY).values()) == len(AWAY_TODAY)
    assert not gone & set(covered_staff(db_session, world["backup"].id, TODAY))
    assert [report_back_owed(db_session, people[name], TODAY) for name in GONE] == [[], []]
    # Active again, the same requests count again: the staff flag is the only difference.
    for name in GONE:
        people[name].is_active = True
    db_session.commit()
    assert {names[leave.staff_id] for leave in away_on(db_session, TODAY)} == AWAY_TODAY | GONE
    assert report_back_owed(db_session, people["gone_overstay"], TODAY)


@pytest.mark.parametrize("offset", range(-12, 1))
def test_att_3_the_sql_leave_half_days_are_the_python_ones_on_every_day(db_session, world,
                                                                         offset):
    """ATT-3: `on_leave_half_condition` (the SQL derivation) and `leave_halves_of` (the Python
    one) name the same requests for each half of every day — early and on-time 销假, an
    overstay with and without an accepted reason, half days."""
    on = day(offset)
    for half in (AM, PM):
        sql = set(db_session.scalars(select(LeaveRequest.id).where(
            on_leave_half_condition(on, half))))
        python = {leave.id for leave in world["leaves"].values()
                  if leave.state == "approved" and half in leave_halves_of(leave, on)}
        assert sql == python, (on, half)


def test_att_3_an_overstay_with_an_accepted_reason_is_leave_without_one_absence(db_session,
                                                                               world):
    """ATT-3 "overstaying leave without reason": the excused late return (back Monday, the
    leave ended Thursday noon) is leave on Thursday afternoon and Friday; the unexcused one
    is absent past its end day — in the Python derivation and the one SQL statement alike."""
    people = world["people"]
    someone_clocks_every_day(db_session, date(2026, 11, 1), TODAY)
    excused, late = people["overstay_excused"].id, people["overstay_reported"].id
    first = date(2026, 11, 1)
    results = compute_days(db_session, first, TODAY, TODAY, [excused, late])
    status = {(r.staff_id, r.day): (r.am.status, r.pm.status) for r in results}
    assert status[(excused, day(-6))] == ("leave", "leave")  # its end day, afternoon too
    assert status[(excused, day(-5))] == ("leave", "leave")  # Friday: excused overstay
    assert status[(excused, day(-2))] == ("absent", "absent")  # back Monday, no clock
    assert status[(late, day(-5))] == ("absent", "absent")
    noon, half = people["back_at_noon"].id, people["cut_to_half"].id
    results += compute_days(db_session, first, TODAY, TODAY, [noon, half])
    status = {(r.staff_id, r.day): (r.am.status, r.pm.status) for r in results}
    assert status[(noon, day(-2))] == ("leave", "absent")  # 销假 on its end day: on time
    assert status[(half, day(-6))] == ("absent", "leave")
    assert status[(half, day(-5))] == ("absent", "absent")  # back early on Friday
    refresh_work_days(db_session, TODAY)
    sql = month_totals_sql(db_session, first, TODAY, TODAY)
    for staff_id in (excused, late, noon, half):
        absent = sum((r.am.status == "absent") + (r.pm.status == "absent")
                     for r in results if r.staff_id == staff_id)
        assert sql[(staff_id, 2026, 11)][2] == absent


# --- AB-2: the one definition of away — errand, meeting, absence (issue #16 item 7) ---------
from datetime import datetime, timezone  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from app.rules.errors import RuleViolation  # noqa: E402
from app.services.away import away_count_by_window, away_staff_ids, away_when  # noqa: E402
from app.services.cover import (AwayInput, CoverActor, decide_away, register_away,  # noqa: E402
                                window_cover)
from models.attendance import ClockExcuse, ClockRecord  # noqa: E402
from tests.factories import clock_on  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, on: date = TODAY) -> datetime:
    """The center's wall-clock time `hour:minute` on `on` (winter hours: 08:00–11:30, 14:00–17:30)."""
    return datetime(on.year, on.month, on.day, hour, minute, tzinfo=SHANGHAI).astimezone(
        timezone.utc)


def clock_in(person, hour: int, minute: int = 0, on: date = TODAY) -> ClockRecord:
    return ClockRecord(staff=person, clocked_at=at(hour, minute, on), day=on,
                       second_of_day=hour * 3600 + minute * 60, source="office")


@pytest.fixture
def post_ab(db_session, window_a, window_b):
    """A and B of one post at window 01, the window head of 01 and of 02, and a colleague who
    clocked in this morning (so the day has clock data, ATT-2)."""
    people = {key: Staff(name=name, unit="window", window=window)
              for key, name, window in [("a", "甲", window_a), ("b", "乙", window_a),
                                        ("head", "窗口负责人", window_a),
                                        ("other_head", "他窗负责人", window_b),
                                        ("colleague", "同事", window_a)]}
    db_session.add_all(people.values())
    db_session.add(Post(window=window_a, name="受理岗", a_staff=people["a"], b_staff=people["b"]))
    db_session.commit()
    return people


def head_of(person) -> CoverActor:
    return CoverActor(user_id=None, staff=person, window_head=True)


def names_away(db_session, people, when) -> set[str]:
    """The SQL condition and the Python rows name the same people: their keys."""
    keys = {person.id: key for key, person in people.items()}
    sql = {keys[i] for i in away_staff_ids(db_session, when) if i in keys}
    python = {keys[row.staff.id] for row in away_rows(db_session, when.day, when=when)
              if row.staff.id in keys}
    assert sql == python, (sql, python)
    return sql


def test_ab_2_org_2_an_errand_the_window_head_records_makes_a_away_and_b_covers(db_session,
                                                                                post_ab):
    a, b = post_ab["a"], post_ab["b"]
    registration = register_away(db_session, AwayInput(a.id, TODAY, pm=True, reason="errand",
                                                       note="县政务办送件"),
                                 head_of(post_ab["head"]), clock_on(TODAY))
    assert registration.state == "approved"  # ORG-2: recorded by the window head, approved
    assert names_away(db_session, post_ab, away_when(db_session, TODAY)) == {"a"}
    assert sum(dq.away_by_window(db_session, TODAY, now=at(9)).values()) == 1
    row = next(r for r in away_rows(db_session, TODAY) if r.staff.id == a.id)
    assert (row.leave, row.reasons) == (None, {"pm": "errand"})
    # B covers while A is out, not in the morning when A is at the post (and back after).
    assert covered_staff(db_session, b.id, TODAY, now=at(9)) == {}
    assert covered_staff(db_session, b.id, TODAY, now=at(15)) == {a.id: a.name}
    assert covered_staff(db_session, b.id, TODAY) == {a.id: a.name}  # the day as a whole
    assert [p.state for p in window_cover(db_session, TODAY, at(15))] == ["b"]
    assert [p.state for p in window_cover(db_session, TODAY, at(9))] == ["a"]


def test_ab_2_org_2_own_errand_waits_for_the_head_of_the_own_window(db_session, post_ab):
    a, b = post_ab["a"], post_ab["b"]
    mine = register_away(db_session, AwayInput(a.id, TODAY, am=True, pm=True, reason="meeting"),
                         CoverActor(user_id=None, staff=a), clock_on(TODAY))
    assert mine.state == "pending"
    assert covered_staff(db_session, b.id, TODAY) == {}  # not approved: A is not away
    with pytest.raises(RuleViolation) as refused:
        decide_away(db_session, mine, True, None, head_of(post_ab["other_head"]), clock_on(TODAY))
    assert refused.value.rule_id == "ORG-2"
    with pytest.raises(RuleViolation):  # nobody approves their own
        decide_away(db_session, mine, True, None, head_of(a), clock_on(TODAY))
    with pytest.raises(RuleViolation) as other_window:
        register_away(db_session, AwayInput(b.id, TODAY, am=True, reason="errand"),
                      head_of(post_ab["other_head"]), clock_on(TODAY))
    assert other_window.value.rule_id == "ORG-2"
    decide_away(db_session, mine, True, None, head_of(post_ab["head"]), clock_on(TODAY))
    assert covered_staff(db_session, b.id, TODAY, now=at(9)) == {a.id: a.name}
    assert names_away(db_session, post_ab, away_when(db_session, TODAY, at(9))) == {"a"}


def test_ab_2_a_registration_is_for_a_working_day_from_today_with_a_half_day(db_session,
                                                                            post_ab):
    head, a = head_of(post_ab["head"]), post_ab["a"]
    for values in (AwayInput(a.id, TODAY - timedelta(days=1), am=True, reason="errand"),
                   AwayInput(a.id, date(2026, 11, 14), am=True, reason="errand"),  # Saturday
                   AwayInput(a.id, TODAY, reason="errand"),
                   AwayInput(a.id, TODAY, am=True, reason="holiday")):
        with pytest.raises(RuleViolation) as refused:
            register_away(db_session, values, head, clock_on(TODAY))
        assert refused.value.rule_id == "AB-2"
    register_away(db_session, AwayInput(a.id, TODAY, am=True, reason="errand"), head,
                  clock_on(TODAY))
    with pytest.raises(RuleViolation, match="already"):
        register_away(db_session, AwayInput(a.id, TODAY, am=True, pm=True, reason="errand"),
                      head, clock_on(TODAY))


def test_ab_2_att_4_an_approved_clock_excuse_says_a_was_out_that_half_day(db_session, post_ab):
    a, b = post_ab["a"], post_ab["b"]
    db_session.add(ClockExcuse(staff=a, day=TODAY, half="am", reason="meeting", state="pending"))
    db_session.commit()
    assert covered_staff(db_session, b.id, TODAY) == {}  # pending: nothing yet
    excuse = db_session.scalars(select(ClockExcuse)).one()
    excuse.state = "approved"
    db_session.commit()
    assert covered_staff(db_session, b.id, TODAY, now=at(10)) == {a.id: a.name}
    assert covered_staff(db_session, b.id, TODAY, now=at(15)) == {}
    row = next(r for r in away_rows(db_session, TODAY) if r.staff.id == a.id)
    assert row.reasons == {"am": "meeting"}


def test_ab_2_att_2_absent_so_far_without_a_clock_on_a_day_with_clock_data(db_session, post_ab):
    """A half-day begun without a clock of A's is absence — B covers — until A clocks in; the
    afternoon is absent only once it has begun; a day without any clock is no data (ATT-2)."""
    a, b = post_ab["a"], post_ab["b"]
    for key in ("b", "head", "other_head"):
        db_session.add(clock_in(post_ab[key], 7, 55))
    db_session.add(clock_in(post_ab["colleague"], 7, 50))
    db_session.commit()
    assert names_away(db_session, post_ab, away_when(db_session, TODAY, at(7, 59))) == set()
    assert names_away(db_session, post_ab, away_when(db_session, TODAY, at(9))) == {"a"}
    assert covered_staff(db_session, b.id, TODAY, now=at(9)) == {a.id: a.name}
    assert sum(dq.away_by_window(db_session, TODAY, now=at(9)).values()) == 1
    row = next(r for r in away_rows(db_session, TODAY, now=at(9)) if r.staff.id == a.id)
    assert row.reasons == {"am": "absent"}
    db_session.add(clock_in(a, 9, 10))  # late, not absent: back at the post
    db_session.commit()
    assert covered_staff(db_session, b.id, TODAY, now=at(9, 15)) == {}
    # 14:00 has begun: nobody clocked for the afternoon yet, so all are absent so far.
    assert names_away(db_session, post_ab, away_when(db_session, TODAY, at(14, 5))) == set(
        post_ab)
    # A day over, seen as a whole: the afternoons without a clock count.
    assert covered_staff(db_session, b.id, TODAY) == {a.id: a.name}


def test_att_2_ab_2_a_day_without_any_clock_record_is_no_data_not_absence(db_session, post_ab):
    b = post_ab["b"]
    when = away_when(db_session, TODAY, at(16))
    assert (when.clock_data, when.absence_halves) == (False, frozenset())
    assert names_away(db_session, post_ab, when) == set()
    assert covered_staff(db_session, b.id, TODAY) == {}
    assert away_count_by_window(db_session, when) == {}


def test_att_2_ab_2_who_does_not_clock_in_is_not_absent_in_a_month_without_clocks(db_session,
                                                                                  post_ab):
    """ATT-2: someone who does not clock in (the leadership) is absent by a missing clock only
    in a month with clock records of theirs, as in the attendance derivation."""
    post_ab["a"].clocks_in = False
    db_session.add(clock_in(post_ab["b"], 7, 55))
    db_session.commit()
    assert "a" not in names_away(db_session, post_ab, away_when(db_session, TODAY, at(10)))
    db_session.add(clock_in(post_ab["a"], 7, 58, on=day(-1)))  # a clock of theirs this month
    db_session.commit()
    assert "a" in names_away(db_session, post_ab, away_when(db_session, TODAY, at(10)))


def test_ab_2_a_saturday_is_no_working_day_nobody_is_absent(db_session, post_ab):
    saturday = date(2026, 11, 14)
    db_session.add(clock_in(post_ab["b"], 9, 0, on=saturday))
    db_session.commit()
    assert names_away(db_session, post_ab, away_when(db_session, saturday, at(10, on=saturday))) \
        == set()


@pytest.mark.parametrize("offset", range(-12, 5))
@pytest.mark.parametrize("hour", [None, 9, 15])
def test_leave_3_ab_2_the_sql_and_python_definitions_agree_with_leave_only(db_session, world,
                                                                          offset, hour):
    """The prepared leave world, every day, as a whole and at 09:00 and 15:00: the Staff
    condition and the Python rows name the same people; as a whole, those `keeps_away` names."""
    on = day(offset)
    when = away_when(db_session, on, None if hour is None else at(hour, on=on), half_now=True)
    names = world["names"]
    sql = {names[i] for i in away_staff_ids(db_session, when) if i in names}
    rows = {names[r.staff.id] for r in away_rows(db_session, on, when=when) if r.staff.id in names}
    assert sql == rows
    if hour is None:
        assert sql == {n for n, leave in world["leaves"].items() if keeps_away(leave, on)}
    else:  # a leave taking only the afternoon of its first day leaves that morning
        assert sql <= {n for n, leave in world["leaves"].items() if keeps_away(leave, on)}
    if hour == 9 and offset == 0:
        assert "afternoon" not in sql and "morning" in sql
    if hour == 15 and offset == 0:
        assert "afternoon" in sql and "morning" not in sql


def test_att_1_ab_2_the_kept_work_hours_follow_a_changed_setting(db_session):
    """ATT-1: the work hours B's cover asks for on every page are kept by the day and the
    stored texts of the `att.*` settings (issue #21 P1): a changed setting gives new hours at
    once, an unchanged one the same."""
    from datetime import time

    from app.services.away import work_hours
    from models.settings import RuleSetting

    summer = date(2026, 7, 1)
    before = work_hours(db_session, summer)
    assert work_hours(db_session, summer) == before
    row = db_session.scalar(select(RuleSetting).where(RuleSetting.key == "att.summer_am_start"))
    row.value = "07:30"
    db_session.commit()
    after = work_hours(db_session, summer)
    assert after[0][0] == time(7, 30) and after[0][1] == before[0][1] and after[1] == before[1]
    assert work_hours(db_session, date(2026, 12, 1)) != after  # winter: its own hours
