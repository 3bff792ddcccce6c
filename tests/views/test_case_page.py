"""The case page that reads at a glance (issue #19): header with number, item, state badge,
deadline and what is left of it; the stages; the allowed actions as buttons; no empty rows;
one timeline of transitions, notices (with reprint links), materials and notes (CASE-3/4/6,
NOTICE-1/2)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.rules import case_states as cs
from app.actor import Actor
from app.services.cases import Applicant, Intake, annotate, apply_action, register_intake
from tests.factories import clock_on, residence_permit_item

ACTOR = Actor(username="seed")


@pytest.fixture
def item(db_session, window_a):
    return residence_permit_item(db_session, window_a, "V-020")


@pytest.fixture
def supplement(db_session, item):
    """A 补充件 registered on Mon 2026-11-02 with the ID card, the lease missing (NOTICE-1)."""
    card, _lease = item.materials
    case = register_intake(db_session, Intake(item_id=item.id, case_class="supplement",
                                              applicant=Applicant(name="王五"),
                                              received={card.id: 1}),
                           ACTOR, clock_on(date(2026, 11, 2)))
    db_session.commit()
    return case


def header(html: str) -> str:
    start = html.index('<header class="case-header')
    return html[start:html.index("</header>", start)]




@pytest.mark.parametrize("today, says", [
    (date(2026, 11, 4), "剩余 3 个工作日"),  # accepted Mon 11-02, due Mon 11-09
    (date(2026, 11, 9), "今日到期"),
    (date(2026, 11, 11), "已超期 2 个工作日"),
])
def test_case_3_the_header_says_the_deadline_and_what_is_left_of_it(
        as_clerk, center_now, item, case_of, today, says):  # noqa: F811
    case = case_of(item, day=date(2026, 11, 2))
    center_now(today)
    top = header(as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True))
    assert case.number in top and "居住证办理" in top and "受理件" in top
    assert re.search(r'<span class="label label-info state-badge" data-state="accepted">已受理</span>', top)
    assert "2026-11-09" in top and says in top


def test_case_4_stages_and_actions_come_from_the_state_machine(as_clerk, db_session, item,
                                                              case_of):  # noqa: F811
    case = case_of(item)
    apply_action(db_session, case, cs.START, ACTOR, clock_on(date(2026, 11, 3)))
    db_session.commit()
    top = header(as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True))
    stages = re.findall(r'<li class="(\w[\w-]*)"[^>]*>([^<]*)</li>', top)
    assert stages == [("done", "受理"), ("current", "办理"), ("todo", "办结"), ("todo", "送达"),
                      ("todo", "归档")]
    forward, aside = cs.split_actions(cs.allowed_actions(cs.IN_PROGRESS))
    for action in forward:
        assert re.search(f'class="btn btn-primary"[^>]*data-action="{action}"', top), action
    for action in aside:
        assert re.search(f'class="btn btn-default"[^>]*data-action="{action}"', top), action


def test_case_4_a_returned_case_ends_its_stages_with_its_state(as_clerk, db_session, supplement):
    case = supplement
    apply_action(db_session, case, cs.RETURN_CASE, ACTOR, clock_on(date(2026, 11, 3)),
                 reason="主件缺失")
    db_session.commit()
    top = header(as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True))
    assert re.findall(r'<li class="([\w-]+)"', top) == ["current", "left-the-way"]


def test_case_4_empty_fields_are_not_shown(as_clerk, item, case_of):  # noqa: F811
    html = as_clerk.get(f"/caseview/show/{case_of(item).id}").get_data(as_text=True)
    details = html[html.index('case-details'):html.index('data-timeline')]
    labels = re.findall(r"<dt>([^<]*)</dt>", details)
    assert "申请人" in labels and "受理时间" in labels
    for empty in ("退回理由", "有权办理单位", "咨询记录", "送达时间", "满意度", "延期理由"):
        assert empty not in labels, empty
    assert all(re.search(r"<dd>\s*</dd>", details) is None for _ in [0])


def test_case_4_one_timeline_of_transitions_notices_materials_and_notes(
        as_clerk, db_session, item, supplement):
    _card, lease = item.materials
    case = supplement
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, ACTOR, clock_on(date(2026, 11, 3)),
                 received={lease.id: 1})
    annotate(case, "已电话告知", ACTOR, clock_on(date(2026, 11, 4)))
    db_session.commit()
    html = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "case-history" not in html  # no table at the bottom any more
    timeline = html[html.index("data-timeline"):html.index("</ol>", html.index("data-timeline"))]
    kinds = re.findall(r'<li class="timeline-(\w+)"', timeline)
    assert kinds == ["transition", "notice", "material", "transition", "material", "note"]
    notice = case.notices[0]
    assert f"/print/case/{case.id}/one_time?notice={notice.id}" in timeline
    assert "已电话告知" in timeline and "收取补正材料" in timeline


def test_notice_1_receiving_materials_shows_what_is_still_missing(as_clerk, db_session, item,
                                                                  supplement):
    _card, lease = item.materials
    url = f"/caseview/act/{supplement.id}/receive_materials"
    box = as_clerk.get(url).get_data(as_text=True)
    assert "data-still-required" in box
    box = box[box.index("data-still-required"):box.index("</div>", box.index("data-still-required"))]
    assert "租赁合同" in box or "租房合同" in box
    apply_action(db_session, supplement, cs.RECEIVE_MATERIALS, ACTOR, clock_on(date(2026, 11, 3)),
                 received={lease.id: 1})
    apply_action(db_session, supplement, cs.REQUEST_SUPPLEMENT, ACTOR, clock_on(date(2026, 11, 4)),
                 materials=[lease.id], defective={lease.id: "未签字"})
    db_session.commit()
    box = as_clerk.get(url).get_data(as_text=True)
    assert "未签字" in box[box.index("data-still-required"):]


def test_case_6_the_queue_colours_overdue_and_due_soon_deadlines(as_clerk, center_now, item,
                                                                 case_of):  # noqa: F811
    late = case_of(item, day=date(2026, 11, 2))  # due Mon 11-09
    soon = case_of(item, day=date(2026, 11, 6))  # due Fri 11-13
    later = case_of(item, day=date(2026, 11, 16))  # due Mon 11-23
    center_now(date(2026, 11, 11))
    html = as_clerk.get("/casequeue/list/").get_data(as_text=True)
    flags = dict(re.findall(r'data-deadline-flag="([\w-]+)">(\d{4}-\d\d-\d\d)', html))
    assert flags.get("overdue") == late.deadline.isoformat()
    assert flags.get("due-soon") == soon.deadline.isoformat()
    assert later.deadline.isoformat() in html and later.deadline.isoformat() not in flags.values()


def test_issue_21_the_case_page_sends_a_fixed_number_of_statements(
        app, db_session, as_clerk, item, supplement):
    """Issue #21 P1: the case page reads the case with its item's and window's labels, its
    staff's names and whether its refusal report is filed in one statement, its history
    (transitions, materials and notes, each with the staff's name) in one, its notices with
    their materials in one (a joint case's parts in one more): 7 statements with the frame and
    the clerk's AB cover scope, however long the history (17 before: a name lookup per kind of
    entry, a lazy load per relationship; 8 while every case read its parts, a joint case or
    not)."""
    from app.extensions import db
    from tests.factories import statements

    def count(case_id: int) -> tuple[int, str]:
        as_clerk.get(f"/caseview/show/{case_id}")  # the user's first request fills the caches
        db.session.remove()  # a request's transaction ends with it
        with statements(app) as sent:
            response = as_clerk.get(f"/caseview/show/{case_id}")
        assert response.status_code == 200
        return len(sent), response.get_data(as_text=True)

    _card, lease = item.materials
    lease_id, case_id = lease.id, supplement.id
    short, _page = count(case_id)
    assert short <= 7, short
    case = db_session.get(type(supplement), case_id)
    apply_action(db_session, case, cs.RECEIVE_MATERIALS, ACTOR, clock_on(date(2026, 11, 3)),
                 received={lease_id: 1})
    for day in (4, 5):
        annotate(case, f"已电话告知{day}", ACTOR, clock_on(date(2026, 11, day)))
        annotate(case, f"已复核{day}", Actor(username="clerk-2"), clock_on(date(2026, 11, day)))
    db_session.commit()
    long, page = count(case.id)
    assert long == short, (short, long)
    assert "已电话告知5" in page and "已复核4" in page


def test_case_7_a_joint_case_page_lists_its_parts_and_holds_the_decision_back(
        as_clerk, db_session, item, window_b):
    """CASE-7: the parts panel names each participating window as the windows read elsewhere
    ("02 人社窗口"), its part and deadline; approving waits until every part is done."""
    from app.services.cases import SubTaskPlan, complete_sub_task

    case = register_intake(db_session, Intake(
        item_id=item.id, case_class="joint", applicant=Applicant(name="王五"),
        received={m.id: m.copies for m in item.materials},
        sub_tasks=[SubTaskPlan(window_id=window_b.id, part="社保转移", promised_days=3)]),
        ACTOR, clock_on(date(2026, 11, 2)))
    db_session.commit()
    html = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    parts = html[html.index("联办协办环节"):html.index("</table>", html.index("联办协办环节"))]
    assert "<td>02 人社窗口</td><td>社保转移</td>" in parts and "2026-11-05" in parts
    assert f'data-action="{cs.APPROVE}"' not in header(html)
    complete_sub_task(case.sub_tasks[0], ACTOR, clock_on(date(2026, 11, 4)))
    db_session.commit()
    html = as_clerk.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert f'data-action="{cs.APPROVE}"' in header(html)
    assert "2026-11-04" in html[html.index("联办协办环节"):]
