"""Logins (issue #9 SEC-2, issue #18): the history of login attempts, the locks they lead to,
and each user's session generation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flask_appbuilder import Model

from models.types import UTCDateTime, utcnow

# LoginLock.username of a lock on a client address for every account name.
EVERY_ACCOUNT = ""
# LoginAttempt.result
LOGIN_SUCCEEDED, LOGIN_FAILED = "success", "failure"
# LoginAttempt.door: the login form, the API login, the current password of a password change
FORM_DOOR, API_DOOR, PASSWORD_DOOR = "form", "api", "password"


class LoginLock(Model):
    """登录锁定 — a client address locked out after too many wrong passwords (SEC-2): for one
    account name (`username`), or for every name (`username` empty).

    Never for an account as such: a stranger who types an account's name with wrong passwords
    locks that name *from his own address* only, and its owner still logs in from another
    (issue #18). The name is the one typed, lower-cased (for an existing account its user
    name, whether its e-mail address or its name was typed), so unknown names lock alike and
    a lock tells nothing about which accounts exist.
    A row of its own, created and deleted, is what the audit trail records as "locked" and
    "unlocked".
    """

    __tablename__ = "login_lock"
    __audited__ = True
    __table_args__ = (UniqueConstraint("username", "client_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    client_address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column()
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Model):
    """登录记录 — one login attempt whose password was checked, on the form or the API (SEC-2):
    the name typed, the client's address, when, and whether it succeeded.

    Admin reads them as the failure history; the lockout counts the failures still
    `*_counted` (a success, or the lock they led to, stops them counting). Attempts refused
    before their password was checked (a locked or slowed client) are not written: a locked
    client cannot fill the table.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_client_at", "client_address", "at"),
        Index("ix_login_attempt_account_client", "account", "client_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(100))  # as typed
    account: Mapped[str] = mapped_column(String(100))  # the lock's name (LoginLock.username)
    client_address: Mapped[str] = mapped_column(String(64))
    door: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(10))
    account_counted: Mapped[bool] = mapped_column(Boolean, default=False)
    client_counted: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionGeneration(Model):
    """会话代次 — a user's session generation (issue #18): every login cookie and API token
    carries the generation it was issued in, and is refused once the generation moved on.
    Logging out, a password change or reset, a role change and deactivation move it on, so
    they end every session and token of that user at once, on every server."""

    __tablename__ = "user_session_generation"

    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
