"""Issue #21 P1 (the attendance month with less Python per request): every half-day of a
hand-built month pinned — `compute_days` (ATT-2/3/4 statuses, clocks, late/early count,
absence days per day), `month_absences` (ATT-3 month totals) and the office's month page's
table rows — so that computing the grid in fewer passes cannot change what it shows.

November 2026 (winter hours 08:00–11:30 / 14:00–17:30; working days 2–6, 9–13, 16–20, 23–27,
30), today the 26th: the 2nd–25th are derived, clock data imported up to the 20th only (the
23rd–25th are "no data", ATT-2).
- 张三 (1001): on time, except: late 08:07 and early 17:12 (2nd), late and early in one
  half (3rd am: 08:10–11:00), single clocks (4th: 11:40 am — late, 14:30 pm — late and
  early; 5th: 07:55 am — early), no clock in the afternoon of the 6th (absent), clocks at
  the start and end seconds themselves (9th: on time) and one second off them (10th: late
  and early ×2), an approved 补签单 for the morning of the 11th (no clock: excused) and a
  pending one on the 12th.
- 李四 (1002): on time, no clock on the 13th; an approved leave from noon of the 12th to
  the 13th, a pending one on the 16th (clocked: on time), an approved leave 19th–noon of the
  20th overstayed without reason to the 24th (absent on the 23rd, a no-data day); off post
  130 minutes (½ day) and 120 (nothing, ATT-3).
- 王五 (1003): on time, no clock on the 18th; an approved leave 17th–19th reported back on
  the 18th (the 18th absent), a leave revoked as obtained by deception on the 24th (absent
  on a no-data day).
- 赵主任 (9001, does not clock in): two clocks on the 2nd: his month is derived.
- 钱主任 (9002, does not clock in, no clock this month): no days.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
import re

import pytest

from app.services.attendance import (compute_days, enter_off_post, import_clock_file,
                                     month_absences, working_days)
from app.services.calendar import load_calendar, refresh_work_days
from app.services.transaction import transaction
from models.attendance import ClockExcuse
from models.leave import LeaveRequest
from models.org import Staff

TODAY = date(2026, 11, 26)
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
D = Decimal


def N(day: int) -> date:
    return date(2026, 11, day)


def at(day: int, hhmmss: str) -> str:
    return f"{N(day)} {hhmmss}"


@pytest.fixture
def grid(db_session, make_window, center_now):
    window = make_window("01", "窗口一")
    people = [Staff(name="张三", employee_no="1001", unit="window", window=window),
              Staff(name="李四", employee_no="1002", unit="window", window=window),
              Staff(name="王五", employee_no="1003", unit="office"),
              Staff(name="赵主任", employee_no="9001", unit="leadership", clocks_in=False),
              Staff(name="钱主任", employee_no="9002", unit="leadership", clocks_in=False)]
    db_session.add_all(people)
    db_session.commit()
    refresh_work_days(db_session, TODAY)
    db_session.commit()
    zhang, li, wang, zhao, _qian = people
    days = [d for d in working_days(FIRST, LAST, load_calendar(db_session)) if d <= N(20)]
    special = {
        2: ["08:07:00", "11:31:00", "13:58:00", "17:12:00"],
        3: ["08:10:00", "11:00:00", "13:58:00", "17:31:00"],
        4: ["11:40:00", "14:30:00"],
        5: ["07:55:00", "13:58:00", "17:31:00"],
        6: ["07:55:00", "11:31:00"],
        9: ["08:00:00", "11:30:00", "14:00:00", "17:30:00"],
        10: ["08:00:01", "11:29:59", "14:00:01", "17:29:59"],
        11: ["13:58:00", "17:31:00"],
    }
    normal = ["07:55:00", "11:31:00", "13:58:00", "17:31:00"]
    lines = []
    for day in days:
        lines += [f"1001,x,{at(day.day, t)}" for t in special.get(day.day, normal)]
        if day.day not in (13,):
            lines += [f"1002,x,{at(day.day, t)}" for t in normal]
        if day.day != 18:
            lines += [f"1003,x,{at(day.day, t)}" for t in normal]
    lines += [f"9001,x,{at(2, '09:00:00')}", f"9001,x,{at(2, '16:00:00')}"]
    result = import_clock_file(db_session, "clock.csv",
                               ("employee_no,name,clocked_at\n" + "\n".join(lines) + "\n").encode(),
                               None)
    assert result.ok, [e.render() for e in result.errors]
    db_session.add_all([
        ClockExcuse(staff_id=zhang.id, day=N(11), half="am", reason="meeting", state="approved"),
        ClockExcuse(staff_id=zhang.id, day=N(12), half="am", reason="meeting", state="pending"),
        LeaveRequest(staff_id=li.id, kind="personal", start_day=N(12), end_day=N(13),
                     half_day_start=True, days=D("1.5"), approver_position="director",
                     state="approved"),
        LeaveRequest(staff_id=li.id, kind="personal", start_day=N(16), end_day=N(16),
                     days=D(1), approver_position="director", state="pending"),
        LeaveRequest(staff_id=li.id, kind="personal", start_day=N(19), end_day=N(20),
                     half_day_end=True, days=D("1.5"), approver_position="director",
                     state="approved", reported_back_on=N(24), overstay_days=D(2)),
        LeaveRequest(staff_id=wang.id, kind="personal", start_day=N(24), end_day=N(24),
                     days=D(1), approver_position="director", state="revoked"),
        LeaveRequest(staff_id=wang.id, kind="personal", start_day=N(17), end_day=N(19),
                     days=D(3), approver_position="director", state="approved",
                     reported_back_on=N(18)),
    ])
    db_session.commit()
    with transaction(db_session):
        for day, minutes in ((N(5), 130), (N(9), 120)):
            enter_off_post(db_session, li.id, day, minutes, "巡查", None)
    center_now(TODAY)
    return people


def _grid(db_session, people) -> dict[str, list[str]]:
    names = {p.id: p.name for p in people}
    out: dict[str, list[str]] = {}
    for r in compute_days(db_session, FIRST, LAST, TODAY):
        out.setdefault(names[r.staff_id], []).append(
            f"{r.day.day} {r.am.status} {r.am.first} {r.am.last} {r.pm.status} {r.pm.first} "
            f"{r.pm.last} {r.late_early} {r.absent_days}")
    return out


def test_att_2_att_3_att_4_the_month_grid_is_pinned(db_session, grid):
    got = _grid(db_session, grid)
    assert got == PINNED_GRID


def test_att_3_the_month_totals_are_pinned(db_session, grid):
    months = month_absences(db_session, 2026, 11, TODAY)
    got = {p.name: (months[p.id].late, months[p.id].early, months[p.id].absent_half_days,
                    months[p.id].off_post, months[p.id].rule_days, months[p.id].absence_days,
                    [d.day for d in months[p.id].no_data_days]) for p in grid}
    assert got == PINNED_MONTHS


def test_att_3_the_office_month_page_shows_the_pinned_rows(as_office, grid):
    html = as_office.get("/attendance/?year=2026&month=11").get_data(as_text=True)
    ours = {str(p.id) for p in grid}  # not the office user's own staff row
    rows = re.findall(r'<tr data-staff="(\d+)">(.*?)</tr>', html, re.S)
    got = [re.sub(r"\s+", " ", re.sub(r'href="[^"]*"', "", row)).strip()
           for staff_id, row in rows if staff_id in ours]
    # by window, then name: staff without a window sort first on SQLite, last on PostgreSQL
    assert sorted(got) == sorted(PINNED_ROWS)
    assert "2026-11-23 – 2026-11-25" in html  # ATT-2: the gap shown


PINNED_GRID = {'张三': ['2 late 29220 41460 early 50280 61920 2 0.0',
        '3 late_early 29400 39600 ok 50280 63060 2 0.0',
        '4 late 42000 42000 late_early 52200 52200 3 0.0',
        '5 early 28500 28500 ok 50280 63060 1 0.0',
        '6 ok 28500 41460 absent None None 0 0.5',
        '9 ok 28800 41400 ok 50400 63000 0 0.0',
        '10 late_early 28801 41399 late_early 50401 62999 4 0.0',
        '11 excused None None ok 50280 63060 0 0.0',
        '12 ok 28500 41460 ok 50280 63060 0 0.0',
        '13 ok 28500 41460 ok 50280 63060 0 0.0',
        '16 ok 28500 41460 ok 50280 63060 0 0.0',
        '17 ok 28500 41460 ok 50280 63060 0 0.0',
        '18 ok 28500 41460 ok 50280 63060 0 0.0',
        '19 ok 28500 41460 ok 50280 63060 0 0.0',
        '20 ok 28500 41460 ok 50280 63060 0 0.0',
        '23 no_data None None no_data None None 0 0.0',
        '24 no_data None None no_data None None 0 0.0',
        '25 no_data None None no_data None None 0 0.0'],
 '李四': ['2 ok 28500 41460 ok 50280 63060 0 0.0',
        '3 ok 28500 41460 ok 50280 63060 0 0.0',
        '4 ok 28500 41460 ok 50280 63060 0 0.0',
        '5 ok 28500 41460 ok 50280 63060 0 0.0',
        '6 ok 28500 41460 ok 50280 63060 0 0.0',
        '9 ok 28500 41460 ok 50280 63060 0 0.0',
        '10 ok 28500 41460 ok 50280 63060 0 0.0',
        '11 ok 28500 41460 ok 50280 63060 0 0.0',
        '12 ok 28500 41460 leave 50280 63060 0 0.0',
        '13 leave None None leave None None 0 0.0',
        '16 ok 28500 41460 ok 50280 63060 0 0.0',
        '17 ok 28500 41460 ok 50280 63060 0 0.0',
        '18 ok 28500 41460 ok 50280 63060 0 0.0',
        '19 leave 28500 41460 leave 50280 63060 0 0.0',
        '20 leave 28500 41460 ok 50280 63060 0 0.0',
        '23 absent None None absent None None 0 1.0',
        '24 no_data None None no_data None None 0 0.0',
        '25 no_data None None no_data None None 0 0.0'],
 '王五': ['2 ok 28500 41460 ok 50280 63060 0 0.0',
        '3 ok 28500 41460 ok 50280 63060 0 0.0',
        '4 ok 28500 41460 ok 50280 63060 0 0.0',
        '5 ok 28500 41460 ok 50280 63060 0 0.0',
        '6 ok 28500 41460 ok 50280 63060 0 0.0',
        '9 ok 28500 41460 ok 50280 63060 0 0.0',
        '10 ok 28500 41460 ok 50280 63060 0 0.0',
        '11 ok 28500 41460 ok 50280 63060 0 0.0',
        '12 ok 28500 41460 ok 50280 63060 0 0.0',
        '13 ok 28500 41460 ok 50280 63060 0 0.0',
        '16 ok 28500 41460 ok 50280 63060 0 0.0',
        '17 leave 28500 41460 leave 50280 63060 0 0.0',
        '18 absent None None absent None None 0 1.0',
        '19 ok 28500 41460 ok 50280 63060 0 0.0',
        '20 ok 28500 41460 ok 50280 63060 0 0.0',
        '23 no_data None None no_data None None 0 0.0',
        '24 absent None None absent None None 0 1.0',
        '25 no_data None None no_data None None 0 0.0'],
 '赵主任': ['2 late_early 32400 32400 late_early 57600 57600 4 0.0',
         '3 absent None None absent None None 0 1.0',
         '4 absent None None absent None None 0 1.0',
         '5 absent None None absent None None 0 1.0',
         '6 absent None None absent None None 0 1.0',
         '9 absent None None absent None None 0 1.0',
         '10 absent None None absent None None 0 1.0',
         '11 absent None None absent None None 0 1.0',
         '12 absent None None absent None None 0 1.0',
         '13 absent None None absent None None 0 1.0',
         '16 absent None None absent None None 0 1.0',
         '17 absent None None absent None None 0 1.0',
         '18 absent None None absent None None 0 1.0',
         '19 absent None None absent None None 0 1.0',
         '20 absent None None absent None None 0 1.0',
         '23 no_data None None no_data None None 0 0.0',
         '24 no_data None None no_data None None 0 0.0',
         '25 no_data None None no_data None None 0 0.0']}
PINNED_MONTHS = {'张三': (6, 6, 1, [], D('0.5'), D('1.0'), [23, 24, 25]),
 '李四': (0,
        0,
        2,
        [(date(2026, 11, 5), 130), (date(2026, 11, 9), 120)],
        D('0.5'),
        D('1.5'),
        [24, 25]),
 '王五': (0, 0, 4, [], D('0.0'), D('2.0'), [23, 25]),
 '赵主任': (2, 2, 28, [], D('0.5'), D('14.5'), [23, 24, 25]),
 '钱主任': (0, 0, 0, [], D('0.0'), D('0.0'), [])}
PINNED_ROWS = [ '<td><a >王五</a></td> <td></td><td>0</td><td>0</td><td>4</td> <td></td> <td '
 'class="absence-days">2.0</td>',
 '<td><a >赵主任</a></td> <td></td><td>2</td><td>2</td><td>28</td> <td></td> <td '
 'class="absence-days">14.5</td>',
 '<td><a >钱主任</a></td> <td></td><td>0</td><td>0</td><td>0</td> <td></td> <td '
 'class="absence-days">0.0</td>',
 '<td><a >张三</a></td> <td>01 窗口一</td><td>6</td><td>6</td><td>1</td> <td></td> <td '
 'class="absence-days">1.0</td>',
 '<td><a >李四</a></td> <td>01 窗口一</td><td>0</td><td>0</td><td>2</td> <td>2026-11-05 130′ '
 '2026-11-09 120′ </td> <td class="absence-days">1.5</td>']


def test_att_1_att_2_a_period_across_the_season_change_splits_each_days_clocks_at_its_noon(
        db_session):
    """ATT-1/2: summer (to 30 September) splits the day at 13:15, winter at 12:45: a single
    clock at 13:00 is the morning's on 30 September (late, the afternoon absent) and the
    afternoon's on 9 October (early leave, the morning absent; the 8th, a working day after
    the National Day holidays without any clock, no data) — one statement for both seasons."""
    staff = Staff(name="张三", employee_no="1001", unit="office")
    db_session.add(staff)
    db_session.commit()
    lines = ["1001,x,2026-09-30 13:00:00", "1001,x,2026-10-09 13:00:00"]
    result = import_clock_file(db_session, "clock.csv",
                               ("employee_no,name,clocked_at\n" + "\n".join(lines) + "\n").encode(),
                               None)
    assert result.ok
    db_session.commit()
    got = {r.day: (r.am.status, r.am.first, r.pm.status, r.pm.first, r.late_early, r.absent_days)
           for r in compute_days(db_session, date(2026, 9, 30), date(2026, 10, 9),
                                 date(2026, 10, 10), [staff.id])}
    assert got == {date(2026, 9, 30): ("late", 46800, "absent", None, 1, D("0.5")),
                   date(2026, 10, 8): ("no_data", None, "no_data", None, 0, D("0.0")),
                   date(2026, 10, 9): ("absent", None, "early", 46800, 1, D("0.5"))}
