"""组织查询 — the reads of windows and staff that many pages need (ORG-1, AB-2).

The windows of a select box, the active staff of a form, who stands in for whom: one function
each, in one order everywhere (windows by number, people by name, the id last so that equal
numbers or namesakes keep their places on PostgreSQL too). Plain functions over a session and
plain arguments; who may see which window or person is decided by the caller (app/policy/, app/security/filters.py),
which passes the scope in.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload

from models.org import Post, Staff, Window


def window_order() -> tuple:
    """ORG-1: windows by their number (the id breaks a tie between two centers' numbers)."""
    return (Window.number, Window.id)


def staff_order() -> tuple:
    """People by name; namesakes by id, so they keep their places on every page."""
    return (Staff.name, Staff.id)


def windows(session: Session, active_only: bool = True) -> list[Window]:
    """The windows of a select box, by number: the active ones, or every window (a complaint or
    a deduction may concern a window since closed)."""
    query = select(Window).order_by(*window_order())
    if active_only:
        query = query.where(Window.is_active.is_(True))
    return list(session.scalars(query))


def active_staff(session: Session, window_id: int | None = None, *,
                 staff_ids: Iterable[int] | None = None, by_window: bool = False,
                 with_logins: bool = False) -> list[Staff]:
    """The active staff, by name — of one window, or only `staff_ids` (a scope) when given.

    `by_window`: grouped by window number first (their window loaded with them; people without
    a window last, on SQLite as on PostgreSQL). `with_logins`: each one's login and its roles
    loaded too (whether the login is an administrator's only, LEAVE-1), in two queries.
    """
    query = select(Staff).where(Staff.is_active.is_(True))
    if window_id is not None:
        query = query.where(Staff.window_id == window_id)
    if staff_ids is not None:
        query = query.where(Staff.id.in_(list(staff_ids)))
    if with_logins:
        query = query.options(joinedload(Staff.user).selectinload(User.roles))
    if by_window:
        query = (query.outerjoin(Window, Staff.window_id == Window.id)
                 .options(contains_eager(Staff.window))
                 .order_by(Window.id.is_(None), *window_order(), *staff_order()))
    else:
        query = query.order_by(*staff_order())
    return list(session.scalars(query).unique())


def names_by_id(session: Session, staff_ids: Iterable[int]) -> dict[int, str]:
    """Staff id → name, for the people named on a page (active or not)."""
    staff_ids = list(staff_ids)
    if not staff_ids:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids))).all())


def window_ids_by_staff(session: Session, staff_ids: Iterable[int]) -> dict[int, int | None]:
    """Staff id → the id of their window (None without one), for scoping a page's rows."""
    staff_ids = list(staff_ids)
    if not staff_ids:
        return {}
    return dict(session.execute(select(Staff.id, Staff.window_id)
                                .where(Staff.id.in_(staff_ids))).all())


def first_backup_of(session: Session, staff_id: int) -> int | None:
    """AB-2: the B of the first post (by id) where `staff_id` is A — who usually takes over;
    None when they are A of no post with a B."""
    return session.scalar(select(Post.b_staff_id)
                          .where(Post.a_staff_id == staff_id, Post.b_staff_id.is_not(None))
                          .order_by(Post.id).limit(1))


__all__ = ["window_order", "staff_order", "windows", "active_staff", "names_by_id",
           "window_ids_by_staff", "first_backup_of"]


def staff_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Login name → the Staff member's name, for pages that list who did what (a case's
    history and notes store the login name); users without a Staff row are left out."""
    usernames = {name for name in usernames if name}
    if not usernames:
        return {}
    rows = session.execute(select(User.username, Staff.name).join(Staff, Staff.user_id == User.id)
                           .where(User.username.in_(usernames)))
    return dict(rows.all())
