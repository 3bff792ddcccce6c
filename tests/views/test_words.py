"""Words (issue #20): every page speaks its reader's language — leave, attendance and
complaints use their own words (translation contexts), no technical text (item codes, rule
ids, login names, class and field names, UTC ISO times) reaches a page or a printed document."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from babel.support import Translations

from tests.factories import staff_of
from tests.leave_helpers import api_file, api_post, two_days

pytestmark = pytest.mark.usefixtures("leave_today")  # the leave tests' day (#17)

MO = "translations/zh_CN/LC_MESSAGES/messages.mo"


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- translation contexts: one English word, two meanings -----------------------------------

@pytest.mark.parametrize("context, msgid, expected", [
    (None, "Approve", "准予许可"),  # a case's decision (CASE-4), a licensing term
    (None, "Approved", "准予许可"),
    ("leave", "Approve", "批准"),  # a leave or a 补签单 (LEAVE-2, ATT-4)
    ("leave", "Reject", "不批准"),
    ("leave", "Approved", "已批准"),
    ("leave", "Rejected", "不批准"),
    ("case", "Open", "未办结"),
    ("link", "Open", "查看"),
    ("complaint", "Open", "待答复"),
    ("complaint", "Answered", "已答复"),
    (None, "Answered", "答复时间"),  # the column of the time, not the state
])
def test_words_contexts_give_each_meaning_its_chinese(context, msgid, expected):
    with open(MO, "rb") as fp:
        zh = Translations(fp)
    got = zh.pgettext(context, msgid) if context else zh.gettext(msgid)
    assert got == expected


def test_leave_2_the_approver_approves_with_the_words_of_leave(app, leave_people):
    """LEAVE-2: 批准 / 不批准 on the leave, 已批准 after; never the case's 准予许可 (issue #20)."""
    leave_id = api_file(leave_people["clerk"], two_days(app)).get_json()["id"]
    page = text_of(leave_people["deputy"].get(f"/leaverequestview/show/{leave_id}").get_data(as_text=True))
    assert "批准" in page and "不批准" in page
    assert "准予许可" not in page and "驳回" not in page
    assert api_post(leave_people["deputy"], f"/api/v1/leave/{leave_id}/approve",
                    {"version": 1}).status_code == 200
    page = text_of(leave_people["deputy"].get(f"/leaverequestview/show/{leave_id}").get_data(as_text=True))
    assert "已批准" in page and "准予许可" not in page
    mine = leave_people["clerk"].get("/leaverequestview/mine/").get_data(as_text=True)
    header = re.search(r'<table[^>]*id="leave-requests".*?</tr>', mine, re.S).group(0)
    assert "<th></th>" not in header and "详情" in header, "the link column has a header"
    assert "查看" in text_of(mine) and "未办结" not in text_of(mine)
    assert "已批准" in text_of(mine)


# ---- no item codes where people read (SCORE-2) -----------------------------------------------

@pytest.mark.parametrize("role", ["Leadership", "Office"])
def test_score_2_the_deduction_catalogue_shows_item_names_not_codes(role, log_in, db_session):
    from app.services.scoring import item_by_code

    actor = log_in(role)
    page = text_of(actor.get("/deductionitemview/list/?psize_DeductionItemView=100").get_data(as_text=True))
    assert "离岗半天及以上" in page
    for code in ("M3-overdue-day", "M8-off-post", "M1-quarrel-serious", "B-banner"):
        assert code not in page, code
    item = item_by_code(db_session, "M8-off-post")
    show = text_of(actor.get(f"/deductionitemview/show/{item.id}").get_data(as_text=True))
    assert "离岗半天及以上" in show and "M8-off-post" not in show


RULE_ID = re.compile(r"\b(?:ATT|LEAVE|COMP|NOTICE|FAULT|SCORE|ROSTER|CASE|AB|HAND|MEET|PRIV|ORG|ITEM|"
                     r"NEG|OPS|INPUT)-\d+(?:\.\d+)?(?:/\d+)?\b")


@pytest.mark.parametrize("url", ["/clockexcuses/", "/refusalreportview/missing/", "/assessment/stars/",
                                 "/dutyshiftview/missing/"])
def test_rule_ids_stay_in_the_code_clerks_read_the_rule_itself(url, as_clerk):
    """FAULT-1.7, ATT-4, COMP-5, NOTICE-1, ROSTER-2: the page explains the rule in words; the
    rule id is the developers' (issue #20)."""
    response = as_clerk.get(url)
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert not RULE_ID.findall(page), RULE_ID.findall(page)


def test_score_2_notice_legend_names_the_mutual_rating_not_m10():
    with open(MO, "rb") as fp:
        zh = Translations(fp)
    legend = zh.gettext("M10 of a window nobody rated: the mean of the rated windows' M10 (in full "
                        "while no window is rated)")
    assert "M10" not in legend and "窗口互评" in legend


