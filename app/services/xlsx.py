"""A streaming writer of one-sheet .xlsx workbooks, for exports of many rows (CASE-10, issue #9).

An .xlsx file is a zip of a few XML parts. This module writes the fixed parts as constants and
the sheet's XML row by row into its zip entry (ZipFile.open(name, "w") compresses as it goes),
so memory does not grow with the number of rows and no temporary file is needed besides `out`.
Each row's XML is one str.join over escaped values: XlsxWriter, which wrote the ledger before,
spent ~10 µs of pure Python per cell, three quarters of a 100,000-row export (bench/RESULTS.md).

What the sheet offers: a bold header row frozen in view, column widths, an autofilter over the
used range. Text goes in as inline strings (t="inlineStr"): never a formula, whatever it starts
with (`=1+1` stays text). Numbers (int, float) go in as numbers. Characters that XML 1.0 refuses
(control characters other than tab, newline and carriage return; lone surrogates; U+FFFE, U+FFFF)
are dropped so that the file always opens.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import IO

ROWS_PER_WRITE = 500  # rows joined before one write to the zip stream: fewer calls, small buffer
# Deflate's fastest level: level 6 cost 0.2–0.5 s more CPU per 100,000 rows for a file a
# quarter smaller (bench/RESULTS.md).
COMPRESS_LEVEL = 1
_NEEDS_WORK = re.compile('[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_ILLEGAL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_SPACES = " \t\n\r"  # at either end of a text, kept only with xml:space="preserve"
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")  # Excel refuses these in a sheet's name

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    '</Relationships>')
# Cell formats: 0 the default, 1 bold (the header row), 2 a date, 3 a date and time.
STYLES = (
    _HEAD + f'<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2">'
    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font>'
    '</fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_FROZEN_HEADER = ('<sheetViews><sheetView workbookViewId="0">'
                  '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                  '<selection pane="bottomLeft"/></sheetView></sheetViews>')
_PAGE_MARGINS = ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
                 ' footer="0.3"/>')

Value = str | int | float | Decimal | date | datetime | None
_EPOCH = date(1899, 12, 30)  # Excel's day 0 (1900 date system, past its 1900-02-29 bug)
_DATE_STYLE, _DATETIME_STYLE = ' s="2"', ' s="3"'


def serial_day(value: date | datetime) -> int | float:
    """Excel's serial number of a day (an int) or of a wall-clock date-time (a float)."""
    days = (value.date() if isinstance(value, datetime) else value) - _EPOCH
    if not isinstance(value, datetime):
        return days.days
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return days.days + seconds / 86400


def column_letter(index: int) -> str:
    """The letters of the 0-based column `index`: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape_text(value: str) -> str:
    """`value` as XML character data: &, <, > and " escaped, characters XML 1.0 refuses dropped,
    a carriage return as a reference (a reader would turn a literal one into a newline).
    Most cells need nothing: one regex search decides (cheaper than always replacing)."""
    if not _NEEDS_WORK.search(value):
        return value
    value = _ILLEGAL.sub("", value)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;"))


def sheet_name(title: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    name = _SHEET_NAME_ILLEGAL.sub("", _ILLEGAL.sub("", title))[:31].strip("'")
    return name or "Sheet1"


def column_width(characters: float) -> float:
    """The <col width> showing `characters` digits of the default font (Calibri 11: 7 px a
    digit, 5 px of padding), the way Excel and XlsxWriter store it."""
    return (int(characters * 7 + 0.5) + 5) / 7


def _cell(ref: str, value: Value, style: str = "") -> str:
    """One cell's XML, or "" for an empty one (absent cells cost nothing)."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        space = ' xml:space="preserve"' if value[0] in _SPACES or value[-1] in _SPACES else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
    if value is None:
        return ""
    if (kind is int or kind is float) and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if kind is Decimal and value.is_finite():
        return f'<c r="{ref}"{style}><v>{value:f}</v></c>'
    if kind is datetime:  # a wall-clock time: the caller converts to the center's zone first
        return f'<c r="{ref}"{_DATETIME_STYLE}><v>{serial_day(value)!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}"{_DATE_STYLE}><v>{serial_day(value)}</v></c>'
    return _cell(ref, str(value), style)  # bool, inf…: their text


