"""Issue #20, charts and numbers: score pages and the notice open on the last finished month;
score columns carry their category names; a 红旗窗口 tie says which tie-break of SCORE-3
decided; tables get their chart; the attendance days their weekday; the leave form suggests
the post's B (AB-1/2, LEAVE-1) and never the requester; "Away today" says who covers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models.leave import LeaveRequest
from models.org import Staff
from tests.factories import staff_of
from tests.leave_helpers import TODAY

pytestmark = pytest.mark.usefixtures("leave_today")  # the leave tests' day (#17)


def last_finished(app) -> str:
    from app import context

    with app.test_request_context():
        return context.last_finished_month().strftime("%Y-%m")


def test_score_3_window_scores_open_on_the_last_finished_month(app, as_leadership, make_window):
    make_window("01")
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    assert f'name="month" value="{last_finished(app)}"' in html


def test_score_3_notice_menu_entry_opens_the_last_finished_month(app, as_leadership):
    answer = as_leadership.get("/reports/month/")
    assert answer.headers["Location"].endswith(f"/reports/month/{last_finished(app)}/notice")


def test_score_2_score_columns_carry_their_category_names(as_leadership, make_window):
    make_window("01")
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    head = html.split('id="window-scores"', 1)[1].split("</tr>", 1)[0]
    for name in ("行为规范、服务态度", "时限承诺", "窗口互评", "受奖附加"):
        assert name in head
    assert "<th>M1</th>" not in head


def test_score_3_tie_across_the_last_red_flag_seat_says_why(as_leadership, make_window):
    """Six windows, nothing recorded: all at 100.0 with no complaint nor overdue day — the
    first five by name are 红旗窗口, and each says the names decided."""
    windows = [make_window(f"0{n}", name=f"窗口{n}") for n in range(1, 7)]
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    assert html.count('data-tie="name"') == 6
    assert "按名称顺序排定" in html
    assert 'data-table-chart="window-score-chart"' in html and len(windows) == 6


def test_att_2_attendance_days_show_their_weekday(as_office, db_session, window_a):
    staff = Staff(name="考勤人员", unit="window", window=window_a)
    db_session.add(staff)
    db_session.commit()
    html = as_office.get(f"/attendance/person/{staff.id}?year=2026&month=11").get_data(as_text=True)
    table = html.split('id="attendance-days"', 1)[1].split("</table>", 1)[0]
    assert "<th>星期</th>" in table
    day_row = table.split('data-day="2026-11-02"', 1)[1].split("</tr>", 1)[0]  # a Monday
    assert "周一" in day_row


def test_leave_1_substitutes_put_the_post_b_first_and_never_the_requester(app, leave_people, db_session):
    clerk, partner = (staff_of(db_session, leave_people[key].user) for key in ("clerk", "partner"))
    page = leave_people["clerk"].get("/leaverequestview/file/").get_data(as_text=True)
    select_html = page.split('id="substitute_id"', 1)[1].split("</select>", 1)[0]
    values = [int(v) for v in __import__("re").findall(r'value="(\d+)"', select_html)]
    assert values[0] == partner.id, "the post's B is not first"
    assert "本岗位B角" in select_html
    assert clerk.id not in values, "the requester may not stand in for himself"
    names = [db_session.get(Staff, v).name for v in values[1:]]
    own_window = [n for v, n in zip(values[1:], names) if db_session.get(Staff, v).window_id == clerk.window_id]
    assert names[:len(own_window)] == own_window  # the requester's window first
    assert own_window == sorted(own_window)


def test_ab_2_away_today_says_who_covers(app, leave_people, db_session):
    partner = staff_of(db_session, leave_people["partner"].user)
    clerk = staff_of(db_session, leave_people["clerk"].user)
    db_session.add(LeaveRequest(
        staff_id=clerk.id, kind="personal", start_day=TODAY - timedelta(days=1),
        end_day=TODAY + timedelta(days=3), days=Decimal(3), reason="事由",
        approver_position="director", state="approved", substitute_id=partner.id))
    db_session.commit()
    html = leave_people["office"].get("/leaverequestview/away/").get_data(as_text=True)
    row = html.split(f'data-staff="{clerk.id}"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="away-cover">{partner.name}</td>' in row
    assert "顶岗人" in html


def test_score_3_the_notice_says_which_tie_break_decided(app, as_leadership, make_window):
    for n in range(1, 7):
        make_window(f"0{n}", name=f"窗口{n}")
    html = as_leadership.get(f"/reports/month/{last_finished(app)}/notice").get_data(as_text=True)
    notes = html.split('id="tie-notes"', 1)[1].split("</ul>", 1)[0]
    assert notes.count("<li>") == 6 and "按名称顺序排定" in notes


def test_score_3_the_monthly_assessment_says_which_tie_break_decided(app, as_leadership,
                                                                    make_window):
    for n in range(1, 7):
        make_window(f"0{n}", name=f"窗口{n}")
    html = as_leadership.get(f"/assessment/month/?month={last_finished(app)}").get_data(as_text=True)
    assert html.count('class="tie-note') == 6


def test_score_3_the_notice_pdf_says_which_tie_break_decided(app, as_leadership, make_window):
    from tests.pdf_text import pdf_lines

    for n in range(1, 7):
        make_window(f"0{n}", name=f"窗口{n}")
    pdf = as_leadership.get(f"/reports/month/{last_finished(app)}/notice.pdf").get_data()
    text = "".join(pdf_lines(pdf))
    assert "红旗窗口末位同分" in text and "按名称顺序排定" in text
