"""请假 — leave rules (RULES.md LEAVE-1/2/4) and A/B cover (AB-1)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.attendance import AM, PM, leave_halves
from app.rules.calendar import WorkCalendar
from app.rules.errors import RuleViolation
from app.rules.leave import (
    APPROVER_POSITIONS,
    absent_halves,
    approver_for,
    begun_halves,
    half_of,
    informs_town_head,
    leave_working_days,
    may_approve_away,
    may_register_away,
    overstay,
    overstay_excused,
    period_halves,
    route_approver,
    taken_period,
    uncovered_days,
    uncovered_halves,
    yearly_flags,
)

CAL = WorkCalendar()
D = date.fromisoformat


@pytest.mark.parametrize(
    "days, approver",
    [
        (Decimal("0.5"), "office_head"),
        (0.5, "office_head"),
        (Decimal("0.51"), "director"),
        (1, "director"),
        (Decimal(3), "director"),
        (3.0, "director"),
        (Decimal("3.5"), "secretary"),
        (10, "secretary"),
    ],
)
def test_leave_2_approver_by_length(days, approver):
    assert approver_for(days) == approver


def test_leave_2_half_day_goes_to_the_office_head():
    assert approver_for(Decimal("0.5")) == "office_head"


@pytest.mark.parametrize("days, informed", [(Decimal("0.5"), False), (3, False),
                                            (Decimal("3.5"), True), (4, True)])
def test_leave_2_town_head_is_informed_over_three_days(days, informed):
    assert informs_town_head(days) is informed


@pytest.mark.parametrize("days", [0, Decimal(0), -1, Decimal("-0.5")])
def test_leave_2_a_leave_of_no_days_is_refused(days):
    with pytest.raises(RuleViolation) as info:
        approver_for(days)
    assert info.value.rule_id == "LEAVE-2"
    with pytest.raises(RuleViolation):
        informs_town_head(days)


# National Day 2026: 10-01..10-07 off, 10-08 and 10-09 working, 10-10 an adjusted working Saturday.
@pytest.mark.parametrize(
    "request_, partner, expected",
    [
        (("2026-09-29", "2026-10-09"), [("2026-10-01", "2026-10-12")],
         ["2026-10-08", "2026-10-09"]),
        (("2026-09-28", "2026-09-30"), [("2026-09-30", "2026-09-30")], ["2026-09-30"]),
        (("2026-10-01", "2026-10-07"), [("2026-10-01", "2026-10-07")], []),  # holidays only
        (("2026-10-08", "2026-10-12"), [("2026-10-10", "2026-10-11")], ["2026-10-10"]),
        (("2026-09-28", "2026-09-30"), [("2026-10-08", "2026-10-09")], []),
        (("2026-09-28", "2026-09-30"), [], []),
        # overlapping partner leaves: each day once, sorted
        (("2026-09-28", "2026-10-09"),
         [("2026-10-08", "2026-10-09"), ("2026-09-29", "2026-10-08"), ("2026-09-28", "2026-09-28")],
         ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09"]),
    ],
)
def test_ab_1_uncovered_days_are_working_days_both_partners_are_away(request_, partner, expected):
    got = uncovered_days((D(request_[0]), D(request_[1])),
                         [(D(s), D(e)) for s, e in partner], CAL)
    assert got == [D(d) for d in expected]


def test_ab_1_a_request_ending_before_it_starts_is_refused():
    with pytest.raises(RuleViolation) as info:
        uncovered_days((D("2026-10-09"), D("2026-10-08")), [], CAL)
    assert info.value.rule_id == "AB-1"


def test_ab_1_local_closures_need_no_cover():
    cal = WorkCalendar(extra_holidays=[D("2026-09-30")])
    got = uncovered_days((D("2026-09-29"), D("2026-09-30")), [(D("2026-09-29"), D("2026-09-30"))], cal)
    assert got == [D("2026-09-29")]


periods = st.tuples(st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(0, 40)).map(
    lambda p: (p[0], p[0] + timedelta(p[1])))


@given(periods, st.lists(periods, max_size=4))
def test_ab_1_uncovered_days_are_request_working_days_covered_by_a_partner_leave(request_, partner):
    got = uncovered_days(request_, partner, CAL)
    assert got == sorted(set(got))
    for day in got:
        assert request_[0] <= day <= request_[1] and CAL.is_working_day(day)
        assert any(s <= day <= e for s, e in partner)
    # and every such day is found
    start, end = request_
    expected = [start + timedelta(n) for n in range((end - start).days + 1)
                if CAL.is_working_day(start + timedelta(n))
                and any(s <= start + timedelta(n) <= e for s, e in partner)]
    assert got == expected


@pytest.mark.parametrize(
    "start, end, half_start, half_end, days",
    [
        ("2026-09-28", "2026-10-09", False, False, "5"),  # 9-28..30 + 10-08, 10-09; holidays not counted
        ("2026-09-28", "2026-10-10", False, False, "6"),  # the adjusted working Saturday counts
        ("2026-10-01", "2026-10-07", False, False, "0"),
        ("2026-09-28", "2026-10-09", True, False, "4.5"),
        ("2026-09-28", "2026-10-09", True, True, "4"),
        ("2026-09-30", "2026-10-08", False, True, "1.5"),
        ("2026-09-30", "2026-10-07", False, True, "1"),  # a half holiday at the end takes nothing
        ("2026-09-30", "2026-09-30", False, False, "1"),
        ("2026-09-30", "2026-09-30", True, False, "0.5"),
        ("2026-09-30", "2026-09-30", True, True, "0.5"),
        ("2026-10-01", "2026-10-01", True, False, "0"),
    ],
)
def test_leave_1_leave_across_holidays_counts_working_days_only(start, end, half_start, half_end,
                                                                days):
    got = leave_working_days(D(start), D(end), CAL, half_day_start=half_start, half_day_end=half_end)
    assert isinstance(got, Decimal) and got == Decimal(days)


def test_leave_1_a_leave_ending_before_it_starts_is_refused():
    with pytest.raises(RuleViolation) as info:
        leave_working_days(D("2026-10-09"), D("2026-10-08"), CAL)
    assert info.value.rule_id == "LEAVE-1"


@pytest.mark.parametrize(
    "personal, flags",
    [
        ("30", set()),
        ("30.5", {"bonus_withheld_one_month"}),
        ("31", {"bonus_withheld_one_month"}),
        ("60", {"bonus_withheld_one_month"}),
        ("60.5", {"bonus_withheld_one_month", "bonus_withheld_half_year"}),
        ("61", {"bonus_withheld_one_month", "bonus_withheld_half_year"}),
    ],
)
def test_leave_4_personal_leave_over_30_and_over_60_days(personal, flags):
    assert yearly_flags(Decimal(personal), 0, 0) == flags


@pytest.mark.parametrize("sick, flags", [("30", set()), ("30.5", {"not_eligible_for_awards"}),
                                         ("31", {"not_eligible_for_awards"})])
def test_leave_4_sick_leave_over_30_days_bars_awards(sick, flags):
    assert yearly_flags(0, Decimal(sick), 0) == flags


@pytest.mark.parametrize(
    "absent, run, flags",
    [
        ("7", 7, set()),
        ("7.5", 1, {"year_bonus_cancelled"}),
        ("8", 8, {"year_bonus_cancelled"}),
        ("15", 15, {"year_bonus_cancelled"}),
        ("16", 16, {"year_bonus_cancelled", "dismissal_review"}),
        ("30", 5, {"year_bonus_cancelled"}),
        ("30.5", 5, {"year_bonus_cancelled", "dismissal_review"}),
        ("31", 1, {"year_bonus_cancelled", "dismissal_review"}),
    ],
)
def test_leave_4_absence_over_7_15_in_a_row_and_30_days(absent, run, flags):
    assert yearly_flags(0, 0, Decimal(absent), run) == flags


def test_leave_4_thresholds_are_settings():
    assert yearly_flags(21, 0, 0, personal_one_month=20) == {"bonus_withheld_one_month"}
    assert yearly_flags(0, 0, 3, 3, absence_bonus=2, absence_run_dismissal=2) == {
        "year_bonus_cancelled", "dismissal_review"}


def test_leave_4_negative_days_are_refused():
    with pytest.raises(RuleViolation) as info:
        yearly_flags(0, Decimal(-1), 0)
    assert info.value.rule_id == "LEAVE-4"


days_st = st.decimals(min_value=0, max_value=400, places=1)


@given(days_st, days_st, days_st, st.integers(0, 400), days_st)
def test_leave_4_more_days_never_remove_a_flag(personal, sick, absent, run, extra):
    before = yearly_flags(personal, sick, absent, run)
    after = yearly_flags(personal + extra, sick + extra, absent + extra, run + int(extra))
    assert before <= after


# --- LEAVE-3 / ATT-3 / LEAVE-4: the leave actually taken ----------------------------------------
# Monday 2026-11-02 … Friday 11-06, Monday 11-09 …; a leave Mon 11-02 to Wed 11-04.
MON, TUE, WED, THU, FRI, NEXT_MON = (D("2026-11-0%d" % d) for d in (2, 3, 4, 5, 6, 9))


@pytest.mark.parametrize("half_start, half_end, back, excused, taken", [
    (False, False, None, False, (MON, WED, False, False)),  # no 销假 yet: as planned
    (False, False, THU, False, (MON, WED, False, False)),  # back on time
    (False, False, TUE, False, (MON, MON, False, False)),  # early: up to the day before
    (False, True, TUE, False, (MON, MON, False, False)),  # early: the planned noon end is gone
    (True, False, TUE, False, (MON, MON, True, False)),  # early: only Monday afternoon taken
    (False, False, MON, False, None),  # back on the first day: nothing taken
    (False, True, WED, False, (MON, WED, False, True)),  # back Wednesday noon as planned
    (False, False, NEXT_MON, False, (MON, WED, False, False)),  # late without reason
    (False, False, NEXT_MON, True, (MON, D("2026-11-08"), False, False)),  # late, excused
    (False, True, THU, True, (MON, WED, False, False)),  # excused: Wednesday afternoon too
    (False, False, TUE, True, (MON, MON, False, False)),  # early: a reason changes nothing
])
def test_leave_3_taken_period_cut_short_by_an_early_report_back_or_carried_by_an_excused_one(
        half_start, half_end, back, excused, taken):
    assert taken_period(MON, WED, half_start, half_end, back, excused) == taken


@pytest.mark.parametrize("reason, overstay, excused", [
    ("航班取消", Decimal(0), True), ("航班取消", 0, True), (None, Decimal(0), False),
    ("", Decimal(0), False), ("航班取消", Decimal(3), False), ("航班取消", None, False),
])
def test_att_3_an_overstay_is_excused_only_with_a_reason_and_no_overstay_days(reason, overstay,
                                                                              excused):
    assert overstay_excused(reason, overstay) is excused


def test_att_3_excused_overstay_days_are_leave_halves_unexcused_ones_absence():
    late = [THU, FRI]
    assert all(leave_halves(day, MON, WED, False, True, NEXT_MON, True) == {AM, PM}
               for day in late)
    assert leave_halves(WED, MON, WED, False, True, NEXT_MON, True) == {AM, PM}
    assert all(leave_halves(day, MON, WED, False, True, NEXT_MON) == set() for day in late)
    assert leave_halves(WED, MON, WED, False, True, NEXT_MON) == {AM}
    assert leave_halves(NEXT_MON, MON, WED, False, False, NEXT_MON, True) == set()


def test_att_3_a_report_back_on_the_end_day_of_a_leave_ending_at_noon_keeps_the_morning():
    assert leave_halves(WED, MON, WED, False, True, WED) == {AM}
    assert leave_halves(WED, MON, WED, False, False, WED) == set()  # back a day early


DAYS = st.integers(min_value=0, max_value=12).map(lambda n: MON + timedelta(days=n))


@given(DAYS, DAYS, st.booleans(), st.booleans(), st.one_of(st.none(), DAYS), st.booleans())
def test_leave_4_counted_days_are_the_attendance_leave_half_days(first, last, half_start,
                                                                 half_end, back, excused):
    """LEAVE-4 counts what ATT-3 treats as leave: the working days of `taken_period` are the
    leave half days (½ each) of every working day — whatever the 销假 and its reason."""
    first, last = min(first, last), max(first, last)
    if first == last and half_start and half_end:
        return  # a one-day leave with both halves set is one half day by LEAVE-1's count
    if back is not None and back < first:
        back = first
    taken = taken_period(first, last, half_start, half_end, back, excused)
    counted = leave_working_days(*taken[:2], CAL, *taken[2:]) if taken else Decimal(0)
    halves = sum((Decimal(len(leave_halves(day, first, last, half_start, half_end, back,
                                           excused))) / 2
                  for day in (MON + timedelta(days=n) for n in range(14))
                  if CAL.is_working_day(day)), Decimal(0))
    assert counted == halves


@pytest.mark.parametrize("half_end, back, expected", [
    (False, WED, {}),  # back early
    (False, THU, {}),  # back on time
    (True, WED, {}),  # back on the afternoon of a noon end day, as planned
    (True, THU, {WED: Decimal("0.5")}),  # the afternoon of Wednesday missed
    (False, NEXT_MON, {THU: Decimal(1), FRI: Decimal(1)}),  # the weekend needs no one
    (True, NEXT_MON, {WED: Decimal("0.5"), THU: Decimal(1), FRI: Decimal(1)}),
    (False, None, {}),  # no 销假 yet
])
def test_leave_3_att_3_overstay_counts_the_half_days_that_were_not_leave(half_end, back,
                                                                         expected):
    assert overstay(WED, half_end, back, CAL) == expected


def test_leave_3_no_afternoon_overstayed_on_a_noon_end_day_that_is_no_working_day():
    saturday = D("2026-11-07")
    assert overstay(saturday, True, NEXT_MON, CAL) == {}


@given(DAYS, DAYS, st.booleans(), st.booleans(), DAYS)
def test_att_3_overstay_is_what_the_accepted_reason_would_have_made_leave(first, last,
                                                                         half_start, half_end,
                                                                         back):
    """ATT-3: day by day, the overstay without reason is exactly the half days that become
    leave when the general office accepts the reason — the half days attendance finds absent
    for want of leave."""
    first, last = min(first, last), max(first, last)
    if first == last and half_start and half_end:
        return  # one half day of unknown half (LEAVE-1)
    over = overstay(last, half_end, back, CAL)
    for day in (MON + timedelta(days=n) for n in range(14)):
        if not CAL.is_working_day(day):
            continue
        excused = leave_halves(day, first, last, half_start, half_end, back, True)
        not_excused = leave_halves(day, first, last, half_start, half_end, back, False)
        assert over.get(day, Decimal(0)) == Decimal(len(excused - not_excused)) / 2


# --- AB-1 per half-day (issue #16 item 8) ----------------------------------------------------
MONDAY = D("2026-12-07")
TUESDAY = D("2026-12-08")


@pytest.mark.parametrize("request_, partner, expected", [
    # A away on Tuesday morning, B asks for Tuesday afternoon: someone is present, no clash.
    ((TUESDAY, TUESDAY, True, False), [(TUESDAY, TUESDAY, False, True)], []),
    ((TUESDAY, TUESDAY, False, True), [(TUESDAY, TUESDAY, True, False)], []),
    # Both away the same half-day: a clash on that day.
    ((TUESDAY, TUESDAY, True, False), [(TUESDAY, TUESDAY, True, False)], [TUESDAY]),
    ((TUESDAY, TUESDAY, False, True), [(MONDAY, TUESDAY, False, True)], [TUESDAY]),
    # A whole day against a half day clashes in that half.
    ((MONDAY, TUESDAY), [(TUESDAY, TUESDAY, True, False)], [TUESDAY]),
    # Monday afternoon to Tuesday morning against Monday morning: no clash on Monday.
    ((MONDAY, TUESDAY, True, True), [(MONDAY, MONDAY, False, True)], []),
])
def test_ab_1_presence_is_judged_per_half_day(request_, partner, expected):
    assert uncovered_days(request_, partner, CAL) == expected


def test_ab_1_uncovered_halves_name_the_half_days_and_accept_leave_like_rows():
    class Leave:  # the attributes of models.leave.LeaveRequest
        start_day, end_day, half_day_start, half_day_end = MONDAY, TUESDAY, False, True

    got = uncovered_halves((MONDAY, TUESDAY), [Leave()], CAL)
    assert got == [(MONDAY, "am"), (MONDAY, "pm"), (TUESDAY, "am")]
    assert uncovered_days((MONDAY, TUESDAY), [Leave()], CAL) == [MONDAY, TUESDAY]
    # the existing call shape: (start, end) pairs are whole days
    assert uncovered_halves((TUESDAY, TUESDAY), [(TUESDAY, TUESDAY)], CAL) == [
        (TUESDAY, "am"), (TUESDAY, "pm")]


def test_ab_1_period_halves_of_a_leave_starting_or_ending_at_noon():
    assert period_halves(MONDAY, MONDAY, TUESDAY, True, True) == {"pm"}
    assert period_halves(TUESDAY, MONDAY, TUESDAY, True, True) == {"am"}
    assert period_halves(TUESDAY, MONDAY, D("2026-12-09"), True, True) == {"am", "pm"}
    assert period_halves(D("2026-12-10"), MONDAY, TUESDAY) == set()
    assert period_halves(MONDAY, MONDAY, MONDAY, True, True) == {"pm"}  # one half day


# --- AB-2 away: absence so far, begun half-days (issue #16 item 7) -------------------------
AM_START, PM_START, NOON = 8 * 3600, 14 * 3600, (11 * 3600 + 1800 + 14 * 3600) // 2


@pytest.mark.parametrize("second, begun", [
    (None, {"am", "pm"}),  # a day over
    (AM_START - 1, set()),
    (AM_START, {"am"}),  # the start second itself has begun
    (PM_START - 1, {"am"}),
    (PM_START, {"am", "pm"}),
])
def test_ab_2_half_days_begun_at_a_second(second, begun):
    assert begun_halves(second, (AM_START, PM_START)) == begun


def test_ab_2_att_2_absent_only_in_begun_working_half_days_with_clock_data():
    both = {"am", "pm"}
    assert absent_halves(both, True, True, ()) == both
    assert absent_halves(both, True, True, {"am"}) == {"pm"}
    assert absent_halves({"am"}, True, True, ()) == {"am"}  # the afternoon has not begun
    assert absent_halves(both, True, False, ()) == set()  # ATT-2: no data, no absence
    assert absent_halves(both, False, True, ()) == set()  # no working day
    assert absent_halves(both, True, True, (), clocks_in=False) == set()


def test_ab_2_a_clock_belongs_to_the_half_day_of_the_noon_boundary():
    assert half_of(NOON - 1, NOON) == "am" and half_of(NOON, NOON) == "pm"


@pytest.mark.parametrize("approver, window, head, leader, person, person_window, allowed", [
    (1, 10, True, False, 2, 10, True),  # the window head, own window
    (1, 10, True, False, 2, 20, False),  # another window's
    (1, 10, True, False, 1, 10, False),  # never their own
    (1, None, False, True, 2, 20, True),  # Leadership, anyone else's
    (1, 10, False, False, 2, 10, False),  # a clerk of the same window
    (None, 10, True, False, 2, 10, False),  # no staff row
])
def test_org_2_ab_2_the_window_head_approves_the_cover_of_their_own_window(
        approver, window, head, leader, person, person_window, allowed):
    assert may_approve_away(approver, window, head, leader, person, person_window) is allowed


def test_ab_2_everyone_registers_own_errand_the_head_their_window():
    assert may_register_away(2, 10, False, False, 2, 10)
    assert not may_register_away(2, 10, False, False, 3, 10)
    assert may_register_away(1, 10, True, False, 3, 10)
    assert not may_register_away(1, 10, True, False, 3, 20)


def test_ab_1_the_request_half_days_may_come_as_keywords():
    partner = [(TUESDAY, TUESDAY, True, False)]  # the partner takes Tuesday afternoon
    assert uncovered_days((TUESDAY, TUESDAY), partner, CAL, half_day_end=True) == []
    assert uncovered_days((TUESDAY, TUESDAY), partner, CAL, half_day_start=True) == [TUESDAY]


# --- LEAVE-2 / LEAVE-1: the slot whose only holder may not decide goes up -----------------------
ALL = {"office_head", "director", "deputy_director", "secretary"}


@pytest.mark.parametrize("slot, free, routed", [
    ("office_head", {"office_head", "director"}, "office_head"),  # someone else holds it
    ("office_head", {"deputy_director"}, "director"),  # the only office head filed it
    ("office_head", {"secretary"}, "secretary"),  # no director free either
    ("director", {"deputy_director"}, "director"),  # the deputy decides the director's filing
    ("director", {"secretary", "office_head"}, "secretary"),  # up, never down to the office
    ("director", {"office_head"}, "director"),  # nobody fit is free: as named
    ("secretary", {"director", "office_head"}, "director"),  # the top: the directors
    ("secretary", {"secretary"}, "secretary"),
    ("secretary", set(), "secretary"),
])
def test_leave_2_route_approver_skips_a_slot_whose_holders_may_not_decide(slot, free, routed):
    assert route_approver(slot, ALL, free) == routed


@pytest.mark.parametrize("slot", ["office_head", "director", "secretary"])
def test_leave_2_a_vacant_slot_keeps_the_request_until_someone_is_appointed(slot):
    assert route_approver(slot, ALL - APPROVER_POSITIONS[slot], ALL) == slot


@given(days=st.decimals(min_value=Decimal("0.5"), max_value=30, places=1),
       held=st.sets(st.sampled_from(sorted(ALL | {"town_head", "staff"}))),
       excluded=st.sets(st.sampled_from(sorted(ALL))))
def test_leave_2_a_routed_slot_has_a_free_holder_whenever_one_above_it_has(days, held,
                                                                           excluded):
    slot, free = approver_for(days), held - excluded
    routed = route_approver(slot, held, free)
    rungs = ("office_head", "director", "secretary")
    if any(APPROVER_POSITIONS[name] & free for name in rungs[rungs.index(slot):]):
        assert APPROVER_POSITIONS[routed] & free or not APPROVER_POSITIONS[slot] & held
        assert rungs.index(routed) >= rungs.index(slot)