# ---- people by name, system actions as 系统（自动）, the audit log in words and local time ----

def test_leave_2_the_decision_names_the_approver_not_the_login(app, leave_people, db_session):
    """决定时间 … · 分管副主任的名字, never "· deputy_xxxx" (issue #20)."""
    leave_id = api_file(leave_people["clerk"], two_days(app)).get_json()["id"]
    assert api_post(leave_people["deputy"], f"/api/v1/leave/{leave_id}/approve",
                    {"version": 1}).status_code == 200
    page = text_of(leave_people["clerk"].get(f"/leaverequestview/show/{leave_id}").get_data(as_text=True))
    deputy = leave_people["deputy"].user
    assert staff_of(db_session, deputy).name in page
    assert deputy.username not in page


def _month_entry(db_session, username: str):
    """An audit entry of a month confirmed at 2026-12-06 01:00 UTC by `username` (a command's
    or a person's), as the session writes it."""
    from models.audit import AuditLog

    entry = AuditLog(at=datetime(2026, 12, 6, 1, 0, tzinfo=timezone.utc), username=username, action="update", model="AssessmentMonth", record_id="1",
                     changes=json.dumps({"state": ["open", "confirmed"],
                                         "confirmed_at": [None, "2026-12-06T01:00:00+00:00"],
                                         "confirmed_by_id": [None, 1]}))
    db_session.add(entry)
    db_session.commit()
    return entry


def test_audit_1_an_entry_reads_in_words_names_and_local_time(as_leadership, db_session):
    """AUDIT-1, issue #20: no class or field names, no UTC ISO text, no `cli:demo`."""
    entry = _month_entry(db_session, "cli:demo")
    listing = text_of(as_leadership.get("/auditlogview/list/").get_data(as_text=True))
    assert "系统（自动）" in listing and "cli:demo" not in listing
    assert "AssessmentMonth" not in listing and "月度考核" in listing
    page = text_of(as_leadership.get(f"/auditlogview/show/{entry.id}").get_data(as_text=True))
    for english in ("confirmed_at", "confirmed_by_id", "AssessmentMonth", "cli:demo",
                    "2026-12-06T01:00:00", "+00:00", " open ", " confirmed "):
        assert english not in page, english
    assert "确认时间" in page and "确认人" in page and "2026-12-06 09:00" in page
    assert "未确认" in page and "已确认" in page


def test_audit_1_a_persons_entry_names_the_person(as_leadership, log_in, db_session):
    office = log_in("Office")
    entry = _month_entry(db_session, office.user.username)
    listing = text_of(as_leadership.get("/auditlogview/list/").get_data(as_text=True))
    assert staff_of(db_session, office.user).name in listing
    assert office.user.username not in listing
    assert entry.id


def test_staff_record_says_clocks_in_in_chinese(as_office, db_session):
    from models.org import Staff

    staff = Staff(name="打卡员工", unit="office")
    db_session.add(staff)
    db_session.commit()
    page = text_of(as_office.get(f"/staffview/show/{staff.id}").get_data(as_text=True))
    assert "需要打卡" in page and "Clocks In" not in page


# ---- FAB's permission names, as Admin reads them ---------------------------------------------

def test_admin_reads_permissions_in_words(as_admin, app):
    """Issue #20: the role page lists 办件：修改, not "can write on Case"; the permission and
    view lists and the role form say the same."""
    role = app.appbuilder.sm.find_role("Clerk")
    page = text_of(as_admin.get(f"/roles/show/{role.id}").get_data(as_text=True))
    assert "办件：修改" in page and "can write" not in page and "can_write" not in page
    form = as_admin.get(f"/roles/edit/{role.id}").get_data(as_text=True)
    assert "办件：修改" in form and "can write on Case" not in form
    assert "修改" in text_of(as_admin.get("/permissions/list/").get_data(as_text=True))
    views = text_of(as_admin.get("/viewmenus/list/").get_data(as_text=True))
    assert "ModelView" not in views and "AuthDBView" not in views
    assert "__None" not in as_admin.get("/users/add").get_data(as_text=True)


def test_admin_adds_a_group_choosing_roles_by_their_chinese_names(as_admin, app):
    page = as_admin.get("/groups/add").get_data(as_text=True)
    assert "窗口工作人员" in text_of(page) and ">Clerk<" not in page
    role = app.appbuilder.sm.find_role("Clerk")
    response = as_admin.post_form("/groups/add", {"name": "clerks", "label": "窗口组",
                                                  "roles": [str(role.id)]})
    assert response.status_code == 302
    group = app.appbuilder.sm.find_group("clerks")
    assert group is not None and [r.name for r in group.roles] == ["Clerk"]
