"""What a transaction reads once and keeps in `session.info` under a key of its own — the rule
settings (app/services/settings.py), the page frame's centre row and calendar version
(app/services/frame_queries.py) — forgotten as soon as the session writes one of the rows it
was read from, runs a bulk write, or ends its transaction, so it is never stale (issue #21)."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session


def forget_on_write(key: str, models: tuple[type, ...]) -> None:
    """Drop `session.info[key]` on a flush touching `models`, on any bulk write, and when the
    outermost transaction ends."""

    def written(session: Session, _context) -> None:
        if any(isinstance(row, models)
               for rows in (session.new, session.dirty, session.deleted) for row in rows):
            session.info.pop(key, None)

    def bulk_written(state) -> None:
        if not state.is_select:
            state.session.info.pop(key, None)

    def ended(session: Session, transaction) -> None:
        if transaction.parent is None:
            session.info.pop(key, None)

    event.listen(Session, "after_flush", written)
    event.listen(Session, "do_orm_execute", bulk_written)
    event.listen(Session, "after_transaction_end", ended)
