"""PDF files of the printable reports (issue #12): A4 portrait (landscape where a report asks,
the month notice's eleven score columns), Chinese text in the vendored
Noto Sans SC (app/static/fonts/, SIL OFL 1.1), written by fpdf2 — pure Python, installed from
the package index alone, no system library or system font.

A report is a `PdfReport`: the center's name and the title on top, a few lines under the
title, then sections (a heading and a table, or a paragraph); every page carries the footer
(center, printing date, page n/N). fpdf2 embeds a subset of the font (only the glyphs used,
a /FontFile2 stream), so a one-page notice stays small.

Speed: opening the font is most of the cost, so it is cut in two (scripts/subset_font.py):
the GB2312 core (opened for every report, ~0.3 s) and the rest of GBK, opened only when a
text of the report needs it (a rare name character). A month notice of 30 windows takes well
under a second (bench/RESULTS.md), so the PDFs are made inline in the request, no job queue.
Texts arrive translated: this module knows no gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FAMILY = "NotoSansSC"
EXT_FAMILY = "NotoSansSCExt"
CORE_FONT = FONT_DIR / "NotoSansSC-Core.ttf"
EXT_FONT = FONT_DIR / "NotoSansSC-Ext.ttf"
PDF_MIMETYPE = "application/pdf"

MARGIN = 15  # mm, all round: A4 leaves 180 mm of line
HEADING_FILL = (230, 230, 230)
MARK_FILL = (253, 236, 236)  # a marked row (a red-flag window)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the line width, its alignment (L, C, R)."""

    heading: str
    weight: float
    align: str = "C"


@dataclass
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    marked: frozenset[int] = frozenset()  # indexes of rows printed on the mark fill
    font_size: float = 9


@dataclass
class Section:
    heading: str
    table: Table | None = None
    text: str | None = None  # a paragraph (e.g. "none this month")
    note: str | None = None  # a small paragraph under the table (e.g. how a figure was made)


@dataclass
class PdfReport:
    center_name: str
    title: str
    lines: Sequence[str] = ()  # under the title: the month, the state, a note
    sections: list[Section] = field(default_factory=list)
    footer: str = ""  # e.g. "Printed 2026-12-01"; the page number is added
    landscape: bool = False


def texts_of(report: PdfReport) -> Iterable[str]:
    yield from (report.center_name, report.title, report.footer, *report.lines)
    for section in report.sections:
        yield section.heading
        yield from (text for text in (section.text, section.note) if text)
        if section.table:
            yield from (column.heading for column in section.table.columns)
            for row in section.table.rows:
                yield from row


class _Document(FPDF):
    def __init__(self, report: PdfReport):
        super().__init__(orientation="L" if report.landscape else "P", unit="mm", format="A4")
        self.report = report
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.add_font(FAMILY, "", str(CORE_FONT))
        core = self.fonts[FAMILY.lower()].cmap
        if any(ord(char) not in core for text in texts_of(report) for char in text
               if not char.isspace()):
            self.add_font(EXT_FAMILY, "", str(EXT_FONT))
            self.set_fallback_fonts([EXT_FAMILY])
        self.set_title(report.title)
        self.set_author(report.center_name)
        self.set_creator("Bianmin")

    def footer(self):
        self.set_y(-MARGIN)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        text = " · ".join(part for part in (self.report.center_name, self.report.footer) if part)
        self.cell(0, 5, text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def parenthesis_on_own_line(text: str, fits: int) -> str:
    """Issue #20: a name too long for its cell wraps before its parenthetical (王小明（借调）→
    王小明 / （借调）), never inside it; one that fits is left alone."""
    head, mark, tail = text.partition("（")
    if not mark or len(text) <= fits or not head:
        return text
    return f"{head}\n{mark}{tail}"


def render(report: PdfReport) -> bytes:
    """The report as the bytes of a PDF file."""
    pdf = _Document(report)
    pdf.add_page()
    pdf.set_font(FAMILY, size=11)
    pdf.cell(0, 6, report.center_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=18)
    pdf.cell(0, 11, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    for line in report.lines:
        pdf.cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        pdf.ln(3)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(0, 8, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=10)
        if section.text:
            pdf.multi_cell(0, 6, section.text, new_x="LMARGIN", new_y="NEXT")
        if section.table:
            _table(pdf, section.table)
        if section.note:
            pdf.set_font(FAMILY, size=8)
            pdf.multi_cell(0, 4.5, section.note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font(FAMILY, size=table.font_size)
    heading = FontFace(fill_color=HEADING_FILL)
    with pdf.table(col_widths=[column.weight for column in table.columns],
                   text_align=[column.align for column in table.columns],
                   headings_style=heading, line_height=table.font_size * 0.55,
                   first_row_as_headings=True, repeat_headings=1) as grid:
        head = grid.row()
        for column in table.columns:
            head.cell(column.heading, align="C")
        for index, values in enumerate(table.rows):
            style = FontFace(fill_color=MARK_FILL) if index in table.marked else None
            row = grid.row(style=style)
            for value in values:
                row.cell(value)