def _row(number: int, letters: Sequence[str], values: Sequence[Value], style: str = "") -> str:
    """One row's XML. Text cells, nearly all of them, are built inline: a call per cell
    would be a third of the writer's time."""
    n = str(number)
    parts = [f'<row r="{n}">']
    for letter, value in zip(letters, values):
        if type(value) is str:
            if value:
                space = (' xml:space="preserve"' if value[0] in _SPACES or value[-1] in _SPACES
                         else "")
                parts.append(f'<c r="{letter}{n}"{style} t="inlineStr"><is><t{space}>'
                             f'{escape_text(value) if _NEEDS_WORK.search(value) else value}'
                             '</t></is></c>')
        elif value is not None:
            parts.append(_cell(letter + n, value, style))
    parts.append("</row>")
    return "".join(parts)


def write_sheet(out: IO[bytes], rows: Iterable[Sequence[Value]], *, title: str,
                headers: Sequence[str], widths: Sequence[float] = ()) -> int:
    """Write a one-sheet workbook to `out`: the bold, frozen `headers` row, then `rows`, with
    `widths` (in characters) for the first columns and an autofilter over every row.

    `rows` is consumed once, as it comes: pass a generator over a cursor and memory stays flat.
    Returns the number of rows written after the header.
    """
    letters = [column_letter(i) for i in range(max(len(headers), len(widths), 1))]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(headers, widths, letters).encode())
            count = _write_rows(sheet, rows, letters)
            last = f"{letters[max(len(headers), 1) - 1]}{count + 1}"
            sheet.write(f'</sheetData><autoFilter ref="A1:{last}"/>{_PAGE_MARGINS}'
                        '</worksheet>'.encode())
        package.writestr("xl/workbook.xml", _workbook(sheet_name(title), last))
    return count


def _sheet_start(headers: Sequence[str], widths: Sequence[float], letters: list[str]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{column_width(w)!r}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    return (_HEAD + f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">{_FROZEN_HEADER}'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>" + _row(1, letters, list(headers), ' s="1"'))


# Issue #21: a background job's progress while it writes a sheet — told the rows written so far
# at every write of a chunk. Set by `rows_reported` around an export replayed in the job worker
# (app/views/downloads.py), whose views hand `write_sheet` their rows without knowing of a job.
_ROW_PROGRESS: ContextVar[Callable[[int], None] | None] = ContextVar("xlsx_row_progress",
                                                                     default=None)


@contextmanager
def rows_reported(progress: Callable[[int], None]) -> Iterator[None]:
    """Within the block, every sheet written tells `progress(rows so far)` as it goes."""
    token = _ROW_PROGRESS.set(progress)
    try:
        yield
    finally:
        _ROW_PROGRESS.reset(token)


def _write_rows(sheet: IO[bytes], rows: Iterable[Sequence[Value]], letters: list[str]) -> int:
    """The data rows, from row 2 on, joined ROWS_PER_WRITE at a time. Returns their number."""
    count = 0
    chunk: list[str] = []
    progress = _ROW_PROGRESS.get()
    for values in rows:
        count += 1
        chunk.append(_row(count + 1, letters, values))
        if len(chunk) == ROWS_PER_WRITE:
            sheet.write("".join(chunk).encode())
            chunk.clear()
            if progress is not None:
                progress(count)
    if chunk:
        sheet.write("".join(chunk).encode())
    return count


def _workbook(name: str, last: str) -> str:
    """The workbook part: one sheet, and the hidden name Excel keeps for its autofilter."""
    quoted = "'" + name.replace("'", "''") + "'"
    return (_HEAD + f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            '<bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{escape_text(name)}" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f'{escape_text(quoted)}!$A$1:${_absolute(last)}</definedName></definedNames>'
            '</workbook>')


def _absolute(ref: str) -> str:
    """`H3` → `H$3` (the caller puts the first $)."""
    split = len(ref.rstrip("0123456789"))
    return f"{ref[:split]}${ref[split:]}"
