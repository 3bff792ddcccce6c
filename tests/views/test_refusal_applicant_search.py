"""PRIV-1/PRIV-2, ORG-2, AUDIT-1 (issue #19) for 否定报备: the refusal-report list offers no
unaudited filter by the applicant's name; an applicant's reports are found by the audited
search box instead (app/services/case_search.search_refusals_by_applicant) — the whole name,
the whole ID number or the phone, within the user's rows (own window), personal data masked
where it must be, the value typed never in a URL, a log or the audit entry."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import select

from app.services.refusals import file_report
from app.views.refusals import RefusalReportView
from models.audit import AuditLog
from tests.refusal_kit import REPORT, SEED

URL = "/refusalreportview/applicant/"
PHONE, ID_NUMBER = REPORT["applicant_phone"], REPORT["applicant_id_number"]


@pytest.fixture
def reports(db_session, item_of, decided_case, window_a, window_b):
    """A report of 钱七 in each window, and one of 孙八 in window A."""
    made = {}
    for key, window, name in (("a", window_a, "钱七"), ("b", window_b, "钱七"),
                              ("other", window_a, "孙八")):
        case = decided_case(item_of(window, code=f"R-{key}"))
        values = {**REPORT, "applicant_name": name}
        if key == "other":
            values.update(applicant_phone="13800000000", applicant_id_number="")
        made[key] = file_report(db_session, case, values, SEED, date(2026, 9, 30))
        db_session.commit()
    return made


def search(actor, query: str):
    return actor.post_form(URL, {"query": query})


def number(report) -> str:
    return report.case.number


def test_org_2_a_clerk_finds_own_windows_reports_of_the_applicant_by_name(as_clerk, reports):
    html = search(as_clerk, " 钱七 ").get_data(as_text=True)
    assert number(reports["a"]) in html
    assert number(reports["b"]) not in html and number(reports["other"]) not in html
    assert ID_NUMBER in html and PHONE in html  # own window: in full (PRIV-1)


def test_priv_1_the_section_head_finds_every_window_masked(as_section_head, reports):
    html = search(as_section_head, "139 1234 5678").get_data(as_text=True)
    assert number(reports["a"]) in html and number(reports["b"]) in html
    assert number(reports["other"]) not in html
    assert PHONE not in html and ID_NUMBER not in html and "139****5678" in html


def test_priv_2_a_name_is_matched_whole_and_bad_input_is_said_next_to_the_box(as_leadership,
                                                                              reports):
    html = search(as_leadership, "钱").get_data(as_text=True)
    assert "applicant-hits" in html and number(reports["a"]) not in html
    refused = search(as_leadership, ID_NUMBER[:14]).get_data(as_text=True)
    assert "field-error" in refused and number(reports["a"]) not in refused


def test_audit_1_priv_1_a_search_is_audited_without_the_name_nor_logged(as_clerk, reports,
                                                                        db_session, caplog):
    search(as_clerk, "12345")  # refused: nothing searched, nothing audited
    with caplog.at_level(logging.DEBUG):
        search(as_clerk, "钱七")
    assert "钱七" not in caplog.text
    db_session.expire_all()
    entry = db_session.scalars(select(AuditLog).where(AuditLog.action == "search")).one()
    assert (entry.username, entry.model, entry.record_id) == (
        as_clerk.user.username, "RefusalReport", "applicant")
    assert '"name"' in entry.changes and number(reports["a"]) in entry.changes
    assert number(reports["b"]) not in entry.changes  # another window's: not a hit
    assert "钱七" not in entry.changes and "\\u94b1" not in entry.changes


def test_audit_1_the_audit_page_says_how_it_was_searched(as_clerk, log_in, reports, db_session):
    search(as_clerk, PHONE)
    entry = db_session.scalars(select(AuditLog).where(AuditLog.action == "search")).one()
    html = log_in("Leadership").get(f"/auditlogview/show/{entry.id}").get_data(as_text=True)
    assert "查询方式" in html and "电话" in html and PHONE not in html


def test_priv_1_the_list_offers_no_unaudited_name_filter_but_the_audited_box(as_clerk, reports):
    assert "applicant_name" not in RefusalReportView.search_columns
    listing = as_clerk.get("/refusalreportview/list/").get_data(as_text=True)
    assert f'action="{URL}"' in listing and 'method="post"' in listing
    assert "申请人姓名、电话或证件号码" in listing
    filtered = as_clerk.get("/refusalreportview/list/?_flt_0_applicant_name=孙八")
    assert number(reports["a"]) in filtered.get_data(as_text=True)  # ignored, not applied


def test_org_2_the_public_may_not_search(public, reports):
    page = public.post(URL, data={"query": PHONE})
    assert page.status_code in (302, 400, 401, 403)
    assert number(reports["a"]) not in page.get_data(as_text=True)


# Columns that find a person: the applicant's (cases, refusal reports), the complainant's, the
# one who collected a result, a staff member's phone. Looking someone up by them is the audited
# applicant search, never a list filter (FAB's GET filters are audited by nobody).
PERSONAL_COLUMNS = {"applicant_name", "applicant_id_number", "applicant_phone",
                    "applicant_address", "complainant_name", "complainant_contact",
                    "collector_name", "phone"}


def test_priv_1_no_list_page_nor_api_filters_by_personal_data(app):
    """Every registered view and API, FAB's default included (no `search_columns`: every
    column) — e.g. the staff API, which searched the staff phone before."""
    searched = {type(view).__name__: set(getattr(view, "search_columns", None) or ())
                for view in app.appbuilder.baseviews}
    assert searched["RefusalReportView"] and searched["StaffApi"]
    offending = {name: columns & PERSONAL_COLUMNS for name, columns in searched.items()
                 if columns & PERSONAL_COLUMNS}
    assert offending == {}
