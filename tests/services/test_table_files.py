"""INPUT-1 for the imports' shared reader (app/services/table_files.py, used by ATT-1 and
IMPORT-1): any bytes give rows or one refusal under `file`, never another exception; a CSV
reads back the cells it was written with; a workbook costs memory for the rows it holds, not
for the size its sheet claims."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.errors import RuleViolation
from app.services.table_files import read_csv, read_workbook
from tests.xlsx_files import workbook

RULE = "IMPORT-1"


GOOD = workbook([["工号", "打卡时间"], ["1001", "2026-11-02 08:07"], [1002, 3.5]])


def read_or_refuse(read, data: bytes):
    try:
        return read(data, RULE)
    except RuleViolation as refusal:
        assert refusal.rule_id == RULE and refusal.field == "file"
        return None


cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                max_size=12)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=8),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_input_1_a_csv_reads_back_the_cells_written(rows, encoding):
    """Quoted or not (the unquoted file takes a faster path), UTF-8 or GB18030."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    got = read_csv(data, RULE)
    assert [row for row in got if row not in ([], [""])] == \
        [row for row in rows if row != [""]]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
def test_input_1_any_bytes_are_rows_or_one_refusal(data):
    read_or_refuse(read_csv, data)
    read_or_refuse(read_workbook, data)
    read_or_refuse(read_workbook, b"PK\x03\x04" + data)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)),
                min_size=1, max_size=6))
def test_input_1_a_damaged_workbook_is_rows_or_one_refusal(changes):
    damaged = bytearray(GOOD)
    for position, value in changes:
        damaged[position] = value
    read_or_refuse(read_workbook, bytes(damaged))


def test_input_1_damaged_sheet_xml_is_rows_or_one_refusal():
    """Every cut of the sheet's XML, not only the zip's bytes: the archive stays sound."""
    source = zipfile.ZipFile(io.BytesIO(GOOD))
    sheet = source.read("xl/worksheets/sheet1.xml")
    for cut in range(0, len(sheet), max(len(sheet) // 40, 1)):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                target.writestr(name, sheet[:cut] if name.endswith("sheet1.xml")
                                else source.read(name))
        read_or_refuse(read_workbook, out.getvalue())


def test_input_1_a_sheet_claiming_the_whole_grid_costs_only_its_rows():
    """`<dimension ref="A1:XFD1048576">` and one far row: openpyxl padded every row to 16,384
    cells and filled the gap (600 rows were 80 MB of lists; a row at 1,048,576 would have
    been 137 GB). Read as written, the rows hold what the file holds."""
    source = zipfile.ZipFile(io.BytesIO(GOOD))
    sheet = source.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1:XFD1048576" />')
    sheet = sheet.replace(b"</sheetData>", b'<row r="600"><c r="A600" t="inlineStr"><is><t>x'
                                           b"</t></is></c></row></sheetData>")
    assert b"XFD1048576" in sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, sheet if name.endswith("sheet1.xml") else source.read(name))
    tracemalloc.start()
    try:
        [(_title, rows)] = read_workbook(out.getvalue(), RULE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rows) == 600 and rows[0] == ["工号", "打卡时间"] and rows[599] == ["x"]
    assert max(len(row) for row in rows) == 2
    assert peak < 20 * 1024 * 1024, peak


@pytest.mark.parametrize("max_rows,refused", [(2, False), (1, True)])
def test_input_1_the_row_bound_counts_the_rows_below_the_header(max_rows, refused):
    if refused:
        with pytest.raises(RuleViolation):
            read_workbook(GOOD, RULE, max_rows=max_rows)
    else:
        assert len(read_workbook(GOOD, RULE, max_rows=max_rows)[0][1]) == 3
