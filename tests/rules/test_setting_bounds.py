"""The values a rule setting may take (app/rules/settings.py): each setting within its own
range, and the cross checks between settings (SCORE-2/5/6, ATT-1/3, ROSTER-1/2, LEAVE-1/2/4,
CASE-5/6, NOTICE-1, NEG-2, COMP-2, MEET-1, INPUT-1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.errors import RuleViolation
from app.rules.settings import check_setting, setting_notes
from tests.rules.settings_kit import CATEGORIES, DEFAULTS, MB, REQUEST_LIMIT, passes

D = Decimal
def refusal(key, value, others=DEFAULTS, limit=REQUEST_LIMIT) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check_setting(key, value, others, max_request_bytes=limit)
    assert caught.value.field == "value"
    return caught.value


# --- One setting alone: each kind of bound -------------------------------------------------------
@pytest.mark.parametrize("key, value, rule_id, says", [
    ("case.max_extension_days", 0, "CASE-5", "from 1 to 60"),
    ("case.max_extension_days", 61, "CASE-5", "from 1 to 60"),
    ("case.max_extensions", 6, "CASE-5", "from 0 to 5"),
    ("case.due_soon_days", 0, "CASE-6", "from 1 to 20"),
    ("notice.max_days", 0, "NOTICE-1", "from 1 to 60"),
    ("neg.review_days", 10**9, "NEG-2", "from 1 to 60"),
    ("comp.complex_answer_days", -3, "COMP-2", "from 1 to 60"),
    ("att.late_count_half_day_absence", -1, "ATT-3", "from 1 to 31"),
    ("att.late_count_half_day_absence", 0, "ATT-3", "from 1 to 31"),
    ("att.leave_post_hours", 0, "ATT-3", "from 1 to 8"),
    ("att.arrive_early_minutes", 61, "ATT-1", "from 0 to 60"),
    ("roster.people_per_day", 0, "ROSTER-1", "from 1 to 10"),
    ("roster.duty_early_minutes", 121, "ROSTER-2", "from 0 to 120"),
    ("leave.sick_award_days", 367, "LEAVE-4", "from 0 to 366"),
    ("score.red_flag_count", 0, "SCORE-3", "from 1 to 50"),
    ("score.peer_opens_day", 32, "SCORE-2", "from 1 to 31"),
    ("meet.weekday", 8, "MEET-1", "from 1 to 7"),
    ("meet.weekday", 0, "MEET-1", "from 1 to 7"),
])
def test_input_1_a_whole_number_setting_stays_in_its_range(key, value, rule_id, says):
    violation = refusal(key, value, others={})
    assert violation.rule_id == rule_id
    assert says in violation.render() and "whole number" in violation.render()


@pytest.mark.parametrize("key, value, rule_id, says", [
    ("score.m3_max", D(-5), "SCORE-2", "from 0 to 100"),
    ("score.m3_max", D("100.1"), "SCORE-2", "from 0 to 100"),
    ("score.m3_max", D("9.95"), "SCORE-2", "one decimal place"),
    ("score.m3_max", D("Infinity"), "SCORE-2", "from 0 to 100"),
    ("score.m3_max", D("NaN"), "SCORE-2", "from 0 to 100"),
    ("score.bonus_cap", D(11), "SCORE-2", "from 0 to 10"),
    ("semi.bonus_cap", D("10.5"), "SCORE-5", "from 0 to 10"),
    ("semi.part_ji_max", D(101), "SCORE-5", "from 0 to 100"),
    ("semi.ontime_per_point", D("0.125"), "SCORE-5", "two decimal places"),
    ("grade.excellent_share", D(500), "SCORE-6", "from 0 to 100"),
    ("grade.excellent", D(111), "SCORE-6", "from 0 to 110"),
    ("score.satisfied_min", D(120), "SCORE-4", "from 0 to 110"),
    ("leave.office_head_max_days", D(0), "LEAVE-2", "from 0.5 to 30"),
    ("leave.office_head_max_days", D("0.3"), "LEAVE-2", "half days"),
    ("leave.director_max_days", D("2.7"), "LEAVE-2", "half days"),
])
def test_score_2_points_and_decimal_settings_stay_in_range_with_their_decimals(key, value,
                                                                             rule_id, says):
    violation = refusal(key, value, others={})
    assert violation.rule_id == rule_id and says in violation.render()


@pytest.mark.parametrize("key, value", [
    ("score.m3_max", D(0)), ("score.m3_max", D("100.0")), ("score.m3_max", D("9.5")),
    ("semi.ontime_per_point", D("0.25")), ("grade.excellent_share", D(0)),
    ("leave.office_head_max_days", D("1.5")), ("case.max_extensions", 0),
    ("case.max_extension_days", 60), ("meet.weekday", 7), ("att.arrive_early_minutes", 0),
    ("meet.time", "00:00"), ("meet.time", "23:59"), ("meet.study_days", "1, 15，31"),
    ("roster.mode", "week"), ("att.summer_starts", "02-29"), ("att.summer_starts", "5-1"),
])
def test_input_1_values_at_the_edges_of_their_range_pass(key, value):
    assert passes(key, value, others={})


@pytest.mark.parametrize("key, value, rule_id, says", [
    ("att.summer_starts", "13-40", "ATT-1", "MM-DD"),
    ("att.winter_starts", "02-30", "ATT-1", "MM-DD"),
    ("att.winter_starts", "10/01", "ATT-1", "MM-DD"),
    ("att.winter_starts", "+10-1", "ATT-1", "MM-DD"),
    ("roster.mode", "month", "ROSTER-1", "day, week"),
    ("meet.study_days", "0,32", "MEET-1", "from 1 to 31"),
    ("meet.study_days", "every day", "MEET-1", "from 1 to 31"),
    ("att.summer_am_start", "8:00 am", "ATT-1", "HH:MM"),
])
def test_att_1_text_settings_have_their_form(key, value, rule_id, says):
    violation = refusal(key, value, others={})
    assert violation.rule_id == rule_id and says in violation.render()


def test_input_1_a_setting_without_bounds_cannot_be_changed():
    assert refusal("score.m11_max", D(5)).rule_id == "INPUT-1"


def test_input_1_a_wrong_type_is_refused_not_a_crash():
    assert refusal("case.max_extension_days", D("5.5"), others={}).rule_id == "CASE-5"
    assert refusal("score.m1_max", "ten", others={}).rule_id == "SCORE-2"
    assert refusal("meet.weekday", True, others={}).rule_id == "MEET-1"


# --- Cross checks ------------------------------------------------------------------------------
@pytest.mark.parametrize("key, value, says", [
    ("grade.excellent", D(70), "from 75 to 110"),
    ("grade.competent", D(95), "from 60 to 90"),
    ("grade.competent", D(50), "from 60 to 90"),
    ("grade.basic", D(80), "from 0 to 75"),
])
def test_score_6_thresholds_stay_ordered_excellent_competent_basic(key, value, says):
    violation = refusal(key, value)
    assert violation.rule_id == "SCORE-6" and says in violation.render()


def test_score_6_equal_thresholds_are_allowed():
    assert passes("grade.excellent", D(75)) and passes("grade.basic", D(75))


@pytest.mark.parametrize("key, value, says", [
    ("att.summer_am_end", "07:30", "from 08:01 to 15:00"),
    ("att.summer_am_start", "11:30", "from 00:10 to 11:29"),
    ("att.summer_pm_start", "11:00", "from 11:30 to 17:59"),
    ("att.summer_pm_end", "15:00", "from 15:01 to 23:59"),
    ("att.winter_pm_start", "18:00", "from 11:30 to 17:29"),
])
def test_att_1_a_half_day_starts_before_it_ends_and_morning_before_afternoon(key, value, says):
    violation = refusal(key, value)
    assert violation.rule_id == "ATT-1" and says in violation.render()


def test_att_1_the_morning_may_end_when_the_afternoon_starts():
    assert passes("att.summer_am_end", "15:00") and passes("att.winter_pm_start", "11:30")


def test_att_1_summer_and_winter_start_on_different_days():
    violation = refusal("att.winter_starts", "5-1")
    assert violation.rule_id == "ATT-1" and "05-01" in violation.render()
    assert passes("att.winter_starts", "05-02")
    # A stored season start that does not read is no day to clash with.
    assert passes("att.summer_starts", "06-01", {"att.winter_starts": "garbage"})


def test_roster_2_the_hall_opens_on_the_same_day():
    early_start = {**DEFAULTS, "att.winter_am_start": "01:00"}
    violation = refusal("roster.duty_early_minutes", 90, early_start)
    assert violation.rule_id == "ROSTER-2" and "from 0 to 60" in violation.render()
    assert passes("roster.duty_early_minutes", 60, early_start)
    violation = refusal("att.summer_am_start", "00:05")  # the hall opens 10 minutes early
    assert violation.rule_id == "ATT-1" and "from 00:10 to" in violation.render()


def test_score_2_category_maxima_add_up_to_at_most_100():
    violation = refusal("score.m9_max", D(10))  # 95 elsewhere
    assert violation.rule_id == "SCORE-2"
    assert "have 95" in violation.render() and "from 0 to 5" in violation.render()
    assert passes("score.m9_max", D(5))
    assert passes("score.m8_max", D(10))  # lowering: the sum is 95 until another is raised
    assert passes("score.m9_max", D(10), {**DEFAULTS, "score.m8_max": D(10)})


def test_score_2_a_sum_above_100_can_be_lowered_back_one_maximum_at_a_time():
    over = {**DEFAULTS, "score.m1_max": D(30), "score.m2_max": D(30)}  # 140 in all
    assert passes("score.m1_max", D(10), over)  # still 120, but lower than before
    violation = refusal("score.m1_max", D(31), over)
    assert "from 0 to 30" in violation.render()


def test_score_2_without_the_current_value_the_sum_is_strict():
    others = {key: value for key, value in CATEGORIES.items() if key != "score.m3_max"}
    assert passes("score.m3_max", D(10), others)
    assert not passes("score.m3_max", D("10.1"), others)


def test_score_5_part_maxima_add_up_to_at_most_100():
    violation = refusal("semi.part_ji_max", D(50))
    assert violation.rule_id == "SCORE-5" and "from 0 to 40" in violation.render()
    assert passes("semi.part_ji_max", D(35))


@pytest.mark.parametrize("key, value, rule_id, says", [
    ("leave.office_head_max_days", D(4), "LEAVE-2", "from 0.5 to 3"),
    ("leave.director_max_days", D("0.5"), "LEAVE-2", ""),
    ("leave.director_max_days", D(0), "LEAVE-2", "from 0.5 to 366"),
    ("leave.personal_month_bonus_days", 61, "LEAVE-4", "from 0 to 60"),
    ("leave.personal_half_year_bonus_days", 20, "LEAVE-4", "from 30 to 366"),
    ("leave.absence_consecutive_dismissal_days", 31, "LEAVE-4", "from 0 to 30"),
    ("leave.absence_yearly_dismissal_days", 14, "LEAVE-4", "from 15 to 366"),
])
def test_leave_2_and_leave_4_limits_keep_their_order(key, value, rule_id, says):
    others = DEFAULTS if value != D("0.5") else {**DEFAULTS, "leave.office_head_max_days": D(1)}
    violation = refusal(key, value, others)
    assert violation.rule_id == rule_id and says in violation.render()


def test_leave_1_a_certificate_fits_in_a_request_with_room_to_spare():
    violation = refusal("leave.max_attachment_mb", 32)
    assert violation.rule_id == "LEAVE-1"
    assert "32 MB" in violation.render() and "from 1 to 31" in violation.render()
    assert passes("leave.max_attachment_mb", 31)
    assert passes("leave.max_attachment_mb", 63, limit=64 * MB)
    assert not passes("leave.max_attachment_mb", 64, limit=64 * MB)
    assert passes("leave.max_attachment_mb", 500, limit=None)  # no request limit: its own range
    assert not passes("leave.max_attachment_mb", 0, limit=None)


def test_input_1_a_missing_neighbour_is_not_compared():
    assert passes("grade.excellent", D(10), {})
    assert passes("att.summer_am_end", "07:00", {"att.summer_pm_start": "15:00"})


# --- Notes after a save ------------------------------------------------------------------------
def test_score_2_a_sum_below_100_is_noted_after_the_save():
    (note,) = setting_notes("score.m8_max", {**DEFAULTS, "score.m8_max": D(10)})
    assert note.rule_id == "SCORE-2" and "add up to 95, not 100" in note.render()
    assert setting_notes("score.m8_max", DEFAULTS) == []
    assert setting_notes("grade.basic", {**DEFAULTS, "score.m8_max": D(10)}) == []
    (note,) = setting_notes("semi.part_de_max", {**DEFAULTS, "semi.part_de_max": D(5)})
    assert note.rule_id == "SCORE-5" and "90, not 100" in note.render()


# --- Invariants --------------------------------------------------------------------------------
tenths = st.integers(min_value=-50, max_value=1200).map(lambda n: D(n) / 10)
clock = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")


@given(st.tuples(tenths, tenths, tenths), st.sampled_from(["grade.excellent", "grade.competent",
                                                           "grade.basic"]))
def test_score_6_a_threshold_passes_exactly_when_it_keeps_the_order(triple, key):
    values = dict(zip(("grade.excellent", "grade.competent", "grade.basic"), triple))
    excellent, competent, basic = triple
    others = {k: v for k, v in values.items() if k != key}
    # Only the edited threshold's own neighbours are compared: the others' order is theirs.
    ordered = {"grade.excellent": excellent >= competent,
               "grade.competent": excellent >= competent >= basic,
               "grade.basic": competent >= basic}[key]
    assert passes(key, values[key], others) == (D(0) <= values[key] <= D(110) and ordered)


@given(st.lists(clock, min_size=4, max_size=4), st.integers(min_value=0, max_value=3))
def test_att_1_hours_pass_exactly_when_they_run_in_order(times, at):
    keys = ("att.winter_am_start", "att.winter_am_end", "att.winter_pm_start", "att.winter_pm_end")
    values = dict(zip(keys, times))
    others = {k: v for k, v in values.items() if k != keys[at]}
    am_start, am_end, pm_start, pm_end = times
    ordered = am_start < am_end <= pm_start < pm_end
    # Only the edited time's own neighbours are compared: the others' order is theirs.
    neighbours_ok = {0: am_start < am_end, 1: am_start < am_end <= pm_start,
                     2: am_end <= pm_start < pm_end, 3: pm_start < pm_end}[at]
    assert passes(keys[at], times[at], others) == neighbours_ok
    if ordered:
        assert all(passes(key, values[key], values) for key in keys)


@given(st.lists(st.integers(min_value=0, max_value=300).map(lambda n: D(n) / 10),
                min_size=10, max_size=10))
def test_score_2_a_maximum_passes_exactly_when_the_month_stays_out_of_at_most_100(points):
    values = dict(zip(CATEGORIES, points))
    others = {k: v for k, v in values.items() if k != "score.m1_max"}
    assert passes("score.m1_max", values["score.m1_max"], others) == (sum(points) <= 100)


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_case_5_an_extension_limit_passes_exactly_within_1_to_60(days):
    assert passes("case.max_extension_days", days, {}) == (1 <= days <= 60)
