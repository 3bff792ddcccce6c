"""否定报备 — refusal reports: filed by the window, reviewed by the section head (NEG-1..3).

NEG-1: a clerk who refuses a request within the center's competence, the applicant still
objecting after explanation, files a report (clerk, window, applicant, request, reason, legal
basis). NEG-2: the section head reviews it within `neg.review_days` working days; a correction
obliges the window to inform the applicant within `neg.correction_notify_days`; important
matters go to the deputy director within `neg.escalation_days`. Late ones are flagged.
NEG-3: a refusal without a report is a dereliction (FAULT-1.7) — `refusals_missing_report`.

Every decision is a rule function of app/rules; this module loads what they need and writes
the rows (audited by the session, AUDIT-1). The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select, true
from sqlalchemy.orm import Session

from app.actor import Actor
from app.rules import case_states as cs
from app.rules.deadlines import correction_notice_due, is_late, refusal_review_due
from app.rules.errors import N_, RuleViolation
from app.rules.identity import normalize_credit_code, normalize_id_number, normalize_phone
from app.rules.intake import ORGANISATION, validate_refusal_report
from app.services.calendar import load_calendar
from app.services.settings import setting_value
from models.cases import REVIEW_OUTCOMES, Case, RefusalReport

UPHELD, CORRECTED = REVIEW_OUTCOMES
# What the clerk types or confirms (clerk and window come from the login, NEG-1).
REPORT_FIELDS = ("applicant_unit", "applicant_name", "applicant_id_number", "applicant_address",
                 "applicant_phone", "request", "reason", "legal_basis")
# Left blank, these keep the case's value: a user who may not see them in full (PRIV-1) gets
# an empty field rather than the data, and still files a complete report.
_KEPT_FROM_CASE_IF_BLANK = ("applicant_id_number", "applicant_address", "applicant_phone")


def is_refused(case: Case) -> bool:
    """A case whose decision was a refusal (不予许可), delivered or archived since."""
    return case.state == cs.DECIDED_REFUSED or any(t.action == cs.REFUSE for t in case.transitions)


def report_of(session: Session, case_id: int) -> RefusalReport | None:
    return session.scalars(select(RefusalReport).where(RefusalReport.case_id == case_id)).first()


def report_defaults(case: Case) -> dict:
    """NEG-1: the report's fields as the case already knows them (the form starts from these)."""
    return {
        # An organisation's name is the unit (单位); the person is whoever came to the window.
        "applicant_unit": case.applicant_name if case.applicant_kind == ORGANISATION else None,
        "applicant_name": case.applicant_name,
        "applicant_id_number": case.applicant_id_number,
        "applicant_address": case.applicant_address,
        "applicant_phone": case.applicant_phone,
        "request": case.request or (case.item.name if case.item else None),
        "reason": case.decision_note,
        "legal_basis": None,
    }


def _clean(value):
    return value.strip() or None if isinstance(value, str) else value


def file_report(session: Session, case: Case, fields: dict, actor: Actor, today: date) -> RefusalReport:
    """NEG-1/2: file the refusal report of `case`, due for review `neg.review_days` working
    days after today (the filing day not counted, CASE-3).

    `fields` are REPORT_FIELDS; a missing key takes the case's value (`report_defaults`), a
    blank ID number, address or phone too. PRIV-2 checks the ID number and phone.
    """
    if not is_refused(case):
        raise RuleViolation("NEG-1", N_("Only a refused case gets a refusal report."))
    if report_of(session, case.id) is not None:
        raise RuleViolation("NEG-1", N_("This case already has a refusal report."))
    values = report_defaults(case)
    for key in REPORT_FIELDS:
        if key in fields:
            value = _clean(fields[key])
            if value is not None or key not in _KEPT_FROM_CASE_IF_BLANK:
                values[key] = value
    validate_refusal_report(values)
    if values["applicant_phone"]:
        values["applicant_phone"] = normalize_phone(values["applicant_phone"], field="applicant_phone")
    if values["applicant_id_number"]:
        normalize = normalize_credit_code if case.applicant_kind == ORGANISATION else normalize_id_number
        extra = {"today": today} if normalize is normalize_id_number else {}  # PRIV-2
        values["applicant_id_number"] = normalize(values["applicant_id_number"],
                                                  field="applicant_id_number", **extra)
    review_due = refusal_review_due(today, setting_value(session, "neg.review_days"),
                                    load_calendar(session))
    report = RefusalReport(case=case, window_id=case.window_id, clerk_id=actor.staff_id,
                           filed_on=today, review_due=review_due, **values)
    session.add(report)
    session.flush()
    return report


