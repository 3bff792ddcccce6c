"""Printable reports of issue #12: 月度考核通报 (the monthly assessment notice) as an A4 page and
as a PDF, and the semi-annual grade list as a PDF (SCORE-2/3/6, ORG-2, OFFLINE).

One month, 2026-11: seven windows, so the five 红旗窗口 (SCORE-3, `score.red_flag_count` 5)
leave two out; window 03 takes the month's largest deduction (a serious complaint, −10),
window 02 quarrels twice, window 07 has a staff member with a rare name character (喆) that
only the extension font holds.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from app.services.reports import month_notice, notice_pdf
from app.services.scoring import item_by_code
from models.org import Staff
from models.scoring import ScoreEvent
from models.semiannual import SemiannualAssessment, SemiannualEntry
from tests.pdf_text import page_count, pdf_lines

PERIOD = date(2026, 11, 1)
# Issue #20: what must never be printed — a category code (M1…M10, B as a heading), a deduction
# item code, a rule id, a True/False/None, a UTC ISO time.
CODE = re.compile(r"\bM\d{1,2}\b|^B\b|\b[A-Z]\d*-[a-z]+(?:-[a-z]+)*\b|\b[A-Z]{2,8}-\d+(?:\.\d+)?\b"
                  r"|\b(?:True|False|None)\b|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", re.A)  # ASCII \b: 互评M10
NOTICE = "/reports/month/2026-11/notice"
NOTICE_PDF = "/reports/month/2026-11/notice.pdf"
ROLES = ["Admin", "Leadership", "Office", "SectionHead", "WindowHead", "Clerk"]
ALLOWED = {"Admin", "Leadership", "Office"}


def event(session, window, staff, code, points, day, evidence=None):
    item = item_by_code(session, code)
    sign = 1 if item.category == "B" else -1
    session.add(ScoreEvent(window_id=window.id, staff_id=staff.id if staff else None,
                           item_id=item.id, category=item.category, day=day, period=PERIOD,
                           points=sign * Decimal(points), evidence=evidence))


@pytest.fixture
def month(db_session, make_window):
    windows = [make_window(f"{n:02d}", name, "县局") for n, name in enumerate(
        ["公安户政窗口", "人社窗口", "市场监管窗口", "税务窗口", "不动产窗口", "医保窗口",
         "民政窗口"], start=1)]
    staff = [Staff(name=name, window=w, unit="window") for name, w in zip(
        ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "王喆"], windows)]
    db_session.add_all(staff)
    db_session.flush()
    event(db_session, windows[2], staff[2], "M7-complaint-serious", "10", date(2026, 11, 12),
          "群众投诉：态度生硬，造成不良影响（投诉 2026-0031）")
    event(db_session, windows[1], staff[1], "M1-quarrel", "3", date(2026, 11, 3), "与群众争吵")
    event(db_session, windows[1], staff[1], "M1-quarrel", "3", date(2026, 11, 18), "再次争吵")
    event(db_session, windows[6], staff[6], "M6-integrity", "2", date(2026, 11, 20),
          "收受办事群众香烟")
    event(db_session, windows[0], staff[0], "M9-untidy", "1", date(2026, 11, 5), "桌面杂乱")
    event(db_session, windows[3], None, "B-banner", "2", date(2026, 11, 6), "群众赠送锦旗")
    db_session.commit()
    return windows, staff


def footer_pages(lines: list[str]) -> list[str]:
    """The footers' "n/N": fpdf2 shows n/ and the total ({nb}, filled in at the end) apart."""
    return [line + lines[i + 1] for i, line in enumerate(lines[:-1])
            if line.endswith("/") and line[:-1].isdigit()]


# --- The notice's data (SCORE-2/3) ------------------------------------------------------------
def test_score_3_notice_ranks_every_window_marks_five_red_flags_and_lists_the_main_deductions(
        db_session, month):
    windows, _staff = month
    notice = month_notice(db_session, date(2026, 11, 17))
    assert notice.period == PERIOD and notice.center_name == "测试便民服务中心"
    assert len(notice.scores) == 7 and len(notice.red_flags) == 5
    assert [s.number for s in notice.scores][-2:] == ["02", "03"]  # −6 and −10
    assert notice.scores[0].number == "04" and notice.scores[0].red_flag  # the banner's +2
    biggest = notice.deductions[0]
    assert (biggest.window, biggest.staff, biggest.code, biggest.points) == (
        "03 市场监管窗口", "孙三", "M7-complaint-serious", Decimal("-10.0"))
    assert len(notice.deductions) == 5  # the bonus is not a deduction
    assert notice.frequent[0].code == "M1-quarrel" and notice.frequent[0].count == 2
    assert (notice.deduction_count, notice.deduction_points) == (5, Decimal("-19.0"))
    assert notice.confirmed_at is None


