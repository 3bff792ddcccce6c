"""INPUT-1 (issue #18): an import file is measured before it is parsed. A workbook's zip
directory (sizes, packing ratio) and one streaming count of its parts (rows, cells, shared
texts, other elements) refuse a bomb at once, naming the bound, and openpyxl never starts;
a CSV's rows and cells are counted over its bytes. The bounds are settings (config.py
IMPORT_MAX_*), the same for the clock import (ATT-1) and the reference imports (IMPORT-1).

"At once" is asserted as work, not as time: which parts were unpacked and how many bytes."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from app.rules.errors import RuleViolation
from app.services.table_files import (MAX_OTHER_ELEMENTS, ImportLimits, read_csv,
                                      read_workbook)
from config import IMPORT_LIMIT_DEFAULTS, ConfigError, build_config
from tests.xlsx_files import (BOMB_ROW, MAIN, rebuilt, sheet_bomb, sheet_writer,
                              with_shared_strings, workbook)

RULE = "ATT-1"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def issue_bomb() -> bytes:
    """Issue #18's file: about 1 MB that unpacks to 255 MB, 3.3 million rows."""
    return sheet_bomb(3_300_000)


class Work:
    """What the reader did with a file: the parts it unpacked, the bytes it got out of them,
    and whether openpyxl was asked to load the workbook."""

    def __init__(self, monkeypatch):
        self.parts: list[str] = []
        self.unpacked = 0
        self.parsed = False
        work = self
        real_open, real_read = zipfile.ZipFile.open, zipfile.ZipExtFile.read
        real_load = openpyxl.load_workbook

        def open_part(archive, name, *args, **kwargs):
            work.parts.append(getattr(name, "filename", name))
            return real_open(archive, name, *args, **kwargs)

        def read(stream, *args):
            data = real_read(stream, *args)
            work.unpacked += len(data)
            return data

        def load(*args, **kwargs):
            work.parsed = True
            return real_load(*args, **kwargs)

        monkeypatch.setattr(zipfile.ZipFile, "open", open_part)
        monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
        monkeypatch.setattr(openpyxl, "load_workbook", load)


