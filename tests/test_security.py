"""SEC: login rate limiting, settings that refuse an unsafe start, CSRF on forms, strong passwords."""

from __future__ import annotations

from pathlib import Path

import pytest
from limits import parse as parse_limit

from config import BASE_DIR, ConfigError, build_config
from tests.factories import PASSWORD, csrf_token, user_form

# ---- (a) login rate limiting -------------------------------------------------------------


def test_sec_login_is_rate_limited_after_auth_rate_limit_attempts(limited_app, make_user):
    user = make_user("Clerk")
    limit = parse_limit(limited_app.config["AUTH_RATE_LIMIT"])
    assert limited_app.config["AUTH_RATE_LIMITED"] is True
    client = limited_app.test_client()
    token = csrf_token(client.get("/login/").get_data(as_text=True))

    for attempt in range(limit.amount):
        response = client.post("/login/", data={"username": user.username, "password": "Wrong#Pass12ab",
                                                "csrf_token": token})
        assert response.status_code != 429, f"refused already at attempt {attempt + 1} of {limit.amount}"

    # The next one is refused even with the right password: no login happens.
    response = client.post("/login/", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert 'data-status="429"' in response.get_data(as_text=True)  # our page, translated
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/users/userinfo/").status_code == 302  # sent to the login page


def test_sec_login_limit_is_off_only_where_the_test_config_says_so(app):
    """The session app turns limiting off for the suite; the shipped default turns it on."""
    assert app.config["RATELIMIT_ENABLED"] is False
    assert build_config()["RATELIMIT_ENABLED"] is True
    assert build_config()["AUTH_RATE_LIMITED"] is True


# ---- (b) settings from the environment ----------------------------------------------------


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: demo mode, an empty instance folder, no key, no database URL."""
    for name in ("SECRET_KEY", "DATABASE_URL", "BIANMIN_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIANMIN_INSTANCE", str(tmp_path / "instance"))
    return monkeypatch


def test_sec_production_without_secret_key_refuses_to_start(env):
    env.setenv("BIANMIN_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_config()


def test_sec_production_cookies_are_secure(env):
    env.setenv("BIANMIN_ENV", "production")
    env.setenv("SECRET_KEY", "x" * 64)
    config = build_config()
    assert config["SECRET_KEY"] == "x" * 64
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_sec_demo_cookies_work_over_plain_http(env):
    config = build_config()
    assert config["BIANMIN_ENV"] == "demo"
    assert config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db:5432/bianmin", "postgresql+psycopg://u:p@db:5432/bianmin"),
    ("postgresql://u:p@db/bianmin", "postgresql+psycopg://u:p@db/bianmin"),
    ("postgresql+psycopg://u@db/bianmin", "postgresql+psycopg://u@db/bianmin"),
    ("sqlite:////var/lib/bianmin.db", "sqlite:////var/lib/bianmin.db"),
])
def test_sec_database_url_gets_the_psycopg_driver(env, given, expected):
    env.setenv("DATABASE_URL", given)
    assert build_config()["SQLALCHEMY_DATABASE_URI"] == expected


def test_sec_default_database_is_sqlite_in_the_instance_folder(env, tmp_path):
    assert build_config()["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'bianmin.db'}"


def test_sec_demo_secret_key_is_generated_once_and_kept_outside_the_repo(env, tmp_path):
    first = build_config()["SECRET_KEY"]
    second = build_config()["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32  # PyJWT warns below 32 bytes (FAB-NOTES)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0, "the key file is readable by others"

    env.setenv("BIANMIN_INSTANCE", str(tmp_path / "other"))
    assert build_config()["SECRET_KEY"] != first, "a new instance folder must get its own key"


def test_sec_default_instance_folder_is_not_committed():
    """Without BIANMIN_INSTANCE the key and the database go to instance/, which git ignores."""
    ignored = {line.strip().rstrip("/") for line in (BASE_DIR / ".gitignore").read_text().splitlines()}
    assert "instance" in ignored
    source = "\n".join(Path(p).read_text() for p in (BASE_DIR / "config.py", BASE_DIR / "app" / "__init__.py"))
    assert "SECRET_KEY\"] = \"" not in source and "SECRET_KEY = \"" not in source


def test_sec_tests_keep_their_instance_folder_out_of_the_repo(app):
    """The session app was built with BIANMIN_INSTANCE set by conftest: its files go there."""
    assert Path(app.instance_path) != BASE_DIR / "instance"


# ---- (c) CSRF -------------------------------------------------------------------------------

WINDOW_FORM = {"number": "09", "name": "民政窗口", "department": "县民政局", "is_active": "y"}


def _windows(db_session, number):
    from models.org import Window

    db_session.expire_all()
    return db_session.query(Window).filter_by(number=number).count()


def test_sec_add_form_without_csrf_token_is_refused_and_saves_nothing(as_admin, center, db_session):
    form = {**WINDOW_FORM, "center": str(center.id)}
    response = as_admin.client.post("/windowview/add", data=form)
    assert response.status_code == 400
    assert _windows(db_session, "09") == 0

    response = as_admin.client.post("/windowview/add", data={**form, "csrf_token": "forged"})
    assert response.status_code == 400
    assert _windows(db_session, "09") == 0

    # The same form with the page's token is accepted: the refusal above was the token's.
    response = as_admin.post_form("/windowview/add", form)
    assert response.status_code == 302
    assert _windows(db_session, "09") == 1


def test_sec_csrf_is_enforced_in_the_shipped_config():
    assert build_config()["WTF_CSRF_ENABLED"] is True


# ---- (d) password complexity ----------------------------------------------------------------

WEAK_PASSWORDS = ["password", "12345678901", "Abcdefghij", "Ab1#", "ABcd12#"]


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_sec_weak_password_fails_the_complexity_validator(app, weak):
    from flask_appbuilder.exceptions import PasswordComplexityValidationError
    from flask_appbuilder.validators import default_password_complexity

    assert app.config["FAB_PASSWORD_COMPLEXITY_ENABLED"] is True
    validator = app.config.get("FAB_PASSWORD_COMPLEXITY_VALIDATOR") or default_password_complexity
    with app.test_request_context():
        with pytest.raises(PasswordComplexityValidationError):
            validator(weak)
        validator(PASSWORD)  # the suite's own password passes


def test_sec_user_add_form_refuses_a_weak_password(app, as_admin):
    sm = app.appbuilder.sm
    response = as_admin.post_form("/users/add", user_form(app, "weakling", "password123"))
    assert response.status_code == 200  # the form again, with the error
    with app.app_context():
        assert sm.find_user(username="weakling") is None

    response = as_admin.post_form("/users/add", user_form(app, "strongling", "Strong#Pass12ab"))
    assert response.status_code == 302
    with app.app_context():
        assert sm.find_user(username="strongling") is not None