def test_score_3_notice_of_a_month_without_events_ranks_everyone_in_full(db_session, month):
    notice = month_notice(db_session, date(2026, 10, 1))
    assert [s.total for s in notice.scores] == [Decimal("100")] * 7
    assert notice.deductions == [] and notice.frequent == [] and notice.deduction_count == 0


# --- The A4 page -------------------------------------------------------------------------
def test_score_3_notice_page_shows_the_ranking_the_red_flags_and_the_deductions(log_in, month):
    html = log_in("Leadership").get(NOTICE).get_data(as_text=True)
    assert "测试便民服务中心" in html and "2026-11" in html
    assert html.count('class="window-row') == 7 and html.count("window-row red-flag") == 5
    assert html.count('class="red-flag-window"') == 5
    red = html.split('id="red-flags"')[1].split("</p>")[0]
    assert "04 税务窗口" in red and "03 市场监管窗口" not in red and "02 人社窗口" not in red
    assert html.count('class="deduction-row"') == 5
    for text in ("孙三", "投诉导致通报批评或造成不良影响", "<td>−10</td>", "态度生硬", "王喆",
                 "与办事群众发生争吵"):
        assert text in html, text
    # Points as everywhere (app/rules/points.py): scores with one decimal, deductions as given
    # with the true minus sign.
    assert "<strong>100.0</strong>" in html and "<td>-" not in html
    # Issue #20: the item's name, never its catalogue code, on the page people read.
    assert "M7-complaint-serious" not in html and "M1-quarrel" not in html
    assert 'href="/reports/month/2026-11/notice.pdf"' in html
    # Issue #20: the score columns carry their categories' names (A4 landscape), no code, no
    # legend of codes under the table.
    header = re.search(r'<table id="ranking">.*?</thead>', html, re.S).group(0)
    assert "行为规范、<br>服务态度" in header and "工作作风与<br>群众投诉" in header
    for name in ("办件管理", "参加中心活动", "窗口互评", "受奖附加"):
        assert name in header, name
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
    assert not CODE.findall(text), CODE.findall(text)
    assert 'class="legend">行为规范' not in html and "A4 横向" in html
    assert "打印" in html or "Print" in html


def test_score_3_notice_page_is_a_standalone_a4_sheet_without_the_menu_or_external_links(
        log_in, month):
    """As the case documents (tests/views/test_printing.py): print.css, the print button,
    no FAB layout, nothing from another host; the footer gives the printing date."""
    html = log_in("Office").get(NOTICE).get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "/static/css/print.css" in html and "/static/js/print.js" in html and "data-print" in html
    assert "navbar" not in html and 'class="sheet notice"' in html
    assert 'class="printed"' in html


def test_score_3_the_menu_entry_opens_this_months_notice(log_in):
    response = log_in("Leadership").get("/reports/month/")
    assert response.status_code == 302 and "/reports/month/" in response.headers["Location"]
    assert response.headers["Location"].endswith("/notice")


@pytest.mark.parametrize("month_text", ["2026-13", "2026-00", "26-11", "2026-1", "1999-12",
                                        "2026-11-01", "abcd-ef", "2100-01"])
def test_score_3_a_bad_month_is_404(log_in, month_text):
    leader = log_in("Leadership")
    assert leader.get(f"/reports/month/{month_text}/notice").status_code == 404
    assert leader.get(f"/reports/month/{month_text}/notice.pdf").status_code == 404


# --- The PDFs ------------------------------------------------------------------------------
def test_score_3_notice_pdf_embeds_the_cjk_font_and_says_what_the_page_says(log_in, month):
    response = log_in("Office").get(NOTICE_PDF)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data and b"NotoSansSC" in data  # embedded (subset), not referenced
    assert page_count(data) == 1
    lines = pdf_lines(data)
    assert "\ufffd" not in "".join(lines)
    for text in ("测试便民服务中心", "孙三", "投诉导致通报批评或造成不良影响",
                 "−10", "100.0", "04 税务窗口", "03 市场监管窗口"):
        assert text in lines, text
    # Ranking rows: each window once in the ranking; the five red flags once more above it.
    assert sum(line.endswith("税务窗口") for line in lines) >= 1
    assert lines.count("★") == 5
    assert footer_pages(lines) == ["1/1"]  # the footer's page number
    # Issue #20: the printed notice names the items, never their catalogue codes.
    assert not [line for line in lines if "M7-complaint" in line or "M1-quarrel" in line]
    # Issue #20: the score columns are headed by the categories' names on A4 landscape — each
    # name whole on its line (a long one broken after its own 、 or 与), no M1…M10, no legend.
    assert b"/MediaBox [0 0 841.89 595.28]" in data or b"/MediaBox [0.00 0.00 841.89 595.28]" in data
    for heading in ("行为规范、", "服务态度", "办件管理", "时限承诺", "办理质量", "参加中心活动",
                    "廉洁从政", "工作作风与", "群众投诉", "人员到岗", "卫生保洁", "窗口互评", "受奖附加"):
        assert heading in lines, heading
    assert not [line for line in lines if CODE.search(line)], [l for l in lines if CODE.search(l)]
    assert "考核类别" not in lines  # the legend that spelled out the codes is gone
    # 喆 is outside GB2312: the extension font is embedded as a second font and shows it.
    assert data.count(b"/FontFile2") == 2 and "喆" in lines


