"""Printable documents of a case (NOTICE-1/2, CASE-5/12, NEG-1, ORG-2, PRIV-1, OFFLINE).

One story gives every document: a case accepted on Monday 2026-11-02 (limit 5 → 11-09),
extended by 3 working days on 11-04 (→ 11-12), suspended for an expert review on 11-05 and
resumed on 11-09 (two working days not counted → 11-16), approved and delivered, and refused
on a second request with a refusal report; a supplement case gives the one-time notice and
a returned case the return notice.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.actor import Actor, Clock
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake, staff_actor
from app.services.refusals import review_report
from models.cases import Case, RefusalReport
from tests.case_documents import DOCUMENTS, PHONE, intake, make_item, story
from tests.factories import ID_NUMBER, clock_on

MASKED_ID = "1101**********002X"
clock = clock_on


# What each document must say, beyond the center, the case number and the applicant.
KEY_CONTENT = {
    "acceptance": ["居住证办理", "2026-11-02 10:00", "2026-11-09", "身份证", "租房合同", "20.00"],
    "receipt": ["身份证", "租房合同", "2026-11-02 10:00"],
    "one_time": ["租房合同", "身份证", "复印件不清晰，请提供原件", "2026-11-02", "2026-11-09"],
    "return": ["缺少主件：申请人身份证", "租房合同", "身份证"],
    # Reprinted after the suspension moved the deadline again: the dates the notice gave.
    "extension": ["需赴现场核查房屋租赁情况", "2026-11-09", "2026-11-12", "2026-11-04"],
    "special_procedure": ["专家评审", "房屋用途需专家认定", "2026-11-05", "2026-11-12",
                          "2026-11-16"],
    "delivery": ["钱七（代领）", "2026-11-17 10:00", "居住证（编号 320601-0001）", "2026-11-16"],
    "refusal_report": ["南通某物流有限公司", "为其在本镇暂住的员工申领居住证",
                       "申请人在本镇居住未满半年", "《居住证暂行条例》第二条", "2026-11-06"],
}


@pytest.fixture
def item(db_session, window_a):
    return make_item(db_session, window_a)


@pytest.fixture
def clerk(log_in, window_a):
    return log_in("Clerk", window=window_a)


@pytest.fixture
def cases(db_session, item, clerk):
    return story(db_session, item, staff_actor(db_session, clerk.user))


def url(case: Case, kind: str) -> str:
    return f"/print/case/{case.id}/{kind}"


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_notice_2_every_document_prints_for_the_cases_own_clerk(clerk, cases, center, kind):
    case = cases[kind]
    response = clerk.get(url(case, kind))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in [center.name, case.number, "赵六", ID_NUMBER, "居住证办理", "公安户政窗口",
                 *KEY_CONTENT[kind]]:
        assert text in html, f"{kind}: {text!r} missing"
    # Issued by the clerk's own Staff row (notice.staff / case.clerk / report.clerk), with the
    # signature lines and the place of the center's seal.
    assert case.clerk.name in html
    assert 'class="signs' in html and 'class="seal"' in html


def test_notice_2_documents_are_standalone_a4_pages_without_the_menu_or_external_links(clerk, cases):
    for kind in DOCUMENTS:
        html = clerk.get(url(cases[kind], kind)).get_data(as_text=True)
        # A QR code's address is printed as text beneath it (issue #19): words, not a link.
        html = re.sub(r'<figure class="qr".*?</figure>', "", html, flags=re.S)
        assert "http://" not in html and "https://" not in html, kind
        assert "/static/css/print.css" in html and "/static/js/print.js" in html and "data-print" in html
        assert "navbar" not in html, f"{kind} uses FAB's layout"


def test_notice_1_one_time_notice_lists_every_material_in_both_copies(clerk, cases):
    case = cases["one_time"]
    notice = case.notices[-1]
    html = clerk.get(url(case, "one_time")).get_data(as_text=True)
    assert {m.name for m in notice.materials} == {"身份证", "租房合同"}
    for m in notice.materials:
        assert html.count(m.name) >= 2, f"{m.name} not in both copies"
    assert html.count('class="copy"') == 2 and 'class="cut"' in html


def test_notice_2_a_given_one_time_notice_is_reprinted_by_its_id(clerk, cases, db_session):
    case = cases["one_time"]
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, Actor(username="seed"),
                 clock(date(2026, 11, 4)), received={case.item.materials[1].id: 1})
    apply_action(db_session, case, cs.REQUEST_SUPPLEMENT, Actor(username="seed"),
                 clock(date(2026, 11, 4)), materials=[case.item.materials[1].id],
                 defective={case.item.materials[1].id: "合同已过期"})
    db_session.commit()
    first, second = [n for n in case.notices if n.kind == "one_time"]
    latest = clerk.get(url(case, "one_time")).get_data(as_text=True)
    assert "合同已过期" in latest and "复印件不清晰" not in latest
    again = clerk.get(f"{url(case, 'one_time')}?notice={first.id}").get_data(as_text=True)
    assert "复印件不清晰" in again and "合同已过期" not in again
    assert clerk.get(f"{url(case, 'one_time')}?notice=999999").status_code == 404


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_org_2_a_clerk_of_another_window_gets_404(log_in, window_b, cases, kind):
    other = log_in("Clerk", window=window_b)
    assert other.get(url(cases[kind], kind)).status_code == 404


def test_notice_2_a_document_the_case_does_not_have_is_404(clerk, db_session, item):
    accepted = intake(db_session, item, Actor(username="seed"))
    for kind in ("one_time", "return", "extension", "special_procedure", "delivery",
                 "refusal_report", "no_such_document"):
        assert clerk.get(url(accepted, kind)).status_code == 404, kind
    supplement = intake(db_session, item, Actor(username="seed"), case_class="supplement",
                        received={})
    assert clerk.get(url(supplement, "acceptance")).status_code == 404
    assert clerk.get(url(supplement, "receipt")).status_code == 404
    assert clerk.get(url(supplement, "one_time")).status_code == 200
    assert clerk.get("/print/case/999999/acceptance").status_code == 404


@pytest.mark.parametrize("kind", ["acceptance", "one_time", "delivery", "refusal_report"])
def test_priv_1_a_section_head_sees_the_id_number_and_phone_masked(log_in, cases, kind):
    html = log_in("SectionHead").get(url(cases[kind], kind)).get_data(as_text=True)
    assert ID_NUMBER not in html and PHONE not in html, kind
    assert MASKED_ID in html and "139****5678" in html


def test_notice_2_dates_are_the_centers_calendar_days(clerk, db_session, item):
    """17:30 UTC on 1 November is 01:30 on 2 November in Shanghai."""
    case = register_intake(
        db_session,
        Intake(item_id=item.id, case_class="accepted",
               received={m.id: m.copies for m in item.materials},
               applicant=Applicant(name="孙八", id_number=ID_NUMBER)),
        Actor(username="seed"),
        Clock(datetime(2026, 11, 1, 17, 30, tzinfo=timezone.utc), date(2026, 11, 2)))
    db_session.commit()
    html = clerk.get(url(case, "acceptance")).get_data(as_text=True)
    assert "2026-11-02 01:30" in html and "2026-11-01" not in html


def test_notice_2_the_receipt_checks_the_materials_against_the_items_list(clerk, db_session, item):
    case = intake(db_session, item, Actor(username="seed"), case_class="supplement",
                  received={item.materials[0].id: 1})
    html = clerk.get(url(case, "receipt")).get_data(as_text=True)
    rows = html.split("<tr>")[1:]
    contract = next(r for r in rows if "租房合同" in r)
    identity = next(r for r in rows if "身份证" in r and "<td" in r)
    assert ">0<" in contract.replace(" ", "") and "missing" in contract
    assert "missing" not in identity


def test_neg_1_refusal_report_prints_from_the_report_and_is_404_without_one(clerk, cases, db_session):
    refused = cases["refusal_report"]
    report = db_session.scalars(select(RefusalReport).where(RefusalReport.case_id == refused.id)).one()
    review_report(db_session, report, "upheld", "理由充分", False, Actor(username="head"),
                  date(2026, 11, 5))
    db_session.commit()
    html = clerk.get(url(refused, "refusal_report")).get_data(as_text=True)
    assert "理由充分" in html and "2026-11-05" in html
    assert clerk.get(url(cases["acceptance"], "refusal_report")).status_code == 404


def test_notice_2_every_date_is_printed_as_yyyy_mm_dd(clerk, cases):
    for kind in DOCUMENTS:
        html = clerk.get(url(cases[kind], kind)).get_data(as_text=True)
        assert not re.search(r"\d{4}年|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4}", html), kind

