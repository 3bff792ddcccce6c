"""Calendar / CASE-3 in a real browser: a deadline in 2027 (no official schedule yet) reads as
provisional on the case page, in the work queue, on the acceptance and extension notices
(still one A4 page each) and in the public lookup. Screenshots at 1366×768 under
artifacts/screenshots/provisional-*.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.rules import case_states as cs
from app.services.cases import (Applicant, Intake, apply_action, register_intake,
                                staff_actor)
from tests.factories import PASSWORD, clock_on
from tests.case_documents import PHONE, PROVISIONAL_SENTENCE, intake, make_item
from tests.e2e.printing import MATERIALS, print_pages

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def test_calendar_a_2027_deadline_reads_provisional_for_clerk_notices_and_public(
        page, shot, browser_login, make_user, db_session, window_a):
    item = make_item(db_session, window_a, MATERIALS)
    user = make_user("Clerk", window=window_a)
    actor = staff_actor(db_session, user)
    case = intake(db_session, item, actor)  # accepted 2026-11-02: due 11-09, final
    # Accepted Mon 2026-12-28: due Tue 2027-01-05 (Fri 01-01 New Year's Day off), extended
    # by 3 working days on 12-30 to Fri 01-08.
    late = register_intake(db_session, Intake(
        item_id=item.id, case_class="accepted", received={m.id: m.copies for m in item.materials},
        applicant=Applicant(name="赵六", phone=PHONE)), actor, clock_on(date(2026, 12, 28)))
    apply_action(db_session, late, cs.START, actor, clock_on(date(2026, 12, 29)))
    apply_action(db_session, late, cs.EXTEND, actor, clock_on(date(2026, 12, 30)),
                 extension_days=3, reason="需赴现场核查")
    db_session.commit()
    assert (late.original_deadline, late.deadline) == (date(2027, 1, 5), date(2027, 1, 8))

    page.set_viewport_size(LAPTOP)
    browser_login(page, user.username, PASSWORD)
    page.goto(f"/caseview/show/{late.id}")
    note = page.locator("[data-provisional-deadline]").first
    assert note.is_visible() and PROVISIONAL_SENTENCE in note.inner_text()
    shot(page, "provisional-case-page")
    page.goto(f"/caseview/show/{case.id}")
    assert page.locator("[data-provisional-deadline]").count() == 0

    page.goto("/casequeue/list/")
    badge = page.locator(".provisional-deadline")
    assert badge.count() == 1 and badge.inner_text() == "暂定"
    assert PROVISIONAL_SENTENCE in page.locator("[data-provisional-footnote]").inner_text()
    shot(page, "provisional-work-queue")

    for kind in ("acceptance", "extension"):
        page.goto(f"/print/case/{late.id}/{kind}")
        assert PROVISIONAL_SENTENCE in page.locator(".sheet").inner_text(), kind
        assert print_pages(page, shot, f"provisional-{kind}") == 1, kind
        page.set_viewport_size(LAPTOP)
        shot(page, f"provisional-{kind}-1366")

    page.goto("/logout/")
    page.goto("/guide/progress")
    page.fill("input[name=number]", late.number)
    page.fill("input[name=phone]", PHONE)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_selector(".progress-result")
    assert PROVISIONAL_SENTENCE in page.locator(".progress-facts").inner_text()
    shot(page, "provisional-public-progress")