def test_score_3_notice_pdf_of_thirty_windows_lists_each_and_numbers_its_pages(
        db_session, make_window, app):
    for n in range(1, 31):
        make_window(f"{n:02d}", f"第{n}窗口")
    with app.test_request_context():
        data = notice_pdf(month_notice(db_session, PERIOD), str, date(2026, 12, 1),
                          "2026-11", "provisional")
    lines = pdf_lines(data)
    assert page_count(data) in (1, 2)
    assert sum(1 for n in range(1, 31) if f"{n:02d} 第{n}窗口" in lines) == 30
    pages = page_count(data)
    assert lines.count("★") == 5 and footer_pages(lines) == [f"{n}/{pages}" for n in range(1, pages + 1)]
    assert data.count(b"/FontFile2") == 1  # no rare character: the core font alone


def test_score_6_grade_list_pdf_lists_every_entry_with_its_grade(log_in, db_session, window_a):
    office = log_in("Office")
    assessment = SemiannualAssessment(year=2026, half=1, state="draft")
    db_session.add(assessment)
    db_session.flush()
    names = ["赵一", "钱二", "孙三"]
    for name, total, grade in zip(names, ("95", "80", "70"), ("excellent", "competent", "basically_competent")):
        staff = Staff(name=name, window=window_a, unit="window")
        db_session.add(staff)
        db_session.flush()
        db_session.add(SemiannualEntry(assessment_id=assessment.id, staff_id=staff.id,
                                       staff_category="civil_servant", total=Decimal(total),
                                       grade=grade))
    db_session.commit()
    response = office.get(f"/reports/semiannual/{assessment.id}/grades.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert b"/FontFile2" in data and page_count(data) == 1
    lines = pdf_lines(data)
    for text in ("测试便民服务中心", *names, "95.0", "80.0"):
        assert any(text in line for line in lines), text
    # Issue #20: grades, categories and parts in words — no grade key, code or True/False.
    assert not [line for line in lines if CODE.search(line)], [l for l in lines if CODE.search(l)]
    for key in ("excellent", "competent", "civil_servant", "basically_competent"):
        assert not [line for line in lines if key in line], key
    assert "优秀" in lines and "公务员" in lines
    assert office.get("/reports/semiannual/999999/grades.pdf").status_code == 404
    # The grade list's pages offer the PDF to those who may have it.
    assert f"/reports/semiannual/{assessment.id}/grades.pdf" in office.get(
        f"/semiannualview/print/{assessment.id}").get_data(as_text=True)


# --- Who may print (ORG-2) -----------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_org_2_reports_are_leaderships_and_the_offices(role, log_in, window_a, db_session):
    actor = log_in(role, window=window_a if role in ("WindowHead", "Clerk") else None)
    assessment = SemiannualAssessment(year=2026, half=2, state="draft")
    db_session.add(assessment)
    db_session.commit()
    expected = 200 if role in ALLOWED else 403
    for url in (NOTICE, NOTICE_PDF, f"/reports/semiannual/{assessment.id}/grades.pdf"):
        assert actor.get(url).status_code == expected, f"{role} {url}"
    scores = actor.get("/windowscores/?month=2026-11").get_data(as_text=True)
    if role in ALLOWED:
        assert "/reports/month/2026-11/notice" in scores


def test_org_2_the_public_is_sent_to_the_login(public):
    for url in (NOTICE, NOTICE_PDF, "/reports/semiannual/1/grades.pdf"):
        assert public.get(url).status_code == 302


def test_score_3_the_english_notice_names_its_categories_without_codes(db_session, month, app):
    """Issue #20, English as the second language: the headings read "Conduct and attitude",
    never "M1 conduct and attitude"; the note on the mutual rating names no M10."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("en"):
        data = notice_pdf(month_notice(db_session, PERIOD), gettext, date(2026, 12, 1),
                          "2026-11", "provisional")
    text = " ".join(pdf_lines(data))
    for name in ("Conduct and attitude", "Mutual window rating", "Bonus"):
        assert name in text, name
    assert not CODE.findall(text), CODE.findall(text)
