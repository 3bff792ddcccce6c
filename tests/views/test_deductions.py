"""扣分/加分 pages and API: Office records with evidence (the range's message next to the
points field), clerks see only their own, window heads their window's, the month's button
generates; the catalogue is Admin's; derelictions (SCORE-1, FAULT-1, ORG-2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actor import Actor
from app.services.deductions import record_manual_event
from app.services.scoring import EventInput, item_by_code
from app.services.transaction import transaction
from models.deductions import Dereliction
from models.org import Staff
from models.scoring import ScoreEvent
from tests.factories import clock_on, staff_of
from tests.jobs_helpers import run_job

D = date.fromisoformat


def record(db_session, staff, code="M9-untidy", window=None, day="2026-10-13"):
    item = item_by_code(db_session, code)
    with transaction(db_session):
        event = record_manual_event(
            db_session, EventInput(item.id, D(day), None, window or staff.window_id, staff.id,
                                   f"检查记录 {staff.name}"),
            Actor(username="office"), clock_on(D("2026-11-30")))
    return event


def test_score_1_office_records_and_the_range_message_stands_at_the_points_field(
        as_office, window_a, db_session, log_in):
    clerk = staff_of(db_session, log_in("Clerk", window=window_a).user)
    filing = item_by_code(db_session, "M4-notice-filing")
    data = {"item_id": str(filing.id), "day": "2026-10-13", "points": "7",
            "window_id": str(window_a.id), "staff_id": str(clerk.id), "evidence": "抽查"}
    response = as_office.post_form("/scoreeventview/record/", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "field-error" in html
    assert html.index("field-error") > html.index('name="points"')
    assert db_session.scalars(select(ScoreEvent)).all() == []
    response = as_office.post_form("/scoreeventview/record/", {**data, "points": "3"},
                                   follow_redirects=True)
    assert response.status_code == 200
    [event] = db_session.scalars(select(ScoreEvent)).all()
    assert (event.points, event.staff_id, event.evidence) == (Decimal(-3), clerk.id, "抽查")
    page = as_office.get(f"/scoreeventview/show/{event.id}").get_data(as_text=True)
    assert "score-correct-form" in page and "抽查" in page
    assert 'class="score-points">−3</td>' in page  # the true minus sign, no "-3.0"
    listed = as_office.get("/scoreeventview/list/").get_data(as_text=True)
    assert "−3" in listed and "-3.0" not in listed


def test_org_2_score_1_clerk_sees_own_window_head_the_window_office_all(
        app, log_in, window_a, window_b, db_session):
    clerk = log_in("Clerk", window=window_a)
    head = log_in("WindowHead", window=window_a)
    other = log_in("Clerk", window=window_b)
    mine = record(db_session, staff_of(db_session, clerk.user))
    colleague = record(db_session, staff_of(db_session, head.user))
    elsewhere = record(db_session, staff_of(db_session, other.user))
    office = log_in("Office")

    def visible(actor):
        ids = {row["id"] for row in actor.get("/api/v1/score_event/").get_json()["result"]}
        pages = {e.id for e in (mine, colleague, elsewhere)
                 if actor.get(f"/scoreeventview/show/{e.id}").status_code == 200}
        assert ids == pages
        return ids

    assert visible(clerk) == {mine.id}
    assert visible(head) == {mine.id, colleague.id}
    assert visible(other) == {elsewhere.id}
    assert visible(office) == {mine.id, colleague.id, elsewhere.id}
    assert clerk.get("/scoreeventview/record/").status_code in (302, 403)


def test_score_1_the_api_records_a_manual_event_within_the_range(as_office, window_a, db_session):
    filing = item_by_code(db_session, "M4-notice-filing")
    body = {"item_id": filing.id, "day": "2026-10-13", "points": 9, "window_id": window_a.id,
            "evidence": "抽查"}
    response = as_office.client.post("/api/v1/score_event/record", json=body,
                                      headers=as_office.api_headers())
    assert response.status_code == 422 and "points" in response.get_json()["message"]
    response = as_office.client.post("/api/v1/score_event/record", json={**body, "points": 2},
                                      headers=as_office.api_headers())
    assert response.status_code == 201 and response.get_json()["points"] == "-2.0"
    bad = as_office.client.post("/api/v1/score_event/record", json={**body, "day": "10/13"},
                                headers=as_office.api_headers())
    assert bad.status_code == 400


def test_score_1_clerk_cannot_record_through_the_api(as_clerk, window_a, db_session):
    item = item_by_code(db_session, "M9-untidy")
    response = as_clerk.client.post("/api/v1/score_event/record", json={
        "item_id": item.id, "day": "2026-10-13", "window_id": window_a.id, "evidence": "x"},
        headers=as_clerk.api_headers())
    assert response.status_code == 403
    assert db_session.scalars(select(ScoreEvent)).all() == []


def test_score_1_the_month_button_runs_the_generation_as_a_background_job(app, as_office,
                                                                          db_session):
    """Issue #21: the month's generation leaves the request; the job's page says what it did
    and links back to the list."""
    response = as_office.post_form("/scoreeventview/generate", {"month": "2026-10"},
                                   form_url="/scoreeventview/list/")
    status = run_job(app, as_office, response)
    assert status["state"] == "done" and status["summary"].startswith("2026-10"), status
    assert status["back"] == "/scoreeventview/list/"
    bad = as_office.post_form("/scoreeventview/generate", {"month": "2026-13"},
                              form_url="/scoreeventview/list/", follow_redirects=True)
    assert bad.status_code == 200 and "/jobs/" not in bad.request.path


@pytest.mark.parametrize("points_min, points_max, ok", [("2", "5", True), ("6", "5", False)])
def test_score_2_admin_edits_the_catalogue_min_not_above_max(as_admin, db_session,
                                                              points_min, points_max, ok):
    data = {"code": "X-test", "category": "M9", "description": "Test item",
            "points_min": points_min, "points_max": points_max, "sort_order": "99"}
    response = as_admin.post_form("/deductionitemview/add", data)
    from models.scoring import DeductionItem

    created = db_session.scalars(select(DeductionItem).where(DeductionItem.code == "X-test")).all()
    try:
        assert bool(created) is ok, response.get_data(as_text=True)[:500]
    finally:
        for row in created:  # the catalogue table is kept between tests
            db_session.delete(row)
        db_session.commit()


def test_score_2_meet_1_admins_catalogue_edit_sets_the_next_automatic_deduction(
        as_admin, window_a, db_session):
    """SCORE-2: the catalogue is the one home of item points — Admin's edit of M5-late on its
    page is what the month's generation charges next (MEET-1)."""
    from app.services.deductions import generate_month
    from app.services.meetings import generate_month as generate_meetings
    from app.services.meetings import record_attendance
    from models.meetings import Meeting

    clerk = Staff(name="张三", window=window_a, unit="window")
    db_session.add(clerk)
    with transaction(db_session):
        generate_meetings(db_session, D("2026-10-01"))
    meeting = db_session.scalars(select(Meeting).order_by(Meeting.day)).first()
    with transaction(db_session):
        record_attendance(db_session, meeting, {clerk.id: ("late", None)},
                          Actor(username="office"), clock_on(meeting.day))
    item = item_by_code(db_session, "M5-late")
    url = f"/deductionitemview/edit/{item.id}"
    form = {"code": item.code, "category": item.category, "description": item.description,
            "points_min": "3", "points_max": "3", "automatic": "y", "is_active": "y",
            "sort_order": str(item.sort_order), "version": str(item.version)}
    try:
        assert as_admin.post_form(url, form).status_code == 302
        with transaction(db_session):
            generate_month(db_session, 2026, 10, D("2026-11-30"))
        db_session.expire_all()
        [event] = db_session.scalars(select(ScoreEvent).where(ScoreEvent.source == "meeting"))
        assert (event.item_id, event.points) == (item.id, Decimal(-3))
    finally:  # the catalogue table is kept between tests
        db_session.rollback()
        item = item_by_code(db_session, "M5-late")
        item.points_min = item.points_max = Decimal(1)
        db_session.commit()


