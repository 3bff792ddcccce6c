"""查找申请人的办件 — a staff member finds an applicant's cases by the whole name, the whole ID
number or the phone (issue #19): the rows the caller may see (ORG-2 + AB-2 as `scope`), and one
audit entry per search (AUDIT-1: who looked for an applicant, when, how — by name, ID number or
phone — and which cases came up) that never holds what was typed (PRIV-1: the case numbers
identify the applicant for an auditor who may follow them; the audit page masks as the case
pages do).

Looking a person up by name is a personal-data search like the others, so it is this search
too, audited the same way; the case list's own filters offer no applicant name (an unaudited
name search, and the name in the URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.rules.identity import applicant_search_key
from app.services.audit import record_change
from app.services.case_queries import APPLICANT_SEARCH_LIMIT, cases_by_applicant
from app.services.transaction import transaction
from models.cases import Case, RefusalReport

SEARCH_ACTION = "search"  # the audit entry's action (models.audit: at most 10 characters)
AUDITED_NUMBERS = 20  # the case numbers one audit entry lists


@dataclass
class ApplicantSearch:
    cases: list[Case] = field(default_factory=list)
    more: bool = False  # more than APPLICANT_SEARCH_LIMIT: the newest are shown


def search_cases_by_applicant(session: Session, typed: str | None, scope=None) -> ApplicantSearch:
    """The cases of the applicant whose name, ID number or phone is `typed`, newest first.

    Raises `RuleViolation` (PRIV-2, field "query") for what is no name, whole ID number nor
    phone; nothing is audited then. `scope` is app.security.case_scope_condition() of the caller.
    """
    column, value = applicant_search_key(typed, field="query")
    with transaction(session):
        found = cases_by_applicant(session, column, value, scope)
        numbers = [case.number for case in found[:APPLICANT_SEARCH_LIMIT]]
        record_change(session, SEARCH_ACTION, "Case", "applicant", {
            "searched_by": [None, column], "hits": [None, len(numbers)],
            "cases": [None, " ".join(numbers[:AUDITED_NUMBERS])]})
    # The commit expired the rows: read them again for the page (one indexed query).
    found = cases_by_applicant(session, column, value, scope)
    return ApplicantSearch(cases=found[:APPLICANT_SEARCH_LIMIT], more=len(found) > APPLICANT_SEARCH_LIMIT)


# --- 否定报备: the same search over refusal reports (PRIV-1, ORG-2) ----------------------------
@dataclass
class RefusalSearch:
    reports: list[RefusalReport] = field(default_factory=list)
    more: bool = False  # more than APPLICANT_SEARCH_LIMIT: the newest are shown


def reports_by_applicant(session: Session, column: str, value: str, window_id: int | None = None,
                         limit: int = APPLICANT_SEARCH_LIMIT) -> list[RefusalReport]:
    """The refusal reports whose applicant ID number, phone or name (`column`, as
    `applicant_search_key` names it) is exactly `value` (stored form: file_report normalises
    the ID number and the phone as the intake does), newest first, at most `limit` + 1.
    `window_id`: the caller's window (ORG-2, app.security.window_scope), None for every window."""
    target = {"id_number": RefusalReport.applicant_id_number,
              "phone": RefusalReport.applicant_phone,
              "name": RefusalReport.applicant_name}[column]
    query = (select(RefusalReport).where(target == value)
             .options(selectinload(RefusalReport.case), selectinload(RefusalReport.window))
             .order_by(RefusalReport.filed_on.desc(), RefusalReport.id.desc()).limit(limit + 1))
    if window_id is not None:
        query = query.where(RefusalReport.window_id == window_id)
    return list(session.scalars(query))


def search_refusals_by_applicant(session: Session, typed: str | None,
                                 window_id: int | None = None) -> RefusalSearch:
    """PRIV-1 / PRIV-2: the refusal reports of the applicant whose whole name, whole ID number
    or phone is `typed`, within the caller's rows (ORG-2: `window_id`), newest first — audited
    as the case search is (one entry: who, when, by which kind of value, how many hits and the
    case numbers of the reports; never what was typed). Raises `RuleViolation` (PRIV-2, field
    "query") for what is no name, whole ID number nor phone; nothing is audited then."""
    column, value = applicant_search_key(typed, field="query")
    with transaction(session):
        found = reports_by_applicant(session, column, value, window_id)
        numbers = [report.case.number for report in found[:APPLICANT_SEARCH_LIMIT]]
        record_change(session, SEARCH_ACTION, "RefusalReport", "applicant", {
            "searched_by": [None, column], "hits": [None, len(numbers)],
            "cases": [None, " ".join(numbers[:AUDITED_NUMBERS])]})
    found = reports_by_applicant(session, column, value, window_id)
    return RefusalSearch(reports=found[:APPLICANT_SEARCH_LIMIT],
                         more=len(found) > APPLICANT_SEARCH_LIMIT)
