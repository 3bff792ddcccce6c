"""Excel exports of issue #12: the attendance month summary, the leave register, the month's
window scores and the complaint register — each one sheet written by the streaming writer
(app/services/xlsx.py): the translated header row bold and frozen, column widths, dates as
dates, rows consumed as they come from the cursor (memory does not grow with the rows).

Each export is (columns, rows): `*_COLUMNS` are (English msgid, width in characters) — the view
translates the headers — and `*_rows` generators yield plain tuples in that order. The rows are
filtered by the caller exactly as its page filters them (the row scope of app/security/filters.py
included). Nothing of an applicant or complainant is exported (PRIV-1); staff names are what
the pages show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.rules.errors import N_
from app.rules.scoring import CATEGORY_LABELS
from app.services.attendance import window_month
from app.services.leave import filter_requests
from app.services.window_scores import COLUMNS as SCORE_KEYS, WindowMonthScore
from app.services.xlsx import write_sheet
from models.leave import LeaveRequest
from models.org import Staff, Window

Columns = Sequence[tuple[str, float]]
YIELD_PER = 2000  # rows fetched per round trip while streaming a register

ATTENDANCE_COLUMNS: Columns = (
    (N_("Staff"), 12), (N_("Employee number"), 10), (N_("Window"), 22),
    (N_("Late arrival"), 10), (N_("Early leave"), 10), (N_("Absent half-days"), 12),
    (N_("Off-post times"), 12), (N_("Off post"), 30), (N_("Absence days"), 12),
    (N_("Days without clock data"), 14),  # ATT-2: nothing derived for them
)
LEAVE_COLUMNS: Columns = (
    (N_("Staff"), 12), (N_("Employee number"), 10), (N_("Window"), 22), (N_("Kind"), 14),
    (N_("First day"), 12), (N_("Last day"), 12), (N_("Working days"), 10), (N_("State"), 10),
    (N_("Approver"), 16), (N_("Reported back"), 12), (N_("Overstayed working days"), 12),
    (N_("Filed"), 17),
)
SCORE_CATEGORY_LABELS = CATEGORY_LABELS  # SCORE-2, one home: app.rules.scoring
SCORE_COLUMNS: Columns = (
    (N_("Rank"), 6), (N_("Window number"), 8), (N_("Window name"), 22),
    *((SCORE_CATEGORY_LABELS[key], 10) for key in SCORE_KEYS),
    (N_("Total"), 8), (N_("Red-flag window"), 10), (N_("Note"), 28),
)
# The complaint register (COMP-1..3): no complainant name, contact or content (PRIV-1).
COMPLAINT_COLUMNS: Columns = (
    (N_("Received"), 12), (N_("Channel"), 10), (N_("Window"), 22), (N_("Staff"), 12),
    (N_("Major"), 6), (N_("Complexity"), 8), (N_("Answer due"), 12), (N_("State"), 10),
    (N_("Answered"), 17), (N_("Outcome"), 10), (N_("Gravity"), 8),
)


def write_export(out: IO[bytes], columns: Columns, rows: Iterable[Sequence], *, title: str,
                 translate: Callable[[str], str] = str) -> int:
    """One sheet: the translated headers of `columns`, their widths, then `rows`."""
    return write_sheet(out, rows, title=title, headers=[translate(label) for label, _w in columns],
                       widths=[width for _label, width in columns])


def bounded_count(session: Session, statement, cap: int) -> int:
    """Issue #12: how many rows `statement` selects, counted no further than `cap` + 1 — enough
    to tell an export over the cap (config EXPORT_MAX_ROWS) without counting a whole table.
    The order is dropped: the count stops at the first `cap` + 1 matches, unsorted."""
    limited = statement.order_by(None).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited))


def window_label(number, name) -> str:
    return f"{number} {name}" if number else ""


# --- ATT-3: the attendance month summary ------------------------------------------------------
def attendance_rows(session: Session, year: int, month: int, today: date,
                    window_id: int | None = None, staff_ids=None):
    """ATT-2/3: one row per active staff member (of `window_id`; of `staff_ids` — the viewer's
    scope), as the month page: late, early, absent half-days, off-post times, absence days,
    and the working days without clock data (ATT-2: no data, nothing derived).
    The month of a few hundred staff is computed in a fixed number of queries (window_month)."""
    for staff, summary in window_month(session, year, month, today, window_id=window_id,
                                       staff_ids=staff_ids):
        window = staff.window
        yield (staff.name, staff.employee_no or "",
               window_label(window.number, window.name) if window else "",
               summary.late, summary.early, summary.absent_half_days, len(summary.off_post),
               "; ".join(f"{day.isoformat()} {minutes}′" for day, minutes in summary.off_post),
               summary.absence_days, len(summary.no_data_days))


# --- LEAVE-1..3: the leave register -------------------------------------------------------------
def leave_register_count(session: Session, cap: int, **filters) -> int:
    """The rows `leave_register_rows` would write for `filters`, counted up to `cap` + 1."""
    keys = select(LeaveRequest.id).join(Staff, Staff.id == LeaveRequest.staff_id)
    return bounded_count(session, filter_requests(keys, **filters), cap)


def leave_register_rows(session: Session, zone: tzinfo, kind_labels: Mapping[str, str],
                        state_labels: Mapping[str, str], approver_labels: Mapping[str, str],
                        emergency_suffix: str = "", **filters):
    """Every request the register's `filters` (state, kind, staff_id, month) select — all of
    them, not the page's first 500 — newest first, streamed from the cursor. What the list
    shows and no more: no reason, note or certificate."""
    query = filter_requests(
        select(Staff.name, Staff.employee_no, Window.number, Window.name, LeaveRequest.kind,
               LeaveRequest.emergency, LeaveRequest.start_day, LeaveRequest.end_day,
               LeaveRequest.days, LeaveRequest.state, LeaveRequest.approver_position,
               LeaveRequest.reported_back_on, LeaveRequest.overstay_days, LeaveRequest.filed_at)
        .join(Staff, Staff.id == LeaveRequest.staff_id)
        .outerjoin(Window, Window.id == Staff.window_id), **filters,
    ).order_by(LeaveRequest.start_day.desc(), LeaveRequest.id.desc())
    rows = session.execute(query.execution_options(yield_per=YIELD_PER))
    for (name, number, window_number, window_name, kind, emergency, first, last, days, state,
         approver, back, overstay, filed_at) in rows:
        kind_text = kind_labels.get(kind, kind)
        yield (name, number or "", window_label(window_number, window_name),
               f"{kind_text}{emergency_suffix}" if emergency else kind_text,
               first, last, days, state_labels.get(state, state),
               approver_labels.get(approver, approver), back, overstay,
               local_minute(filed_at, zone))


def local_minute(instant: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored instant as the center's wall clock, to the minute (what the writer takes)."""
    if instant is None:
        return None
    return instant.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


