"""投诉台帐 — the adapter between the Complaint model (branch `complaints`, models/complaints.py)
and the complaint register export (app/services/exports.py `complaint_register_sheet`).

Written before the model is merged: `models.complaints` is imported when a function runs, not
at import time, so this module loads on a branch without it. To wire it (the merger):
1. the complaints list view gets an `export` route (permission "read" of its resource) that
   narrows `complaint_register_statement()` with the page's own filters and row scope, and
   streams `complaint_register_sheet(out, complaint_rows(...))` with
   app/views/downloads.py `xlsx_download` — see AttendanceView.export for the pattern;
2. a download button on the complaints list template pointing at that route;
3. the label dicts below come from the complaints views' labels (channel, complexity, state,
   outcome), translated by the view.
The columns are those of the model at commit 02fc46e of `complaints`; nothing of the
complainant (name, contact) nor the complaint's text is exported (PRIV-1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.exports import YIELD_PER, local_minute, window_label
from models.org import Staff, Window


def complaint_register_statement():
    """SELECT of the register's columns, newest first; the caller adds its page's filters
    (`.where(Complaint.state == ...)`) and scope before passing it to `complaint_rows`."""
    from models.complaints import Complaint  # the complaints branch

    return (select(Complaint.received_on, Complaint.channel, Window.number, Window.name,
                   Staff.name, Complaint.major, Complaint.complexity, Complaint.due_on,
                   Complaint.state, Complaint.answered_at, Complaint.outcome, Complaint.gravity)
            .join(Window, Window.id == Complaint.window_id)
            .outerjoin(Staff, Staff.id == Complaint.staff_id)
            .order_by(Complaint.received_on.desc(), Complaint.id.desc()))


def complaint_rows(session: Session, statement, zone: tzinfo, labels: Mapping[str, Mapping[str, str]],
                   yes: str):
    """Plain tuples in COMPLAINT_COLUMNS order, streamed from the cursor. `labels` holds the
    translated labels of "channel", "complexity", "state" and "outcome"."""
    def label(kind, value):
        return labels.get(kind, {}).get(value, value or "")

    for (received_on, channel, number, window_name, staff_name, major, complexity, due_on,
         state, answered_at, outcome, gravity) in session.execute(
            statement.execution_options(yield_per=YIELD_PER)):
        yield (received_on, label("channel", channel), window_label(number, window_name),
               staff_name or "", yes if major else "", label("complexity", complexity), due_on,
               label("state", state), local_minute(answered_at, zone), label("outcome", outcome),
               gravity or "")
