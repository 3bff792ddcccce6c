"""The leave tests' kit (LEAVE-1..4): their day, a certificate, filing and deciding through the
API, uploading a certificate. The people these act as are the `leave_people` fixture
(tests/conftest.py), the day the `leave_today` fixture."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from app.rules.calendar import WorkCalendar
from models.org import Staff

TODAY = date(2026, 11, 18)  # a Wednesday, and the app's clock: one result on any day (#17)
PDF = b"%PDF-1.4\n%certificate\n"


SUBSTITUTE = "顶岗人员"


def substitute_id() -> int:
    """LEAVE-1: the colleague the requests of these tests name as substitute."""
    from app.extensions import db

    return db.session.scalars(select(Staff.id).where(Staff.name == SUBSTITUTE)).one()


def api_file(actor, body):
    """File through the API naming the substitute and a handover created from the request
    (LEAVE-1), unless the body says otherwise."""
    body = {"substitute_id": substitute_id(), "new_handover": "handover_id" not in body, **body}
    return actor.client.post("/api/v1/leave/file", json=body, headers=actor.api_headers())


def api_post(actor, url, body=None):
    return actor.client.post(url, json=body if body is not None else {},
                             headers=actor.api_headers())


def two_days(app, **extra):
    """A personal leave of the 5th and 6th working days after TODAY."""
    first, second = (WorkCalendar().add_working_days(TODAY, n) for n in (5, 6))
    return {"kind": "personal", "start_day": first.isoformat(), "end_day": second.isoformat(),
            "reason": "家中有事", **extra}


def upload(actor, leave_id, data, name="a.pdf"):
    return actor.client.post(f"/api/v1/leave/{leave_id}/certificate",
                             data={"file": (io.BytesIO(data), name)},
                             content_type="multipart/form-data", headers=actor.api_headers())
