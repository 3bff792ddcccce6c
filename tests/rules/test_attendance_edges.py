"""考勤 at the edges: seasons that span New Year, the settings' clock texts, and the second a
clock-in becomes late (ATT-1, ATT-2, ATT-3)."""

from datetime import date, time

import pytest

from app.rules.attendance import (
    SUMMER_HOURS,
    WINTER_HOURS,
    absence_days,
    is_early_leave,
    is_late,
    noon_boundary,
    parse_hhmm,
    parse_month_day,
    seconds,
    work_hours_for,
)
from tests.rules.shown import breaks

D = date.fromisoformat


@pytest.mark.parametrize("day, summer", [
    ("2026-11-01", True),  # the (southern) summer starts on 1 November
    ("2026-10-31", False),
    ("2026-12-31", True),  # across New Year
    ("2027-01-01", True),
    ("2027-02-28", True),
    ("2027-03-01", False),  # winter starts on 1 March
    ("2027-06-15", False),
])
def test_att_1_a_summer_that_spans_new_year(day, summer):
    """ATT-1: the season starts are settings; a summer from 1 November to the end of February
    wraps around New Year."""
    hours = work_hours_for(D(day), summer_start=(11, 1), winter_start=(3, 1))
    assert hours == (SUMMER_HOURS if summer else WINTER_HOURS)


@pytest.mark.parametrize("text, value", [("08:00", time(8, 0)), (" 14:30 ", time(14, 30)),
                                         ("7:05", time(7, 5))])
def test_att_1_work_hour_settings_read_as_clock_times(text, value):
    assert parse_hhmm(text) == value


@pytest.mark.parametrize("text, value", [("05-01", (5, 1)), (" 10-01 ", (10, 1)),
                                         ("02-29", (2, 29))])
def test_att_1_season_start_settings_read_as_month_and_day(text, value):
    """ATT-1: a season may start on 29 February (a real day, in leap years)."""
    assert parse_month_day(text) == value


@pytest.mark.parametrize("text", ["02-30", "13-01", "0501"])
def test_att_1_a_season_start_that_is_no_day_is_refused(text):
    with pytest.raises(ValueError):
        parse_month_day(text)


def test_att_2_noon_splits_morning_and_afternoon_clocks_halfway():
    """ATT-2: summer 11:30 / 15:00 → 13:15; winter 11:30 / 14:00 → 12:45."""
    assert noon_boundary(SUMMER_HOURS) == seconds(time(13, 15))
    assert noon_boundary(WINTER_HOURS) == seconds(time(12, 45))


def test_att_2_one_second_after_the_start_is_late():
    """ATT-2: the derivation's clocks carry seconds: 08:00:00 on time, 08:00:01 late."""
    assert seconds(time(8, 0, 1)) == 8 * 3600 + 1
    assert not is_late(seconds(time(8, 0, 0)), seconds(time(8, 0)))
    assert is_late(seconds(time(8, 0, 1)), seconds(time(8, 0)))
    assert is_early_leave(seconds(time(11, 29, 59)), seconds(time(11, 30)))
    assert not is_early_leave(seconds(time(11, 30, 0)), seconds(time(11, 30)))


@pytest.mark.parametrize("late, off_post", [(-1, []), (0, [30, -5])])
def test_att_3_negative_counts_are_refused_with_a_message(late, off_post):
    with breaks("ATT-3", field=None):
        absence_days(late, off_post)
