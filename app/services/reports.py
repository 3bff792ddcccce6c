"""Printable reports of issue #12: 月度考核通报 (the monthly assessment notice) and, as PDF, the
半年考核等次名单 (the semi-annual grade list).

The notice of a month (SCORE-2/3): the ranking of every active window with its categories and
total, the 红旗窗口 (the first `score.red_flag_count`), and the main deductions — the month's
largest deductions (ScoreEvent joined with its DeductionItem: window, staff, item, evidence)
and the items deducted most often. The window scores come from
`app.services.window_scores.month_window_scores` only (it will read the confirmed results once
they are stored). Both the A4 HTML page and the PDF are drawn from one `MonthNotice`; the PDF
is laid out by app/services/pdf.py from texts the caller has translated (`translate`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.errors import N_
from app.rules.points import format_points
from app.rules.scoring import PEER
from app.services.exports import SCORE_CATEGORY_LABELS
from app.services.pdf import Column, PdfReport, Section, Table, render
from app.services.window_scores import COLUMNS, WindowMonthScore, month_window_scores
from models.org import Center, Staff, Window
from models.scoring import AssessmentMonth, DeductionItem, ScoreEvent

MAIN_DEDUCTIONS = 10  # the notice lists the month's ten largest deductions
FREQUENT_ITEMS = 5  # and the five items deducted most often
EVIDENCE_CHARS = 60  # evidence is cut on paper; the full text stays on the event's page


@dataclass(frozen=True)
class NoticeDeduction:
    """One of the month's main deductions (SCORE-1 record)."""

    event_id: int
    day: date
    window: str
    staff: str
    code: str
    description: str  # the item's English msgid (translate when shown)
    category: str
    points: Decimal
    evidence: str
    automatic: bool


@dataclass(frozen=True)
class FrequentItem:
    code: str
    description: str  # English msgid
    category: str
    count: int
    points: Decimal  # their sum (negative)


@dataclass(frozen=True)
class MonthNotice:
    """月度考核通报 of `period` (the first day of the month)."""

    period: date
    center_name: str
    confirmed_at: datetime | None  # None: the month is still open (provisional figures)
    scores: list[WindowMonthScore]
    deductions: list[NoticeDeduction]
    frequent: list[FrequentItem]
    deduction_count: int
    deduction_points: Decimal

    @property
    def month(self) -> str:
        return self.period.strftime("%Y-%m")

    @property
    def red_flags(self) -> list[WindowMonthScore]:
        return [score for score in self.scores if score.red_flag]

    @property
    def missing(self) -> frozenset[str]:
        return frozenset().union(*(score.missing for score in self.scores))


def center_name(session: Session) -> str:
    return session.scalar(select(Center.name).order_by(Center.id).limit(1)) or ""


