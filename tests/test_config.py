"""Settings from the environment: every variable is documented, proxies are trusted only when
configured (SEC-1), the lockout values (SEC-2) come from the environment."""

from __future__ import annotations

import os
import re

import pytest

from config import BASE_DIR, ConfigError, build_config

VARIABLE = re.compile(r'(?:os\.environ\.get|_int_env)\("([A-Z_]+)"')


def test_sec_every_environment_variable_is_in_the_readme_table():
    read = set(VARIABLE.findall((BASE_DIR / "config.py").read_text()))
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", (BASE_DIR / "README.md").read_text(), re.M))
    assert read and read - table == set()


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("BIANMIN_ENV", "AUTH_LOCKOUT_FAILURES", "AUTH_LOCKOUT_MINUTES", "BIANMIN_PROXIES",
                 "WEB_CONCURRENCY", "MAX_REQUEST_MB", "EXPORT_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIANMIN_INSTANCE", str(tmp_path))
    return monkeypatch


def test_sec_2_lockout_defaults_and_overrides(env):
    config = build_config()
    assert (config["AUTH_LOCKOUT_FAILURES"], config["AUTH_LOCKOUT_MINUTES"]) == (5, 15)
    env.setenv("AUTH_LOCKOUT_FAILURES", "3")
    env.setenv("AUTH_LOCKOUT_MINUTES", "60")
    config = build_config()
    assert (config["AUTH_LOCKOUT_FAILURES"], config["AUTH_LOCKOUT_MINUTES"]) == (3, 60)


def test_input_1_the_request_limit_is_above_every_upload_and_set_from_the_environment(env):
    """MAX_CONTENT_LENGTH: 32 MB by default — more than the largest clock export, a
    certificate at the default leave.max_attachment_mb (10) and a reference import, with room
    for the form around them; MAX_REQUEST_MB changes it; 0 or text stops the start."""
    from app.services import attendance, reference_import

    limit = build_config()["MAX_CONTENT_LENGTH"]
    assert limit == 32 * 1024 * 1024
    for upload in (attendance.MAX_IMPORT_BYTES, 10 * 1024 * 1024,
                   reference_import.MAX_IMPORT_BYTES):
        assert upload + 1024 * 1024 <= limit
    env.setenv("MAX_REQUEST_MB", "64")
    assert build_config()["MAX_CONTENT_LENGTH"] == 64 * 1024 * 1024
    for wrong in ("0", "lots"):
        env.setenv("MAX_REQUEST_MB", wrong)
        with pytest.raises(ConfigError):
            build_config()


def test_sec_1_no_proxy_is_trusted_by_default(env):
    assert build_config()["BIANMIN_PROXIES"] == 0


@pytest.fixture
def proxied_app(app, database_url):
    """Behind one proxy (nginx), with a login limit of 2 per minute in its own memory."""
    from app import create_app
    from app.extensions import db

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                              "RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "2 per minute",
                              "AUTH_LOCKOUT_FAILURES": 0, "BIANMIN_PROXIES": 1})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def attempt(client, forwarded_for):
    return client.post("/api/v1/security/login", headers={"X-Forwarded-For": forwarded_for},
                       json={"username": "nobody", "password": "Wrong#Pass12ab", "provider": "db"})


def test_sec_1_behind_a_proxy_each_client_has_its_own_login_budget(proxied_app):
    client = proxied_app.test_client()  # every request comes from the proxy's 127.0.0.1
    assert [attempt(client, "10.0.0.1").status_code for _ in range(3)] == [401, 401, 429]
    assert attempt(client, "10.0.0.2").status_code == 401


def test_sec_1_without_a_trusted_proxy_a_forged_header_gains_nothing(app, database_url):
    from app import create_app
    from app.extensions import db

    direct = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "2 per minute",
                         "AUTH_LOCKOUT_FAILURES": 0})
    try:
        client = direct.test_client()
        statuses = [attempt(client, f"10.0.0.{n}").status_code for n in range(3)]
        assert statuses == [401, 401, 429]
    finally:
        with direct.app_context():
            db.session.remove()
            db.engine.dispose()


def test_input_1_the_export_cap_is_300000_rows_and_set_from_the_environment(env):
    """Issue #12: EXPORT_MAX_ROWS — 300,000 by default (config.py says why); the environment
    changes it within what one sheet holds; 0, more than a sheet, or text stops the start."""
    assert build_config()["EXPORT_MAX_ROWS"] == 300_000
    env.setenv("EXPORT_MAX_ROWS", "50000")
    assert build_config()["EXPORT_MAX_ROWS"] == 50_000
    for wrong in ("0", "1048576", "-5", "many"):
        env.setenv("EXPORT_MAX_ROWS", wrong)
        with pytest.raises(ConfigError, match="EXPORT_MAX_ROWS"):
            build_config()


def test_issue_21_the_served_app_freezes_its_startup_objects(tmp_path):
    """gunicorn serves `run:app`: once the app is built, its objects go to the collector's
    permanent generation, so a worker's full collection no longer walks them (a ~110 ms pause
    in the middle of a page every few thousand requests, bench/RESULTS.md)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "BIANMIN_ENV": "demo", "BIANMIN_INSTANCE": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'frozen.db'}"}
    env.pop("FLASK_APP", None)
    done = subprocess.run([sys.executable, "-c", "import gc, run; print(gc.get_freeze_count())"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 100_000  # the app's objects, not a handful
