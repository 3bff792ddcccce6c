"""扣分/加分与考核 — monthly score, ranking, semi-annual score and grades (SCORE-2/3/5/6/7)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.errors import RuleViolation
from app.rules.scoring import (
    DEFAULT_CATEGORIES,
    JI_ITEMS,
    SEMIANNUAL_PARTS,
    assessment_bonus_eligible,
    excellent_quota,
    excellent_tie,
    grades,
    monthly_window_score,
    rank_windows,
    semiannual_score,
)

D = Decimal


def test_score_2_default_categories_sum_to_100_in_order():
    assert list(DEFAULT_CATEGORIES) == [f"M{i}" for i in range(1, 11)]
    assert DEFAULT_CATEGORIES["M8"] == D("15") and DEFAULT_CATEGORIES["M9"] == D("5")
    assert sum(DEFAULT_CATEGORIES.values()) == D("100")


@pytest.mark.parametrize(
    ("events", "category", "expected"),
    [
        ([("M3", -12)], "M3", D("0")),  # 扣分至小项扣完为止
        ([("M3", -4)], "M3", D("6")),
        ([("M1", -3), ("M1", -2)], "M1", D("5")),  # quarrel −3, serious a further −2
        ([("M8", -2)], "M8", D("13")),  # M8 max is 15
        ([("M9", -6)], "M9", D("0")),
        ([("M2", 3)], "M2", D("10")),  # a positive point cannot lift past the max
        ([("M4", -5), ("M4", 2)], "M4", D("7")),
        ([("M7", "-2.5")], "M7", D("7.5")),
        ([("B", 12)], "B", D("10")),  # 受奖附加 capped at 10
        ([("B", 5), ("B", 2)], "B", D("7")),
        ([("B", -3)], "B", D("0")),
    ],
)
def test_score_2_category_floors_at_zero_and_caps_at_max(events, category, expected):
    score = monthly_window_score(events, peer_mean=100)
    assert score.by_category[category] == expected


@pytest.mark.parametrize(
    ("events", "peer_mean", "total"),
    [
        ([], 100, D("100")),
        ([], 85, D("98.5")),
        ([("M3", -12), ("B", 12)], 85, D("98.5")),
        ([("B", 10)], 100, D("110")),
        ([("M1", -1), ("M5", -2), ("M6", -2), ("B", 2)], "90", D("96")),
    ],
)
def test_score_2_monthly_total_examples(events, peer_mean, total):
    assert monthly_window_score(events, peer_mean=peer_mean).total == total


def test_score_2_peer_mean_scaled_to_m10():
    score = monthly_window_score([], peer_mean=85)
    assert score.by_category["M10"] == D("8.5")
    assert score.missing == frozenset()
    assert set(score.by_category) == set(DEFAULT_CATEGORIES) | {"B"}


def test_score_2_incomplete_month_counts_m10_full_and_names_it_missing():
    score = monthly_window_score([("M3", -1)])
    assert score.by_category["M10"] == D("10")
    assert score.missing == {"M10"}
    assert score.total == D("99")


@pytest.mark.parametrize("peer_mean", [-1, "100.1", 150])
def test_score_2_peer_mean_outside_0_100_is_refused(peer_mean):
    with pytest.raises(RuleViolation) as caught:
        monthly_window_score([], peer_mean=peer_mean)
    assert caught.value.rule_id == "SCORE-2" and caught.value.field == "peer_mean"


@pytest.mark.parametrize("category", ["M10", "M11", "X", "b"])
def test_score_2_unknown_or_m10_event_is_refused(category):
    with pytest.raises(RuleViolation) as caught:
        monthly_window_score([(category, -1)], peer_mean=100)
    assert caught.value.rule_id == "SCORE-2"


def test_score_2_custom_categories_and_bonus_cap():
    score = monthly_window_score(
        [("M1", -7), ("B", 9)], peer_mean=50, categories={"M1": 20, "M10": 20}, bonus_cap=5
    )
    assert score.by_category == {"M1": D("13"), "M10": D("10"), "B": D("5")}
    assert score.total == D("28")


def test_score_7_applied_explains_floors_and_caps():
    applied = {row[0]: row[1:] for row in monthly_window_score([("M3", -12), ("B", 12)]).applied}
    assert applied["M3"] == (D("-12"), "floor")
    assert applied["B"] == (D("12"), "cap")
    assert applied["M1"] == (D("0"), None)


EVENT = st.tuples(
    st.sampled_from([f"M{i}" for i in range(1, 10)] + ["B"]),
    st.decimals(min_value=-50, max_value=50, places=1),
)


@given(
    st.lists(EVENT, max_size=30),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
)
def test_score_2_total_never_above_110_and_categories_within_bounds(events, peer_mean):
    score = monthly_window_score(events, peer_mean=peer_mean)
    assert D("0") <= score.total <= D("110")
    for name, maximum in DEFAULT_CATEGORIES.items():
        assert D("0") <= score.by_category[name] <= maximum
    assert D("0") <= score.by_category["B"] <= D("10")
    assert score.total == sum(score.by_category.values())


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        # equal totals → fewer verified complaints first
        ([("A", 95, 2, 0), ("B", 95, 1, 9)], ["B", "A"]),
        # equal totals and complaints → fewer overdue days first
        ([("A", 95, 1, 3), ("B", 95, 1, 2)], ["B", "A"]),
        # everything equal → name, plain string order
        ([("窗口2", 95, 1, 2), ("窗口10", 95, 1, 2)], ["窗口10", "窗口2"]),
        ([("Z", "99.5", 5, 5), ("A", D("99.4"), 0, 0)], ["Z", "A"]),
    ],
)
def test_score_3_ranking_tie_breaks(rows, order):
    assert [name for _rank, name, _flag in rank_windows(rows)] == order


def test_score_3_exactly_five_red_flag_windows():
    rows = [(f"W{i:02d}", 100 - i, 0, 0) for i in range(12)]
    ranked = rank_windows(rows)
    assert [rank for rank, _n, _f in ranked] == list(range(1, 13))
    assert [name for _r, name, flag in ranked if flag] == ["W00", "W01", "W02", "W03", "W04"]


def test_score_3_red_flags_with_ties_at_the_boundary_stay_five():
    rows = [(f"W{i}", 90, 0, 0) for i in range(7)]
    assert sum(flag for _r, _n, flag in rank_windows(rows)) == 5
    assert sum(flag for _r, _n, flag in rank_windows(rows, red_flags=3)) == 3


def test_score_3_fewer_windows_than_red_flags_all_flagged():
    assert rank_windows([("A", 80, 0, 0), ("B", 90, 0, 0)]) == [(1, "B", True), (2, "A", True)]


def test_score_5_semiannual_parts_and_maxima():
    assert SEMIANNUAL_PARTS == {
        "de": D("15"), "neng": D("15"), "qin": D("15"), "ji": D("40"), "lian": D("15")
    }
    full = semiannual_score({}, innovation=5)
    assert full.total == D("100") and full.bonus == D("0")


def test_score_5_ji_is_its_four_items_35_without_innovation():
    """SCORE-5 绩: accuracy 10 + on-time rate 10 + satisfaction 10 + reporting 5 = 35; only an
    innovation (+5 per proven improvement, in points) reaches the part's 40, never beyond."""
    assert JI_ITEMS == D("35")
    none = semiannual_score({}, innovation=0)
    assert (none.parts["ji"], none.total) == (D("35"), D("95"))
    assert none.parts == {"de": D(15), "neng": D(15), "qin": D(15), "ji": D(35), "lian": D(15)}
    one = semiannual_score({}, innovation=5)  # one proven improvement
    assert (one.parts["ji"], one.total) == (D("40"), D("100"))
    two = semiannual_score({}, innovation=10)
    assert (two.parts["ji"], two.total) == (D("40"), D("100"))
    assert semiannual_score({"ji": 3}, innovation=5).parts["ji"] == D("37")  # 32 + 5
    assert semiannual_score({"ji": 40}, innovation=5).parts["ji"] == D("5")  # floored, then +5
    assert semiannual_score({}).total == D("95")  # positional defaults keep working