def review_report(session: Session, report: RefusalReport, outcome: str, note: str | None,
                  important: bool, actor: Actor, today: date) -> RefusalReport:
    """NEG-2: the section head's review: the refusal upheld, or corrected (then the window
    informs the applicant within `neg.correction_notify_days` working days); `important`
    means it goes to the deputy director (`record_escalation`).

    Reviewing late is allowed — the report is then flagged (`RefusalReport.review_late`).
    """
    if report.reviewed_on is not None:
        raise RuleViolation("NEG-2", N_("This refusal report has already been reviewed."))
    if outcome not in REVIEW_OUTCOMES:
        raise RuleViolation("NEG-2", N_("Choose whether the refusal is upheld or corrected."),
                            field="outcome")
    note = _clean(note)
    if outcome == CORRECTED and not note:
        raise RuleViolation("NEG-2", N_("A correction needs a note saying what is corrected."),
                            field="review_note")
    report.reviewed_on, report.reviewer_id = today, actor.staff_id
    report.outcome, report.review_note, report.important = outcome, note, bool(important)
    if outcome == CORRECTED:
        report.inform_due = correction_notice_due(
            today, setting_value(session, "neg.correction_notify_days"), load_calendar(session))
    session.flush()
    return report


def record_escalation(report: RefusalReport, today: date) -> RefusalReport:
    """NEG-2: an important refusal was reported to the deputy director today."""
    if not report.important or report.reviewed_on is None:
        raise RuleViolation("NEG-2", N_("Only a reviewed refusal marked important is reported to "
                                        "the deputy director."))
    if report.escalated_on is not None:
        raise RuleViolation("NEG-2", N_("The report to the deputy director is already recorded."))
    report.escalated_on = today
    return report


def record_informed(report: RefusalReport, today: date) -> RefusalReport:
    """NEG-2: the window told the applicant of the correction today."""
    if report.outcome != CORRECTED:
        raise RuleViolation("NEG-2", N_("Only a corrected refusal needs the applicant informed."))
    if report.informed_on is not None:
        raise RuleViolation("NEG-2", N_("Informing the applicant is already recorded."))
    report.informed_on = today
    return report


@dataclass(frozen=True)
class ReportStatus:
    """NEG-2: the deadlines of a report after its review and whether each is (or was) missed."""

    review_late: bool
    escalation_due: date | None
    escalation_late: bool
    inform_due: date | None
    inform_late: bool


def report_status(session: Session, report: RefusalReport, today: date, calendar=None) -> ReportStatus:
    """Late = done after the due day, or not done and the due day is past (like `review_late`).

    The escalation is counted from the review: that is when the section head judges the
    matter important.
    """
    escalation_due = None
    if report.important and report.reviewed_on is not None:
        calendar = calendar or load_calendar(session)
        escalation_due = calendar.add_working_days(
            report.reviewed_on, setting_value(session, "neg.escalation_days"))
    return ReportStatus(
        review_late=is_late(report.reviewed_on or today, report.review_due),
        escalation_due=escalation_due,
        escalation_late=escalation_due is not None and is_late(report.escalated_on or today,
                                                               escalation_due),
        inform_due=report.inform_due,
        inform_late=report.inform_due is not None and is_late(report.informed_on or today,
                                                              report.inform_due),
    )


def refusals_missing_report(session: Session, window_id: int | None = None) -> list[Case]:
    """NEG-3: refusals the applicant still objected to after the explanation (NEG-1) that
    have no refusal report — each a dereliction (FAULT-1.7) — of one window or all, oldest
    first. Found in SQL through the indexed objection flag, not by loading refusals."""
    query = (select(Case).where(missing_report_condition())
             .order_by(Case.decided_on, Case.id))
    if window_id is not None:
        query = query.where(Case.window_id == window_id)
    return list(session.scalars(query))


def missing_report_condition():
    """NEG-3 in SQL: objected (NEG-1), and no refusal report — a dereliction (FAULT-1.7;
    only objected refusals need a report, 001 否定报备 二)."""
    return and_(Case.applicant_objected == true(),
                ~exists().where(RefusalReport.case_id == Case.id))


__all__ = ["file_report", "review_report", "record_escalation", "record_informed",
           "report_status", "refusals_missing_report", "missing_report_condition", "report_defaults", "is_refused",
           "report_of", "ReportStatus", "REPORT_FIELDS", "UPHELD", "CORRECTED"]


def reports_awaiting_review(session: Session, limit: int = 10) -> tuple[list[RefusalReport], int]:
    """NEG-2 (issue #20, the section head's home): refusal reports not yet reviewed, the
    earliest review deadline first, at most `limit`, and how many there are."""
    pending = RefusalReport.reviewed_on.is_(None)
    total = session.scalar(select(func.count(RefusalReport.id)).where(pending)) or 0
    rows = list(session.scalars(select(RefusalReport).where(pending)
                                .order_by(RefusalReport.review_due, RefusalReport.id).limit(limit)))
    return rows, total
