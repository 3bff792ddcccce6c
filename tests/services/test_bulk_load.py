"""Bulk writing of generated rows (app/demo/bulk_load.py): rows grouped by shape,
refused when they would lose a default, and made in a worker process."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.demo.bulk_load import (BulkInserter, items_from_worker, shape_rows,
                                    stored_converters)
from models.cases import Case, CaseNotice


def test_rows_are_grouped_by_the_columns_they_hold_in_their_order():
    rows = [{"id": 1, "note": "a"}, {"id": 2}, {"id": 3, "note": "c"}, {"note": "d", "id": 4}]
    assert shape_rows(rows, []) == [
        (("id", "note"), [(1, "a"), (3, "c")]),
        (("id",), [(2,)]),
        (("note", "id"), [("d", 4)]),
    ]


def test_sqlite_gets_dates_as_text_decimals_as_floats_and_booleans_as_integers():
    columns = ("deadline", "fee_amount", "urgent", "received_at", "promised_days")
    converters = stored_converters(Case.__table__, columns, "sqlite")
    assert [name for name, _ in converters] == ["deadline", "fee_amount", "urgent"]
    rows = [{"deadline": date(2026, 10, 9), "fee_amount": Decimal("12.50"), "urgent": True,
             "promised_days": 5}]
    assert shape_rows(rows, converters)[0][1] == [("2026-10-09", 12.5, 1, 5)]
    assert stored_converters(Case.__table__, columns, "postgresql") == []


def test_a_row_without_a_defaulted_column_or_with_a_foreign_one_is_refused(db_session):
    inserter = BulkInserter(CaseNotice.__table__,
                            ("id", "case_id", "kind", "issued_at", "issued_on", "staff_id", "text", "late"),
                            db_session.get_bind().dialect)
    connection = db_session.connection()
    with pytest.raises(ValueError, match="issued_at"):  # its default would not be applied
        inserter.write(connection, [(("id", "case_id", "kind"), [(1, 1, "one_time")])])
    with pytest.raises(ValueError, match="colour"):
        inserter.write(connection, [(("id", "issued_at", "colour"), [(1, "x", "red")])])
    assert db_session.scalar(select(func.count(CaseNotice.id))) == 0
    with pytest.raises(ValueError, match="issued_at"):  # every row would lack it
        BulkInserter(CaseNotice.__table__, ("id", "case_id"), db_session.get_bind().dialect)


def count_to(n: int):
    yield from range(1, n + 1)


def fail_after(n: int):
    yield from range(n)
    raise LookupError("no such item")


def test_a_worker_process_yields_what_the_function_yields_in_order():
    assert list(items_from_worker(count_to, 5)) == [1, 2, 3, 4, 5]


def test_a_failure_in_the_worker_is_raised_in_the_consumer_with_its_message():
    received = []
    with pytest.raises(RuntimeError, match="LookupError: no such item"):
        for item in items_from_worker(fail_after, 3):
            received.append(item)
    assert received == [0, 1, 2]