@pytest.mark.parametrize(
    ("deductions", "innovation", "bonus", "parts", "bonus_out", "total"),
    [
        ({"de": 2, "ji": "3.5"}, 0, 0, {"de": D("13"), "ji": D("31.5")}, D("0"), D("89.5")),
        ({"lian": 20}, 0, 0, {"lian": D("0")}, D("0"), D("80")),  # part floors at zero
        ({"ji": 8}, 5, 0, {"ji": D("32")}, D("0"), D("92")),
        ({"ji": 3}, 10, 0, {"ji": D("40")}, D("0"), D("100")),  # 绩 capped at 40
        ({}, 0, 12, {}, D("10"), D("105")),  # bonus capped at 10
        ({"qin": 1}, 0, -4, {"qin": D("14")}, D("0"), D("94")),  # bonus floored at 0
        ({"neng": 3}, 0, 6, {"neng": D("12")}, D("6"), D("98")),
    ],
)
def test_score_5_semiannual_examples(deductions, innovation, bonus, parts, bonus_out, total):
    score = semiannual_score(deductions, innovation=innovation, bonus=bonus)
    expected_parts = dict(SEMIANNUAL_PARTS) | {"ji": JI_ITEMS} | parts
    assert score.parts == expected_parts
    assert score.bonus == bonus_out and score.total == total


