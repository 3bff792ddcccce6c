"""考勤 — attendance rules (RULES.md ATT-1/2/3)."""

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.rules.attendance import (ABSENT, AM, EXCUSED, LEAVE, NO_DATA, PM, absence_days,
                                  half_day_status, is_early_leave, is_late, person_month,
                                  unclocked_status, work_hours_for)
from app.rules.errors import RuleViolation

T = time.fromisoformat
SUMMER = ((T("08:00"), T("11:30")), (T("15:00"), T("18:00")))
WINTER = ((T("08:00"), T("11:30")), (T("14:00"), T("17:30")))


@pytest.mark.parametrize(
    "day, hours",
    [
        ("2026-01-15", WINTER),
        ("2026-04-30", WINTER),
        ("2026-05-01", SUMMER),
        ("2026-09-30", SUMMER),
        ("2026-10-01", WINTER),
        ("2026-12-31", WINTER),
    ],
)
def test_att_1_seasonal_work_hours_default_to_may_and_october(day, hours):
    assert work_hours_for(date.fromisoformat(day)) == hours


def test_att_1_season_boundaries_are_settings():
    assert work_hours_for(date(2026, 4, 20), summer_start=(4, 15)) == SUMMER
    assert work_hours_for(date(2026, 9, 20), winter_start=(9, 15)) == WINTER


@pytest.mark.parametrize("clock_in, late", [("07:55", False), ("08:00", False),
                                            ("08:00:01", True), ("08:01", True)])
def test_att_2_late_is_a_first_clock_in_after_the_start(clock_in, late):
    assert is_late(T(clock_in), T("08:00")) is late


@pytest.mark.parametrize("clock_out, early", [("17:29", True), ("17:29:59", True),
                                              ("17:30", False), ("17:45", False)])
def test_att_2_early_leave_is_a_last_clock_out_before_the_end(clock_out, early):
    assert is_early_leave(T(clock_out), T("17:30")) is early


@pytest.mark.parametrize(
    "late, off_post, days",
    [
        (0, [], "0"),
        (3, [], "0"),
        (4, [], "0.5"),
        (8, [], "0.5"),  # once per month, not per 4
        (0, [120], "0"),
        (0, [121], "0.5"),
        (0, [121, 120, 300], "1"),
        (4, [121], "1"),
        (3, [60, 90], "0"),
    ],
)
def test_att_3_late_four_times_or_off_post_over_two_hours_is_half_a_day(late, off_post, days):
    got = absence_days(late, off_post)
    assert isinstance(got, Decimal) and got == Decimal(days)


def test_att_3_thresholds_are_settings():
    assert absence_days(3, [100], late_threshold=3, off_post_limit_minutes=90) == Decimal(1)


@pytest.mark.parametrize("late, off_post", [(-1, []), (0, [-5])])
def test_att_3_negative_counts_are_refused(late, off_post):
    with pytest.raises(RuleViolation) as info:
        absence_days(late, off_post)
    assert info.value.rule_id == "ATT-3"


@given(st.integers(0, 60), st.lists(st.integers(0, 600), max_size=20))
def test_att_3_absence_is_half_days_bounded_by_the_month_record(late, off_post):
    got = absence_days(late, off_post)
    assert got % Decimal("0.5") == 0
    assert Decimal(0) <= got <= Decimal("0.5") * (1 + len(off_post))


@pytest.mark.parametrize("first, last, status", [
    ("08:00:00", "11:30:00", "ok"),  # at the start second and at the end second
    ("08:00:01", "11:30:00", "late"),  # one second after the start
    ("08:00:00", "11:29:59", "early"),  # one second before the end
    ("08:00:01", "11:29:59", "late_early"),
])
def test_att_2_a_half_days_status_at_its_boundary_seconds(first, last, status):
    def second(text):
        clock = T(text)
        return clock.hour * 3600 + clock.minute * 60 + clock.second

    got, count = half_day_status(second(first), second(last), T("08:00"), T("11:30"))
    assert (got, count) == (status, {"ok": 0, "late_early": 2}.get(status, 1))


def test_att_2_a_half_day_on_a_day_without_clock_data_is_no_data_not_absence():
    """ATT-2: no clock record of anyone that day — nothing derived; ATT-3: unless the leave
    records themselves (an overstay, a revoked leave) say the person was away."""
    assert half_day_status(None, None, T("08:00"), T("11:30")) == (ABSENT, 0)  # a day with data
    assert unclocked_status(known_absent=False) == NO_DATA
    assert unclocked_status(known_absent=True) == ABSENT


# --- ATT-2/3/4: a person's month in one pass (person_month, issue #21 P1) ---------------------
# the half-days' start and end seconds and one second either side (ATT-2), or any time
SECONDS = st.one_of(st.sampled_from([edge + step for edge in (28800, 41400, 50400, 63000)
                                     for step in (-1, 0, 1)]), st.integers(6 * 3600, 19 * 3600))
CLOCKS = st.one_of(st.none(), st.tuples(SECONDS, SECONDS).map(sorted))


@given(st.lists(st.tuples(CLOCKS, CLOCKS, st.sets(st.sampled_from(["am", "pm"])),
                          st.sets(st.sampled_from(["am", "pm"])), st.booleans(),
                          st.sets(st.sampled_from(["am", "pm"]))), min_size=1, max_size=8))
@example([((28800, 41400), (50401, 62999), set(), set(), True, set())])  # the boundary seconds
@settings(max_examples=300)
def test_att_2_att_3_att_4_person_month_gives_each_half_day_what_the_half_day_rules_give(cases):
    """ATT-2/3/4: `person_month` agrees with `half_day_status` and `unclocked_status` half-day
    by half-day, in their order — leave, then an approved 补签单, then no data (the known
    absence), then the clocks — and counts the late/early and absent halves of each day."""
    days, clocks, leave, excused, with_data, known = [], {}, {}, set(), set(), {}
    expected = []
    for offset, (am, pm, on_leave, excuse, data, absent) in enumerate(cases):
        day = date(2026, 11, 2 + offset)
        days.append((day, ((0, AM, 8 * 3600, 11 * 3600 + 1800),
                           (1, PM, 14 * 3600, 17 * 3600 + 1800))))
        leave[(7, day)], known[(7, day)] = on_leave, absent
        if data:
            with_data.add(day)
        row, late_early, absent_halves = [], 0, 0
        for half, pair, (start, end) in ((AM, am, WINTER[0]), (PM, pm, WINTER[1])):
            first, last = (None, None) if pair is None else pair
            if pair is not None:
                clocks[(7, day, half)] = (first, last)
            if half in excuse:
                excused.add((7, day, half))
            if half in on_leave:
                row.append((LEAVE, first, last))
            elif half in excuse:
                row.append((EXCUSED, first, last))
            elif not data:
                status = unclocked_status(half in absent)
                absent_halves += status == ABSENT
                row.append((status, None, None))
            else:
                status, count = half_day_status(first, last, start, end)
                late_early += count
                absent_halves += status == ABSENT
                row.append((status, first, last))
        expected.append((7, day, row[0], row[1], late_early, absent_halves))
    assert person_month(7, days, clocks, leave, excused, with_data, known) == expected
