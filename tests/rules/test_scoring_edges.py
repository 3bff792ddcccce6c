"""扣分/加分与考核 at the edges: a category cut exactly to zero, the bonus exactly at its cap,
M10 at 0 and at its maximum, 90.0 exactly, three groups of equal totals, the defaults of
the M8 limit and of 绩's items, and every refused value explained in Chinese next to its
field (SCORE-2/5/6/7)."""

from datetime import date
from decimal import Decimal

import pytest

from app.rules.scoring import (
    DEFAULT_CATEGORIES,
    SEMIANNUAL_PARTS,
    assessment_bonus_eligible,
    days_away_from_post,
    excellent_quota,
    excellent_tie,
    grades,
    monthly_window_score,
    semiannual_score,
)
from tests.rules.shown import breaks

D = Decimal


def _applied(score, category):
    return next(note for name, _raw, note in score.applied if name == category)


def test_score_7_a_category_cut_exactly_to_zero_applies_no_floor():
    """SCORE-2/7: −10 in a category of 10 leaves 0 — nothing was cut by the floor; −11 was."""
    exact = monthly_window_score([("M1", -10)], D("100"))
    assert exact.by_category["M1"] == 0 and _applied(exact, "M1") is None
    assert _applied(monthly_window_score([("M1", -11)], D("100")), "M1") == "floor"


def test_score_7_a_category_raised_above_its_maximum_is_capped_and_says_so():
    score = monthly_window_score([("M9", 2)], D("100"))
    assert score.by_category["M9"] == 5 and _applied(score, "M9") == "cap"


@pytest.mark.parametrize("bonus, kept, note", [
    (10, 10, None),  # exactly the cap: nothing cut
    (11, 10, "cap"),
    (0, 0, None),
    (-1, 0, "floor"),  # a negative bonus sum counts nothing
])
def test_score_2_7_the_bonus_at_and_past_its_cap(bonus, kept, note):
    score = monthly_window_score([("B", bonus)], D("100"))
    assert score.by_category["B"] == kept and _applied(score, "B") == note


@pytest.mark.parametrize("value", [D("0"), D("10")])
def test_score_2_m10_of_a_window_nobody_rated_may_be_0_or_the_maximum(value):
    score = monthly_window_score([], None, unrated_peer=value)
    assert score.by_category["M10"] == value and score.peer_imputed


def test_score_2_m10_of_a_window_nobody_rated_outside_0_to_max_is_refused_at_it():
    with breaks("SCORE-2", field="unrated_peer"):
        monthly_window_score([], None, unrated_peer=D("-0.1"))


def test_score_2_categories_in_any_order_are_all_scored():
    """SCORE-2: the categories come from settings; M10 listed first does not end the month."""
    categories = {"M10": D(10), **{k: v for k, v in DEFAULT_CATEGORIES.items() if k != "M10"}}
    score = monthly_window_score([("M9", -1)], D("100"), categories)
    assert score.by_category["M9"] == 4 and score.total == 99


def test_score_2_a_month_scored_without_m10_misses_nothing():
    score = monthly_window_score([], None, {"M1": D(50), "M2": D(50)})
    assert score.missing == frozenset() and score.total == 100


@pytest.mark.parametrize("events, field, says", [
    ([("M11", -1)], "category", "M11"),
    ([("M10", -1)], "category", "M10"),
])
def test_score_2_an_unknown_category_is_named_at_the_category(events, field, says):
    with breaks("SCORE-2", field=field, says=says):
        monthly_window_score(events, D("100"))


def test_score_2_m8_off_post_over_two_hours_by_default():
    """SCORE-2 M8 / ATT-3: 121 minutes is a day away, 120 is not — the default limit."""
    mon, tue = date(2026, 11, 2), date(2026, 11, 3)
    assert days_away_from_post({}, [(mon, 121), (tue, 120)]) == [mon]


def test_score_5_ji_items_are_a_setting_and_zero_is_allowed():
    """SCORE-5: 绩 starts from `ji_items` — 30 gives 30; 0 gives only innovation."""
    assert semiannual_score({}, ji_items=30).parts["ji"] == 30
    assert semiannual_score({}, innovation=5, ji_items=0).parts["ji"] == 5


@pytest.mark.parametrize("kwargs, field, says", [
    ({"deductions": {"ren": 1}}, "part", "ren"),
    ({"deductions": {"de": -1}}, "de", ()),
    ({"deductions": {}, "innovation": -5}, "innovation", ()),
    ({"deductions": {}, "part_maxima": {"de": 15}}, "part", ()),
    ({"deductions": {}, "part_maxima": {**SEMIANNUAL_PARTS, "qin": -1}}, "part", ()),
    ({"deductions": {}, "ji_items": -1}, "part", ()),
])
def test_score_5_refused_points_say_why_at_their_part(kwargs, field, says):
    with breaks("SCORE-5", field=field, says=says):
        semiannual_score(**kwargs)


def test_score_6_exactly_90_is_a_candidate_for_excellent():
    quota = excellent_quota([D("90")] + [D("70")] * 4)
    assert (quota.seats, quota.awarded, quota.left_out) == (1, 1, 0)
    result = grades({"a": D("90"), **{f"x{i}": 70 for i in range(4)}}, "civil_servant")
    assert result["a"] == "excellent"


def test_score_6_totals_under_90_are_no_candidates_however_many_seats():
    quota = excellent_quota([D("89.9")] * 5)
    assert (quota.seats, quota.awarded, quota.left_out, quota.tied) == (1, 0, 0, frozenset())


def test_score_6_the_tie_after_two_whole_groups():
    """SCORE-6: 95 and 94 take two of three seats; the two at 93 tie for the last one."""
    assert excellent_tie([("a", 95), ("b", 94), ("c", 93), ("d", 93)], 3) == (
        frozenset({"c", "d"}), 1)


def test_score_6_over_the_excellent_threshold_but_outside_the_share_is_never_below_second():
    """SCORE-6: one at or above the 优秀 threshold who does not fit in the share gets the
    second grade — even with a second threshold set above the first."""
    result = grades({"a": 95, "b": 90, **{f"x{i}": 70 for i in range(3)}}, "civil_servant",
                    thresholds=(90, 96, 60))
    assert (result["a"], result["b"]) == ("excellent", "competent")


def test_score_6_an_unknown_staff_category_or_grade_is_named():
    with breaks("SCORE-6", field="staff_category", says="contractor"):
        grades({"a": 90}, "contractor")
    with breaks("SCORE-6", field="grade", says="superb"):
        assessment_bonus_eligible("superb")


def test_score_6_a_wrong_choice_among_the_tied_says_how_many_to_choose():
    scores = {"a": 96, "b": 92, "c": 92, **{f"x{i}": 70 for i in range(7)}}
    with breaks("SCORE-6", field="chosen", says="1"):
        grades(scores, "civil_servant", chosen={"b", "c"})


@pytest.mark.parametrize("mean", [D("-0.01"), D("100.01")])
def test_score_2_a_peer_mean_outside_0_to_100_is_refused_at_it(mean):
    with breaks("SCORE-2", field="peer_mean", says="100"):
        monthly_window_score([], mean)
