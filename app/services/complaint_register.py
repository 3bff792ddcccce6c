"""投诉台帐 — the rows of the complaint register export (COMP-1): the query of the complaint
list's export route (app/views/complaints.py), narrowed to its page's filters, and the plain
tuples `app.services.exports.complaint_register_sheet` streams. Nothing of the complainant
(name, contact) nor the complaint's text is exported (PRIV-1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.exports import YIELD_PER, local_minute, window_label
from models.complaints import Complaint
from models.org import Staff, Window


def complaint_register_statement(received_from: date | None = None,
                                 received_before: date | None = None, state: str | None = None):
    """SELECT of the register's columns, newest first: the complaints received from
    `received_from` and before `received_before`, in `state` (each None: any), to pass to
    `complaint_rows`."""
    statement = (select(Complaint.received_on, Complaint.channel, Window.number, Window.name,
                        Staff.name, Complaint.major, Complaint.complexity, Complaint.due_on,
                        Complaint.state, Complaint.answered_at, Complaint.outcome,
                        Complaint.gravity)
                 .join(Window, Window.id == Complaint.window_id)
                 .outerjoin(Staff, Staff.id == Complaint.staff_id)
                 .order_by(Complaint.received_on.desc(), Complaint.id.desc()))
    if received_from is not None:
        statement = statement.where(Complaint.received_on >= received_from)
    if received_before is not None:
        statement = statement.where(Complaint.received_on < received_before)
    if state is not None:
        statement = statement.where(Complaint.state == state)
    return statement


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
