"""No export runs past a worker's timeout (issue #12, INPUT-1): every Excel export counts its rows
first, and one over EXPORT_MAX_ROWS is refused — nothing written, the user sent back to the page
the export was asked from with its filters and the message saying how many rows at most and what
to narrow — while one of exactly EXPORT_MAX_ROWS rows is streamed as before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from typing import Callable

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import insert

from app.rules import case_states as cs
from models.cases import Case
from models.complaints import Complaint
from models.leave import LeaveRequest
from models.org import Staff
from tests.factories import residence_permit_item

ROWS = 3  # what each export below selects with its filters; one more row is filtered out
REFUSAL = ("This export has more than %(max)s rows, the most one file may hold: narrow the period "
           "or the filters and export again.")


def refusal(app, cap: int) -> str:
    """The refusal as the page shows it (zh_CN, the default language), escaped like any text."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        return str(escape(gettext(REFUSAL, max=f"{cap:,}")))


# --- Each export with ROWS rows selected by its filters, and one row more left out ----------------
def ledger_cases(db_session, window_a, window_b):
    """The ledger: three cases in progress, one approved (the filter asks for those in progress)."""
    item = residence_permit_item(db_session, window_a)
    start = datetime(2026, 10, 12, 2, tzinfo=timezone.utc)
    states = [cs.IN_PROGRESS] * ROWS + [cs.DECIDED_APPROVED]
    db_session.execute(insert(Case), [{
        "number": f"BC-2026-{n + 1:06d}", "case_class": "accepted", "state": state,
        "item_id": item.id, "window_id": window_a.id, "applicant_kind": "person",
        "applicant_name": "赵六", "received_at": start + timedelta(hours=n),
        "accepted_at": start + timedelta(hours=n), "accepted_on": start.date(),
        "promised_days": 5, "deadline": start.date() + timedelta(days=7), "urgent": False,
        "extended": False, "suspended_days": 0,
    } for n, state in enumerate(states)])
    db_session.commit()
    return f"_flt_0_state={cs.IN_PROGRESS}"


def leave_requests(db_session, window_a, window_b):
    """The leave register: three approved requests, one pending (the filter: approved)."""
    worker = Staff(name="王请假", employee_no="2001", unit="window", window=window_a)
    db_session.add(worker)
    db_session.flush()
    db_session.add_all(LeaveRequest(
        staff_id=worker.id, kind="personal", start_day=date(2025, 3, 3 + n),
        end_day=date(2025, 3, 3 + n), days=Decimal(1), approver_position="director",
        state="approved" if n < ROWS else "pending") for n in range(ROWS + 1))
    db_session.commit()
    return "state=approved"


def complaints(db_session, window_a, window_b):
    """The complaint register: three complaints received in October, one in November (the
    filter: October)."""
    days = [date(2026, 10, 5 + n) for n in range(ROWS)] + [date(2026, 11, 2)]
    db_session.add_all(Complaint(received_on=day, channel="phone", window=window_a,
                                 content="态度生硬", due_on=day) for day in days)
    db_session.commit()
    return "month=2026-10"


def attendance_staff(db_session, window_a, window_b):
    """The attendance month: three active staff in window A, one in window B (the filter:
    window A)."""
    db_session.add_all([Staff(name=f"员工{n}", employee_no=f"30{n}", unit="window",
                              window=window_a) for n in range(ROWS)]
                       + [Staff(name="别窗", employee_no="309", unit="window", window=window_b)])
    db_session.commit()
    return f"year=2025&month=3&window_id={window_a.id}"


def score_windows(db_session, window_a, window_b):
    """The window scores have one row per active window: A, B and a third."""
    from models.org import Window

    db_session.add(Window(center_id=window_a.center_id, number="03", name="税务窗口",
                          department="县税务局"))
    db_session.commit()
    return "month=2025-03"


@dataclass
class Export:
    rule: str
    actor: str  # the fixture of the role that exports
    url: str
    back: str  # the page the export is asked from
    rows: Callable  # builds the rows, returns the page's query string


EXPORTS = [
    Export("CASE-10", "as_office", "/ledger/export.xlsx", "/ledger/list/", ledger_cases),
    Export("LEAVE", "as_office", "/leaveoverview/export.xlsx", "/leaveoverview/all/",
           leave_requests),
    Export("COMP-1", "as_office", "/complaintview/export.xlsx", "/complaintview/overdue/",
           complaints),
    Export("ATT-3", "as_office", "/attendance/export.xlsx", "/attendance/", attendance_staff),
    Export("SCORE-2", "as_leadership", "/windowscores/export.xlsx", "/windowscores/",
           score_windows),
]


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

