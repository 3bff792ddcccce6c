"""SEC-2: wrong passwords lock a client address out, never an account (issue #18, OWASP's
authentication cheat sheet), on every login door.

Every attempt whose password was checked is a `LoginAttempt` row (the login history Admin
reads). Failures count twice:
- per account name *and* client address: `AUTH_LOCKOUT_FAILURES` (5) in a row (within a day)
  lock that name from that address for `AUTH_LOCKOUT_MINUTES` (15). A stranger who types admin's name with
  wrong passwords locks it for himself; admin logs in from her own computer as before.
- per client address, whatever the names: from `AUTH_CLIENT_SLOW_AFTER` (10) failures within
  an hour the address waits 1, 2, 4 … (at most 60) seconds after each failure before its next
  try is even checked; at `AUTH_CLIENT_LOCKOUT_FAILURES` (30) it is locked out for every name
  for `AUTH_LOCKOUT_MINUTES`.
The name counted is the one typed, lower-cased (an existing account's user name, whether its
name or e-mail address was typed), so an unknown name is counted, slowed and locked exactly
like an existing one: no answer tells which accounts exist. A refused try checks no password
and writes no row, so a locked client costs one read and cannot fill the table.

The rate limit (SEC-1, AUTH_RATE_LIMIT, Redis or memory as configured) still slows every
client first. A lock is a `LoginLock` row, so the audit trail (AUDIT-1) records locking
(create) and unlocking (delete) without any code here writing to it. The clock and the client
address are passed in (app/security/manager.py reads them from the request).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.audit import audit_actor
from app.services.transaction import transaction
from models.logins import (EVERY_ACCOUNT, LOGIN_FAILED, LOGIN_SUCCEEDED, LoginAttempt,
                           LoginLock)

LOCKOUT_ACTOR = "login-lockout"
MAX_SLOWDOWN_SECONDS = 60
# A name's failures from one address count "in a row" (until a success or a lock) within a day;
# an address's failures, whatever the names, within an hour.
ACCOUNT_WINDOW = timedelta(days=1)
CLIENT_WINDOW = timedelta(hours=1)
NAME_LENGTH = LoginAttempt.__table__.c.username.type.length
ADDRESS_LENGTH = LoginAttempt.__table__.c.client_address.type.length
# Kinds of Refusal
ACCOUNT_LOCKED, CLIENT_LOCKED, CLIENT_SLOWED = "account", "client", "slow"


@dataclass(frozen=True)
class LockoutPolicy:
    """SEC-2's numbers (config.py: AUTH_LOCKOUT_*, AUTH_CLIENT_*); 0 turns a part off."""

    max_failures: int  # one account name from one client address, in a row
    minutes: int  # how long a lock lasts
    client_slow_after: int = 10
    client_max_failures: int = 30
    history_days: int = 90  # how long the login history is kept

    @classmethod
    def from_config(cls, config) -> "LockoutPolicy":
        return cls(int(config["AUTH_LOCKOUT_FAILURES"]), int(config["AUTH_LOCKOUT_MINUTES"]),
                   int(config.get("AUTH_CLIENT_SLOW_AFTER", 10)),
                   int(config.get("AUTH_CLIENT_LOCKOUT_FAILURES", 30)),
                   int(config.get("AUTH_LOGIN_HISTORY_DAYS", 90)))

    @property
    def enabled(self) -> bool:
        return self.max_failures > 0 and self.minutes > 0

    @property
    def client_locks(self) -> bool:
        return self.client_max_failures > 0 and self.minutes > 0

    @property
    def client_slows(self) -> bool:
        return self.client_slow_after > 0 and self.minutes > 0


@dataclass(frozen=True)
class Refusal:
    """Why a login is refused before its password is checked, and until when."""

    kind: str  # ACCOUNT_LOCKED, CLIENT_LOCKED or CLIENT_SLOWED
    until: datetime

    def seconds_left(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))


@dataclass(frozen=True)
class Attempt:
    """One login whose password was checked."""

    typed: str  # the name as typed
    account: str  # `account_name` of it
    client: str  # `client_key` of the address
    door: str  # FORM_DOOR or API_DOOR
    succeeded: bool


def client_key(address: str | None) -> str:
    """The address failures are counted for: IPv4 as it is; IPv6 by its /64 network (one
    household or server gets a whole /64, so its single addresses would be free to change)."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:ADDRESS_LENGTH]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def account_name(typed: str, username: str | None = None) -> str:
    """The name a lock is on: the existing account's user name (whether its name or its
    e-mail address was typed), else the name as typed — lower-case, as FAB compares them."""
    return (username or typed or "").strip().lower()[:NAME_LENGTH]


def _active_lock(session: Session, account: str, client: str, now: datetime):
    """The lock in force on the name from the client (or on the client for every name).
    Expired locks are left for `_remove_expired` (a refused try writes nothing)."""
    return session.scalars(
        select(LoginLock).where(LoginLock.client_address == client,
                                LoginLock.username.in_((account, EVERY_ACCOUNT)),
                                LoginLock.locked_until > now)
        .order_by(LoginLock.locked_until.desc()).limit(1)).first()


def _client_failures(session: Session, client: str, policy: LockoutPolicy, now: datetime):
    """(count, latest) of the client's failures still counting, within the last hour."""
    return session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at))
        .where(LoginAttempt.client_address == client, LoginAttempt.client_counted.is_(True),
               LoginAttempt.at > now - CLIENT_WINDOW)).one()


