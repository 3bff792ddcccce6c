"""Excel files for the import tests, written with openpyxl as an office user's Excel would."""

from __future__ import annotations

import io

from openpyxl import Workbook


def workbook(rows) -> bytes:
    """An .xlsx whose first sheet holds `rows`, as bytes."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
