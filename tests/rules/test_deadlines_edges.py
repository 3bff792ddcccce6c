"""办件时限 at the edges: every refused time limit tells the clerk, in Chinese and next to the
right field, which rule it breaks and the value it needs (CASE-3/5/12, NOTICE-1, NEG-2)."""

from datetime import date

import pytest

from app.rules.calendar import WorkCalendar
from app.rules.deadlines import (
    case_deadline,
    correction_notice_due,
    deadline_after_suspension,
    extended_deadline,
    notice_due_date,
    refusal_review_due,
    suspended_working_days,
)
from tests.rules.shown import breaks

CAL = WorkCalendar()
D = date.fromisoformat
ACCEPTED = D("2026-09-30")


@pytest.mark.parametrize(("rule_id", "field", "due"), [
    ("CASE-3", "promised_days", lambda days: case_deadline(ACCEPTED, days, CAL)),
    ("NOTICE-1", "notice_max_days", lambda days: notice_due_date(ACCEPTED, days, CAL)),
    ("NEG-2", "review_days", lambda days: refusal_review_due(ACCEPTED, days, CAL)),
    ("NEG-2", "days", lambda days: correction_notice_due(ACCEPTED, days, CAL)),
])
def test_case_3_notice_1_neg_2_a_negative_limit_is_refused_next_to_its_setting(rule_id, field, due):
    """CASE-3, NOTICE-1, NEG-2: "within -1 days" is no time limit; the setting is named."""
    with breaks(rule_id, field=field, says="时限不能为负数"):
        due(-1)
    assert due(0) == ACCEPTED  # the edge: 0 days is the same day


def test_case_5_extensions_used_up_says_how_many_are_allowed():
    """CASE-5: at most once (the `max_extensions` setting, here twice) — the message says so."""
    with breaks("CASE-5", field=None, says="2"):
        extended_deadline(D("2026-10-13"), 5, 10, 2, "专家论证", CAL, max_extensions=2)


def test_case_5_extension_after_the_deadline_names_the_deadline():
    """CASE-5: asked the day after the deadline, refused with the deadline the clerk missed."""
    with breaks("CASE-5", field="extension_days", says="2026-10-13"):
        extended_deadline(D("2026-10-13"), 5, 10, 0, "专家论证", CAL, requested_on=D("2026-10-14"))
    # asked on the deadline day itself: still on time
    assert extended_deadline(D("2026-10-13"), 1, 10, 0, "专家论证", CAL,
                             requested_on=D("2026-10-13")) == D("2026-10-14")


def test_case_5_extension_without_reason_is_refused_at_the_reason_field():
    with breaks("CASE-5", field="reason", says="理由"):
        extended_deadline(D("2026-10-13"), 5, 10, 0, "  ", CAL)


def test_case_5_extension_longer_than_the_maximum_names_the_maximum():
    with breaks("CASE-5", field="extension_days", says="10"):
        extended_deadline(D("2026-10-13"), 11, 10, 0, "专家论证", CAL)


def test_case_12_resume_before_suspension_is_refused_at_the_resume_date():
    with breaks("CASE-12", field="resumed_on"):
        suspended_working_days(D("2026-10-13"), D("2026-10-12"), CAL)


def test_case_12_suspension_after_the_deadline_is_refused_at_the_suspension_date():
    with breaks("CASE-12", field="suspended_on"):
        deadline_after_suspension(D("2026-10-13"), D("2026-10-14"), D("2026-10-15"), CAL)