def refusal_of(data: bytes, limits: ImportLimits, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        read_workbook(data, RULE, limits=limits, **kwargs)
    assert refused.value.rule_id == RULE and refused.value.field == "file"
    return refused.value


def test_input_1_the_limits_are_the_settings_of_config():
    """ImportLimits() and the app's settings (config.py, README) say the same."""
    assert ImportLimits() == ImportLimits.from_config(build_config())
    assert ImportLimits.from_config(IMPORT_LIMIT_DEFAULTS) == ImportLimits()


def test_input_1_the_limits_follow_the_environment(monkeypatch):
    monkeypatch.setenv("IMPORT_MAX_ROWS", "1000")
    monkeypatch.setenv("IMPORT_MAX_UNPACKED_MB", "10")
    limits = ImportLimits.from_config(build_config())
    assert (limits.rows, limits.unpacked_bytes) == (1000, 10 * MB)


@pytest.mark.parametrize("name,value", [("IMPORT_MAX_ROWS", "0"), ("IMPORT_MAX_RATIO", "lots"),
                                        ("IMPORT_MAX_MB", "32")])
def test_input_1_a_limit_that_cannot_work_stops_the_start(monkeypatch, name, value):
    """0 or text; an upload limit MAX_REQUEST_MB (32) would cut first, with a bare 413."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError):
        build_config()


def test_input_1_issue_18s_workbook_is_refused_from_its_zip_directory(issue_bomb, monkeypatch):
    """0.9 MB that unpack to 255 MB held a worker 122 s: now its directory is enough — not
    one byte is unpacked and openpyxl never starts; the message names the bound."""
    info = zipfile.ZipFile(io.BytesIO(issue_bomb)).getinfo("xl/worksheets/sheet1.xml")
    assert len(issue_bomb) < 1_000_000 and info.file_size > 250_000_000  # 0.9 MB, 257 MB
    work = Work(monkeypatch)
    refused = refusal_of(issue_bomb, ImportLimits())
    assert refused.message == "A part of the workbook unpacks to more than %(mb)s MB."
    assert refused.params == {"mb": "100"}
    assert work.parts == [] and work.unpacked == 0 and not work.parsed


def test_input_1_a_part_within_the_sizes_is_still_held_to_the_packing_ratio(issue_bomb,
                                                                            monkeypatch):
    """With the sizes raised past the bomb, its packing (~290 to 1) refuses it: no export of
    a table packs more than IMPORT_MAX_RATIO (100) to 1."""
    work = Work(monkeypatch)
    limits = ImportLimits(part_bytes=400 * MB, unpacked_bytes=400 * MB)
    refused = refusal_of(issue_bomb, limits)
    assert refused.params == {"ratio": 100} and "packed" in refused.message
    assert work.parts == [] and work.unpacked == 0 and not work.parsed


def test_input_1_a_sheet_past_the_rows_is_refused_by_the_count_not_by_openpyxl(issue_bomb,
                                                                               monkeypatch):
    """Sizes and ratio aside, the streaming count stops at row 300,002: it unpacked ~24 MB of
    the 257 MB and openpyxl never started."""
    work = Work(monkeypatch)
    limits = ImportLimits(part_bytes=400 * MB, unpacked_bytes=400 * MB, ratio=1000)
    refused = refusal_of(issue_bomb, limits)
    assert (refused.message, refused.params) == ("A sheet has more than %(max)s rows.",
                                                 {"max": 300_000})
    assert work.unpacked < 300_002 * len(BOMB_ROW) + 2 * MB
    assert not work.parsed


def test_input_1_a_far_row_means_the_rows_before_it(monkeypatch):
    """openpyxl hands over an empty row for every row number skipped: one `<row r=...>`
    stands for a million rows, and is counted so."""
    data = rebuilt(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet_writer(
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')})
    work = Work(monkeypatch)
    refused = refusal_of(data, ImportLimits())
    assert refused.params == {"max": 300_000} and not work.parsed


def test_input_1_a_cell_far_to_the_right_means_a_row_that_wide(monkeypatch):
    """A row is as wide as its last cell's column: XFD is 16,384 cells."""
    rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n)
                    for n in range(1, 100))
    data = rebuilt(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet_writer(rows)})
    work = Work(monkeypatch)
    refused = refusal_of(data, ImportLimits())
    assert (refused.message, refused.params) == ("The file has more than %(max)s cells.",
                                                 {"max": 1_000_000})
    assert not work.parsed
    assert len(read_workbook(data, RULE, limits=ImportLimits(cells=2_000_000))[0][1]) == 99


def test_input_1_a_shared_text_bomb_is_refused_before_openpyxl_reads_the_texts(monkeypatch):
    """Issue #18's 560 KB of shared texts cost 6.4 s and 288 MB: openpyxl reads the whole
    table before any sheet. A table holding more texts than the cells use is no export."""
    texts = (b"%07d" % n for n in range(400_000))  # distinct, so that it packs as text does
    data = with_shared_strings(workbook([["x"]]), texts,
                               b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    assert len(data) < 2 * MB
    work = Work(monkeypatch)
    refused = refusal_of(data, ImportLimits())
    assert refused.message == "The workbook holds more texts (%(texts)s) than its cells use " \
                              "(%(cells)s)."
    assert refused.params == {"texts": 400_000, "cells": 1} and not work.parsed


def test_input_1_a_shared_text_table_past_its_size_is_refused():
    """A text per cell (as many texts as cells: an export of distinct times) is read, unless
    the table unpacks past IMPORT_MAX_SHARED_STRINGS_MB."""
    texts = (b"%07d" % n for n in range(50_000))  # 1.2 MB unpacked
    cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (n + 1, n + 1, n)
                     for n in range(50_000))
    data = with_shared_strings(workbook([["x"]]), texts, cells)
    refused = refusal_of(data, ImportLimits(shared_strings_bytes=1 * MB))
    assert (refused.message, refused.params) == (
        "The workbook's shared texts unpack to more than %(mb)s MB.", {"mb": "1"})
    rows = read_workbook(data, RULE, limits=ImportLimits())[0][1]
    assert len(rows) == 50_000 and rows[49_999] == ["0049999"]


