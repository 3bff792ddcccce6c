"""IMPORT-1 without the web: the committed samples (docs/samples/) import cleanly, twice
without a change, and a materials row of an unknown item stops the whole workbook."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.rules.errors import RuleViolation
from app.services.reference_import import (COLUMNS, KINDS, MATERIAL_COLUMNS,
                                           import_reference_file)
from models.catalogue import ItemMaterial, ServiceItem

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
FILES = (("windows", "windows"), ("staff", "staff"), ("items", "service_items"))


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_import_1_committed_samples_import_and_reimport_unchanged(db_session, center, ext):
    for kind, name in FILES:
        data = (SAMPLES / f"{name}.{ext}").read_bytes()
        report = import_reference_file(db_session, kind, f"{name}.{ext}", data)
        assert report.ok and report.added == report.rows > 0, report.errors
        db_session.commit()
        again = import_reference_file(db_session, kind, f"{name}.{ext}", data)
        assert again.ok and (again.added, again.updated) == (0, 0)
        assert again.unchanged >= report.rows
        db_session.commit()


def test_import_1_a_materials_row_of_an_unknown_item_stops_the_workbook(db_session, center):
    for kind, name in FILES[:2]:
        import_reference_file(db_session, kind, f"{name}.csv", (SAMPLES / f"{name}.csv").read_bytes())
    book = load_workbook(SAMPLES / "service_items.xlsx")
    book["申报材料"].append(["XX-999", "不存在的事项的材料"])
    out = BytesIO()
    book.save(out)
    report = import_reference_file(db_session, "items", "items.xlsx", out.getvalue())
    assert not report.ok and [(e.sheet, e.row) for e in report.errors] == [("申报材料", 5)]
    assert "XX-999" in report.errors[0].render()
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(ServiceItem)) == 0
    assert db_session.scalar(select(func.count()).select_from(ItemMaterial)) == 0


# Cell values a workbook can hold, and texts the columns know.
CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=15),
    st.sampled_from(["01", "1", "²", "١", "是", "否", "窗口", "承诺件", "联办件", "1e400", "NaN",
                     "-0", "20.005", "GA-001", "原件", "13812345678"]),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9999, 1, 1)),
    st.dates(min_value=date(1900, 1, 2)), st.times())


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(KINDS), rows=st.lists(st.lists(CELLS, max_size=16), max_size=5),
       materials=st.lists(st.lists(CELLS, max_size=8), max_size=3), order=st.randoms())
def test_import_1_odd_cells_give_a_report_or_a_refusal_never_an_error(db_session, window_a, kind,
                                                                      rows, materials, order):
    """INPUT-1: whatever the cells (floats past Excel's, NaN, dates, other digits…), in any
    column order, the import answers with its report or a RuleViolation."""
    headers = [column.header for column in COLUMNS[kind]]
    order.shuffle(headers)
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    if kind == "items":
        sheet = book.create_sheet("申报材料")
        sheet.append([column.header for column in MATERIAL_COLUMNS])
        for row in materials:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    try:
        import_reference_file(db_session, kind, "f.xlsx", out.getvalue())
        db_session.flush()
    except RuleViolation:
        pass
    finally:
        db_session.rollback()
