"""否定报备 through the pages: filing from the refused case, the section head's review, late
flags, the list of refusals without a report (NEG-1, NEG-2, NEG-3, ORG-2, PRIV-1, AUDIT-1)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.services.cases import apply_action
from app.services.refusals import (file_report, record_escalation, record_informed,
                                   refusals_missing_report, report_status, review_report)
from models.audit import AuditLog
from models.cases import RefusalReport
from tests.factories import clock_on
from tests.refusal_kit import ID_NUMBER, REPORT, SEED

ANY_FORM = "/resetmypassword/form"  # every role has this page, with a CSRF token


clock = clock_on


@pytest.fixture
def today(center_now):
    """Fix the center's today (the app's clock, issue #17) for the pages and the late flags."""
    center_now(date(2026, 9, 30))
    return center_now


@pytest.fixture
def refused(item_of, decided_case, window_a):
    return decided_case(item_of(window_a))


def count_reports(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(RefusalReport.id)))


def field_row(html: str, name: str) -> str:
    """The form's table row holding input `name` (its message sits in the same row)."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        if f'name="{name}"' in row:
            return row
    raise AssertionError(f"no row for {name}")


def filed(db_session, case, day=date(2026, 9, 30)) -> RefusalReport:
    report = file_report(db_session, case, REPORT, SEED, day)
    db_session.commit()
    return report


# --- NEG-1: filing -------------------------------------------------------------------------
def test_neg_1_clerk_files_the_report_from_the_refused_case_prefilled_from_the_case(
        log_in, db_session, window_a, refused, today):
    clerk = log_in("Clerk", window=window_a)
    case_page = clerk.get(f"/caseview/show/{refused.id}").get_data(as_text=True)
    assert f"/refusalreportview/file/{refused.id}" in case_page
    form = clerk.get(f"/refusalreportview/file/{refused.id}").get_data(as_text=True)
    assert "钱七" in form and "13912345678" in form and "经营场所不符合要求" in form
    response = clerk.post_form(f"/refusalreportview/file/{refused.id}", REPORT)
    assert response.status_code == 302, response.get_data(as_text=True)
    report = db_session.scalars(select(RefusalReport)).one()
    assert report.case_id == refused.id and report.window_id == window_a.id
    assert report.clerk is not None and report.clerk.user_id == clerk.user.id
    assert report.filed_on == date(2026, 9, 30) and report.legal_basis.startswith("《食品")
    # Filing twice leads to the report already there.
    again = clerk.get(f"/refusalreportview/file/{refused.id}")
    assert again.status_code == 302 and f"/refusalreportview/show/{report.id}" in again.headers["Location"]


def test_neg_1_missing_legal_basis_shows_the_message_next_to_the_field_and_saves_nothing(
        log_in, db_session, window_a, refused, today):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/refusalreportview/file/{refused.id}", {**REPORT, "legal_basis": "  "})
    assert response.status_code == 200
    row = field_row(response.get_data(as_text=True), "legal_basis")
    assert "field-error" in row and ("依据" in row or "legal basis" in row)
    assert count_reports(db_session) == 0


def test_neg_1_only_a_refused_case_gets_a_report(log_in, db_session, window_a, item_of, decided_case, today):
    approved = decided_case(item_of(window_a), action=cs.APPROVE)
    clerk = log_in("Clerk", window=window_a)
    assert "/refusalreportview/file/" not in clerk.get(f"/caseview/show/{approved.id}").get_data(as_text=True)
    response = clerk.post_form(f"/refusalreportview/file/{approved.id}", REPORT,
                               form_url=f"/caseview/show/{approved.id}")
    assert response.status_code == 302 and count_reports(db_session) == 0
    with pytest.raises(RuleViolation) as caught:
        file_report(db_session, approved, REPORT, SEED, date(2026, 9, 30))
    assert caught.value.rule_id == "NEG-1"


def test_neg_1_a_delivered_refusal_still_gets_its_report(db_session, refused):
    apply_action(db_session, refused, cs.DELIVER, SEED, clock(date(2026, 9, 29)), collector="钱七")
    db_session.commit()
    assert filed(db_session, refused).case_id == refused.id


# --- NEG-2: review due, late flags, correction and escalation ------------------------------
# Checked by hand against the State Council's 2026 schedule (国办发明电〔2025〕7号): National Day
# 10-01..10-07 off (Mid-Autumn is 09-25..09-27 this year), Thu 10-08 an ordinary working day,
# Sat 10-10 an adjusted working day. Filed Wed 09-30, the filing day not counted (CASE-3):
# 10-08 (1), 10-09 (2), 10-10 (3) — as in RULES.md's CASE-3 example, where limit 5 ends 10-13.
@pytest.mark.parametrize("filed_on, due", [
    (date(2026, 9, 30), date(2026, 10, 10)),
    (date(2026, 10, 9), date(2026, 10, 13)),  # Fri → Sat 10-10 (1), Mon (2), Tue (3)
    (date(2026, 11, 2), date(2026, 11, 5)),  # an ordinary week
])
def test_neg_2_review_due_date_follows_the_calendar(db_session, refused, filed_on, due):
    assert filed(db_session, refused, day=filed_on).review_due == due


def test_neg_2_review_due_shown_after_filing_through_the_page(log_in, db_session, window_a, refused, today):
    clerk = log_in("Clerk", window=window_a)
    response = clerk.post_form(f"/refusalreportview/file/{refused.id}", REPORT)
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-10-10" in page
    assert db_session.scalars(select(RefusalReport)).one().review_due == date(2026, 10, 10)


def test_neg_2_section_head_can_review_and_a_clerk_cannot(log_in, db_session, window_a, refused, today):
    report = filed(db_session, refused)
    clerk = log_in("Clerk", window=window_a)
    assert clerk.get(f"/refusalreportview/review/{report.id}").status_code == 403
    assert "data-refusal=\"review\"" not in clerk.get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    section = log_in("SectionHead")
    today(date(2026, 10, 9))
    assert "data-refusal=\"review\"" in section.get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    response = section.post_form(f"/refusalreportview/review/{report.id}",
                                 {"outcome": "upheld", "review_note": "依据充分"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.expire_all()
    report = db_session.get(RefusalReport, report.id)
    assert (report.outcome, report.reviewed_on) == ("upheld", date(2026, 10, 9))
    assert not report_status(db_session, report, date(2026, 10, 9)).review_late
    assert report.reviewer is not None and report.reviewer.user_id == section.user.id
    # The clerk cannot record a review by posting either; the section head cannot file.
    assert clerk.post_form(f"/refusalreportview/review/{report.id}", {"outcome": "corrected"},
                           form_url=ANY_FORM).status_code == 403
    assert section.get(f"/refusalreportview/file/{refused.id}").status_code == 302  # to the report


def test_neg_2_section_head_does_not_file(log_in, db_session, refused, today):
    assert log_in("SectionHead").get(f"/refusalreportview/file/{refused.id}").status_code == 403


def test_neg_2_a_late_review_is_flagged_in_the_list_and_on_the_report(log_in, db_session, window_a, refused, today):
    report = filed(db_session, refused)  # due 2026-10-10
    section = log_in("SectionHead")
    today(date(2026, 10, 12))
    listing = section.get("/refusalreportview/list/").get_data(as_text=True)
    assert refused.number in listing and ("逾期" in listing or "Late" in listing)
    section.post_form(f"/refusalreportview/review/{report.id}", {"outcome": "upheld"})
    db_session.expire_all()
    report = db_session.get(RefusalReport, report.id)
    assert report.reviewed_on == date(2026, 10, 12)
    assert report_status(db_session, report, date(2026, 10, 12)).review_late
    page = section.get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    assert 'data-late="review"' in page


def test_neg_2_review_on_the_due_day_is_not_late(db_session, refused):
    report = filed(db_session, refused)
    review_report(db_session, report, "upheld", None, False, SEED, date(2026, 10, 10))
    assert not report_status(db_session, report, date(2026, 10, 20)).review_late


def test_neg_2_correction_sets_inform_due_three_working_days_later_and_flags_late_informing(
        log_in, db_session, window_a, refused, today):
    report = filed(db_session, refused)
    section = log_in("SectionHead")
    today(date(2026, 10, 9))
    response = section.post_form(f"/refusalreportview/review/{report.id}",
                                 {"outcome": "corrected", "review_note": "应予许可"})
    assert response.status_code == 302
    db_session.expire_all()
    report = db_session.get(RefusalReport, report.id)
    # Fri 10-09, not counted: Sat 10-10 (adjusted working day), Mon 10-12, Tue 10-13.
    assert report.inform_due == date(2026, 10, 13)
    clerk = log_in("Clerk", window=window_a)
    today(date(2026, 10, 14))
    assert 'data-late="inform"' in clerk.get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    clerk.post_form(f"/refusalreportview/informed/{report.id}", {},
                    form_url=f"/refusalreportview/show/{report.id}")
    db_session.expire_all()
    report = db_session.get(RefusalReport, report.id)
    assert report.informed_on == date(2026, 10, 14)
    assert report_status(db_session, report, date(2026, 10, 30)).inform_late


def test_neg_2_a_correction_needs_a_note(log_in, db_session, refused, today):
    report = filed(db_session, refused)
    response = log_in("SectionHead").post_form(f"/refusalreportview/review/{report.id}",
                                               {"outcome": "corrected", "review_note": ""})
    assert response.status_code == 200
    assert "field-error" in field_row(response.get_data(as_text=True), "review_note")
    db_session.expire_all()
    assert db_session.get(RefusalReport, report.id).reviewed_on is None


def test_neg_2_important_matter_is_reported_to_the_deputy_director_within_the_setting(db_session, refused):
    report = filed(db_session, refused)
    review_report(db_session, report, "upheld", "涉及多个部门", True, SEED, date(2026, 10, 9))
    status = report_status(db_session, report, date(2026, 10, 9))
    assert status.escalation_due == date(2026, 10, 13) and not status.escalation_late
    assert report_status(db_session, report, date(2026, 10, 14)).escalation_late
    record_escalation(report, date(2026, 10, 12))
    assert not report_status(db_session, report, date(2026, 10, 30)).escalation_late
    with pytest.raises(RuleViolation):
        record_escalation(report, date(2026, 10, 13))
    with pytest.raises(RuleViolation):  # upheld: nobody to inform
        record_informed(report, date(2026, 10, 13))


def test_neg_2_section_head_records_the_escalation_through_the_page(log_in, db_session, refused, today):
    report = filed(db_session, refused)
    review_report(db_session, report, "upheld", None, True, SEED, date(2026, 10, 9))
    db_session.commit()
    section = log_in("SectionHead")
    today(date(2026, 10, 12))
    section.post_form(f"/refusalreportview/escalate/{report.id}", {},
                      form_url=f"/refusalreportview/show/{report.id}")
    db_session.expire_all()
    assert db_session.get(RefusalReport, report.id).escalated_on == date(2026, 10, 12)


# --- ORG-2 / PRIV-1 / AUDIT-1 --------------------------------------------------------------
def test_org_2_clerk_of_another_window_gets_404(log_in, db_session, window_b, refused, today):
    report = filed(db_session, refused)
    other = log_in("Clerk", window=window_b)
    assert other.get(f"/refusalreportview/show/{report.id}").status_code == 404
    assert other.get(f"/refusalreportview/file/{refused.id}").status_code == 404
    assert refused.number not in other.get("/refusalreportview/list/").get_data(as_text=True)
    head = log_in("WindowHead", window=window_b)
    assert head.post_form(f"/refusalreportview/informed/{report.id}", {}, form_url=ANY_FORM).status_code == 404


def test_priv_1_personal_data_in_full_for_the_window_masked_for_the_section_head(
        log_in, db_session, window_a, refused, today):
    report = filed(db_session, refused)
    own = log_in("Clerk", window=window_a).get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    section = log_in("SectionHead").get(f"/refusalreportview/show/{report.id}").get_data(as_text=True)
    assert ID_NUMBER in own and "13912345678" in own
    assert ID_NUMBER not in section and "13912345678" not in section and "139****5678" in section


def test_audit_1_filing_and_review_are_in_the_audit_trail(db_session, refused):
    report = filed(db_session, refused)
    review_report(db_session, report, "upheld", None, False, SEED, date(2026, 10, 9))
    db_session.commit()
    actions = db_session.scalars(select(AuditLog.action).where(
        AuditLog.model == "RefusalReport", AuditLog.record_id == str(report.id)).order_by(AuditLog.id)).all()
    assert actions == ["create", "update"]


# --- NEG-3: refused cases without a report --------------------------------------------------
def test_neg_3_list_shows_an_objected_refusal_without_report(
        log_in, db_session, window_a, window_b, item_of, decided_case, today):
    """NEG-3: only a refusal the applicant still objected to (NEG-1) needs a report."""
    item = item_of(window_a)
    with_report, without = decided_case(item), decided_case(item)
    accepted_by_applicant = decided_case(item, objected=False)
    approved = decided_case(item, action=cs.APPROVE)
    elsewhere = decided_case(item_of(window_b, code="R-002"))
    filed(db_session, with_report)
    assert [c.id for c in refusals_missing_report(db_session)] == [without.id, elsewhere.id]
    page = log_in("SectionHead").get("/refusalreportview/missing/").get_data(as_text=True)
    assert without.number in page and elsewhere.number in page
    assert with_report.number not in page and approved.number not in page
    assert accepted_by_applicant.number not in page
    own = log_in("Clerk", window=window_a).get("/refusalreportview/missing/").get_data(as_text=True)
    assert without.number in own and elsewhere.number not in own
    assert f"/refusalreportview/file/{without.id}" in own


# --- ORG-2: the permission table of the domain ----------------------------------------------
VIEW_TABLE = [
    ("/refusalreportview/list/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 302}),
    ("/refusalreportview/missing/", {"Admin": 200, "Leadership": 200, "Office": 200, "SectionHead": 200, "WindowHead": 200, "Clerk": 200, None: 302}),
    ("/refusalreportview/review/{report}", {"Admin": 200, "Leadership": 403, "Office": 403, "SectionHead": 200, "WindowHead": 403, "Clerk": 403, None: 302}),
    ("/refusalreportview/file/{case}", {"Admin": 200, "Leadership": 403, "Office": 403, "SectionHead": 403, "WindowHead": 200, "Clerk": 200, None: 302}),
    ("/refusalreportview/add", {"Admin": 404, "Leadership": 404, "Office": 404, "SectionHead": 404, "WindowHead": 404, "Clerk": 404, None: 404}),
    ("/refusalreportview/edit/{report}", {"Admin": 404, "Leadership": 404, "Office": 404, "SectionHead": 404, "WindowHead": 404, "Clerk": 404, None: 404}),
]


@pytest.mark.parametrize("role", ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk", None])
def test_org_2_refusal_report_permissions_by_role(role, log_in, public, db_session, window_a,
                                                  item_of, decided_case, today):
    item = item_of(window_a)
    report = filed(db_session, decided_case(item))
    unfiled = decided_case(item)
    client = public if role is None else log_in(
        role, window=window_a if role in ("WindowHead", "Clerk") else None).client
    for url, expected in VIEW_TABLE:
        url = url.format(report=report.id, case=unfiled.id)
        status = client.get(url).status_code
        assert status == expected[role], f"{role} GET {url}: {status} != {expected[role]}"
