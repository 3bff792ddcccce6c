"""Issue #21 "Past one machine": scripts/production_check.sh — two app hosts (two gunicorns with
instance folders of their own) and a job worker on one PostgreSQL, one Redis and one shared
folder — passes: the login limit counts both hosts together, a session ended on one host is
refused on the other, two nightly runs at once run each job once, a job asked on one host is
run by the worker and read on the other, an upload through one host is read through the other,
and the unsafe multi-host starts are refused (docs/deploy.md section 11).

It starts ten Python processes (about 50 s of CPU time), so it runs under CI (`CI=true`, .ci/run),
once: in the PostgreSQL run of the suite (the SQLite run, at the same time, skips it); or
anywhere with BIANMIN_PRODUCTION_CHECK=1. There PostgreSQL and Redis must answer: a missing
one is a failure, as for the browser tests. Elsewhere it is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "production_check.sh"
REDIS_URL = os.environ.get("PRODUCTION_CHECK_REDIS_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 600  # seconds: a loaded CI machine; the check itself says how long it took


def wanted() -> str | None:
    """Why the check runs here, or None."""
    if os.environ.get("BIANMIN_PRODUCTION_CHECK") == "1":
        return "BIANMIN_PRODUCTION_CHECK=1"
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL", "").startswith(
            "postgresql"):
        return "CI, PostgreSQL run"
    return None


def admin_url() -> str:
    """The PostgreSQL server of DATABASE_URL (or the local one), its `postgres` database, as a
    libpq URL for psql: the check creates and drops a database of its own there."""
    url = os.environ.get("PG_ADMIN_URL")
    if url:
        return url
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith("postgresql"):
        return f"postgresql://{urlsplit(database).netloc}/postgres"
    return "postgresql://postgres@127.0.0.1:5432/postgres"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_issue_21_two_app_hosts_and_a_worker_share_limits_sessions_locks_jobs_and_uploads():
    if wanted() is None:
        pytest.skip("starts two gunicorns, a worker and a database of its own: under CI in the "
                    "PostgreSQL run, or with BIANMIN_PRODUCTION_CHECK=1")
    pg = urlsplit(admin_url())
    redis = urlsplit(REDIS_URL)
    missing = [what for what, host, port in (
        ("PostgreSQL", pg.hostname or "127.0.0.1", pg.port or 5432),
        ("Redis", redis.hostname or "127.0.0.1", redis.port or 6379)) if not answers(host, port)]
    missing += [tool for tool in ("psql", "curl") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the production check needs {', '.join(missing)} ({wanted()})",
                    pytrace=False)
    # Only what the check needs: none of the suite's own settings (its database, instance
    # folder, disabled limits) may leak into the two hosts.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
           if name in os.environ}
    env.update(PG_ADMIN_URL=admin_url(), REDIS_URL=REDIS_URL, PORT_A=str(free_port()),
               PORT_B=str(free_port()))
    result = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-8000:]
    assert "production check passed" in result.stdout
    print(result.stdout)