def shorten(text: str | None, limit: int = EVIDENCE_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def month_notice(session: Session, period: date, limit: int = MAIN_DEDUCTIONS) -> MonthNotice:
    """SCORE-2/3: the notice of the month of `period` — four queries whatever the month."""
    period = period.replace(day=1)
    deducted = (ScoreEvent.period == period, ScoreEvent.points < 0, ScoreEvent.category != PEER)
    rows = session.execute(
        select(ScoreEvent.id, ScoreEvent.day, Window.number, Window.name, Staff.name,
               DeductionItem.code, DeductionItem.description, ScoreEvent.category,
               ScoreEvent.points, ScoreEvent.evidence, ScoreEvent.automatic)
        .outerjoin(Window, Window.id == ScoreEvent.window_id)
        .outerjoin(Staff, Staff.id == ScoreEvent.staff_id)
        .outerjoin(DeductionItem, DeductionItem.id == ScoreEvent.item_id)
        .where(*deducted)
        .order_by(ScoreEvent.points, ScoreEvent.day, ScoreEvent.id).limit(limit))
    deductions = [
        NoticeDeduction(event_id, day, f"{number} {name}" if number else (name or ""),
                        staff or "", code or "", description or "", category,
                        Decimal(str(points)), shorten(evidence), bool(automatic))
        for (event_id, day, number, name, staff, code, description, category, points, evidence,
             automatic) in rows]
    count = func.count(ScoreEvent.id)
    frequent = [
        FrequentItem(code, description, category, int(n), Decimal(str(points)))
        for code, description, category, n, points in session.execute(
            select(DeductionItem.code, DeductionItem.description, DeductionItem.category, count,
                   func.sum(ScoreEvent.points))
            .join(DeductionItem, DeductionItem.id == ScoreEvent.item_id)
            .where(*deducted)
            .group_by(DeductionItem.id, DeductionItem.code, DeductionItem.description,
                      DeductionItem.category)
            .order_by(count.desc(), func.sum(ScoreEvent.points), DeductionItem.code)
            .limit(FREQUENT_ITEMS))]
    total_count, total_points = session.execute(
        select(func.count(ScoreEvent.id), func.sum(ScoreEvent.points)).where(*deducted)).one()
    confirmed_at = session.scalar(select(AssessmentMonth.confirmed_at).where(
        AssessmentMonth.period == period, AssessmentMonth.state == "confirmed"))
    return MonthNotice(period, center_name(session), confirmed_at,
                       month_window_scores(session, period), deductions, frequent,
                       int(total_count or 0), Decimal(str(total_points or 0)))


# --- PDF --------------------------------------------------------------------------------------
def score(value: Decimal | None) -> str:
    """A score or total as on the notice's page: one decimal (app.rules.points)."""
    return format_points(value, score=True)


def points(value: Decimal | None) -> str:
    """Deduction points as on the notice's page: as given, "−2" (app.rules.points)."""
    return format_points(value)


def item_name(row: NoticeDeduction | FrequentItem, translate: Callable[[str], str]) -> str:
    """Issue #20: a deduction item as the notice prints it — its (translated) name, never the
    catalogue code (`M3-overdue-day`), which is a key for the automatic events."""
    return translate(row.description) if row.description else row.code


def notice_title(translate: Callable[[str], str]) -> str:
    return translate(N_("Monthly assessment notice"))


def category_heading(label: str) -> str:
    """Issue #20: a score category's name as a column heading of the notice — the name, never
    its code (M1…); a long Chinese name breaks after its own 、 or 与 (行为规范、/服务态度,
    工作作风与/群众投诉), never inside a word. Other names wrap where the cell ends (at spaces)."""
    for mark in ("、", "与"):
        head, found, tail = label.partition(mark)
        if found and head and tail:
            return f"{head}{found}\n{tail}"
    return label


#: SCORE-2, under the ranking when a window nobody rated got the mean of the others.
PEER_MEAN_NOTE = N_("M10 of a window nobody rated: the mean of the rated windows' M10 (in full "
                    "while no window is rated)")


def notice_pdf(notice: MonthNotice, translate: Callable[[str], str], printed: date,
               month_label: str, state_line: str, tie_notes: Sequence[str] = ()) -> bytes:
    """The notice as a PDF on A4 landscape, so that the ten categories and the bonus are headed
    by their names (issue #20: no M1…M10 and no legend of codes): the same sections as its
    HTML page; `tie_notes` say which SCORE-3 tie-break decided a tie across the last 红旗窗口
    seat (issue #20)."""
    t = translate
    ranking = Table(
        # Widths in mm of the 267 mm line: a category's six characters (参加中心活动) fit one
        # line of 8 pt in 19.3 mm with the cell's margins; the window's name wraps if it must.
        [Column(t(N_("Rank")), 8), Column(t(N_("Window")), 24, "L"),
         *(Column(category_heading(t(SCORE_CATEGORY_LABELS[key])), 19.3) for key in COLUMNS),
         Column(t(N_("Total")), 10), Column(t(N_("Red-flag window")), 13.5)],
        [(str(s.rank), f"{s.number} {s.name}",
          *(score(s.by_category.get(key)) for key in COLUMNS), score(s.total),
          "★" if s.red_flag else "") for s in notice.scores],
        marked=frozenset(i for i, s in enumerate(notice.scores) if s.red_flag), font_size=8)
    red = [f"{s.number} {s.name}" for s in notice.red_flags]
    sections = [
        Section(t(N_("Red-flag windows")),
                text="、".join(red) if red else t(N_("No red-flag window"))),
        Section(t(N_("Window ranking")), table=ranking,
                note=t(PEER_MEAN_NOTE) if PEER in notice.missing else None),
    ]
    if tie_notes:
        sections.append(Section(t(N_("Ties for the last red-flag seat")), text="\n".join(tie_notes)))
    if notice.deductions:
        sections.append(Section(t(N_("Main deductions")), table=Table(
            [Column(t(N_("Date")), 16), Column(t(N_("Window")), 28, "L"),
             Column(t(N_("Staff")), 14), Column(t(N_("Deduction item")), 38, "L"),
             Column(t(N_("Points")), 10), Column(t(N_("Evidence")), 44, "L")],
            [(d.day.isoformat(), d.window, d.staff, item_name(d, t),
              points(d.points), d.evidence) for d in notice.deductions], font_size=8)))
        sections.append(Section(t(N_("Most frequent deductions")), table=Table(
            [Column(t(N_("Deduction item")), 110, "L"), Column(t(N_("Times")), 20),
             Column(t(N_("Points")), 20)],
            [(item_name(f, t), str(f.count), points(f.points))
             for f in notice.frequent], font_size=8)))
    else:
        sections.append(Section(t(N_("Main deductions")), text=t(N_("No deductions this month."))))
    return render(PdfReport(
        notice.center_name, notice_title(t), [month_label, state_line], sections,
        footer=t(N_("Printed %(day)s")) % {"day": printed.isoformat()}, landscape=True))


#: SCORE-6, said under every grade list (page, print, PDF).
NO_BONUS_NOTE = N_("The lowest grade (不称职 / 不合格) gets no assessment bonus (考核奖金).")


def grades_pdf(center: str, title: str, lines: Sequence[str], columns: Sequence[Column],
               rows: Sequence[Sequence[str]], translate: Callable[[str], str],
               printed: date, notes: Sequence[str] = ()) -> bytes:
    """SCORE-6: the semi-annual grade list as a PDF (A4 portrait, as its HTML page), with
    the rule of its assessment-bonus column under it; `notes` (how the 优秀 share came out,
    a tie across its last seat, who is assessed elsewhere) in a section of their own."""
    sections = [Section(translate(N_("Grade list")), table=Table(columns, rows, font_size=9))]
    if notes:
        sections.append(Section(translate(N_("Excellent share")), text="\n".join(notes)))
    sections.append(Section(translate(N_("Assessment bonus")), text=translate(NO_BONUS_NOTE)))
    return render(PdfReport(
        center, title, lines, sections,
        footer=translate(N_("Printed %(day)s")) % {"day": printed.isoformat()}))
