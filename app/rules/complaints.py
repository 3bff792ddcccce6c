"""投诉 — escalation of verified complaints and the answer's due date (COMP-2, COMP-4).

Pure: plain values in, plain values out; the limit comes from rule settings and the
`calendar` (a `WorkCalendar` or anything with `add_working_days`) is passed in.
"""

from __future__ import annotations

from datetime import date

from app.rules.errors import N_, RuleViolation

#: COMP-4: the step proposed for the n-th verified complaint about one staff member in a year.
ESCALATION_LABELS = {
    1: N_("Oral criticism"),  # 口头批评
    2: N_("Notice of criticism"),  # 通报批评
    3: N_("Notify the home department and order rectification within a time limit"),
    # 通知派驻单位并限期整改
}


#: COMP-2: who decides a complex complaint (or one concerning two or more windows): the
#: center's director (中心主任, ORG-1) — by Staff.position, whatever the login role, as LEAVE-2
#: routes leave by position. The deputy directors (分管主任) are not the director.
COMPLEX_DECIDER_POSITIONS = frozenset({"director"})


def is_complex(complexity: str | None, other_windows: int = 0) -> bool:
    """COMP-2: marked complex, or concerning two or more windows (the one recorded and at
    least one further window)."""
    return complexity == "complex" or int(other_windows) > 0


def may_decide_outcome(complex_case: bool, position: str | None) -> bool:
    """COMP-2: a simple complaint is decided by whoever handles complaints (Office,
    Leadership); a complex one "goes to the director": only a director posts its outcome."""
    return not complex_case or position in COMPLEX_DECIDER_POSITIONS


def escalation_step(verified_in_year: int) -> int:
    """COMP-4: 投诉责任追究 — 1st verified 口头批评, 2nd 通报批评, 3rd and later 通知派驻单位.

    `verified_in_year` counts the verified complaints (查实) including this one; there is no
    step without one, so 0 or less raises `RuleViolation`.
    """
    count = int(verified_in_year)
    if count < 1:
        raise RuleViolation(
            "COMP-4",
            N_("An escalation step needs at least one verified complaint."),
            field="verified_in_year",
        )
    return min(count, 3)


def answer_due(
    received_on: date,
    complex_case: bool,
    calendar,
    promised_on: date | None = None,
    limit_days: int = 15,
) -> date | None:
    """COMP-2: 投诉答复时限 — complex (or multi-window) complaints within `limit_days` working days.

    Counted like CASE-3 (the day of receipt is not counted). A simple complaint is due on
    its promised date, or the day it is received when decided on the spot (当场答复).
    """
    if complex_case:
        if limit_days < 0:
            raise RuleViolation(
                "COMP-2", N_("A time limit cannot be negative."), field="limit_days"
            )
        return calendar.add_working_days(received_on, limit_days)
    return received_on if promised_on is None else promised_on
