"""The demo center: realistic windows, items, staff and one login per role (issue: demo data)."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.rules.catalogue import validate_item_fee, validate_item_limits
from app.security import CLERK, LEADERSHIP, OFFICE, ROLES, SECTION_HEAD, WINDOW_HEAD
from app.services import demo_data
from app.services.transaction import transaction
from models.catalogue import ItemMaterial, ServiceItem
from models.org import Center, Staff, Window

# One demo user per role: (role, username, unit, window number or None, post)
DEMO_USERS = [
    ("Admin", "admin", "office", None, "系统管理员"),
    (LEADERSHIP, "leader", "leadership", None, "中心主任"),
    (OFFICE, "office", "office", None, "综合科科员"),
    (SECTION_HEAD, "section", "section", None, "审批科科长"),
    (WINDOW_HEAD, "winhead", "window", "01", "首席代表"),
    (CLERK, "clerk", "window", "01", "窗口工作人员"),
]


def demo_password() -> str:
    """A random password that passes FAB's default complexity check."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"Bm{core}#2{secrets.choice(string.digits)}ab"


def _center(session: Session) -> Center:
    center = session.scalars(select(Center).limit(1)).first()
    if center is None:
        center = Center(**demo_data.CENTER)
        session.add(center)
    return center


def _windows(session: Session, center: Center) -> dict[str, Window]:
    existing = {w.number: w for w in session.scalars(select(Window))}
    for spec in demo_data.WINDOWS:
        if spec["number"] not in existing:
            window = Window(center=center, is_active=True, **spec)
            session.add(window)
            existing[spec["number"]] = window
    return existing


def _items(session: Session, windows: dict[str, Window]) -> None:
    existing = set(session.scalars(select(ServiceItem.code)))
    for spec in demo_data.ITEMS:
        if spec["code"] in existing:
            continue
        spec = dict(spec)
        materials = spec.pop("materials")
        window = windows[spec.pop("window")]
        validate_item_limits(spec["promised_days"], spec["statutory_days"])  # ITEM-3
        validate_item_fee(spec["fee_standard"], spec["fee_basis"])
        item = ServiceItem(window=window, is_active=True, **spec)
        item.materials = [ItemMaterial(sort_order=n, **m) for n, m in enumerate(materials)]
        session.add(item)


def _staff(session: Session, windows: dict[str, Window]) -> None:
    """Two clerks per window; names from the demo list (no logins: the demo users have those)."""
    if session.scalars(select(Staff).limit(1)).first() is not None:
        return
    names = iter(demo_data.STAFF_NAMES)
    for number in sorted(windows):
        for seat in (1, 2):
            session.add(Staff(name=next(names), unit="window", window=windows[number],
                              post="窗口工作人员", employee_no=f"W{number}-{seat:02d}"))


def _users(session: Session, sm, windows: dict[str, Window], password: str | None):
    logins = []
    for role_name, username, unit, window_no, post in DEMO_USERS:
        secret = password or demo_password()
        role = sm.find_role(role_name)
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, "演示", post, f"{username}@bianmin.local", [role], secret)
            if not user:
                raise ValueError(f"could not create demo user {username}")
        else:
            sm.reset_password(user.id, secret)
        staff = session.scalars(select(Staff).where(Staff.user_id == user.id)).first()
        if staff is None:
            session.add(Staff(name=f"{post}（演示）", user_id=user.id, unit=unit, post=post,
                              window=windows.get(window_no) if window_no else None))
        logins.append((role_name, username, secret))
    return logins


def create_demo_center(session: Session, sm, password: str | None = None):
    """Idempotent: missing parts are added, demo passwords are reset; returns the logins."""
    missing = [role for role in ROLES if sm.find_role(role) is None]
    if missing:
        raise ValueError("roles missing, run `flask bianmin upgrade` first: " + ", ".join(missing))
    with transaction(session):  # joins the caller's (the CLI's) unit of work, if any
        center = _center(session)
        windows = _windows(session, center)
        _items(session, windows)
        _staff(session, windows)
        session.flush()
        logins = _users(session, sm, windows, password)
    return logins
