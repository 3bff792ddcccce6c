"""A clerk's day in the browser: intake with a missing material → one-time notice → materials
brought → acceptance → start → approval → delivery with the applicant's rating (CASE-1..4,
NOTICE-1, CASE-11)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.cases import Case
from models.catalogue import ItemMaterial, ServiceItem
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def counter(db_session, window_a, make_user):
    item = ServiceItem(code="E-001", name="个体工商户设立登记", window=window_a, kind="promised",
                       promised_days=5, statutory_days=15, fee_standard=None)
    item.materials = [ItemMaterial(name="经营者身份证", form="original", copies=1, mandatory=True, sort_order=1),
                      ItemMaterial(name="经营场所证明", form="copy", copies=1, mandatory=True, sort_order=2)]
    db_session.add(item)
    db_session.commit()
    clerk = make_user("Clerk", username="clerk_e2e", window=window_a)
    return item, clerk


def act(page, shot, action: str, fields: dict | None = None, step: str | None = None):
    page.click(f'a[data-action="{action}"]')
    for selector, value in (fields or {}).items():
        if selector.startswith("select"):
            page.select_option(selector.split(":", 1)[1], value)
        else:
            page.fill(selector, value)
    if step:
        shot(page, step)
    with page.expect_navigation():
        page.click("#action-form button[type=submit]")


def test_case_journey_from_intake_to_delivery(page, db_session, counter, shot, browser_login, offline_check):
    item, clerk = counter
    browser_login(page, clerk.username, PASSWORD)
    page.goto("/caseview/intake/")
    shot(page, "case-intake-choose")
    page.click(f"text={item.name}")
    page.select_option("#case_class", "supplement")
    page.fill("#applicant_name", "孙七")
    page.fill("#applicant_id_number", ID_NUMBER)
    page.fill("#applicant_phone", "13912345678")
    page.fill(f"#copies_{item.materials[0].id}", "1")  # the premises proof is missing
    shot(page, "case-intake-form")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    shot(page, "case-supplement-requested")
    case = db_session.scalars(select(Case)).one()
    assert case.state == "supplement_requested"
    assert [m.name for m in case.notices[0].materials] == ["经营场所证明"]

    act(page, shot, "receive_materials", {f"#copies_{item.materials[1].id}": "1"})
    act(page, shot, "accept")
    act(page, shot, "start")
    act(page, shot, "approve", {"#note": "准予登记"})
    act(page, shot, "deliver", {"#collector": "孙七", "select:#rating": "satisfied"}, step="case-deliver-form")
    shot(page, "case-delivered")
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.state == "delivered" and case.satisfaction == "satisfied"
    assert [t.action for t in case.transitions] == [
        "intake", "receive_materials", "accept", "start", "approve", "deliver"]
    assert page.locator(".case-timeline li.timeline-transition").count() == 6  # six transitions
    offline_check()


def test_case_4_a_bad_extension_shows_the_message_next_to_the_field(
        page, db_session, counter, shot, browser_login):
    item, clerk = counter
    browser_login(page, clerk.username, PASSWORD)
    page.goto(f"/caseview/intake/?item={item.id}")
    page.fill("#applicant_name", "孙七")
    for m in item.materials:
        page.fill(f"#copies_{m.id}", "1")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    act(page, shot, "start")
    act(page, shot, "extend", {"#extension_days": "30", "#reason": "需要现场核查"})
    shot(page, "case-extend-refused")
    assert page.locator(".field-error").count() == 1
    db_session.expire_all()
    assert db_session.scalars(select(Case)).one().extended is False
