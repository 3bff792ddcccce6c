"""Settings of the Bianmin platform, read from the environment.

Every value has a demo-safe default except in production (`BIANMIN_ENV=production`), where a
missing `SECRET_KEY` stops the app: a generated key would log everyone out on each restart
and, worse, differ between workers.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent


def instance_dir() -> Path:
    """The instance folder (secret key, SQLite file), read when the app is created: a module
    constant would be fixed by whoever imports `config` first (tests set BIANMIN_INSTANCE)."""
    return Path(os.environ.get("BIANMIN_INSTANCE", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _secret_key(env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set when BIANMIN_ENV=production")
    # The demo keeps one generated key so sessions survive restarts; 64 hex chars keeps
    # PyJWT's key-length warning away (FAB-NOTES).
    path = instance_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the driver-less scheme; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'bianmin.db'}"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must be 0 or more, not {value}")
    return value


def _max_request_bytes() -> int:
    """INPUT-1: the largest request body, `MAX_REQUEST_MB` (default 32): above the largest
    upload (a year's clock export ~10 MB, at most 20; a sick-leave certificate, 10 MB by the
    rule setting leave.max_attachment_mb; reference imports at most 5 MB), so that a huge body
    is refused with 413 before it is read into memory."""
    megabytes = _int_env("MAX_REQUEST_MB", 32)
    if megabytes < 1:
        raise ConfigError("MAX_REQUEST_MB must be 1 or more")
    return megabytes * 1024 * 1024


# Issue #12: an export is written inside the request, and gunicorn kills a sync worker after
# `--timeout 120` (docs/deploy.md), mid-file. Measured (bench/RESULTS.md): ~13 µs of CPU a row for
# the ledger and the leave register on a quiet machine (2026-12-01), but 290 µs a row of wall time
# for the leave register on a machine loaded ten deep (29 s per 100,000; the ledger's first
# measure, with XlsxWriter, was 117 µs). 300,000 rows are then ~4 s quiet and ~90 s at that worst
# pace: inside the timeout, and far below Excel's 1,048,576 rows a sheet.
EXPORT_MAX_ROWS_DEFAULT = 300_000
EXCEL_MAX_DATA_ROWS = 1_048_576 - 1  # a sheet's rows less the header row


def _export_max_rows() -> int:
    """Issue #12: the most rows one Excel export may write, `EXPORT_MAX_ROWS`; a larger export
    is refused before anything is written, with the period or filters to narrow."""
    rows = _int_env("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS_DEFAULT)
    if not 1 <= rows <= EXCEL_MAX_DATA_ROWS:
        raise ConfigError(f"EXPORT_MAX_ROWS must be between 1 and {EXCEL_MAX_DATA_ROWS:,}")
    return rows



def _public_base_url() -> str | None:
    """Issue #19: the address of the app's root as a phone on the center's network reaches
    it (`PUBLIC_BASE_URL`, e.g. `http://10.1.2.3:8080`), printed in the QR codes of the
    notices. Unset: the address the printing browser used, which is right unless the
    clerks reach the app by a name or port the public cannot."""
    raw = os.environ.get("PUBLIC_BASE_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_BASE_URL must be an http(s) address like "
                          f"http://10.1.2.3:8080, not {raw!r}")
    return raw.rstrip("/")

# INPUT-1 (issue #18): what an import file (a clock export, reference data) may hold, checked
# before it is parsed (app/services/table_files.py ImportLimits, README). A year of clock
# records of 300 staff is ~293,000 rows of 2-4 columns (bench/RESULTS.md); 60 staff, 60,000.
# The largest file these let through is read in ~18 s of CPU (bench/RESULTS.md, 2026-12-07),
# well inside gunicorn's --timeout 120; a 0.9 MB workbook of 3.3 million rows (255 MB unpacked)
# is refused from the zip's directory alone.
IMPORT_LIMIT_DEFAULTS = {
    "IMPORT_MAX_MB": 20,  # the file as uploaded (a workbook packed)
    "IMPORT_MAX_UNPACKED_MB": 150,  # a workbook's parts together, unpacked
    "IMPORT_MAX_PART_MB": 100,  # one part of a workbook (a sheet), unpacked
    "IMPORT_MAX_SHARED_STRINGS_MB": 32,  # a workbook's table of shared texts, unpacked
    "IMPORT_MAX_RATIO": 100,  # unpacked over packed size (Apache POI's default bound too)
    "IMPORT_MAX_ROWS": 300_000,  # rows of a sheet below its header
    "IMPORT_MAX_CELLS": 1_000_000,  # cells of all sheets read
}


def _import_limits(max_request_bytes: int) -> dict:
    """INPUT-1: the IMPORT_MAX_* settings, each a whole number of 1 or more; an upload limit
    that MAX_REQUEST_MB would cut first (413 before the import could say its limit) stops
    the start."""
    limits = {name: _int_env(name, default) for name, default in IMPORT_LIMIT_DEFAULTS.items()}
    for name, value in limits.items():
        if value < 1:
            raise ConfigError(f"{name} must be 1 or more")
    if (limits["IMPORT_MAX_MB"] + 1) * 1024 * 1024 > max_request_bytes:
        raise ConfigError("IMPORT_MAX_MB must stay at least 1 below MAX_REQUEST_MB")
    return limits


def _ratelimit_storage() -> str:
    """SEC-1: where login and lookup counters live. One Redis shared by every process when
    `RATELIMIT_STORAGE_URI` or `REDIS_URL` names one; else each process counts alone."""
    return (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
            or "memory://")


def _jobs_queue_url() -> str:
    """Issue #21: where background jobs wait for a worker. `JOBS_QUEUE_URL`, else `REDIS_URL`
    (one Redis for limits and jobs), else an SQLite file in the instance folder: the demo's
    queue, seen by the processes of this one machine only."""
    return (os.environ.get("JOBS_QUEUE_URL") or os.environ.get("REDIS_URL")
            or f"sqlite:///{instance_dir() / 'job-queue.sqlite3'}")


def _workers() -> int:
    """How many app processes serve requests: `WEB_CONCURRENCY`, which gunicorn also reads as
    its worker count (docs/deploy.md), so the check below sees the number actually run."""
    return max(_int_env("WEB_CONCURRENCY", 1), 1)


def check_production(config: dict) -> list[str]:
    """SEC-1: with several processes, per-process counters multiply every limit by the
    number of workers (issue #9: 30 of 45 lookups passed a limit of 10 with 3 workers), so
    production refuses to start that way.

    Issue #21 (docs/deploy.md "Several app hosts"): a job queue held in one process's memory
    is refused in production; one in an SQLite file is seen by the processes of this host
    only, which works with several workers on one machine but not across hosts — returned as
    a warning (the caller logs it), as is `BIANMIN_HOSTS` > 1 with such a queue refused.
    `BIANMIN_HOSTS` > 1 also refuses per-process rate limits (each host would count alone)
    and the shared folders left in the host's own instance folder (`_check_shared_folders`)."""
    warnings: list[str] = []
    if config["BIANMIN_ENV"] != "production":
        return warnings
    workers = config["BIANMIN_WORKERS"]
    hosts = config.get("BIANMIN_HOSTS", 1)
    if (config["RATELIMIT_ENABLED"] and (workers > 1 or hosts > 1)
            and config["RATELIMIT_STORAGE_URI"].startswith("memory://")):
        who = f"WEB_CONCURRENCY={workers} workers" if workers > 1 else \
            f"BIANMIN_HOSTS={hosts} app hosts"
        raise ConfigError(
            f"{who} need a shared rate-limit "
            "storage: set REDIS_URL (or RATELIMIT_STORAGE_URI) to a Redis URL"
        )
    queue_url = config.get("JOBS_QUEUE_URL", "")
    if queue_url.startswith("memory://"):
        raise ConfigError("JOBS_QUEUE_URL=memory:// keeps background jobs inside one process: "
                          "set REDIS_URL (or JOBS_QUEUE_URL) to a Redis URL")
    if not queue_url.startswith(("redis://", "rediss://", "unix://")):
        if config.get("BIANMIN_HOSTS", 1) > 1:
            raise ConfigError(
                f"BIANMIN_HOSTS={config['BIANMIN_HOSTS']} app hosts need a shared job queue: "
                "set REDIS_URL (or JOBS_QUEUE_URL) to a Redis URL")
        if workers > 1:
            warnings.append(
                f"the job queue {queue_url} is a file of this host: fine for {workers} workers "
                "on one machine, but a second app host needs REDIS_URL (docs/deploy.md)")
    if hosts > 1 and config.get("BIANMIN_INSTANCE"):
        _check_shared_folders(config, hosts)
    return warnings


SHARED_FOLDERS = ("LEAVE_ATTACHMENT_DIR", "JOBS_RESULT_DIR")


def _check_shared_folders(config: dict, hosts: int) -> None:
    """Issue #21: the folders every host must read — sick-leave certificates (LEAVE-1) and
    the job files and uploads (a file asked on one host, written by a worker on another) —
    cannot be inside the instance folder, which is each host's own (docs/deploy.md section
    11): a certificate uploaded on one host would be missing on the others."""
    instance = Path(config["BIANMIN_INSTANCE"]).resolve()
    for name in SHARED_FOLDERS:
        folder = Path(config[name]).resolve()
        if folder == instance or instance in folder.parents:
            raise ConfigError(
                f"BIANMIN_HOSTS={hosts} app hosts need {name} on a folder every host mounts, "
                f"not inside this host's instance folder ({folder}): set {name} "
                "(docs/deploy.md section 11)")


def build_config() -> dict:
    """The settings as a dict, evaluated when the app is created (not at import time)."""
    env = os.environ.get("BIANMIN_ENV", "demo")
    production = env == "production"
    return _settings(env, production)


def _settings(env: str, production: bool) -> dict:
    max_request_bytes = _max_request_bytes()
    return {
        "BIANMIN_ENV": env,
        "SECRET_KEY": _secret_key(env),
        "SQLALCHEMY_DATABASE_URI": (database_url := _database_url()),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # PRIV-1 (issue #18): a database error's text names no bound parameter (an applicant's
        # name, ID number, address): "[SQL parameters hidden due to hide_parameters=True]".
        # Issue #21: the pre-ping is a round trip per request; a SQLite file cannot drop its
        # connection, so only a database server gets it (its connections can be cut).
        # Kept for PostgreSQL (issue #21 P1, reconsidered): `pool_recycle` alone only ages
        # connections out — one cut by a server restart, a failover or a firewall's idle
        # timeout would still fail the first statement of the next request on it (a 500, and
        # a POST cannot simply be retried); the ping on checkout costs one local round trip.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite"),
                                      "hide_parameters": True},
        # Center settings
        "CENTER_TIMEZONE": os.environ.get("CENTER_TIMEZONE", "Asia/Shanghai"),
        # LEAVE-1: sick-leave certificates; several app instances need one shared folder.
        "LEAVE_ATTACHMENT_DIR": os.environ.get("LEAVE_ATTACHMENT_DIR",
                                               str(instance_dir() / "attachments")),
        "MAX_CONTENT_LENGTH": max_request_bytes,
        **_import_limits(max_request_bytes),
        "EXPORT_MAX_ROWS": _export_max_rows(),
        # Issue #21: an export of more rows than this is a background job (progress, then the
        # file) instead of a download written inside the request.
        "EXPORT_INLINE_MAX_ROWS": max(_int_env("EXPORT_INLINE_MAX_ROWS", 5_000), 0),
        # Issue #21: a clock or reference data file larger than this (KB) is imported by the
        # job worker.
        "IMPORT_INLINE_MAX_KB": max(_int_env("IMPORT_INLINE_MAX_KB", 256), 0),
        # Issue #21: finished jobs (rows and files) older than this many days are removed —
        # hourly by the worker, or `flask bianmin jobs-clean`.
        "JOB_RESULT_DAYS": max(_int_env("JOB_RESULT_DAYS", 7), 1),
        "JOBS_QUEUE_URL": _jobs_queue_url(),
        "JOBS_QUEUE_NAME": os.environ.get("JOBS_QUEUE_NAME", "bianmin"),
        # Finished jobs' files; several app hosts need one shared folder (like attachments).
        "JOBS_RESULT_DIR": os.environ.get("JOBS_RESULT_DIR", str(instance_dir() / "job-results")),
        "APP_NAME": os.environ.get("APP_NAME", "便民服务中心管理平台"),
        "APP_THEME": "",  # the default theme loads nothing from other hosts (FAB-NOTES)
        "APP_ICON": "",
        # Languages: zh_CN first and default. FAB's BabelManager puts its own translations
        # directory before this one; app/i18n.py loads our zh_CN catalogue over FAB's `zh`
        # (Babel names the locale zh_Hans_CN, which plain gettext would not map to zh_CN).
        "BABEL_DEFAULT_LOCALE": os.environ.get("BABEL_DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("CENTER_TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
        "LANGUAGES": {
            "zh_CN": {"flag": "cn", "name": "中文"},
            "en": {"flag": "gb", "name": "English"},
        },
        # Security
        "AUTH_TYPE": AUTH_DB,
        "AUTH_ROLE_ADMIN": "Admin",
        "AUTH_ROLE_PUBLIC": "Public",
        "AUTH_USER_REGISTRATION": False,
        "AUTH_RATE_LIMITED": True,
        "AUTH_RATE_LIMIT": os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_STORAGE_URI": _ratelimit_storage(),
        # The counters' Redis key prefix: one per deployment (or check) sharing a Redis.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        "BIANMIN_WORKERS": _workers(),
        # How many app hosts share this deployment (docs/deploy.md); >1 needs Redis for jobs.
        "BIANMIN_HOSTS": max(_int_env("BIANMIN_HOSTS", 1), 1),
        "BIANMIN_INSTANCE": str(instance_dir()),  # this host's own folder (secret key, SQLite)
        # SEC-1: behind N reverse proxies the client's address is the N-th from the right of
        # X-Forwarded-For; without this every visitor shares the proxy's address and budget.
        "BIANMIN_PROXIES": _int_env("BIANMIN_PROXIES", 0),
        # SEC-2 (issue #18): this many wrong passwords in a row for one user name from one
        # client address lock that name *from that address* for this many minutes (0 turns
        # it off); the owner logs in from anywhere else. One address with this many failures
        # (any names) within an hour waits 1, 2, 4 … 60 s after each; with this many it is
        # locked out for every name. Logins are kept this many days in the history.
        "AUTH_LOCKOUT_FAILURES": _int_env("AUTH_LOCKOUT_FAILURES", 5),
        "AUTH_LOCKOUT_MINUTES": _int_env("AUTH_LOCKOUT_MINUTES", 15),
        "AUTH_CLIENT_SLOW_AFTER": _int_env("AUTH_CLIENT_SLOW_AFTER", 10),
        "AUTH_CLIENT_LOCKOUT_FAILURES": _int_env("AUTH_CLIENT_LOCKOUT_FAILURES", 30),
        "AUTH_LOGIN_HISTORY_DAYS": _int_env("AUTH_LOGIN_HISTORY_DAYS", 90),
        # SEC-3: HSTS only where the proxy serves HTTPS; no redirect to HTTPS by the app.
        "SECURITY_HSTS": production,
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
        "FAB_CREATE_DB": False,  # the schema comes from Alembic migrations only
        "FAB_UPDATE_PERMS": True,
        "FAB_API_SWAGGER_UI": True,
        "FAB_ADD_SECURITY_API": False,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "FAB_API_MAX_PAGE_SIZE": 100,
        "PUBLIC_LOOKUP_RATE_LIMIT": os.environ.get("PUBLIC_LOOKUP_RATE_LIMIT", "10 per minute"),
        "PUBLIC_BASE_URL": _public_base_url(),
    }
