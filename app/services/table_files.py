"""Reading an uploaded table — a CSV text or an .xlsx workbook — for the imports: the clock
export (ATT-1, app/services/attendance.py) and the reference data (IMPORT-1,
app/services/reference_import.py). One reader, so that both refuse the same files the same way.

INPUT-1: whatever a user sends, the reader returns rows or raises one RuleViolation under the
form's `file` field (the caller's rule id), never another exception, and no file costs much
more memory than its size suggests:
- a CSV text is UTF-8 (with or without BOM) or GB18030 (Excel's Chinese CSV), holds no NUL
  character (a binary file named .csv) and no cell over the csv module's field limit (128 KB);
- a workbook is a zip that openpyxl reads, unpacks to at most MAX_UNPACKED_BYTES (openpyxl
  keeps the shared strings whole: a small zip of repeated text would fill the memory), and
  its sheets read to the end (a sheet cut short, a number cell holding text: refused whole);
- a sheet's own `<dimension>` is ignored: openpyxl pads every row to the width it claims and
  fills gaps between rows, so `A1:XFD1048576` with one far row turned a 5 KB file into 500 MB
  of lists. Rows are read as written, at most `max_rows` rows and `max_cells` cells.
"""

from __future__ import annotations

import csv
import io
import zipfile

from app.rules.errors import N_, RuleViolation

FIELD = "file"
EXCEL_MAX_ROWS = 1_048_576 - 1  # below the header: Excel's own limit, so no Excel file is refused
MAX_CELLS = 10_000_000  # a year's clock export is ~300,000 rows of a few columns
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
CSV_FIELD_LIMIT = csv.field_size_limit()


def refusal(rule: str, message: str, **params) -> RuleViolation:
    """The file cannot be imported: `message` (an N_ msgid) under the `file` field."""
    return RuleViolation(rule, message, field=FIELD, **params)


def read_csv(data: bytes, rule: str) -> list[list[str]]:
    """The rows of a CSV file (header first) as lists of text cells."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise refusal(rule, N_("The file is neither UTF-8 nor GB18030 text."))
    if "\x00" in text:
        raise refusal(rule, N_("The file is not a CSV text file."))
    text = text.replace("\r\n", "\n")
    if '"' not in text and "\r" not in text:
        # Nothing quoted: split, which is what the csv module would return, several times
        # faster (a year of clocks is 300,000 rows) — unless a line is longer than the field
        # limit, which the csv module alone checks.
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        if max(map(len, lines), default=0) <= CSV_FIELD_LIMIT:
            return [line.split(",") for line in lines]
    try:
        # newline="": the csv module's own line handling, so a lone "\r" (old Mac files)
        # ends a row rather than failing as a newline inside a field.
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a cell past the field limit: no export of ours has one
        raise refusal(rule, N_("The file is not a readable CSV file.")) from None


def read_workbook(data: bytes, rule: str, *, sheets: int = 1, max_rows: int = EXCEL_MAX_ROWS,
                  max_cells: int = MAX_CELLS) -> list[tuple[str, list[list]]]:
    """The first `sheets` worksheets of an .xlsx workbook as (title, rows), each row a list of
    cell values (text, numbers, dates; None for an empty cell) as wide as written. A sheet
    holds the header and at most `max_rows` rows below it."""
    if not data:
        raise refusal(rule, N_("The file is empty."))
    _check_archive(data, rule)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable workbook is the same refusal
        raise _unreadable(rule) from None
    try:
        if not workbook.worksheets:  # only chart sheets
            raise refusal(rule, N_("The file is empty."))
        budget = _Budget(rule, max_rows, max_cells)
        return [(sheet.title, budget.rows_of(sheet)) for sheet in workbook.worksheets[:sheets]]
    except RuleViolation:
        raise
    except Exception:  # noqa: BLE001 — a sheet broken inside a sound archive, the same refusal
        raise _unreadable(rule) from None
    finally:
        workbook.close()


def _unreadable(rule: str) -> RuleViolation:
    return refusal(rule, N_("The file is not a readable Excel (.xlsx) workbook."))


def _check_archive(data: bytes, rule: str) -> None:
    """A zip whose parts unpack to at most MAX_UNPACKED_BYTES. The sizes its directory
    declares are binding: Python's zip reader stops there and fails the checksum."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 — no zip (an .xls, a renamed file): not a workbook
        raise _unreadable(rule) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise refusal(rule, N_("The workbook unpacks to more than %(mb)s MB."),
                      mb=MAX_UNPACKED_BYTES // (1024 * 1024))


class _Budget:
    """Rows and cells read so far, over all sheets of one file."""

    def __init__(self, rule: str, max_rows: int, max_cells: int):
        self.rule, self.max_rows, self.max_cells, self.cells = rule, max_rows, max_cells, 0

    def rows_of(self, sheet) -> list[list]:
        sheet.reset_dimensions()  # rows as written, not as the sheet's <dimension> claims
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > self.max_rows:  # the header and max_rows rows are read
                raise refusal(self.rule, N_("A sheet has more than %(max)s rows."),
                              max=self.max_rows)
            self.cells += len(row)
            if self.cells > self.max_cells:
                raise refusal(self.rule, N_("The file has more than %(max)s cells."),
                              max=self.max_cells)
            rows.append(list(row))
        return rows