@pytest.mark.parametrize(
    ("deductions", "innovation"),
    [({"de": -1}, 0), ({"morale": 1}, 0), ({}, -5)],
)
def test_score_5_negative_or_unknown_deductions_are_refused(deductions, innovation):
    with pytest.raises(RuleViolation) as caught:
        semiannual_score(deductions, innovation=innovation)
    assert caught.value.rule_id == "SCORE-5"


@given(
    st.dictionaries(
        st.sampled_from(list(SEMIANNUAL_PARTS)), st.decimals(min_value=0, max_value=60, places=1)
    ),
    st.decimals(min_value=0, max_value=30, places=1),
    st.decimals(min_value=-20, max_value=30, places=1),
)
def test_score_5_total_never_above_110(deductions, innovation, bonus):
    score = semiannual_score(deductions, innovation=innovation, bonus=bonus)
    assert D("0") <= score.total <= D("110")
    for part, maximum in SEMIANNUAL_PARTS.items():
        assert D("0") <= score.parts[part] <= maximum
    if innovation == 0:  # SCORE-5: without innovation 绩 stays within its four items
        assert score.parts["ji"] <= JI_ITEMS and score.total <= D("105")


def test_score_5_part_maxima_are_an_argument_and_the_total_follows_them():
    maxima = {"de": 10, "neng": 15, "qin": 15, "ji": 50, "lian": 10}
    score = semiannual_score({"de": 12, "ji": 5}, 20, 3, part_maxima=maxima)
    assert score.parts == {"de": D(0), "neng": D(15), "qin": D(15), "ji": D(50), "lian": D(10)}
    # 绩 counts from its 35 items; its maximum of 50 is reached with innovation only.
    assert score.total == D(93) and semiannual_score({}, part_maxima=maxima).total == D(85)
    assert semiannual_score({}, part_maxima={**maxima, "ji": 30}).parts["ji"] == D(30)


@pytest.mark.parametrize("maxima", [{"de": 15}, {**SEMIANNUAL_PARTS, "morale": 5},
                                    {**SEMIANNUAL_PARTS, "ji": -1}])