def test_input_1_a_styles_part_of_a_million_elements_is_refused(monkeypatch):
    """Parts besides rows and texts (styles, sheet settings) are built whole as objects."""
    styles = b"<styleSheet " + MAIN + b"><cellXfs>" + b"".join(
        b'<xf numFmtId="%d"/>' % n for n in range(200_000)) + b"</cellXfs></styleSheet>"
    data = rebuilt(workbook([["x"]]), {"xl/styles.xml": lambda stream: stream.write(styles)})
    work = Work(monkeypatch)
    refused = refusal_of(data, ImportLimits())
    assert refused.params == {"max": MAX_OTHER_ELEMENTS} and not work.parsed


def test_input_1_a_part_with_a_dtd_is_no_workbook(monkeypatch):
    """No part of a workbook has a DTD; its entities could expand a few bytes into gigabytes."""
    entities = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    data = rebuilt(workbook([["x"]]), {"xl/worksheets/sheet1.xml": lambda stream: stream.write(
        entities + b"<worksheet " + MAIN + b"><sheetData><row><c t=\"inlineStr\"><is><t>&a;"
        b"</t></is></c></row></sheetData></worksheet>")})
    work = Work(monkeypatch)
    refused = refusal_of(data, ImportLimits())
    assert refused.message == "The file is not a readable Excel (.xlsx) workbook."
    assert not work.parsed


@pytest.mark.parametrize("rows,refused", [(1000, False), (1001, True)])
def test_input_1_the_row_bound_is_exact_for_a_workbook(rows, refused):
    """The header and IMPORT_MAX_ROWS rows pass (rows and cells numbered, as Excel writes
    them); one more is refused."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                    for n in range(2, rows + 2))
    data = rebuilt(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet_writer(
        body, before=b'<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>')})
    limits = ImportLimits(rows=1000)
    if refused:
        assert refusal_of(data, limits).params == {"max": 1000}
    else:
        assert len(read_workbook(data, RULE, limits=limits)[0][1]) == 1001


@pytest.mark.parametrize("cells,refused", [(12, False), (13, True)])
def test_input_1_the_cell_bound_is_exact_for_a_workbook(cells, refused):
    """Rows of three cells: 12 cells pass a bound of 12, a thirteenth is refused."""
    columns = [(b"ABC"[n % 3:n % 3 + 1], n // 3 + 1) for n in range(cells)]
    rows = {}
    for column, row in columns:
        rows.setdefault(row, []).append(b'<c r="%s%d"><v>1</v></c>' % (column, row))
    body = b"".join(b'<row r="%d">%s</row>' % (row, b"".join(row_cells))
                    for row, row_cells in rows.items())
    data = rebuilt(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet_writer(body)})
    limits = ImportLimits(cells=12)
    if refused:
        assert refusal_of(data, limits).params == {"max": 12}
    else:
        assert sum(map(len, read_workbook(data, RULE, limits=limits)[0][1])) == 12


@pytest.mark.parametrize("lines,refused", [(3, False), (4, True)])
@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r", b""])
def test_input_1_a_csv_is_counted_over_its_bytes(lines, refused, end):
    """Rows below the header, whatever the line ends (and a last line without one)."""
    between = end or b"\n"
    data = between.join([b"employee_no,clocked_at"] +
                        [b"1001,2026-11-02 08:0%d" % n for n in range(lines)]) + end
    limits = ImportLimits(rows=3)
    if refused:
        with pytest.raises(RuleViolation) as error:
            read_csv(data, RULE, limits=limits)
        assert error.value.params == {"max": 3}
    else:
        assert len(read_csv(data, RULE, limits=limits)) == 1 + lines


def test_input_1_a_csv_of_commas_is_refused_before_it_is_decoded():
    """Two million commas are two million cells: refused from the count of the bytes."""
    data = b"employee_no,clocked_at\n" + b"," * 2_000_000 + b"\n"
    with pytest.raises(RuleViolation) as error:
        read_csv(data, RULE, limits=ImportLimits())
    assert (error.value.message, error.value.params) == (
        "The file has more than %(max)s cells.", {"max": 1_000_000})


def test_input_1_a_file_past_its_size_is_refused_with_the_size():
    with pytest.raises(RuleViolation) as error:
        read_csv(b"x" * (MB + 1), RULE, limits=ImportLimits(file_bytes=MB))
    assert error.value.params == {"mb": "1"}
