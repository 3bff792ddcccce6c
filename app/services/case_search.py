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

from sqlalchemy.orm import Session

from app.rules.identity import applicant_search_key
from app.services.audit import record_change
from app.services.case_queries import APPLICANT_SEARCH_LIMIT, cases_by_applicant
from app.services.transaction import transaction
from models.cases import Case

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