def test_score_5_part_maxima_missing_unknown_or_negative_are_refused(maxima):
    with pytest.raises(RuleViolation) as caught:
        semiannual_score({}, part_maxima=maxima)
    assert caught.value.rule_id == "SCORE-5"


@given(
    st.fixed_dictionaries({part: st.decimals(min_value=0, max_value=60, places=1)
                           for part in SEMIANNUAL_PARTS}),
    st.dictionaries(
        st.sampled_from(list(SEMIANNUAL_PARTS)), st.decimals(min_value=0, max_value=60, places=1)
    ),
    st.decimals(min_value=0, max_value=30, places=1),
    st.decimals(min_value=-20, max_value=30, places=1),
)
def test_score_5_total_never_above_the_sum_of_maxima_and_the_bonus_cap(maxima, deductions,
                                                                        innovation, bonus):
    score = semiannual_score(deductions, innovation, bonus, 10, part_maxima=maxima)
    assert D("0") <= score.total <= sum(maxima.values(), D(0)) + 10
    assert all(D("0") <= score.parts[part] <= maxima[part] for part in SEMIANNUAL_PARTS)


TEN = {"p1": 95, "p2": 93, "p3": 91, "p4": 80, "p5": 75, "p6": 74, "p7": 60, "p8": "59.9",
       "p9": 88, "p10": 40}


def test_score_6_excellent_share_caps_the_third_above_90_to_competent():
    result = grades(TEN, "civil_servant")
    assert [key for key, grade in result.items() if grade == "excellent"] == ["p1", "p2"]
    assert result["p3"] == "competent"
    assert result["p5"] == "competent"
    assert result["p6"] == result["p7"] == "basically_competent"
    assert result["p8"] == result["p10"] == "incompetent"


def test_score_6_institution_staff_grade_names():
    result = grades(TEN, "institution")
    assert result["p1"] == "excellent"
    assert result["p3"] == result["p4"] == "qualified"
    assert result["p6"] == "basically_qualified"
    assert result["p10"] == "unqualified"


def test_score_6_tied_group_straddling_the_share_gets_no_excellent():
    scores = {"a": 96, "b": 92, "c": 92, "d": 70, "e": 70, "f": 70, "g": 70, "h": 70,
              "i": 70, "j": 70}
    result = grades(scores, "civil_servant")  # 2 seats: b and c tie for the second one
    assert result["a"] == "excellent"
    assert result["b"] == result["c"] == "competent"


def test_score_6_a_tie_across_the_last_seat_is_reported_with_the_seats_left():
    """SCORE-6: the grade list shows the tie and the seats left — `grades` reports them."""
    scores = {"a": 96, "b": 92, "c": 92, "d": 70, "e": 70, "f": 70, "g": 70, "h": 70,
              "i": 70, "j": 70}
    result = grades(scores, "civil_servant")
    assert (result.tied, result.seats_left, result.seats) == (frozenset({"b", "c"}), 1, 2)
    assert result.unresolved and result.chosen == frozenset()
    assert isinstance(result, dict) and dict(result) == {  # still the dict of grades
        **{k: "basically_competent" for k in scores}, "a": "excellent", "b": "competent",
        "c": "competent"}
    assert excellent_tie([("a", 96), ("b", 92), ("c", 92)], 2) == (frozenset({"b", "c"}), 1)
    # Three tied for both seats: two seats left for three.
    three = grades({**scores, "a": 92}, "civil_servant")
    assert (three.tied, three.seats_left) == (frozenset({"a", "b", "c"}), 2)


def test_score_6_leadership_chooses_among_the_tied_for_the_seats_left():
    scores = {"a": 96, "b": 92, "c": 92, "d": 70, "e": 70, "f": 70, "g": 70, "h": 70,
              "i": 70, "j": 70}
    result = grades(scores, "civil_servant", chosen={"c"})
    assert (result["a"], result["b"], result["c"]) == ("excellent", "competent", "excellent")
    assert result.chosen == frozenset({"c"}) and not result.unresolved
    assert list(result.values()).count("excellent") == result.seats == 2  # the share holds
    for wrong in ({"b", "c"}, {"d"}, {"a"}):  # too many, not tied, already seated
        with pytest.raises(RuleViolation) as caught:
            grades(scores, "civil_servant", chosen=wrong)
        assert caught.value.rule_id == "SCORE-6"


