"""The streaming .xlsx writer of the ledger export (CASE-10, issue #9): what any spreadsheet
reads back, escaping, illegal characters, numbers vs text, the sheet's frozen bold header,
widths and filter, and 100,000 rows in bounded memory."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.services.xlsx import column_letter, escape_text, sheet_name, write_sheet
from bench.memory import PeakMemory

HEADERS = ["受理时间", "受理编号", "取件人"]


def _write(rows, headers=HEADERS, widths=(18, 20, 30), title="台帐") -> bytes:
    out = BytesIO()
    count = write_sheet(out, iter(rows), title=title, headers=headers, widths=widths)
    assert count == len(rows)
    return out.getvalue()


def _read(data: bytes):
    return load_workbook(BytesIO(data)).worksheets[0]


def test_case_10_text_shaped_like_xml_or_a_formula_reads_back_unchanged():
    typed = ["=1+1", "<r>x</r>", "<r><t>x</t></r>", 'a & b "c" <d>', "'quoted'", " padded "]
    sheet = _read(_write([[t, None, None] for t in typed]))
    cells = [sheet.cell(row=n, column=1) for n in range(2, 2 + len(typed))]
    assert [c.value for c in cells] == typed
    assert all(c.data_type == "s" for c in cells)  # never a formula


def test_case_10_characters_xml_refuses_are_dropped_so_the_file_opens():
    sheet = _read(_write([["钱\x01经办\x1f", "a\x00b\x0bc\ufffe", "tab\there\nline\r"]]))
    assert [c.value for c in sheet[2]] == ["钱经办", "abc", "tab\there\nline\r"]


def test_case_10_numbers_are_numbers_and_empty_cells_are_absent():
    data = _write([[1, 2.5, "3"], [None, "", -7]])
    sheet = _read(data)
    assert [c.value for c in sheet[2]] == [1, 2.5, "3"]
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert [c.value for c in sheet[3]] == [None, None, -7]
    with zipfile.ZipFile(BytesIO(data)) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert 'r="A3"' not in xml and 'r="B3"' not in xml


def test_case_10_values_of_other_types_are_written_as_their_text():
    sheet = _read(_write([[True, float("inf"), float("nan")]]))
    assert [c.value for c in sheet[2]] == ["True", "inf", "nan"]


def test_case_10_sheet_has_a_frozen_bold_header_widths_and_a_filter_over_every_row():
    sheet = _read(_write([["2026-11-02 10:00", "BC-2026-000001", "孙取件"]] * 3))
    assert sheet.title == "台帐"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.auto_filter.ref == "A1:C4"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths == pytest.approx([18.71, 20.71, 30.71], abs=0.01)


def test_case_10_an_empty_export_still_has_its_header_and_filter():
    sheet = _read(_write([]))
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:C1"


def test_case_10_sheet_name_drops_what_excel_refuses():
    assert sheet_name("台帐[2026]/11*?:\\") == "台帐202611"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("''") == "Sheet1"
    assert _read(_write([], title="O'Brien & 台帐")).title == "O'Brien & 台帐"


def test_case_10_column_letters_and_escaping():
    assert [column_letter(i) for i in (0, 7, 25, 26, 51, 701, 702)] == [
        "A", "H", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert escape_text("plain 文字") == "plain 文字"
    assert escape_text('<a href="x">&\x07</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="libreoffice is not installed")
def test_case_10_libreoffice_opens_the_file():
    data = _write([["=1+1", "<r>x</r>", 3], ["钱\x01经办", "a & b", None]])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "ledger.xlsx")
        path.write_bytes(data)
        subprocess.run(["libreoffice", "--headless", "--convert-to", "csv", "--outdir", folder,
                        str(path)], check=True, capture_output=True, timeout=120)
        lines = Path(folder, "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["受理时间,受理编号,取件人", "=1+1,<r>x</r>,3", "钱经办,a & b,"]


@pytest.mark.slow
def test_case_10_writes_100000_rows_in_bounded_memory():
    def rows():
        for n in range(100_000):
            yield (f"2026-01-05 {n % 24:02d}:00", f"BC-2026-{n:06d}", f"取件人{n}", n, "准予许可")

    with tempfile.TemporaryFile() as out, PeakMemory() as memory:
        count = write_sheet(out, rows(), title="台帐", headers=HEADERS + ["n", "办理结果"])
        size = out.tell()
    assert count == 100_000 and size > 1e6
    assert memory.growth < 30e6, f"+{memory.growth / 1e6:.1f} MB"
