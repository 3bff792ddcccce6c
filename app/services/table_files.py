"""Reading an uploaded table — a CSV text or an .xlsx workbook — for the imports: the clock
export (ATT-1, app/services/attendance.py) and the reference data (IMPORT-1,
app/services/reference_import.py). One reader, so that both refuse the same files the same way.

INPUT-1: whatever a user sends, the reader returns rows or raises one RuleViolation under the
form's `file` field (the caller's rule id), never another exception, and no file costs much
more time or memory than the rows it holds. Issue #18: a 0.9 MB workbook that unpacked to
255 MB (3.3 million rows) held a worker 122 s, a 560 KB table of shared texts cost 6.4 s and
288 MB — the bounds were checked while openpyxl was already reading. Now every bound of
`ImportLimits` (config.py `IMPORT_MAX_*`, README) is checked *before* the file is parsed:
- the file's size;
- a CSV text: its lines and commas counted over the bytes (an upper bound of its rows and
  cells), then it is UTF-8 (with or without BOM) or GB18030 (Excel's Chinese CSV), holds no
  NUL character (a binary file named .csv) and no cell over the csv module's field limit;
- a workbook: from the zip's directory alone, how many parts it has, each part's and all
  parts' unpacked size and how much tighter than a table export they are packed (the sizes
  the directory declares are binding: Python's zip reader stops there and fails the
  checksum); then one streaming pass (expat, a chunk at a time, no tree built; elements
  known by their local name whatever their prefix, a superset of what openpyxl matches)
  counts what openpyxl would make of every part: the rows of each sheet and the cells of
  all (a row's `r` beyond the last one means the rows between; a cell's `r` far to the
  right, a row that wide), the shared texts (at most one per cell), the elements inside rows
  and texts, and every other element (styles, sheet settings: openpyxl builds whole trees of
  those). It stops at the first bound passed. No DTD (no entity expansion) is accepted;
- only then openpyxl reads the sheets (read-only, streaming), rows as written: a sheet's own
  `<dimension>` is ignored (openpyxl would pad every row to the width it claims).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from xml.parsers import expat

from app.rules.errors import N_, RuleViolation

FIELD = "file"
MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576 - 1  # below the header: Excel's own limit
CSV_FIELD_LIMIT = csv.field_size_limit()
# A workbook written by Excel, LibreOffice or openpyxl has a dozen parts; a few hundred with
# many sheets, images and charts.
MAX_PARTS = 1000
# Parts smaller than this are not held to the packing ratio (a tiny part packs as it likes).
RATIO_FLOOR_BYTES = 1 * MB
# A shared-text table may hold texts no cell uses (an editor's leftovers): this many.
SPARE_TEXTS = 1000
# Elements inside rows and shared texts besides the cells: a value, a formula, a rich-text
# run; more per cell than this is no table.
CONTENT_PER_CELL = 3
# Elements outside rows and texts (styles, the workbook, sheet settings, merged cells,
# conditional formats): openpyxl builds each as objects. A formatted workbook has a few
# thousand.
MAX_OTHER_ELEMENTS = 100_000
# An XML part that holds no rows or texts (styles, theme, workbook) is parsed whole.
MAX_OTHER_PART_BYTES = 8 * MB
CHUNK = 256 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """INPUT-1 (issue #18): what an import file may hold, checked before it is parsed.

    The defaults are config.py's (`IMPORT_MAX_*`, README): a year of clock records of 300
    staff (~293,000 rows of a few columns, bench/RESULTS.md) fits; the largest file they let
    through is read within a fraction of gunicorn's 120 s timeout."""

    file_bytes: int = 20 * MB  # the file as uploaded (a workbook: packed)
    unpacked_bytes: int = 150 * MB  # a workbook's parts together, unpacked
    part_bytes: int = 100 * MB  # one part (a sheet), unpacked
    shared_strings_bytes: int = 32 * MB  # the table of shared texts, unpacked
    ratio: int = 100  # unpacked size over packed size, per part and in all
    rows: int = 300_000  # a sheet's rows below the header
    cells: int = 1_000_000  # all sheets' cells together

    @classmethod
    def from_config(cls, config: Mapping) -> ImportLimits:
        """The limits of the app's settings (config.py); a key missing keeps its default."""
        default = cls()

        def setting(key: str, value: int, unit: int = 1) -> int:
            return int(config[key]) * unit if key in config else value

        return cls(
            file_bytes=setting("IMPORT_MAX_MB", default.file_bytes, MB),
            unpacked_bytes=setting("IMPORT_MAX_UNPACKED_MB", default.unpacked_bytes, MB),
            part_bytes=setting("IMPORT_MAX_PART_MB", default.part_bytes, MB),
            shared_strings_bytes=setting("IMPORT_MAX_SHARED_STRINGS_MB",
                                         default.shared_strings_bytes, MB),
            ratio=setting("IMPORT_MAX_RATIO", default.ratio),
            rows=setting("IMPORT_MAX_ROWS", default.rows),
            cells=setting("IMPORT_MAX_CELLS", default.cells),
        )

    def narrowed(self, **bounds: int) -> ImportLimits:
        """These limits, each named one lowered to `bounds` where that is smaller (an import
        with smaller files of its own, IMPORT-1)."""
        return replace(self, **{name: min(getattr(self, name), value)
                                for name, value in bounds.items()})


def refusal(rule: str, message: str, **params) -> RuleViolation:
    """The file cannot be imported: `message` (an N_ msgid) under the `file` field."""
    return RuleViolation(rule, message, field=FIELD, **params)


def megabytes(size: int) -> str:
    """A limit in MB as the messages show it: whole when it is, else one decimal."""
    value = size / MB
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def check_file_size(data: bytes, rule: str, limits: ImportLimits) -> None:
    if len(data) > limits.file_bytes:
        raise refusal(rule, N_("The file is larger than %(mb)s MB."),
                      mb=megabytes(limits.file_bytes))


def read_csv(data: bytes, rule: str, *, limits: ImportLimits | None = None) -> list[list[str]]:
    """The rows of a CSV file (header first) as lists of text cells."""
    limits = limits or ImportLimits()
    check_file_size(data, rule, limits)
    _check_csv_counts(data, rule, limits)
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


def _check_csv_counts(data: bytes, rule: str, limits: ImportLimits) -> None:
    """Rows and cells from the bytes, before anything is decoded: every line end ("\\n",
    "\\r\\n" or a lone "\\r") ends at most one row and every comma starts at most one more
    cell (a quoted one counts too: an upper bound). In UTF-8 and GB18030 these bytes are
    never part of another character."""
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if data and not data.endswith((b"\n", b"\r")):
        lines += 1
    if lines - 1 > limits.rows:  # the header and the rows below it
        raise refusal(rule, N_("A sheet has more than %(max)s rows."), max=limits.rows)
    if lines + data.count(b",") > limits.cells:
        raise refusal(rule, N_("The file has more than %(max)s cells."), max=limits.cells)


def read_workbook(data: bytes, rule: str, *, sheets: int = 1, max_rows: int | None = None,
                  max_cells: int | None = None,
                  limits: ImportLimits | None = None) -> list[tuple[str, list[list]]]:
    """The first `sheets` worksheets of an .xlsx workbook as (title, rows), each row a list of
    cell values (text, numbers, dates; None for an empty cell) as wide as written. A sheet
    holds the header and at most `max_rows` (default: the limits' rows) rows below it."""
    limits = limits or ImportLimits()
    bounds = {name: value for name, value in (("rows", max_rows), ("cells", max_cells))
              if value is not None}
    if bounds:
        limits = replace(limits, **bounds)
    check_file_size(data, rule, limits)
    if not data:
        raise refusal(rule, N_("The file is empty."))
    inspect_workbook(data, rule, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable workbook is the same refusal
        raise _unreadable(rule) from None
    try:
        if not workbook.worksheets:  # only chart sheets
            raise refusal(rule, N_("The file is empty."))
        budget = _Budget(rule, limits.rows, limits.cells)
        return [(sheet.title, budget.rows_of(sheet)) for sheet in workbook.worksheets[:sheets]]
    except RuleViolation:
        raise
    except Exception:  # noqa: BLE001 — a sheet broken inside a sound archive, the same refusal
        raise _unreadable(rule) from None
    finally:
        workbook.close()


def _unreadable(rule: str) -> RuleViolation:
    return refusal(rule, N_("The file is not a readable Excel (.xlsx) workbook."))


def inspect_workbook(data: bytes, rule: str, limits: ImportLimits) -> None:
    """INPUT-1 (issue #18): refuse a workbook over `limits` before anything parses it — first
    from the zip's directory (no byte unpacked), then by one streaming count of every part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — no zip (an .xls, a renamed file): not a workbook
        raise _unreadable(rule) from None
    with archive:
        parts = archive.infolist()
        _check_directory(parts, len(data), rule, limits)
        count = _Count(rule, limits)
        for part in parts:
            if part.file_size:
                count.part(archive, part)
        count.finish()


def _check_directory(parts: list[zipfile.ZipInfo], packed: int, rule: str,
                     limits: ImportLimits) -> None:
    if len(parts) > MAX_PARTS:
        raise refusal(rule, N_("The workbook has more than %(max)s parts."), max=MAX_PARTS)
    for part in parts:
        if part.file_size > limits.part_bytes:
            raise refusal(rule, N_("A part of the workbook unpacks to more than %(mb)s MB."),
                          mb=megabytes(limits.part_bytes))
        if part.file_size > RATIO_FLOOR_BYTES and \
                part.file_size > limits.ratio * part.compress_size:
            raise _packed_too_tight(rule, limits)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.unpacked_bytes:
        raise refusal(rule, N_("The workbook unpacks to more than %(mb)s MB."),
                      mb=megabytes(limits.unpacked_bytes))
    if unpacked > RATIO_FLOOR_BYTES and unpacked > limits.ratio * packed:
        raise _packed_too_tight(rule, limits)


def _packed_too_tight(rule: str, limits: ImportLimits) -> RuleViolation:
    return refusal(rule, N_("The workbook is packed more than %(ratio)s times smaller than it "
                            "unpacks; no table export is."), ratio=limits.ratio)


_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?[0-9]+")


def _column(reference: str | None, previous: int) -> int:
    """A cell's column as openpyxl reads it: from its `r` (A1 style), else the next one."""
    match = _COORDINATE.fullmatch(reference) if reference else None
    if match is None:  # openpyxl refuses a malformed `r`; counting on is an upper bound
        return previous + 1
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return column


def _row_number(reference: str | None, previous: int) -> int:
    """A row's number as openpyxl reads it: its `r` (a whole number, "7" or "7.0"), else the
    next one."""
    if reference:
        try:
            return int(reference)
        except ValueError:
            try:
                value = float(reference)
            except ValueError:
                return previous + 1
            if value.is_integer():
                return int(value)
    return previous + 1


class _Count:
    """What openpyxl would make of a workbook, counted part by part with expat (no tree):
    rows per sheet, cells, shared texts, elements. Raises the refusal at the first bound
    passed, so the work is bounded by the limits whatever the file."""

    def __init__(self, rule: str, limits: ImportLimits):
        self.rule, self.limits = rule, limits
        self.cells = self.texts = self.content = self.other = 0
        self.max_content = CONTENT_PER_CELL * limits.cells

    # --- per part ---------------------------------------------------------------------------
    def part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self.info = info
        self.depth = 0
        self.row_depth = self.text_depth = 0  # depth of the open row / shared text, 0: none
        self.row = self.column = self.sheet_rows = 0
        self.row_width = self.row_cells = 0
        self.rows_or_texts = False
        self.elements = 0
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._no_dtd
        parser.EntityDeclHandler = self._no_dtd
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            pass  # not XML (an image), or broken: openpyxl refuses it if it reads it at all
        except RuleViolation:
            raise
        except Exception:  # noqa: BLE001 — a damaged or encrypted part: no workbook
            raise _unreadable(self.rule) from None
        self._close_row()
        if self.elements and not self.rows_or_texts and info.file_size > MAX_OTHER_PART_BYTES:
            raise refusal(self.rule, N_("A part of the workbook unpacks to more than %(mb)s "
                                        "MB."), mb=megabytes(MAX_OTHER_PART_BYTES))

    def finish(self) -> None:
        """Shared texts are read whole before any sheet: more than the cells use is no table
        export (issue #18's 560 KB of texts cost 6.4 s and 288 MB)."""
        if self.texts > self.cells + SPARE_TEXTS:
            raise refusal(self.rule, N_("The workbook holds more texts (%(texts)s) than its "
                                        "cells use (%(cells)s)."),
                          texts=self.texts, cells=self.cells)

    def _no_dtd(self, *_args) -> None:
        raise _unreadable(self.rule)  # no workbook part has one; entities could expand

    # --- elements ---------------------------------------------------------------------------
    def _start(self, name: str, attributes: dict) -> None:
        self.depth += 1
        self.elements += 1
        local = name.rpartition(":")[2]
        if local == "c" and self.row_depth:
            self.column = _column(attributes.get("r"), self.column)
            self.row_cells += 1
            if self.column > self.row_width:
                self.row_width = self.column
            if max(self.row_width, self.row_cells) + self.cells > self.limits.cells:
                self._too_many_cells()  # a row of a million cells stops here, not at its end
        elif local == "row":
            self._close_row()
            self.rows_or_texts = True
            self.row_depth = self.depth
            self.row = _row_number(attributes.get("r"), self.row)
            self.column = 0
            if self.row > self.sheet_rows:
                self.sheet_rows = self.row
                if self.row > self.limits.rows + 1:  # the header and the rows below it
                    raise refusal(self.rule, N_("A sheet has more than %(max)s rows."),
                                  max=self.limits.rows)
        elif local == "si":
            self.rows_or_texts = True
            self.text_depth = self.text_depth or self.depth
            self.texts += 1
            if self.texts > self.limits.cells + SPARE_TEXTS:
                self.finish()
            if self.info.file_size > self.limits.shared_strings_bytes:
                raise refusal(self.rule, N_("The workbook's shared texts unpack to more than "
                                            "%(mb)s MB."),
                              mb=megabytes(self.limits.shared_strings_bytes))
        elif self.row_depth or self.text_depth:
            self.content += 1
            if self.content > self.max_content:
                self._too_many_cells()
        else:
            self.other += 1
            if self.other > MAX_OTHER_ELEMENTS:
                raise refusal(self.rule, N_("The workbook has more than %(max)s elements "
                                            "besides its cells."), max=MAX_OTHER_ELEMENTS)

    def _end(self, _name: str) -> None:
        if self.depth == self.row_depth:
            self._close_row()
        if self.depth == self.text_depth:
            self.text_depth = 0
        self.depth -= 1

    def _close_row(self) -> None:
        """openpyxl makes a row as wide as its last cell's column, and every cell element
        costs it a dict: the larger of the two is counted."""
        if self.row_depth:
            self.cells += max(self.row_width, self.row_cells)
            if self.cells > self.limits.cells:
                self._too_many_cells()
        self.row_depth = self.row_width = self.row_cells = 0

    def _too_many_cells(self):
        raise refusal(self.rule, N_("The file has more than %(max)s cells."),
                      max=self.limits.cells)


class _Budget:
    """Rows and cells read so far, over all sheets of one file: the same bounds once more,
    as openpyxl hands the rows over."""

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