@pytest.mark.parametrize("scores", [
    {"a": 96, "b": 93, "c": 92, **{f"x{i}": 70 for i in range(7)}},  # no tie: 2 seats, 2 above
    {"a": 92, "b": 92, **{f"x{i}": 70 for i in range(8)}},  # the tied group fits
    {"a": 96, "b": 95, "c": 91, "d": 91, **{f"x{i}": 70 for i in range(6)}},  # tie after the seats
    {"a": 99, "b": 98, "c": 97, "d": 96},  # 4 people: no seat, no tie
])
def test_score_6_no_tie_is_reported_when_the_seats_decide(scores):
    result = grades(scores, "civil_servant")
    assert (result.tied, result.seats_left, result.unresolved) == (frozenset(), 0, False)
    with pytest.raises(RuleViolation):
        grades(scores, "civil_servant", chosen={"a"})


def test_score_6_tied_group_that_fits_all_get_excellent():
    scores = {"a": 92, "b": 92, "c": 50, "d": 50, "e": 50, "f": 50, "g": 50, "h": 50,
              "i": 50, "j": 50}
    result = grades(scores, "civil_servant")
    assert result["a"] == result["b"] == "excellent"


@pytest.mark.parametrize(
    ("score", "expected"),
    [(85, "excellent"), (84.9, "competent"), (70, "competent"), (50, "basically_competent"),
     (49, "incompetent")],
)
def test_score_6_custom_thresholds(score, expected):
    assert grades({"x": score}, "civil_servant", excellent_share=1,
                  thresholds=(85, 70, 50))["x"] == expected


def test_score_6_share_floors_so_four_people_get_no_excellent():
    assert "excellent" not in grades({"a": 99, "b": 98, "c": 97, "d": 96},
                                     "civil_servant").values()


def test_score_6_unknown_staff_category_is_refused():
    with pytest.raises(RuleViolation) as caught:
        grades({"a": 90}, "contractor")
    assert caught.value.rule_id == "SCORE-6"


@pytest.mark.parametrize("grade, eligible", [
    ("excellent", True), ("competent", True), ("basically_competent", True),
    ("incompetent", False),  # 不称职, civil servants' lowest
    ("qualified", True), ("basically_qualified", True),
    ("unqualified", False),  # 不合格, public-institution staff's lowest
    (None, None),  # not graded yet
])
def test_score_6_the_lowest_grade_gets_no_assessment_bonus(grade, eligible):
    assert assessment_bonus_eligible(grade) is eligible


@given(st.dictionaries(st.integers(), st.integers(0, 110), min_size=1),
       st.sampled_from(["civil_servant", "institution"]))
def test_score_6_exactly_those_below_the_third_threshold_lose_the_assessment_bonus(scores, scale):
    graded = grades(scores, scale)
    for key, score in scores.items():
        assert assessment_bonus_eligible(graded[key]) is (score >= 60)


def test_score_6_an_unknown_grade_is_refused_not_paid():
    with pytest.raises(RuleViolation) as caught:
        assessment_bonus_eligible("outstanding")
    assert caught.value.rule_id == "SCORE-6"


@pytest.mark.parametrize("peer_mean, m10", [
    (Decimal("87.35"), Decimal("8.7")),
    (Decimal("84.5"), Decimal("8.5")),  # 8.45, half up
    (Decimal("84.4"), Decimal("8.4")),
    (100, Decimal("10.0")),
])
def test_score_2_mutual_evaluation_is_scaled_to_one_decimal_place(peer_mean, m10):
    from app.rules.scoring import monthly_window_score

    score = monthly_window_score([], peer_mean=peer_mean)
    assert score.by_category["M10"] == m10
    assert score.total == Decimal("90") + m10


