"""The QR codes of the printed notices, read as a phone reads them (NOTICE-2, CASE-11, issue #19).

The clerk prints the acceptance notice and the delivery receipt; each page is screenshotted
and its QR code decoded from the screenshot (zxing-cpp), and the address must be the progress
page with the case number filled in, and the case's rating page. Then, on a 390 x 844 phone,
the progress address finds the case with the phone typed, and the rating address rates the
case once: a second attempt (a form left open in another tab) is refused, a forged address is a
404. No request leaves 127.0.0.1.

Screenshots: qr-acceptance, qr-delivery, qr-progress-phone, qr-rate-phone, qr-rate-thanks,
qr-rate-second-attempt.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake, staff_actor
from models.cases import CaseRatingLink
from tests.factories import PASSWORD, clock_on, horizontal_overflow, residence_permit_item
from tests.e2e.conftest import MOBILE, TIMEOUT_MS, is_local

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
NAME = "赵六"
ID_NUMBER = "11010519491231002X"
DAY = date(2026, 11, 2)


def decoded_qr_codes(png: bytes) -> list[str]:
    """The texts of every QR code in a screenshot, as a phone's camera would read them."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)
            if result.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture
def clerk(make_user, window_a):
    return make_user("Clerk", window=window_a)


@pytest.fixture
def cases(db_session, window_a, clerk):
    """An accepted case (acceptance notice) and a delivered one not rated yet (delivery receipt)."""
    item = residence_permit_item(db_session, window_a, "P-001")
    actor = staff_actor(db_session, clerk)

    def intake():
        return register_intake(
            db_session,
            Intake(item_id=item.id, case_class="accepted",
                   received={m.id: m.copies for m in item.materials},
                   applicant=Applicant(name=NAME, id_number=ID_NUMBER, phone=PHONE,
                                       address="江苏省南通市崇川区人民路1号")),
            actor, clock_on(DAY))

    accepted = intake()
    delivered = intake()
    for action in (cs.START, cs.APPROVE, cs.DELIVER):
        apply_action(db_session, delivered, action, actor, clock_on(DAY), collector=NAME,
                     fee_amount=item.fee_standard)  # CASE-9: the fee collected on delivery
    db_session.commit()
    return accepted, delivered


@pytest.fixture
def phone(browser, live_server, requests_seen):
    """A second browser context: a phone (390 x 844, zh-CN) on the same server, with the same
    guard against other hosts as the desk's page."""
    context = browser.new_context(viewport=MOBILE, locale="zh-CN", base_url=live_server,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                  else route.abort())
    context.on("request", lambda request: requests_seen.append(request.url))
    try:
        yield context
    finally:
        context.close()


def print_and_decode(page, shot, case, kind: str) -> str:
    page.goto(f"/print/case/{case.id}/{kind}")
    assert case.number in page.locator(".doc-ref").first.inner_text()
    path = shot(page, f"qr-{kind}")
    codes = decoded_qr_codes(path.read_bytes())
    assert len(codes) == 1, f"{kind}: {codes}"
    # The address is printed under the code, word for word.
    assert page.locator(".qr .qr-url").inner_text() == codes[0]
    return codes[0]


def test_case_11_qr_codes_of_the_notices_open_the_progress_and_rating_pages_on_a_phone(
        page, phone, shot, browser_login, offline_check, live_server, cases, clerk, db_session):
    accepted, delivered = cases
    browser_login(page, clerk.username, PASSWORD)

    progress_url = print_and_decode(page, shot, accepted, "acceptance")
    assert progress_url == f"{live_server}/guide/progress?number={accepted.number}"
    rating_url = print_and_decode(page, shot, delivered, "delivery")
    token = db_session.scalars(select(CaseRatingLink.token)
                               .where(CaseRatingLink.case_id == delivered.id)).one()
    assert rating_url == f"{live_server}/guide/rate/{token}"

    # The acceptance notice's code: the number is filled in, the applicant types the phone.
    mobile = phone.new_page()
    mobile.goto(progress_url)
    assert mobile.input_value("#number") == accepted.number
    mobile.fill("#phone", "139 1234 5678")
    with mobile.expect_navigation():
        mobile.click("form.progress-lookup [type=submit]")
    main = mobile.inner_text("main")
    assert accepted.number in main and "居住证办理" in main and NAME not in main
    assert horizontal_overflow(mobile) <= 0
    shot(mobile, "qr-progress-phone")

    # The delivery receipt's code: the rating page, on the phone.
    mobile.goto(rating_url)
    other_tab = phone.new_page()  # the same page left open in another tab
    other_tab.goto(rating_url)
    main = mobile.inner_text("main")
    for shown in (delivered.number, "居住证办理", "公安户政窗口", "非常满意", "非常不满意"):
        assert shown in main, shown
    for personal in (NAME, ID_NUMBER, PHONE, "人民路"):
        assert personal not in main, personal
    assert horizontal_overflow(mobile) <= 0
    shot(mobile, "qr-rate-phone")

    mobile.get_by_label("非常满意").check()
    mobile.fill("#opinion", "一次办好，很方便")
    with mobile.expect_navigation():
        mobile.click("form.rating-form [type=submit]")
    assert "感谢您的评价" in mobile.inner_text("main")
    assert mobile.locator("form.rating-form").count() == 0
    assert horizontal_overflow(mobile) <= 0
    shot(mobile, "qr-rate-thanks")
    db_session.expire_all()
    assert (delivered.satisfaction, delivered.satisfaction_source,
            delivered.satisfaction_opinion) == ("satisfied", "public", "一次办好，很方便")

    # A second attempt from the tab left open: refused politely, nothing changed.
    other_tab.get_by_label("非常不满意").check()
    with other_tab.expect_navigation():
        other_tab.click("form.rating-form [type=submit]")
    assert "本办件已评价" in other_tab.inner_text("main")
    assert other_tab.locator("form.rating-form").count() == 0
    shot(other_tab, "qr-rate-second-attempt")
    db_session.expire_all()
    assert delivered.satisfaction == "satisfied"

    # Anyone may scan the code again: the page says it is rated, and offers no form.
    mobile.goto(rating_url)
    assert "本办件已评价" in mobile.inner_text("main")
    # A made-up address rates nothing.
    forged = urlsplit(rating_url)._replace(path="/guide/rate/" + "A" * len(token)).geturl()
    assert mobile.goto(forged).status == 404
    assert delivered.number not in mobile.inner_text("main")
    offline_check()
