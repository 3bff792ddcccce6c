"""办件时限 — deadlines of cases, notices and refusal reviews (CASE-3/5/6/12, NOTICE-1, NEG-2).

Every "within N days" counts working days the CASE-3 way: the day the clock starts is not
counted, the limit ends at the end of the N-th working day after it. `calendar` is a
`WorkCalendar` or anything with `add_working_days` and `working_days_between`; limits come
from rule settings and are passed in, and `today` is an argument, never read from the clock.
"""

from __future__ import annotations

from datetime import date

from app.rules.errors import N_, RuleViolation


def _due(rule_id: str, start: date, days: int, field: str, calendar) -> date:
    if days < 0:
        raise RuleViolation(rule_id, N_("A time limit cannot be negative."), field=field)
    return calendar.add_working_days(start, days)


def case_deadline(accepted_on: date, promised_days: int, calendar) -> date:
    """CASE-3: 办结时限 — the `promised_days`-th working day after acceptance, which is not counted.

    0 days is an 即办件 (即收即办): due the day it is accepted.
    """
    return _due("CASE-3", accepted_on, promised_days, "promised_days", calendar)


def extended_deadline(
    deadline: date,
    extension_days: int,
    max_extension_days: int,
    extensions_so_far: int,
    reason: str,
    calendar,
    max_extensions: int = 1,
    requested_on: date | None = None,
) -> date:
    """CASE-5: 延期办结 — the new, binding deadline: `extension_days` working days after `deadline`.

    Only for a stated reason, for 1..`max_extension_days` working days (rule setting, default
    10), at most `max_extensions` times (default once), and only while the case is on time:
    asked on `requested_on` after the deadline, the case is already overdue (CASE-6) and an
    extension would erase its overdue days, as a late suspension would (CASE-12).
    """
    if extensions_so_far >= max_extensions:
        raise RuleViolation(
            "CASE-5", N_("A case can be extended at most %(max)s time(s)."), max=max_extensions
        )
    if requested_on is not None and requested_on > deadline:
        raise RuleViolation(
            "CASE-5", N_("A case cannot be extended after its deadline %(deadline)s."),
            field="extension_days", deadline=deadline.isoformat(),
        )
    if not (reason or "").strip():
        raise RuleViolation("CASE-5", N_("An extension needs a stated reason."), field="reason")
    if not 1 <= extension_days <= max_extension_days:
        raise RuleViolation(
            "CASE-5",
            N_("An extension is 1 to %(max)s working days."),
            field="extension_days",
            max=max_extension_days,
        )
    return calendar.add_working_days(deadline, extension_days)


def suspended_working_days(suspended_on: date, resumed_on: date, calendar) -> int:
    """CASE-12: 特别程序 — the working days d with suspended_on < d <= resumed_on.

    This is the CASE-3 counting applied to the suspension (民法典 第二百零一条: the day a period
    starts is not counted): the suspension day was available to the clerk and stays in the
    limit, and the resume day is treated like a new acceptance day, which is not counted
    either. So suspending on S and resuming on R leaves exactly the days the case had left at S,
    counted after R; suspended and resumed the same day costs nothing, and consecutive
    suspensions add up. A suspension spent entirely on rest days counts 0.
    """
    if resumed_on < suspended_on:
        raise RuleViolation(
            "CASE-12", N_("A case cannot resume before it was suspended."), field="resumed_on"
        )
    return calendar.working_days_between(suspended_on, resumed_on)


def deadline_after_suspension(deadline: date, suspended_on: date, resumed_on: date, calendar) -> date:
    """CASE-12: the deadline moved by the working days spent suspended (`suspended_working_days`).

    A case past its deadline is already overdue (CASE-6); suspending it then is refused, so a
    late suspension cannot erase the overdue days.
    """
    if suspended_on > deadline:
        raise RuleViolation(
            "CASE-12", N_("A case cannot be suspended after its deadline."), field="suspended_on"
        )
    return deadline_after_resume(deadline, suspended_on, resumed_on, calendar)


def deadline_after_resume(deadline: date, suspended_on: date, resumed_on: date, calendar) -> date:
    """CASE-12: on resuming, the deadline moved by the working days spent suspended.

    Without `deadline_after_suspension`'s check, made when the case was suspended: a holiday
    schedule entered since (CASE-3 recomputation) may have moved the deadline before the
    suspension day, and the case must still resume (and its history still replay).
    """
    return calendar.add_working_days(
        deadline, suspended_working_days(suspended_on, resumed_on, calendar))


def clock_stopped_on(decided_on: date | None, withdrawn_on: date | None) -> date | None:
    """CASE-6: the day a case's clock stopped for good — its decision, else its withdrawal
    while the clock ran (撤回); None while it still runs."""
    return decided_on if decided_on is not None else withdrawn_on


def overdue_working_days(deadline: date, decided_on: date | None, today: date, calendar,
                         withdrawn_on: date | None = None) -> int:
    """CASE-6: 超时 — working days d with deadline < d <= decided_on (or the withdrawal day,
    or today while the case runs).

    The deadline is the end of its day, so a decision on it is on time (0). Each counted day
    costs the window 1 point in SCORE-M3. A case decided on a rest day right after its deadline
    is overdue (app.services.case_queries.overdue_condition) but has 0 overdue working days.
    An overdue case the applicant withdraws keeps the days it had reached: withdrawing must not wipe the window's record.
    """
    stopped = clock_stopped_on(decided_on, withdrawn_on)
    return calendar.working_days_between(deadline, stopped if stopped is not None else today)


def is_overdue(deadline: date, decided_on: date | None, today: date) -> bool:
    """CASE-6: not decided by the end of its deadline day (decided later, or still open after
    it) — the case page's header says so (issue #19); lists ask the same in SQL
    (case_queries.overdue_condition)."""
    return (decided_on if decided_on is not None else today) > deadline


def recomputed_deadlines(accepted_on: date, promised_days: int, extension_days: int | None,
                         suspensions: list[tuple[date, date]], calendar) -> tuple[date, date]:
    """CASE-3/5/12: (acceptance deadline, binding deadline) of a case counted afresh on
    `calendar`, e.g. after the office enters a year's holiday schedule.

    The binding deadline is the acceptance deadline moved by the extension's working days and
    by the working days of each finished suspension (`suspensions`: (suspended_on, resumed_on)
    pairs); adding N then M working days is adding N + M, so their order does not matter.
    Unlike the actions themselves this refuses nothing: the steps were allowed when taken.
    """
    original = case_deadline(accepted_on, promised_days, calendar)
    days = (extension_days or 0) + sum(
        suspended_working_days(start, end, calendar) for start, end in suspensions)
    return original, calendar.add_working_days(original, days)


def notice_due_date(received_on: date, notice_max_days: int, calendar) -> date:
    """NOTICE-1: 一次性告知 not given on the spot is due within `notice_max_days` working days."""
    return _due("NOTICE-1", received_on, notice_max_days, "notice_max_days", calendar)


def refusal_review_due(filed_on: date, review_days: int, calendar) -> date:
    """NEG-2: the section head reviews a refusal report (否定报备) within `review_days` working days."""
    return _due("NEG-2", filed_on, review_days, "review_days", calendar)


def correction_notice_due(corrected_on: date, days: int, calendar) -> date:
    """NEG-2: after a refusal is corrected, the window informs the applicant within `days`."""
    return _due("NEG-2", corrected_on, days, "days", calendar)


def is_late(done_on: date, due_on: date) -> bool:
    """NOTICE-1, NEG-2: done after the end of the due day (late reviews and notices are flagged)."""
    return done_on > due_on
