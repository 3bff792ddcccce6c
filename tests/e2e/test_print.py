"""NOTICE-2 in a real browser: every printable document of a case is exactly one A4 page.

For each document the clerk opens, two screenshots are saved under artifacts/screenshots/:
`print-<kind>` (the page on screen: toolbar and sheet) and `print-<kind>-paper` (the print
style on an A4-sized viewport with the page margins, i.e. what the paper shows). Chromium's
own PDF of the print style (`page.pdf(format="A4")`) must have exactly one page.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.services.cases import staff_actor
from app.services.refusals import record_escalation, record_informed, report_of, review_report
from tests.factories import PASSWORD
from tests.case_documents import DOCUMENTS, intake, make_item, story
from tests.e2e.printing import MATERIALS, print_pages

pytestmark = pytest.mark.e2e

def test_notice_2_every_document_is_one_a4_page_and_works_offline(
        page, shot, browser_login, offline_check, make_user, db_session, window_a):
    item = make_item(db_session, window_a, MATERIALS)
    user = make_user("Clerk", window=window_a)
    cases = story(db_session, item, staff_actor(db_session, user))
    browser_login(page, user.username, PASSWORD)
    pages = {}
    for kind in DOCUMENTS:
        case = cases[kind]
        page.goto(f"/print/case/{case.id}/{kind}")
        assert case.number in page.locator(".doc-ref").first.inner_text(), kind
        pages[kind] = print_pages(page, shot, kind)
    # The refusal report at its fullest: corrected, important, reported, applicant told.
    report = report_of(db_session, cases["refusal_report"].id)
    review_report(db_session, report, "corrected", "经复核，申请人提交的社保缴纳记录可证明其"
                  "在本镇居住已满半年，否定理由不成立，应予纠正并重新受理。", True,
                  staff_actor(db_session, user), date(2026, 11, 5))
    record_escalation(report, date(2026, 11, 6))
    record_informed(report, date(2026, 11, 9))
    db_session.commit()
    page.goto(f"/print/case/{cases['refusal_report'].id}/refusal_report")
    pages["refusal_report-reviewed"] = print_pages(page, shot, "refusal_report-reviewed")
    assert pages == {**dict.fromkeys(DOCUMENTS, 1), "refusal_report-reviewed": 1}, "pages on A4"
    offline_check()


def test_notice_1_a_one_time_notice_of_many_materials_still_fits_both_copies_on_one_page(
        page, shot, browser_login, make_user, db_session, window_a):
    many = tuple((f"{name}（第{i}项）", form, True) for i in range(2)
                 for name, form, _ in MATERIALS[:5])
    item = make_item(db_session, window_a, many)
    user = make_user("Clerk", window=window_a)
    case = intake(db_session, item, staff_actor(db_session, user), case_class="supplement",
                  received={item.materials[0].id: 1},
                  defective={item.materials[0].id: "证件已过有效期，请提供有效期内的原件"})
    assert len(case.notices[-1].materials) == len(many)
    browser_login(page, user.username, PASSWORD)
    page.goto(f"/print/case/{case.id}/one_time")
    assert page.locator(".copy").count() == 2
    assert print_pages(page, shot, "one_time-many") == 1


def test_notice_2_the_documents_also_fit_one_page_in_english(
        page, shot, browser_login, make_user, db_session, window_a):
    """The catalogue's other language has longer labels: the layout must still hold."""
    item = make_item(db_session, window_a, MATERIALS)
    user = make_user("Clerk", window=window_a)
    cases = story(db_session, item, staff_actor(db_session, user))
    browser_login(page, user.username, PASSWORD)
    page.goto("/lang/en")
    pages = {}
    for kind in DOCUMENTS:
        page.goto(f"/print/case/{cases[kind].id}/{kind}")
        assert page.locator("html").get_attribute("lang") == "en"
        pages[kind] = print_pages(page, shot, f"en-{kind}")
    assert pages == dict.fromkeys(DOCUMENTS, 1), "pages on A4"
