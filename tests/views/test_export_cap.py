"""No export runs past a worker's timeout (issue #12, INPUT-1): every Excel export counts its rows
first, and one over EXPORT_MAX_ROWS is refused — nothing written, the user sent back to the page
the export was asked from with its filters and the message saying how many rows at most and what
to narrow — while one of exactly EXPORT_MAX_ROWS rows is streamed as before."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import insert

from models.leave import LeaveRequest
from models.org import Staff
from tests.export_cases import EXPORTS, ROWS

REFUSAL = ("This export has more than %(max)s rows, the most one file may hold: narrow the period "
           "or the filters and export again.")


def refusal(app, cap: int) -> str:
    """The refusal as the page shows it (zh_CN, the default language), escaped like any text."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        return str(escape(gettext(REFUSAL, max=f"{cap:,}")))


@pytest.fixture(params=EXPORTS, ids=[export.rule for export in EXPORTS])
def export(request, db_session, window_a, window_b):
    case = request.param
    query = case.rows(db_session, window_a, window_b)
    return case, request.getfixturevalue(case.actor), query


def data_rows(response) -> int:
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data), read_only=True).worksheets[0]
    return sum(1 for _row in sheet.iter_rows(min_row=2, values_only=True))


def test_input_1_an_export_of_exactly_export_max_rows_is_written(app, monkeypatch, export):
    """Issue #12: at the cap, the whole file as the page's filters select it — the ledger
    (CASE-10), the leave register, the complaint register (COMP-1), the attendance month (ATT-3),
    the window scores (SCORE-2)."""
    case, actor, query = export
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", ROWS)
    assert data_rows(actor.get(f"{case.url}?{query}")) == ROWS, case.rule


def test_input_1_an_export_over_export_max_rows_is_refused_back_on_its_page(app, monkeypatch,
                                                                            export):
    """Issue #12: one row over the cap — no file; back to the page with its filters, where the
    message says the most rows a file may hold and to narrow the period or the filters: the
    ledger (CASE-10), the leave register, the complaint register (COMP-1), the attendance month
    (ATT-3), the window scores (SCORE-2)."""
    case, actor, query = export
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", ROWS - 1)
    response = actor.get(f"{case.url}?{query}")
    assert response.status_code == 302, case.rule
    assert response.headers["Location"] == f"{case.back}?{query}", case.rule
    assert not response.mimetype.endswith("spreadsheetml.sheet") and b"PK" not in response.data
    page = actor.get(response.headers["Location"])
    if page.status_code == 302:  # the attendance month of a scoped user opens their own page
        page = actor.get(page.headers["Location"])
    assert page.status_code == 200, case.rule
    assert refusal(app, ROWS - 1) in page.get_data(as_text=True), case.rule
    # Shown once: the next export within the cap is written, and no message is left over.
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", ROWS)
    assert data_rows(actor.get(f"{case.url}?{query}")) == ROWS, case.rule
    assert refusal(app, ROWS - 1) not in actor.get(case.back).get_data(as_text=True)


def test_input_1_the_refusal_names_the_cap_as_people_read_it(app, monkeypatch, as_office,
                                                           db_session, window_a):
    """A cap of 1,000 and 1,001 requests: the message says "1,000"."""
    worker = Staff(name="王请假", employee_no="2001", unit="window", window=window_a)
    db_session.add(worker)
    db_session.flush()
    first = date(2020, 1, 1)
    db_session.execute(insert(LeaveRequest), [{
        "staff_id": worker.id, "kind": "personal", "start_day": first + timedelta(days=n),
        "end_day": first + timedelta(days=n), "half_day_start": False, "half_day_end": False,
        "days": Decimal(1), "emergency": False, "approver_position": "director",
        "state": "approved", "filed_at": datetime(2020, 1, 1, tzinfo=timezone.utc), "version": 1,
    } for n in range(1001)])
    db_session.commit()
    monkeypatch.setitem(app.config, "EXPORT_MAX_ROWS", 1000)
    page = as_office.get("/leaveoverview/export.xlsx", follow_redirects=True)
    assert page.status_code == 200 and refusal(app, 1000) in page.get_data(as_text=True)
    assert "1,000" in refusal(app, 1000)

