"""SEC-2: an account is locked for a while after repeated wrong passwords, on every login door.

FAB counts wrong passwords in `ab_user.fail_login_count` (and resets it on success) but never
acts on it; the rate limit (SEC-1) slows one client down, while this stops a slow guesser
spread over many addresses. The lock is a `LoginLock` row, so the audit trail (AUDIT-1)
records locking (create) and unlocking (delete) without any code here writing to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.audit import audit_actor
from app.services.transaction import transaction
from models.logins import LoginLock
from models.types import utcnow

LOCKOUT_ACTOR = "login-lockout"


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong passwords in a row lock an account, and for how long (SEC-2)."""

    max_failures: int
    minutes: int

    @classmethod
    def from_config(cls, config) -> "LockoutPolicy":
        return cls(int(config["AUTH_LOCKOUT_FAILURES"]), int(config["AUTH_LOCKOUT_MINUTES"]))

    @property
    def enabled(self) -> bool:
        return self.max_failures > 0 and self.minutes > 0


def active_lock(session: Session, user_id: int, now: datetime | None = None) -> LoginLock | None:
    """The lock holding the account now; an expired one is removed (and audited) on the way."""
    lock = session.scalar(select(LoginLock).where(LoginLock.user_id == user_id))
    if lock is None:
        return None
    if lock.locked_until > (now or utcnow()):
        return lock
    with audit_actor(LOCKOUT_ACTOR), transaction(session):
        session.delete(lock)
    return None


def lock_if_too_many_failures(session: Session, user, policy: LockoutPolicy,
                              now: datetime | None = None) -> LoginLock | None:
    """SEC-2: after FAB counted a wrong password, lock the account once the count reaches the
    policy. The count starts again from zero, so that an expired lock gives the full number
    of attempts back instead of locking again at the next mistake."""
    failures = user.fail_login_count or 0
    if not policy.enabled or failures < policy.max_failures:
        return None
    now = now or utcnow()
    lock = LoginLock(user_id=user.id, username=user.username, failures=failures,
                     locked_at=now, locked_until=now + timedelta(minutes=policy.minutes))
    try:
        with audit_actor(LOCKOUT_ACTOR), transaction(session):
            session.add(lock)
            user.fail_login_count = 0
    except IntegrityError:
        # Another worker locked the account in the same instant: its lock stands.
        return active_lock(session, user.id, now)
    return lock


def unlock(session: Session, locks) -> int:
    """An administrator lifts locks before they expire (the audit names the administrator)."""
    count = 0
    with transaction(session):
        for lock in locks:
            session.delete(lock)
            count += 1
    return count
