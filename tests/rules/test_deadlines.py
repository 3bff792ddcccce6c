"""办件时限 — deadlines of cases, notices and refusal reviews (CASE-3/5/6/12, NOTICE-1, NEG-2)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.calendar import WorkCalendar
from app.rules.deadlines import (
    case_deadline,
    correction_notice_due,
    deadline_after_resume,
    deadline_after_suspension,
    extended_deadline,
    is_late,
    notice_due_date,
    overdue_working_days,
    recomputed_deadlines,
    refusal_review_due,
    suspended_working_days,
)
from app.rules.errors import RuleViolation

CAL = WorkCalendar()
D = date.fromisoformat


class EveryDayCalendar:
    """Any object with the two methods will do: here every day is a working day."""

    def add_working_days(self, start, days):
        return start + timedelta(days=days)

    def working_days_between(self, start, end):
        return max(0, (end - start).days)


# -- CASE-3 -------------------------------------------------------------------------------


def test_case_3_acceptance_day_not_counted():
    assert case_deadline(D("2026-03-02"), 1, CAL) == D("2026-03-03")


def test_case_3_national_day_2026_example():
    # RULES.md: National Day holiday 10-01..10-07, then the adjusted working Saturday 10-10 counts.
    assert case_deadline(D("2026-09-30"), 5, CAL) == D("2026-10-13")


def test_case_3_immediate_case_is_due_the_same_day():
    assert case_deadline(D("2026-09-30"), 0, CAL) == D("2026-09-30")


def test_case_3_negative_limit_is_refused():
    with pytest.raises(RuleViolation) as err:
        case_deadline(D("2026-09-30"), -1, CAL)
    assert (err.value.rule_id, err.value.field) == ("CASE-3", "promised_days")


def test_case_3_works_with_any_calendar_like_object():
    assert case_deadline(D("2026-10-01"), 5, EveryDayCalendar()) == D("2026-10-06")


# -- CASE-5 -------------------------------------------------------------------------------


def extend(days=10, so_far=0, reason="专家论证需补充现场核查", **kw):
    return extended_deadline(D("2026-10-13"), days, 10, so_far, reason, CAL, **kw)


def test_case_5_extension_adds_working_days_to_the_deadline():
    assert extend(10) == D("2026-10-27")
    assert extend(1) == D("2026-10-14")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_case_5_extension_needs_a_stated_reason(reason):
    with pytest.raises(RuleViolation) as err:
        extend(reason=reason)
    assert (err.value.rule_id, err.value.field) == ("CASE-5", "reason")


@pytest.mark.parametrize("days", [-1, 0, 11, 30])
def test_case_5_extension_days_within_max_extension_days(days):
    with pytest.raises(RuleViolation) as err:
        extend(days)
    assert (err.value.rule_id, err.value.field) == ("CASE-5", "extension_days")
    assert "10" in err.value.render()


def test_case_5_extension_only_once():
    with pytest.raises(RuleViolation) as err:
        extend(so_far=1)
    assert err.value.rule_id == "CASE-5"
    assert extend(so_far=1, max_extensions=2) == D("2026-10-27")


# -- CASE-6 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline, decided, today, days, overdue",
    [
        ("2026-10-09", "2026-10-08", "2026-10-20", 0, False),  # decided early
        ("2026-10-09", "2026-10-09", "2026-10-20", 0, False),  # on the deadline day: on time
        ("2026-10-09", "2026-10-10", "2026-10-20", 1, True),  # adjusted working Saturday counts
        ("2026-10-09", "2026-10-12", "2026-10-20", 2, True),  # Sun 10-11 does not
        ("2026-10-09", None, "2026-10-09", 0, False),  # open, due today
        ("2026-10-09", None, "2026-10-13", 3, True),  # open, late
        ("2026-03-06", "2026-03-07", "2026-03-20", 0, True),  # late, but on a rest day
        ("2026-09-30", None, "2026-10-07", 0, True),  # open through National Day: no working day yet
        ("2026-09-30", None, "2026-10-08", 1, True),
    ],
)
def test_case_6_overdue_working_days(deadline, decided, today, days, overdue):
    """`overdue` (past the end of the deadline day, even with 0 working days) is the SQL
    condition's, tested on these rows in tests/services/test_cases.py."""
    decided = D(decided) if decided else None
    assert overdue_working_days(D(deadline), decided, D(today), CAL) == days
    assert days == 0 or overdue