# --- SCORE-2/3: the month's window scores -------------------------------------------------------
def score_rows(scores: Iterable[WindowMonthScore], yes: str, missing_note: str = ""):
    """SCORE-2/3: rank, window, each category, total, 红旗窗口, and what is not known yet."""
    for score in scores:
        yield (score.rank, score.number, score.name,
               *(score.by_category.get(key) for key in SCORE_KEYS), score.total,
               yes if score.red_flag else "", missing_note if score.missing else "")


# --- COMP-1..3: the complaint register (rows from app/services/complaint_register.py) ------------
def complaint_register_sheet(out: IO[bytes], rows: Iterable[Sequence], *, title: str,
                             translate: Callable[[str], str] = str) -> int:
    """The complaint register: `rows` are plain tuples in COMPLAINT_COLUMNS order (dates as
    `date`, the answer time as a naive local `datetime`, labels already translated)."""
    return write_export(out, COMPLAINT_COLUMNS, rows, title=title, translate=translate)


__all__ = ["ATTENDANCE_COLUMNS", "LEAVE_COLUMNS", "SCORE_COLUMNS", "COMPLAINT_COLUMNS",
           "SCORE_CATEGORY_LABELS", "write_export", "bounded_count", "attendance_rows",
           "leave_register_count", "leave_register_rows",
           "score_rows", "complaint_register_sheet"]