def test_score_2_office_reads_the_catalogue_but_does_not_edit_it(as_office, db_session):
    assert as_office.get("/deductionitemview/list/").status_code == 200
    item = item_by_code(db_session, "M9-untidy")
    assert as_office.get(f"/deductionitemview/edit/{item.id}").status_code in (302, 403)


def test_fault_1_office_records_a_dereliction_and_the_clerk_sees_only_own(
        as_office, log_in, window_a, db_session):
    clerk = log_in("Clerk", window=window_a)
    colleague = log_in("Clerk", window=window_a)
    for actor in (clerk, colleague):
        response = as_office.post_form("/derelictionview/record/", {
            "staff_id": str(staff_of(db_session, actor.user).id), "kind": "2",
            "day": "2026-10-13", "sanction": "criticism", "evidence": "申请人二次来访"},
            follow_redirects=True)
        assert response.status_code == 200
    rows = db_session.scalars(select(Dereliction)).all()
    assert len(rows) == 2
    own = {row["id"] for row in clerk.get("/api/v1/dereliction/").get_json()["result"]}
    assert own == {r.id for r in rows if r.staff_id == staff_of(db_session, clerk.user).id}
    assert clerk.get("/derelictionview/record/").status_code in (302, 403)


def test_score_1_nobody_records_corrects_or_deletes_a_deduction_of_their_own(
        log_in, window_a, db_session):
    """SCORE-1 / issue #18 (four eyes): an office member charged at window A records nothing
    for their own staff entry — page and API — and cannot correct or delete what a colleague
    recorded about them; the colleague can."""
    me = log_in("Office", window=window_a)
    colleague = log_in("Office")
    mine = staff_of(db_session, me.user)
    item = item_by_code(db_session, "M9-untidy")
    data = {"item_id": str(item.id), "day": "2026-10-13", "window_id": str(window_a.id),
            "staff_id": str(mine.id), "evidence": "卫生检查"}
    page = me.post_form("/scoreeventview/record/", data).get_data(as_text=True)
    assert "field-error" in page and "不得为自己" in page
    api = me.client.post("/api/v1/score_event/record", json={
        "item_id": item.id, "day": "2026-10-13", "window_id": window_a.id,
        "staff_id": mine.id, "evidence": "卫生检查"}, headers=me.api_headers())
    assert api.status_code == 422 and "不得为自己" in str(api.get_json()["message"])
    assert db_session.scalars(select(ScoreEvent)).all() == []
    assert colleague.post_form("/scoreeventview/record/", data).status_code == 302
    event = db_session.scalars(select(ScoreEvent)).one()
    show = f"/scoreeventview/show/{event.id}"
    corrected = me.post_form(f"/scoreeventview/correct/{event.id}",
                             {"points": "0", "evidence": "改", "version": str(event.version)},
                             form_url=show)
    removed = me.post_form(f"/scoreeventview/remove/{event.id}",
                           {"reason": "删", "version": str(event.version)}, form_url=show)
    assert "不得为自己" in corrected.get_data(as_text=True)
    assert "不得为自己" in removed.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(ScoreEvent, event.id).evidence == "卫生检查"