# -- CASE-12 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suspended, resumed, days",
    [
        ("2026-03-02", "2026-03-02", 0),  # resumed the same day
        ("2026-03-02", "2026-03-03", 1),  # Mon → Tue
        ("2026-03-06", "2026-03-09", 1),  # Fri → Mon: only Monday counts
        ("2026-03-06", "2026-03-07", 0),  # Fri → Sat: no working day lost
        ("2026-09-30", "2026-10-08", 1),  # over National Day
        ("2026-09-30", "2026-10-12", 4),  # 10-08, 10-09, Sat 10-10, 10-12
    ],
)
def test_case_12_suspended_working_days(suspended, resumed, days):
    assert suspended_working_days(D(suspended), D(resumed), CAL) == days


def test_case_12_deadline_moves_by_the_suspended_working_days():
    deadline = D("2026-10-13")
    # 4 working days suspended (10-08, 10-09, Sat 10-10, 10-12): 10-14, 15, 16, 19.
    assert deadline_after_suspension(deadline, D("2026-09-30"), D("2026-10-12"), CAL) == D("2026-10-19")
    assert deadline_after_suspension(deadline, deadline, deadline, CAL) == deadline


def test_case_12_cannot_resume_before_suspension():
    with pytest.raises(RuleViolation) as err:
        suspended_working_days(D("2026-03-03"), D("2026-03-02"), CAL)
    assert (err.value.rule_id, err.value.field) == ("CASE-12", "resumed_on")


def test_case_12_cannot_suspend_an_overdue_case():
    with pytest.raises(RuleViolation) as err:
        deadline_after_suspension(D("2026-10-13"), D("2026-10-14"), D("2026-10-20"), CAL)
    assert (err.value.rule_id, err.value.field) == ("CASE-12", "suspended_on")


@given(
    accepted=st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31)),
    limit=st.integers(1, 30),
    into=st.floats(0, 1, exclude_max=True),
    pause=st.integers(0, 60),
)
def test_case_12_suspension_pauses_the_clock_and_resume_restarts_it(accepted, limit, into, pause):
    """Suspended at S before the deadline, resumed at R: the days left at S are counted after R."""
    deadline = case_deadline(accepted, limit, CAL)
    suspended = accepted + timedelta(days=int(into * (deadline - accepted).days))
    resumed = suspended + timedelta(days=pause)
    left = limit - CAL.working_days_between(accepted, suspended)
    assert deadline_after_suspension(deadline, suspended, resumed, CAL) == case_deadline(resumed, left, CAL)


# -- NOTICE-1, NEG-2 ----------------------------------------------------------------------


def test_notice_1_due_within_notice_max_days_working_days():
    assert notice_due_date(D("2026-09-30"), 5, CAL) == D("2026-10-13")
    assert notice_due_date(D("2026-09-30"), 0, CAL) == D("2026-09-30")  # on the spot


def test_notice_1_negative_limit_is_refused():
    with pytest.raises(RuleViolation) as err:
        notice_due_date(D("2026-09-30"), -5, CAL)
    assert (err.value.rule_id, err.value.field) == ("NOTICE-1", "notice_max_days")


def test_neg_2_refusal_review_due_in_three_working_days():
    assert refusal_review_due(D("2026-04-30"), 3, CAL) == D("2026-05-08")  # over Labour Day


def test_neg_2_correction_notice_due_in_three_working_days():
    assert correction_notice_due(D("2026-02-13"), 3, CAL) == D("2026-02-25")  # Sat 02-14 counts


@pytest.mark.parametrize(
    "done, due, late",
    [
        ("2026-05-07", "2026-05-08", False),
        ("2026-05-08", "2026-05-08", False),  # on the due day: in time
        ("2026-05-09", "2026-05-08", True),
    ],
)
def test_neg_2_late_reviews_are_flagged(done, due, late):
    assert is_late(D(done), D(due)) is late


