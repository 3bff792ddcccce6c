"""The Excel exports with ROWS rows selected by their filters and one row more left out: the
export cap (tests/views/test_export_cap.py) and the exports as background jobs
(tests/views/test_background_jobs.py, tests/views/test_page_jobs.py) use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable

from sqlalchemy import insert

from app.rules import case_states as cs
from models.cases import Case
from models.complaints import Complaint
from models.leave import LeaveRequest
from models.org import Staff
from tests.factories import residence_permit_item

ROWS = 3  # what each export below selects with its filters; one more row is filtered out


# --- Each export with ROWS rows selected by its filters, and one row more left out ----------------
def ledger_cases(db_session, window_a, window_b):
    """The ledger: three cases in progress, one approved (the filter asks for those in progress)."""
    add_cases(db_session, window_a, ROWS)
    add_cases(db_session, window_a, 1, start_number=ROWS + 1, state=cs.DECIDED_APPROVED)
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


def add_cases(db_session, window, count: int, start_number: int = 1,
              state: str = cs.IN_PROGRESS) -> list[str]:
    """`count` cases of `window` in `state`, inserted at once (numbered from `start_number`,
    an item of their own); their numbers."""
    item = residence_permit_item(db_session, window, code=f"P-{window.number}-{start_number}")
    start = datetime(2026, 10, 12, 2, tzinfo=timezone.utc)
    numbers = [f"BC-2026-{n:06d}" for n in range(start_number, start_number + count)]
    db_session.execute(insert(Case), [{
        "number": number, "case_class": "accepted", "state": state,
        "item_id": item.id, "window_id": window.id, "applicant_kind": "person",
        "applicant_name": "赵六", "received_at": start + timedelta(hours=n),
        "accepted_at": start + timedelta(hours=n), "accepted_on": start.date(),
        "promised_days": 5, "deadline": start.date() + timedelta(days=7), "urgent": False,
        "extended": False, "suspended_days": 0,
    } for n, number in enumerate(numbers)])
    db_session.commit()
    return numbers
