"""The demo center (演示中心): realistic windows, items, staff, one login per role, and
generated cases — demo generation, not a use case, so it lives apart from app/services.

Split by what it makes: `org` (center, windows, staff, logins), `catalogue` (service items),
`cases` (generated cases), `bulk_load` (how generated rows are written). Only the CLI and the
tests import this package (an import-linter contract in tests/test_import_contracts.py).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.demo.catalogue import create_items
from app.demo.org import (DEMO_USERS, create_center, create_logins, create_posts, create_staff,
                          create_windows)
from app.security import ROLES
from app.services.transaction import transaction


def create_demo_center(session: Session, sm, password: str | None = None):
    """Idempotent: missing parts are added, demo passwords are reset; returns the logins."""
    missing = [role for role in ROLES if sm.find_role(role) is None]
    if missing:
        raise ValueError("roles missing, run `flask bianmin upgrade` first: " + ", ".join(missing))
    with transaction(session):  # joins the caller's (the CLI's) unit of work, if any
        center = create_center(session)
        windows = create_windows(session, center)
        create_items(session, windows)
        create_staff(session, windows)
        session.flush()
        logins = create_logins(session, sm, windows, password)
        session.flush()
        create_posts(session, windows, sm)
    return logins


__all__ = ["DEMO_USERS", "create_demo_center"]
