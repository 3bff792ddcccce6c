"""Issue #19 in the browser: a clerk registers a case with the keyboard alone — the class's
own fields, the ID number read as it is typed, the material checklist, the missing material
named with its one action (补充件 + the one-time notice) — and the case page reads at a glance.
Screenshots at 1366 × 768 (CASE-1/2, NOTICE-1, PRIV-2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models.cases import Case
from models.catalogue import ItemMaterial, ServiceItem
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e
ID_NUMBER = "11010519491231002X"  # born 1949-12-31, a woman (17th digit even)
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def counter(db_session, window_a, make_user):
    item = ServiceItem(code="K-019", name="居住证办理", window=window_a, kind="promised",
                       promised_days=5, statutory_days=15, fee_standard=Decimal("20.00"),
                       fee_item="工本费", fee_basis="收费文件")
    item.materials = [
        ItemMaterial(name="居民身份证", form="original", copies=1, mandatory=True, sort_order=1),
        ItemMaterial(name="房屋租赁合同", form="copy", copies=1, mandatory=True, sort_order=2),
        ItemMaterial(name="户口簿", form="copy", copies=1, mandatory=False, sort_order=3)]
    db_session.add(item)
    db_session.commit()
    return item, make_user("Clerk", username="clerk_kbd", window=window_a)


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || "
                         "document.activeElement.getAttribute('data-as-supplement') !== null "
                         "&& 'as-supplement' || document.activeElement.tagName)")


def tab_to(page, target: str, limit: int = 12) -> list[str]:
    """Press Tab until `target` (an element id) has the focus; the ids passed on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == target:
            return seen
    raise AssertionError(f"{target} not reached by Tab: {seen}")


def test_issue_19_keyboard_only_intake_to_the_one_time_notice(page, db_session, counter, shot,
                                                              browser_login, offline_check):
    item, clerk = counter
    card, lease, booklet = item.materials
    page.set_viewport_size(LAPTOP)
    browser_login(page, clerk.username, PASSWORD)
    page.goto(f"/caseview/intake/?item={item.id}")

    # CASE-2: the class shows its own fields only (and the hidden ones are out of the Tab order).
    assert page.locator("#return_reason").is_hidden() and page.locator("#fee_amount").is_visible()
    page.select_option("#case_class", "returned")
    assert page.locator("#return_reason").is_visible() and page.locator("#fee_amount").is_hidden()
    assert page.locator("#return_reason").evaluate("e => e.required")
    page.select_option("#case_class", "accepted")
    assert page.locator("#return_reason").is_hidden()
    assert page.locator("#fee_amount").input_value() == "20.00"  # CASE-9: the published fee

    # From the class on, everything is typed; the Tab order follows the form.
    page.focus("#case_class")
    assert tab_to(page, "applicant_kind") == ["applicant_kind"]
    assert tab_to(page, "applicant_name") == ["applicant_name"]
    page.keyboard.type("孙七")
    tab_to(page, "applicant_id_number")
    page.keyboard.type(ID_NUMBER[:-1] + "1")  # a wrong check digit
    hint = page.locator("#id-number-hint")
    assert "校验位不符" in hint.inner_text()
    page.keyboard.press("Backspace")
    page.keyboard.type("x")  # lower case x: accepted as X
    assert "1949-12-31" in hint.inner_text() and "女" in hint.inner_text()
    tab_to(page, "applicant_phone")
    page.keyboard.type("13912345678")
    # Through the address, request, green channel and appointment to the checklist.
    passed = tab_to(page, f"received_{card.id}", limit=20)
    assert passed[0] == "applicant_address" and "return_reason" not in passed
    page.keyboard.press("Space")  # the ID card is handed in: its copies fill in
    assert page.locator(f"#copies_{card.id}").input_value() == "1"
    passed = tab_to(page, f"received_{booklet.id}")
    assert passed == [f"copies_{card.id}", f"defect_{card.id}", f"received_{lease.id}",
                      f"copies_{lease.id}", f"defect_{lease.id}", f"received_{booklet.id}"]
    page.keyboard.press("Space")  # the booklet too; the lease is missing
    live = page.locator("[data-live-shortfall]")
    assert "房屋租赁合同" in live.inner_text() and "居民身份证" not in live.inner_text()
    shot(page, "issue19-intake-1366")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a form's checkbox submits it

    # NOTICE-1: the missing lease is named, with the one action, which the focus is on.
    shortfall = page.locator("[data-shortfall]")
    assert "房屋租赁合同" in shortfall.inner_text() and "居民身份证" not in shortfall.inner_text()
    assert focused(page) == "intake-shortfall"
    shot(page, "issue19-intake-shortfall-1366")
    page.keyboard.press("Tab")
    assert focused(page) == "as-supplement"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/print/case/" in page.url and page.url.endswith("/one_time")
    assert "房屋租赁合同" in page.inner_text("body")
    case = db_session.scalars(select(Case)).one()
    assert case.case_class == "supplement" and case.applicant_id_number == ID_NUMBER
    assert [m.name for m in case.notices[0].materials] == ["房屋租赁合同"]

    page.goto(f"/caseview/show/{case.id}")
    header = page.locator(".case-header")
    assert case.number in header.inner_text()
    assert header.locator('[data-state="supplement_requested"]').count() == 1
    assert page.locator(".case-timeline li").count() >= 3
    shot(page, "issue19-case-page-1366")
    # Nothing on the header wraps: the number stays on one line.
    number = page.locator("[data-case-number]")
    assert number.evaluate("e => e.getClientRects().length") == 1
    offline_check()


# One line per cell: the line boxes of the cell's text (a Range over its contents) all overlap
# vertically — a wrapped text has a box below another.
ONE_LINE = """cell => {
  const range = document.createRange(); range.selectNodeContents(cell);
  const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  if (!rects.length) return true;
  return Math.max(...rects.map(r => r.top)) < Math.min(...rects.map(r => r.bottom));
}"""
NO_WRAP = ("number", "state", "received_at", "deadline", "appointment_at", "applicant_name",
           "overdue_days")


def test_issue_19_lists_never_wrap_numbers_dates_states_or_names_at_1366(
        page, db_session, counter, make_user, window_a, shot, browser_login):
    from datetime import date, datetime, timezone

    from app.actor import Actor
    from app.services.cases import Applicant, Intake, register_intake
    from tests.factories import clock_on

    item, _clerk = counter
    item.name = "港澳台居民居住证申领及有效期满换领、损坏换领、遗失补领"  # a long item name
    for n, name in enumerate(["欧阳娜娜", "司马相如", "南通市崇川区某某科技发展有限公司", "王五"]):
        register_intake(db_session, Intake(
            item_id=item.id, case_class="accepted", urgent=n == 0,
            appointment_at=datetime(2026, 11, 20, 1, tzinfo=timezone.utc),
            applicant=Applicant(name=name), received={m.id: 1 for m in item.materials}),
            Actor(username="seed"), clock_on(date(2026, 11, 2 + n)))
    db_session.commit()
    head = make_user("WindowHead", username="head_kbd", window=window_a)
    page.set_viewport_size(LAPTOP)
    browser_login(page, head.username, PASSWORD)
    for url, step in (("/casequeue/list/", "issue19-queue-1366"), ("/caseview/list/", "issue19-list-1366")):
        page.goto(url)
        shot(page, step)
        for column in NO_WRAP:
            cells = page.locator(f".case-list td.col-{column}")
            for i in range(cells.count()):
                assert cells.nth(i).evaluate(ONE_LINE), (url, column, cells.nth(i).inner_text())
        assert "+" not in page.locator(".well").first.inner_text()  # the count is exact