def test_score_6_excellent_quota_says_how_the_share_came_out():
    """SCORE-6/7: ten people → 2 seats; a tie for the second seat leaves both out, so one is
    awarded and two over 90 are left out — the figures the grade list shows."""
    scores = [96, 92, 92, 70, 70, 70, 70, 70, 70, 70]
    quota = excellent_quota(scores)
    assert (quota.people, quota.seats, quota.awarded, quota.left_out) == (10, 2, 1, 2)
    awarded = list(grades(dict(enumerate(scores)), "civil_servant").values()).count("excellent")
    assert awarded == quota.awarded
    assert (quota.tied, quota.seats_left, quota.unresolved) == (frozenset({1, 2}), 1, True)
    chosen = excellent_quota(dict(zip("abcdefghij", scores)), chosen={"c"})
    assert (chosen.awarded, chosen.left_out, chosen.tied, chosen.chosen) == (
        2, 1, frozenset({"b", "c"}), frozenset({"c"}))
    assert not chosen.unresolved


def test_score_6_excellent_quota_follows_share_and_threshold():
    quota = excellent_quota([95, 88, 86, 50], excellent_share=Decimal("0.5"),
                            thresholds=(85, 70, 60))
    assert (quota.seats, quota.awarded, quota.left_out) == (2, 2, 1)
    assert excellent_quota([]) == excellent_quota([], excellent_share=1)


def test_score_2_m8_each_day_away_half_a_day_or_more_counts_once():
    """SCORE-2 M8: a day away counts once, whether one half-day, both, or off post (ATT-3:
    over 2 hours) once or twice; exactly 2 hours is no day away."""
    from datetime import date

    from app.rules.scoring import days_away_from_post

    mon, tue, wed, thu = (date(2026, 11, d) for d in (2, 3, 4, 5))
    assert days_away_from_post({mon: 2, tue: 1, wed: 0}, [(thu, 121), (thu, 180), (wed, 120)],
                               120) == [mon, tue, thu]
    assert days_away_from_post({}, [(mon, 150), (mon, 150)]) == [mon]  # morning + afternoon
    assert days_away_from_post({mon: 2}, [(mon, 150)], 120) == [mon]
    assert days_away_from_post({}, [(mon, 150)], 180) == []  # the limit is a setting


def test_score_2_m10_of_a_window_nobody_rated_is_the_mean_of_the_rated_windows_m10():
    """SCORE-2 M10: not silently full — the rated windows' M10 (scaled), averaged, one
    decimal half up; none rated → no mean (None) and M10 counts full."""
    from app.rules.scoring import peer_score, unrated_peer_score

    assert [peer_score(mean) for mean in (D("85"), D("92.5"), None)] == [D("8.5"), D("9.3"), None]
    assert unrated_peer_score([D("8.5"), D("10")]) == D("9.3")  # 9.25, half up
    assert unrated_peer_score([]) is None
    imputed = monthly_window_score([("M1", -1)], None, unrated_peer=D("9.3"))
    assert imputed.by_category["M10"] == D("9.3") and imputed.total == D("98.3")
    assert imputed.peer_imputed and "M10" in imputed.missing
    full = monthly_window_score([("M1", -1)], None)  # positional use unchanged: full M10
    assert full.by_category["M10"] == 10 and not full.peer_imputed and full.total == D("99")
    rated = monthly_window_score([], D("80"), unrated_peer=D("9.3"))  # own rating wins
    assert rated.by_category["M10"] == D("8") and not rated.peer_imputed
    with pytest.raises(RuleViolation) as caught:
        monthly_window_score([], None, unrated_peer=D("10.1"))
    assert caught.value.rule_id == "SCORE-2"
