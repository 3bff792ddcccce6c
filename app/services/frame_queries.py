"""What every page's frame reads (issue #21): the center row (ORG-1, the footer and titles)
and the working-day calendar's version (CASE-3), in one statement per transaction.

The calendar's version is its content — every holiday entry (day:kind) and every entered year,
aggregated by the database into two strings — so a calendar kept per process under it
(app/services/calendar.py) is never stale, whichever process wrote. The center row is read
as plain values (no ORM object); it is small, so its content is its own version.

Within one transaction the statement runs once (`session.info`); it is forgotten when the
transaction ends, when the session writes a center, holiday entry or entered year (and
before a read while such a write is pending), and on any bulk write.

The same values can come with another statement of the transaction instead (`frame_columns`,
`keep_frame_reads`): the login's user statement of a page that draws the frame reads them too
(app/services/accounts.py), one statement less on every such page.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import String, cast, func, literal, select, true
from sqlalchemy.orm import Session

from app.services.transaction_memo import forget_on_write
from models.org import Center
from models.settings import Holiday, YearSchedule

_READ = "bianmin_frame_reads"  # session.info: FrameReads of this transaction
_MODELS = (Center, Holiday, YearSchedule)


class CenterRow(NamedTuple):
    """便民服务中心 — the center's values the pages show (read-only)."""

    id: int
    name: str
    address: str | None
    service_phone: str | None
    complaint_phone: str | None
    opening_hours: str | None


class FrameReads(NamedTuple):
    center: CenterRow | None
    calendar_version: tuple[str | None, str | None]


def _holidays():
    return select(func.aggregate_strings(
        cast(Holiday.day, String) + literal(":") + Holiday.kind, ",")).scalar_subquery()


def _years():
    return select(func.aggregate_strings(cast(YearSchedule.year, String), ",")
                  ).scalar_subquery()


_STATEMENTS: dict = {}


def _statement(name: str):
    """The two statements, built once (building a statement costs more than running it)."""
    statement = _STATEMENTS.get(name)
    if statement is None:
        if name == "version":
            statement = select(_holidays(), _years())
        else:
            statement = (select(*(getattr(Center, field) for field in CenterRow._fields),
                                _holidays(), _years())
                         .order_by(Center.id).limit(1))
        _STATEMENTS[name] = statement
    return statement


def calendar_version(session: Session) -> tuple[str | None, str | None]:
    """The calendar's version read now (not the transaction's kept one)."""
    if session.autoflush and _pending_writes(session):
        session.flush()
    return tuple(session.connection().execute(_statement("version")).one())


def _pending_writes(session: Session) -> bool:
    return any(isinstance(row, _MODELS)
               for rows in (session.new, session.deleted, session.dirty) for row in rows)


def frame_columns() -> list:
    """The frame's values as columns for another statement (one row; nothing required of its
    FROM): the first center's values — NULLs when there is none, by an outer join on
    `frame_join()` — and the calendar's version."""
    center = _first_center()
    return [*(center.c[field] for field in CenterRow._fields), _holidays(), _years()]


def frame_join():
    """(the first center as a subquery, its join condition) for `frame_columns`."""
    return _first_center(), true()


def _first_center():
    subquery = _STATEMENTS.get("first center")
    if subquery is None:
        subquery = _STATEMENTS["first center"] = (
            select(*(getattr(Center, field) for field in CenterRow._fields))
            .order_by(Center.id).limit(1).subquery("first_center"))
    return subquery


def keep_frame_reads(session: Session, values) -> FrameReads:
    """Keep the values of `frame_columns` read by another statement of this transaction, as
    `frame_reads` keeps its own (not while a write of the frame's rows is pending)."""
    width = len(CenterRow._fields)
    center = CenterRow(*values[:width]) if values[0] is not None else None
    reads = FrameReads(center, tuple(values[width:]))
    if not _pending_writes(session):
        session.info[_READ] = reads
    return reads


def frame_reads(session: Session) -> FrameReads:
    """The center row and the calendar's version (one statement, once per transaction)."""
    known = session.info.get(_READ)
    pending = _pending_writes(session)
    if known is not None and not pending:
        return known
    if pending and session.autoflush:
        session.flush()  # what an ORM query's autoflush does: the read sees the session's writes
    # A Core statement on the session's connection: plain values, no ORM round.
    row = session.connection().execute(_statement("frame")).first()
    width = len(CenterRow._fields)
    if row is None:  # no center yet: the calendar's version alone
        known = FrameReads(None, calendar_version(session))
    else:
        known = FrameReads(CenterRow(*row[:width]), tuple(row[width:]))
    session.info[_READ] = known
    return known


forget_on_write(_READ, _MODELS)
