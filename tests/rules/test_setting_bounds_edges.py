"""Rule settings at the edges: every refused value is explained in Chinese with the range it
may take, minutes past 59 are no time, a whole-number setting takes whole numbers only, a
rate may have two decimals (INPUT-1 and each setting's own rule)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.rules.settings import check_setting
from tests.rules.shown import breaks
from tests.rules.settings_kit import DEFAULTS, MB, passes


@pytest.mark.parametrize("key, value, rule_id, says", [
    ("case.max_extension_days", 61, "CASE-5", ("1", "60")),  # a whole number
    ("att.summer_am_start", "25:00", "ATT-1", ("00:10", "11:29")),  # a time (hall opens 10 min early)
    ("leave.office_head_max_days", D("0.7"), "LEAVE-2", ("0.5", "3")),  # half days
    ("score.bonus_cap", D("10.5"), "SCORE-2", ("0", "10")),  # one decimal place
    ("semi.ontime_per_point", D("0.005"), "SCORE-5", ("0", "10")),  # two decimal places
    ("score.m12_max", D(5), "INPUT-1", ()),  # a setting without bounds
    ("att.winter_starts", "13-01", "ATT-1", "05-01"),  # MM-DD
    ("att.winter_starts", "05-01", "ATT-1", "05-01"),  # the day summer starts
    ("roster.mode", "month", "ROSTER-1", "day, week"),
    ("meet.study_days", "10,40", "MEET-1", "10,20,30"),
    ("leave.max_attachment_mb", 32, "LEAVE-1", ("32", "31")),
    ("att.summer_am_start", "00:05", "ATT-1", ("10", "00:10")),
    ("grade.excellent", D(70), "SCORE-6", ("75", "110")),
    ("score.m9_max", D(10), "SCORE-2", ("95", "5")),
])
def test_input_1_a_refused_setting_says_the_range_it_may_take(key, value, rule_id, says):
    with breaks(rule_id, field="value", says=says):
        check_setting(key, value, DEFAULTS, max_request_bytes=32 * MB)


@pytest.mark.parametrize("value", ["08:60", "24:00", "8:00"])
def test_att_1_minutes_past_59_or_hours_past_23_are_no_time(value):
    assert not passes("att.summer_am_start", value)


def test_input_1_a_whole_number_setting_takes_no_decimal_even_a_whole_one():
    assert not passes("case.max_extension_days", D("5"))
    assert passes("case.max_extension_days", 5)


def test_score_5_the_on_time_rate_points_take_two_decimals():
    assert passes("semi.ontime_per_point", D("0.01"))
    assert passes("semi.ontime_per_point", D("0.25"))


def test_score_2_the_range_left_reads_as_points_without_trailing_zeros():
    """SCORE-2: the other categories typed "10.0" leave "10", as every figure reads."""
    typed = {**DEFAULTS, **{key: D(f"{value}.0") for key, value in DEFAULTS.items()
                            if key.startswith("score.m")}}
    with breaks("SCORE-2", field="value") as caught:
        check_setting("score.m1_max", D(11), typed)
    assert (caught.value.params["low"], caught.value.params["high"]) == ("0", "10")
    assert caught.value.params["taken"] == "90"


def test_roster_2_minutes_early_that_open_the_hall_the_day_before_name_the_morning_start():
    with breaks("ROSTER-2", field="value", says=("01:00", "60")):
        check_setting("roster.duty_early_minutes", 90, {**DEFAULTS, "att.winter_am_start": "01:00"})