def slowdown(failures: int, slow_after: int) -> timedelta:
    """SEC-2: how long a client with `failures` recent failures waits after the last one:
    nothing below `slow_after`, then 1, 2, 4 … seconds, at most a minute."""
    if slow_after <= 0 or failures < slow_after:
        return timedelta(0)
    return timedelta(seconds=min(2 ** min(failures - slow_after, 6), MAX_SLOWDOWN_SECONDS))


def login_refusal(session: Session, account: str, client: str, policy: LockoutPolicy,
                  now: datetime) -> Refusal | None:
    """SEC-2: whether a login of `account` from `client` is refused before its password is
    checked — a lock on the name from this client, on the client, or the client's slowdown."""
    lock = _active_lock(session, account, client, now)
    if lock is not None:
        kind = CLIENT_LOCKED if lock.username == EVERY_ACCOUNT else ACCOUNT_LOCKED
        return Refusal(kind, lock.locked_until)
    if policy.client_slows:
        failures, latest = _client_failures(session, client, policy, now)
        wait = slowdown(failures, policy.client_slow_after)
        if latest is not None and wait and latest + wait > now:
            return Refusal(CLIENT_SLOWED, latest + wait)
    return None


def record_attempt(session: Session, attempt: Attempt, policy: LockoutPolicy,
                   now: datetime) -> Refusal | None:
    """SEC-2: write the attempt to the login history; a failure that reaches a limit locks
    the name from the client, or the client (returned, to tell the user); a success ends the
    name's run of failures from that client."""
    with audit_actor(LOCKOUT_ACTOR), transaction(session):
        session.add(LoginAttempt(
            at=now, username=attempt.typed[:NAME_LENGTH], account=attempt.account,
            client_address=attempt.client, door=attempt.door,
            result=LOGIN_SUCCEEDED if attempt.succeeded else LOGIN_FAILED,
            account_counted=not attempt.succeeded, client_counted=not attempt.succeeded))
        if attempt.succeeded:
            _stop_counting(session, LoginAttempt.account == attempt.account,
                           LoginAttempt.client_address == attempt.client,
                           column="account_counted")
            _remove_expired(session, now, policy)
            return None
        session.flush()
    try:
        return _lock_at_limits(session, attempt, policy, now)
    except IntegrityError:
        # Another worker locked the same name and client in the same instant: its lock stands.
        session.rollback()
        return login_refusal(session, attempt.account, attempt.client, policy, now)


def _lock_at_limits(session: Session, attempt: Attempt, policy: LockoutPolicy, now: datetime):
    pair = (LoginAttempt.account == attempt.account,
            LoginAttempt.client_address == attempt.client)
    with audit_actor(LOCKOUT_ACTOR), transaction(session):
        if policy.client_locks:
            failures, _latest = _client_failures(session, attempt.client, policy, now)
            if failures >= policy.client_max_failures:
                _stop_counting(session, LoginAttempt.client_address == attempt.client,
                               column="client_counted")
                _stop_counting(session, LoginAttempt.client_address == attempt.client,
                               column="account_counted")
                return _lock(session, EVERY_ACCOUNT, attempt.client, failures, policy, now)
        if policy.enabled:
            failures = session.scalar(select(func.count(LoginAttempt.id)).where(
                *pair, LoginAttempt.account_counted.is_(True),
                LoginAttempt.at > now - ACCOUNT_WINDOW))
            if failures >= policy.max_failures:
                _stop_counting(session, *pair, column="account_counted")
                return _lock(session, attempt.account, attempt.client, failures, policy, now)
    return None


def _lock(session: Session, account: str, client: str, failures: int, policy: LockoutPolicy,
          now: datetime) -> Refusal:
    _remove_expired(session, now, policy)
    until = now + timedelta(minutes=policy.minutes)
    session.add(LoginLock(username=account, client_address=client, failures=failures,
                          locked_at=now, locked_until=until))
    session.flush()
    return Refusal(CLIENT_LOCKED if account == EVERY_ACCOUNT else ACCOUNT_LOCKED, until)


def _stop_counting(session: Session, *conditions, column: str) -> None:
    counted = getattr(LoginAttempt, column)
    session.execute(update(LoginAttempt).where(*conditions, counted.is_(True))
                    .values({column: False}).execution_options(synchronize_session=False))


def _remove_expired(session: Session, now: datetime, policy: LockoutPolicy) -> None:
    """Expired locks go (audited as unlocked by the lockout), and history past its days."""
    for lock in session.scalars(select(LoginLock).where(LoginLock.locked_until <= now)):
        session.delete(lock)
    session.flush()  # before a new lock on the same name and address is inserted
    if policy.history_days > 0:
        session.execute(delete(LoginAttempt).where(
            LoginAttempt.at < now - timedelta(days=policy.history_days))
            .execution_options(synchronize_session=False))


def unlock(session: Session, locks) -> int:
    """An administrator lifts locks before they expire (the audit names the administrator)."""
    count = 0
    with transaction(session):
        for lock in locks:
            session.delete(lock)
            count += 1
    return count
