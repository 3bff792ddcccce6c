"""IMPORT-1 without the web: the committed samples (docs/samples/) import cleanly, twice
without a change, and a materials row of an unknown item stops the whole workbook."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.services.reference_import import import_reference_file
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
