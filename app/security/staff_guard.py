"""ORG-2: a staff row's login link and position are changed by Admin only, at every door (a flush
guard on the session: the staff page, the API, the reference import)."""

from __future__ import annotations

from app.policy.org import STAFF_LINKING_ROLES, staff_change_violation
from app.request_context import current_login, role_names
from models.org import Staff


def _new_user_id(staff, old_user_id):
    """The login a staff row is given in this flush: the relationship set by a form, else the
    column set directly, else unchanged."""
    from sqlalchemy import inspect

    state = inspect(staff)
    relation = state.attrs.user.history
    if relation.added:
        return getattr(relation.added[0], "id", None)
    if relation.deleted:
        return None
    column = state.attrs.user_id.history
    return column.added[0] if column.added else old_user_id


def _guard_staff_changes(session, _flush_context, _instances) -> None:
    """ORG-2 at every door (the staff page, the API, the reference import): a signed-in user's
    flush changing a login link or a position against `staff_change_violation` is refused.
    Outside a request (CLI, demo, jobs) nothing is checked."""
    from sqlalchemy import select

    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Staff)]
    user = current_login() if changed else None
    if user is None or role_names(user) & STAFF_LINKING_ROLES:
        return
    known = [obj.id for obj in changed if obj.id is not None]
    before = {}
    if known:  # the rows as stored: what this flush would change
        query = select(Staff.id, Staff.user_id, Staff.position).where(Staff.id.in_(known))
        before = {row.id: row for row in session.execute(query)}
    for staff in changed:
        old = before.get(staff.id)
        old_user_id, old_position = (old.user_id, old.position) if old else (None, None)
        violation = staff_change_violation(old_user_id, _new_user_id(staff, old_user_id),
                                           old_position, staff.position,
                                           roles=role_names(user), user_id=user.id,
                                           new_row=old is None)
        if violation is not None:
            raise violation


def guard_staff_changes() -> None:
    """Install the ORG-2 staff guard on every ORM session (idempotent; called by create_app)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", _guard_staff_changes):
        event.listen(Session, "before_flush", _guard_staff_changes)