# -- Rule gaps of issue #9 (CASE-3/5/6) ---------------------------------------------------
def test_case_5_extension_asked_after_the_deadline_is_refused():
    with pytest.raises(RuleViolation) as caught:
        extended_deadline(D("2026-11-09"), 3, 10, 0, "需现场核查", CAL,
                          requested_on=D("2026-11-10"))
    assert caught.value.rule_id == "CASE-5" and caught.value.field == "extension_days"
    # On the deadline day itself the case is still on time (the deadline is the end of it).
    assert extended_deadline(D("2026-11-09"), 3, 10, 0, "需现场核查", CAL,
                             requested_on=D("2026-11-09")) == D("2026-11-12")


def test_case_6_withdrawn_case_keeps_the_overdue_days_it_reached():
    # Due Mon 11-09, withdrawn Fri 11-13: Tue–Fri are 4 overdue working days, for good.
    assert overdue_working_days(D("2026-11-09"), None, D("2026-12-31"), CAL,
                                withdrawn_on=D("2026-11-13")) == 4
    # Withdrawn on time: nothing, however late "today" is.
    assert overdue_working_days(D("2026-11-09"), None, D("2026-12-31"), CAL,
                                withdrawn_on=D("2026-11-09")) == 0


def test_case_3_recomputed_deadline_adds_extension_and_finished_suspensions():
    # Accepted Mon 11-02, 5 days → 11-09; suspended 11-03 → 11-06 (3 days); extended by 3.
    original, deadline = recomputed_deadlines(D("2026-11-02"), 5, 3,
                                              [(D("2026-11-03"), D("2026-11-06"))], CAL)
    assert original == D("2026-11-09") and deadline == D("2026-11-17")


def test_case_3_recomputed_deadline_follows_a_new_closure():
    closed = WorkCalendar(extra_holidays=[D("2027-03-03")])
    assert recomputed_deadlines(D("2027-03-01"), 5, None, [], WorkCalendar())[1] == D("2027-03-08")
    assert recomputed_deadlines(D("2027-03-01"), 5, None, [], closed)[1] == D("2027-03-09")


@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 30)),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=15),
    st.integers(min_value=0, max_value=20),
)
def test_case_3_recomputed_deadline_equals_the_actions_step_by_step(accepted, limit, extension,
                                                                     into, pause):
    """The bulk recomputation gives what the actions gave one by one (CASE-3, 5, 12)."""
    deadline = case_deadline(accepted, limit, CAL)
    suspended_on = min(accepted + timedelta(days=into), deadline)
    resumed_on = suspended_on + timedelta(days=pause)
    step = deadline_after_suspension(deadline, suspended_on, resumed_on, CAL)
    if extension:
        step = extended_deadline(step, extension, 10, 0, "原因", CAL)
    assert recomputed_deadlines(accepted, limit, extension, [(suspended_on, resumed_on)],
                                CAL) == (deadline, step)


def test_case_12_resume_moves_a_deadline_that_a_new_schedule_put_before_the_suspension():
    # Suspended Thu 11-05 while due 11-09; a schedule change put the deadline at 11-04.
    assert deadline_after_resume(D("2026-11-04"), D("2026-11-05"), D("2026-11-10"), CAL) == \
        D("2026-11-09")  # 11-06, 11-09, 11-10 suspended: 3 working days after 11-04
    with pytest.raises(RuleViolation):  # a new suspension that late is still refused
        deadline_after_suspension(D("2026-11-04"), D("2026-11-05"), D("2026-11-10"), CAL)


def test_case_6_is_overdue_from_the_day_after_the_deadline():
    """CASE-6: decided on the deadline is on time; open or decided after it is overdue."""
    from app.rules.deadlines import is_overdue

    deadline = date(2026, 11, 9)
    assert not is_overdue(deadline, None, deadline)
    assert is_overdue(deadline, None, date(2026, 11, 10))
    assert not is_overdue(deadline, deadline, date(2026, 12, 1))
    assert is_overdue(deadline, date(2026, 11, 10), date(2026, 11, 10))
