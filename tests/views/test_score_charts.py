"""Issue #20, charts that tell — the window scores' month trend, totals and category breakdown
(SCORE-2/3), the attendance month by window and by person (ATT-2/3), the semi-annual grade
distribution (SCORE-6): the numbers each chart carries, computed here by hand from the
fixture, every window labelled, every bar or point leading to its rows.

Window scores: the clock stands on 2026-12-07, so 2026-11 is the last finished month.
- 2026-09, open, nobody rated: A (01) M9 −2 → 98.0; B and C 100.0; mean 99.3.
- 2026-10, confirmed: the snapshot says A 96.5, B 99.0, C 101.0 (mean 98.8) — A's −5 M1 event of
  October is not counted again, the snapshot is what was confirmed.
- 2026-11, open: A M1 −1.5, M3 −14 (floored: 0 of 10); B M8 −3, B +12 (capped at 10).
  Ratings: A by B (80 ×4) and by C (90, 90, 90, 91) → 85.125 → 85.13 → M10 8.5;
  B by A (70 ×4) → 7.0; C nobody → the rated windows' mean (8.5 + 7.0) / 2 = 7.75 → 7.8.
  A = 8.5 + 10 + 0 + 40 + 15 + 5 + 8.5 = 87.0; B = 70 + 12 + 5 + 7.0 + 10 = 104.0;
  C = 90 + 7.8 = 97.8; mean 288.8 / 3 = 96.3.
- Before September nothing was recorded: the trend starts in 2026-09.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from app.rules.scoring import DEFAULT_CATEGORIES
from models.assessment import MonthlyResult, PeerRating
from models.scoring import AssessmentMonth, ScoreEvent
from tests.factories import give_lowest_grade, statements

SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


def chart(html: str, chart_id: str) -> dict:
    block = re.search(rf'<script type="application/json" id="{chart_id}"[^>]*>(.*?)</script>',
                      html, re.S)
    assert block, f"no chart {chart_id}"
    return json.loads(block.group(1))


@pytest.fixture
def scored(db_session, make_window, center_now):
    center_now(date(2026, 12, 7))
    a, b, c = (make_window(number, name=name)
               for number, name in (("01", "窗口甲"), ("02", "窗口乙"), ("03", "窗口丙")))
    for window, period, category, points in (
            (a, SEP, "M9", "-2"), (a, OCT, "M1", "-5"),
            (a, NOV, "M1", "-1.5"), (a, NOV, "M3", "-14"), (b, NOV, "M8", "-3"),
            (b, NOV, "B", "12")):
        db_session.add(ScoreEvent(window_id=window.id, category=category, day=period,
                                  period=period, points=Decimal(points), source="manual",
                                  evidence="证据"))
    db_session.add(AssessmentMonth(period=OCT, state="confirmed"))
    full = {key: str(value) for key, value in DEFAULT_CATEGORIES.items()} | {"B": "0"}
    for rank, (window, total, changed) in enumerate((
            (c, "101.0", {"B": "1.0"}), (b, "99.0", {"M1": "9.0"}), (a, "96.5", {"M1": "6.5"})),
            start=1):
        db_session.add(MonthlyResult(period=OCT, window_id=window.id, total=Decimal(total),
                                     categories=json.dumps(full | changed), rank=rank))
    for rater, rated, marks in ((b, a, (80, 80, 80, 80)), (c, a, (90, 90, 90, 91)),
                                (a, b, (70, 70, 70, 70))):
        db_session.add(PeerRating(period=NOV, rater_window_id=rater.id, rated_window_id=rated.id,
                                  attitude=marks[0], efficiency=marks[1], quality=marks[2],
                                  integrity=marks[3]))
    db_session.commit()
    return a, b, c


def test_score_2_the_month_trend_is_computed_like_the_months_themselves(as_leadership, scored):
    a, b, c = scored
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    trend = chart(html, "window-score-trend")
    assert trend["type"] == "line" and trend["categories"] == ["2026-09", "2026-10", "2026-11"]
    series = {s["name"]: s for s in trend["series"]}
    assert series["全中心平均"]["data"] == [99.3, 98.8, 96.3]
    assert series["01 窗口甲"]["data"] == [98.0, 96.5, 87.0]
    assert series["02 窗口乙"]["data"] == [100.0, 99.0, 104.0]
    assert series["03 窗口丙"]["data"] == [100.0, 101.0, 97.8]
    assert series["01 窗口甲"]["links"][1] == f"/assessment/window/{a.id}/?month=2026-10"
    assert series["全中心平均"]["links"][0] == "/windowscores/?month=2026-09"
    # the last point is the month the table shows (the same computation, two doors)
    table = html.split('id="window-scores"', 1)[1]
    for window, total in ((a, "87.0"), (b, "104.0"), (c, "97.8")):
        row = table.split(f'data-window="{window.id}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="total">{total}</td>' in row


def test_score_2_the_trend_of_one_window_is_that_window_and_the_mean(as_leadership, scored):
    a, _b, _c = scored
    url = f"/windowscores/?month=2026-11&window_id={a.id}"
    html = as_leadership.get(url).get_data(as_text=True)
    trend = chart(html, "window-score-trend")
    assert [s["name"] for s in trend["series"]] == ["全中心平均", "01 窗口甲"]
    assert f'<option value="{a.id}" selected>' in html


def test_score_2_the_trend_ends_with_the_month_shown(as_leadership, scored):
    html = as_leadership.get("/windowscores/?month=2026-10").get_data(as_text=True)
    assert chart(html, "window-score-trend")["categories"] == ["2026-09", "2026-10"]


def test_score_3_the_totals_chart_labels_every_window_best_first(as_leadership, scored):
    a, b, c = scored
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    totals = chart(html, "window-score-chart")
    assert totals["categories"] == ["02 窗口乙", "03 窗口丙", "01 窗口甲"]
    assert [d["value"] for d in totals["series"][0]["data"]] == [104.0, 97.8, 87.0]
    assert totals["floor"] is True  # the axis starts near 87, not at 0
    assert totals["links"] == [f"/assessment/window/{w.id}/?month=2026-11" for w in (b, c, a)]


def test_score_2_the_category_breakdown_names_categories_and_counts_points_lost(
        as_leadership, scored):
    a, b, c = scored
    html = as_leadership.get("/windowscores/").get_data(as_text=True)
    breakdown = chart(html, "window-score-breakdown")
    assert breakdown["categories"] == ["02 窗口乙", "03 窗口丙", "01 窗口甲"]
    lost = {s["name"]: s["data"] for s in breakdown["series"]}
    assert lost == {"行为规范、服务态度": [None, None, 1.5], "时限承诺": [None, None, 10.0],
                    "人员到岗": [3.0, None, None], "窗口互评": [3.0, 2.2, 1.5]}
    assert not any(re.fullmatch(r"M\d+", name) for name in lost)
    m3 = next(s for s in breakdown["series"] if s["name"] == "时限承诺")
    assert m3["links"][2] == f"/assessment/window/{a.id}/?month=2026-11#cat-M3"


def test_score_2_the_trend_is_one_statement_whatever_the_months(app, db_session, scored):
    """Issue #20: summed by the database — the confirmed snapshots, the open months' sums and
    ratings in one statement (two until issue #21 P1; the rule settings are read once per
    transaction)."""
    from app.extensions import db
    from app.services.settings import setting_value
    from app.services.window_scores import score_trend

    months = [date(2026, m, 1) for m in range(1, 12)]
    window_ids = [w.id for w in scored]
    with app.app_context():
        setting_value(db.session, "score.bonus_cap")  # the page has read the settings already
        with statements(app) as sent:
            trend = score_trend(db.session, months, window_ids)
        assert len(sent) == 1, sent
        assert trend.months == [SEP, OCT, NOV]


def test_score_2_the_window_score_page_sends_a_bounded_number_of_statements(
        app, db_session, log_in, scored):
    """The trend and the charts cost the same with a year of events as with one month: the
    page's own statements (the open month's three, the trend's one) and the frame's: 5 in all
    (13 before issue #21 P1 folded the month's reads and the trend's)."""
    a = scored[0].id
    leader = log_in("Leadership")

    def page():
        leader.client.get("/windowscores/")  # the frame's caches, after a write
        with statements(app) as sent:
            html = leader.client.get("/windowscores/").get_data(as_text=True)
        return len(sent), html

    few, _html = page()
    for month in range(1, 9):
        db_session.add(ScoreEvent(window_id=a, category="M2", day=date(2026, month, 3),
                                  period=date(2026, month, 1), points=Decimal("-1"),
                                  source="manual", evidence="证据"))
    db_session.commit()
    many, html = page()
    assert many == few <= 5, (few, many)
    assert len(chart(html, "window-score-trend")["categories"]) == 11


# --- the attendance month, by window and by person (ATT-2/3) ---------------------------------
# Only 2026-11-02 (a Monday) has clock data: 甲一 of window 01 clocks in at 08:07 (late), 甲二
# of window 01 not at all (absent both half-days), 乙一 of window 02 on time; window 03 has
# nobody. By window: 01 → 1 late, 2 absent half-days; 02 and 03 → nothing, yet named.
CLOCKS = (b"employee_no,clocked_at\n"
          b"2001,2026-11-02 08:07\n2001,2026-11-02 11:35\n2001,2026-11-02 13:55\n"
          b"2001,2026-11-02 17:40\n"
          b"2101,2026-11-02 07:55\n2101,2026-11-02 11:35\n2101,2026-11-02 13:55\n"
          b"2101,2026-11-02 17:40\n")


@pytest.fixture
def clocked(db_session, make_window, center_now, as_office):
    import io

    from models.org import Staff

    center_now(date(2026, 12, 7))
    first, second, third = (make_window(number, name=name)
                            for number, name in (("01", "窗口甲"), ("02", "窗口乙"), ("03", "窗口丙")))
    clerks = {name: Staff(name=name, employee_no=number, unit="window", window=window)
              for name, number, window in (("甲一", "2001", first), ("甲二", "2002", first),
                                           ("乙一", "2101", second))}
    db_session.add_all(clerks.values())
    db_session.commit()
    answer = as_office.post_form("/clockrecords/import/",
                                 {"file": (io.BytesIO(CLOCKS), "clock.csv")},
                                 content_type="multipart/form-data")
    assert answer.status_code in (200, 302)
    return (first, second, third), clerks


def test_att_3_the_attendance_month_by_window_names_every_window(as_office, clocked):
    (first, second, third), _clerks = clocked
    html = as_office.get("/attendance/?year=2026&month=11").get_data(as_text=True)
    by_window = chart(html, "attendance-window-chart")
    assert by_window["categories"] == ["01 窗口甲", "02 窗口乙", "03 窗口丙"]
    assert {s["name"]: s["data"] for s in by_window["series"]} == {
        "迟到": [1, None, None], "早退": [None, None, None], "旷工半天数": [2, None, None]}
    assert by_window["links"][1] == f"/attendance/?year=2026&month=11&window_id={second.id}"
    # the link is the month of that window's staff
    filtered = as_office.get(by_window["links"][0]).get_data(as_text=True)
    assert filtered.count("<tr data-staff=") == 2 and "attendance-window-chart" not in filtered


def test_att_3_the_attendance_month_by_person_leads_to_each_month(as_office, clocked):
    _windows, clerks = clocked
    html = as_office.get("/attendance/?year=2026&month=11").get_data(as_text=True)
    by_person = chart(html, "attendance-chart")
    names = by_person["categories"]
    assert names.index("甲二") < names.index("甲一") and "乙一" not in names  # most absence first
    series = {s["name"]: s["data"] for s in by_person["series"]}
    assert series["迟到"][names.index("甲一")] == 1
    assert series["旷工半天数"][names.index("甲二")] == 2
    assert by_person["links"][names.index("甲一")] == (
        f"/attendance/person/{clerks['甲一'].id}?year=2026&month=11")


# --- the semi-annual grade distribution (SCORE-6) ---------------------------------------------


def test_score_6_a_grade_bar_lists_the_people_of_that_grade(db_session, semiannual_people,
                                                            semiannual_assessment):
    """The clerk (civil servant) and the window-B clerk (institution) get 55 at most: one 不称职
    and one 不合格, each in its own series; the bar of 不称职 lists the clerk alone."""
    actors, staff = semiannual_people
    assessment = semiannual_assessment
    give_lowest_grade(db_session, assessment, staff["clerk"], staff["other"])
    office = actors["office"]
    html = office.get(f"/semiannualview/show/{assessment.id}").get_data(as_text=True)
    grades = chart(html, "grade-chart")
    incompetent, unqualified = (grades["categories"].index(label) for label in ("不称职", "不合格"))
    series = {s["name"]: s["data"] for s in grades["series"]}
    assert series["公务员"][incompetent] == 1 and series["公务员"][unqualified] is None
    assert series["事业单位人员"][unqualified] == 1
    link = grades["links"][incompetent]
    assert link == f"/semiannualview/show/{assessment.id}?grade=incompetent#semiannual-grades"
    listed = office.get(link.split("#")[0]).get_data(as_text=True)
    table = listed.split('id="semiannual-grades"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<tr data-staff="(\d+)"', table) == [str(staff["clerk"].id)]
    assert 'id="grade-shown"' in listed
