"""PRIV-1 in the audit trail (issue #18): an audit entry shows an applicant's ID number and
phone in full to exactly those who see them in full on the case's own page, and masked — in
the declared fields and in any other text of the entry — to everyone who sees them masked there.

Reading of PRIV-1 (RULES.md: "shown in full only to staff of the case's window, Office and
Leadership"; app/security.py `may_see_personal_data`): Leadership sees them in full on every
case page, so it does in the trail too; Admin sees them masked, unless Admin's own staff row
is in the case's window (then the case page shows them in full, and so does the trail)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.audit import AuditLog
from tests.factories import ID_NUMBER

PHONE = "13912345678"
NOTE_PHONE = "13800001111"
RAW = (ID_NUMBER, PHONE, NOTE_PHONE)


@pytest.fixture
def audited_case(db_session, case_of, item):
    """A case (ID number and phone) whose 申请事项 was then corrected to quote a second phone:
    two entries, a create and an update with free text."""
    case = case_of(item)
    case.request = f"申请人另留电话 {NOTE_PHONE}"
    db_session.commit()
    entries = db_session.scalars(select(AuditLog).where(
        AuditLog.model == "Case", AuditLog.record_id == str(case.id)).order_by(AuditLog.id)).all()
    created = [e for e in entries if e.action == "create"]
    corrected = [e for e in entries if e.action == "update" and '"request"' in e.changes]
    assert len(created) == len(corrected) == 1
    return case, created + corrected


def pages(actor, case, entries) -> tuple[str, list[str]]:
    case_page = actor.get(f"/caseview/show/{case.id}")
    assert case_page.status_code == 200
    trail = []
    for entry in entries:
        response = actor.get(f"/auditlogview/show/{entry.id}")
        assert response.status_code == 200
        trail.append(response.get_data(as_text=True))
    return case_page.get_data(as_text=True), trail


@pytest.mark.parametrize("who,full", [
    ("Admin", False),
    ("Admin of the case's window", True),
    ("Leadership", True),
])
def test_priv_1_the_audit_trail_shows_what_the_case_page_shows(log_in, window_a, audited_case,
                                                               who, full):
    case, entries = audited_case
    role = who.split()[0]
    actor = log_in(role, window=window_a if "window" in who else None)
    case_page, trail = pages(actor, case, entries)
    assert (ID_NUMBER in case_page) is full  # the case page's own answer for this user
    text = "\n".join(trail)
    for raw in RAW:
        assert (raw in text) is full, (who, raw)
    if not full:
        assert "1101**********002X" in trail[0] and "139****5678" in trail[0]
        assert "138****1111" in trail[1]  # the free text of the update, masked too


def test_priv_1_the_audit_trail_never_shows_more_than_the_case_page(log_in, window_a,
                                                                    audited_case):
    """Every role that reads the trail: an ID or phone number shown raw in an entry is shown
    raw on the case page to the same user."""
    case, entries = audited_case
    for role in ("Admin", "Leadership"):
        case_page, trail = pages(log_in(role), case, entries)
        for raw in (ID_NUMBER, PHONE):
            if any(raw in page for page in trail):
                assert raw in case_page, (role, raw)
