"""ORG-2: a staff row's login link and position are changed by Admin only, at every door (a flush
guard on the session: the staff page, the API, the reference import)."""

from __future__ import annotations



from app.request_context import current_login, role_names
from app.roles import ADMIN
from app.rules.errors import N_, RuleViolation
from app.rules.leave import APPROVER_POSITIONS
from models.org import Staff


# --- ORG-2: a staff row's login and position decide who signs and who approves ---------------
# HAND-1 and ROSTER-2 let the office act for a staff member *without* a login; LEAVE-2 and
# ATT-4 route approvals by Staff.position. Who edits staff rows (the office: Staff, IMPORT-1)
# could otherwise unlink a colleague's login and sign for them, or make a colleague (or
# themselves) an approver (issue #18: four eyes). Only Admin, who keeps the logins and roles,
# does either.
STAFF_LINKING_ROLES = frozenset({ADMIN})
# LEAVE-2 / ATT-4: the positions that approve something (the town head is only informed).
APPROVING_POSITIONS = frozenset().union(*APPROVER_POSITIONS.values(), {"deputy_director"})


def staff_change_violation(old_user_id, new_user_id, old_position, new_position,
                           roles: set[str] | None = None, user_id: int | None = None,
                           new_row: bool | None = None):
    """ORG-2 (LEAVE-2, ATT-4, HAND-1): only an administrator links a login to a staff row or
    removes it, and only an administrator changes the position of a staff row — anyone's,
    their own included: a position decides what its holder approves, so whoever edits staff
    rows could otherwise grant approval rights alone (issue #18). A new row (the office's
    form, API or import) may name any position: it has no login, and the login that brings
    the position's rights is linked by an administrator. LEAVE-2 names a change to or from an
    approving position, ORG-2 any other. The RuleViolation to refuse the change with, or
    None. `new_row` defaults to "no position before" (old_position None)."""
    roles = role_names() if roles is None else roles
    if roles & STAFF_LINKING_ROLES:
        return None
    if old_user_id != new_user_id:
        return RuleViolation("ORG-2", N_("Only an administrator links a login to a staff member "
                                         "or removes it."), field="user")
    new_row = old_position is None if new_row is None else new_row
    if not new_row and old_position != new_position:
        rule = "LEAVE-2" if {old_position, new_position} & APPROVING_POSITIONS else "ORG-2"
        return RuleViolation(rule, N_("Only an administrator changes a staff member's position: "
                                      "it decides what they approve."), field="position")
    return None


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
