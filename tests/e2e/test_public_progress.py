"""The public on a phone: from the guide to the progress lookup, then the rating (CASE-11, PRIV-1).

Screenshots: public-progress-not-found, public-progress-found, public-progress-rated.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from app.actor import Actor, Clock
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from models.catalogue import ItemMaterial, ServiceItem
from tests.e2e.conftest import MOBILE
from tests.factories import horizontal_overflow

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
NAME = "赵六"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def delivered_case(db_session, window_a):
    item = ServiceItem(code="P-001", name="居住证办理", window=window_a, kind="promised",
                       promised_days=5, statutory_days=15, fee_standard=Decimal("20.00"),
                       fee_item="工本费", fee_basis="收费文件")
    item.materials = [ItemMaterial(name="身份证", form="original", copies=1, mandatory=True)]
    db_session.add(item)
    db_session.commit()
    day = date(2026, 11, 2)
    clock = Clock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc), day)
    actor = Actor(username="seed")
    case = register_intake(
        db_session,
        Intake(item_id=item.id, case_class="accepted", received={item.materials[0].id: 1},
               applicant=Applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE,
                                   address="江苏省南通市崇川区人民路1号")),
        actor, clock)
    for action in (cs.START, cs.APPROVE, cs.DELIVER):
        apply_action(db_session, case, action, actor, clock, collector=NAME,
                     fee_amount=Decimal("20"))  # CASE-9: the fee collected on delivery
    db_session.commit()
    return case


def look_up(page, number: str, phone: str):
    page.fill("#number", number)
    page.fill("#phone", phone)
    with page.expect_navigation():
        page.click("form.progress-lookup [type=submit]")


def test_case_11_public_looks_up_a_case_on_a_phone_and_rates_it(
    page, shot, offline_check, center, delivered_case, db_session
):
    page.set_viewport_size(MOBILE)
    page.goto("/guide/")
    with page.expect_navigation():
        page.click("a.guide-progress-link, .guide-progress-link a")
    assert page.locator("h1").inner_text() == "办件进度查询"

    # A wrong phone: the one "not found" answer, the number kept for correcting, the phone not.
    look_up(page, delivered_case.number.lower(), "138 0000 9999")
    assert "没有找到与该办件编号和电话号码相符的办件" in page.inner_text("main")
    assert page.input_value("#number") == delivered_case.number
    assert page.input_value("#phone") == ""
    assert horizontal_overflow(page) <= 0
    shot(page, "public-progress-not-found")

    look_up(page, delivered_case.number, "139-1234-5678")
    main = page.inner_text("main")
    for shown in (delivered_case.number, "居住证办理", "已送达", "2026-11-02",
                  delivered_case.deadline.isoformat(), "评价我们的服务"):
        assert shown in main, shown
    for personal in (NAME, ID_NUMBER, PHONE, "人民路"):
        assert personal not in main, personal
    assert horizontal_overflow(page) <= 0
    shot(page, "public-progress-found")

    page.get_by_label("基本满意").check()
    page.fill("#opinion", "等候时间稍长，其他都很好")
    with page.expect_navigation():
        page.click("form.progress-rating [type=submit]")
    assert "感谢您的评价" in page.inner_text("main")
    assert page.locator("form.progress-rating").count() == 0
    assert horizontal_overflow(page) <= 0
    shot(page, "public-progress-rated")

    db_session.expire_all()
    assert (delivered_case.satisfaction, delivered_case.satisfaction_source,
            delivered_case.satisfaction_opinion) == ("basically_satisfied", "public", "等候时间稍长，其他都很好")
    offline_check()
