"""The export pieces without the web (issue #12): dates and amounts as spreadsheet values, the
complaint register from plain tuples, month_window_scores over score events (SCORE-2/3), and
the bounded count that keeps an export under EXPORT_MAX_ROWS."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import event, select

from app.services.exports import (COMPLAINT_COLUMNS, bounded_count, complaint_register_sheet,
                                  leave_register_count)
from app.services.window_scores import month_window_scores
from app.services.xlsx import write_sheet
from models.leave import LeaveRequest
from models.org import Staff
from models.scoring import ScoreEvent


def _sheet(data: bytes):
    return load_workbook(BytesIO(data)).worksheets[0]


def test_dates_are_dates_and_decimals_are_numbers():
    out = BytesIO()
    write_sheet(out, [[date(2026, 11, 2), datetime(2026, 11, 2, 8, 3), Decimal("92.5"),
                       Decimal("NaN")]], title="t", headers=["a", "b", "c", "d"])
    sheet = _sheet(out.getvalue())
    a, b, c, d = sheet[2]
    assert a.value == datetime(2026, 11, 2) and a.number_format == "yyyy-mm-dd"
    assert b.value == datetime(2026, 11, 2, 8, 3) and b.number_format == "yyyy-mm-dd hh:mm"
    assert c.value == 92.5 and c.data_type == "n"
    assert d.value == "NaN"


def test_input_1_export_rows_are_counted_no_further_than_the_cap_and_one(db_session):
    """Issue #12: an export's rows are counted up to cap + 1 — enough to refuse one over the
    cap — by a LIMIT inside the count, never a COUNT of the whole table; the order is dropped."""
    db_session.add_all(Staff(name=f"员工{n}", unit="office") for n in range(10))
    db_session.commit()
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        ordered = select(Staff.id, Staff.name).order_by(Staff.name)
        assert bounded_count(db_session, ordered, 3) == 4
        assert bounded_count(db_session, ordered, 9) == 10
        assert bounded_count(db_session, ordered, 10) == 10
        assert bounded_count(db_session, ordered, 50) == 10
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 4
    assert all("LIMIT" in sql and "ORDER BY" not in sql for sql in statements)


def test_input_1_the_leave_register_is_counted_with_the_pages_filters(db_session):
    worker = Staff(name="王请假", unit="office")
    db_session.add(worker)
    db_session.flush()
    db_session.add_all(LeaveRequest(
        staff_id=worker.id, kind="personal", start_day=date(2025, month, 3),
        end_day=date(2025, month, 3), days=Decimal(1), approver_position="director",
        state=state) for month, state in ((3, "approved"), (3, "pending"), (4, "approved")))
    db_session.commit()
    assert leave_register_count(db_session, 10) == 3
    assert leave_register_count(db_session, 1) == 2  # stops at cap + 1
    assert leave_register_count(db_session, 10, state="approved") == 2
    assert leave_register_count(db_session, 10, state="approved", month=(2025, 3)) == 1


def test_complaint_register_is_written_from_plain_tuples():
    rows = [(date(2026, 11, 3), "电话", "01 公安户政窗口", "张三", "是", "简单", date(2026, 11, 10),
             "已答复", datetime(2026, 11, 5, 9, 30), "属实", "3")]
    out = BytesIO()
    assert complaint_register_sheet(out, iter(rows), title="投诉台帐",
                                    translate=lambda s: f"[{s}]") == 1
    sheet = _sheet(out.getvalue())
    assert [c.value for c in sheet[1]] == [f"[{label}]" for label, _w in COMPLAINT_COLUMNS]
    assert sheet.freeze_panes == "A2" and sheet.title == "投诉台帐"
    assert sheet["A2"].value == datetime(2026, 11, 3) and sheet["C2"].value == "01 公安户政窗口"


def test_score_3_month_window_scores_rank_and_tie_break(db_session, window_a, window_b, make_window):
    """SCORE-2/3: equal totals are broken by fewer verified complaints (M7 events from
    complaints); M10 counts in full until rated; other months' events do not count."""
    window_c = make_window("03", "民政窗口", "县民政局")
    period = date(2026, 10, 1)
    db_session.add_all([
        ScoreEvent(window_id=window_a.id, category="M7", day=period, period=period,
                   points=Decimal("-2"), source="complaint"),
        ScoreEvent(window_id=window_b.id, category="M1", day=period, period=period,
                   points=Decimal("-2")),
        ScoreEvent(window_id=window_c.id, category="M1", day=date(2026, 9, 30),
                   period=date(2026, 9, 1), points=Decimal("-9")),
    ])
    db_session.commit()
    scores = month_window_scores(db_session, date(2026, 10, 17))
    assert [(s.number, s.rank, s.total) for s in scores] == [
        ("03", 1, Decimal("100")), ("02", 2, Decimal("98")), ("01", 3, Decimal("98"))]
    assert all(s.red_flag for s in scores) and scores[0].missing == {"M10"}
    assert scores[2].by_category["M7"] == Decimal("8")
