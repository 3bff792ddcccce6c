"""Test fixtures: one migrated database per run (SQLite file or a fresh PostgreSQL database),
one app per run, rows removed after each test, one logged-in client per role (logged in by
setting the session cookie; the tests of login itself, marked `login_form`, use the form).
The helpers these fixtures and the tests share live in tests/factories.py, the test kit.

`DATABASE_URL` chooses PostgreSQL: the run creates its own database next to the one named
there, migrates it with Alembic and drops it at the end, so parallel runs never meet.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from datetime import date, datetime, time

import pytest
from flask import g, has_app_context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import PASSWORD, Actor, login, session_login, staff_of

KEEP_TABLES = {
    "alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
    "ab_permission_view_role", "rule_setting",
    "deduction_item",  # the SCORE-2 catalogue seeded by migration 0016 (tests must not edit it)
}


def _postgres_database(base_url: str):
    url = make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"bianmin_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
            ), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("DATABASE_URL")
    if base and base.startswith("postgres"):
        url, drop = _postgres_database(base)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _test_queue_url(tmp_path_factory) -> str:
    """Issue #21: the job queue of the tests is the real one — Redis (CI starts it; each run
    its own key prefix, JOBS_QUEUE_NAME below) — or, where no Redis answers, huey's SQLite
    storage in the run's folder."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # no Redis here: the demo's storage
        return f"sqlite:///{tmp_path_factory.mktemp('queue') / 'job-queue.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["BIANMIN_INSTANCE"] = str(tmp_path_factory.mktemp("instance"))
    os.environ["DATABASE_URL"] = database_url
    from app import create_app

    # One iteration of PBKDF2 instead of scrypt (about 0.1-0.8 s per hash, and every test
    # user is hashed once and checked once at login): the suite's cost per test user, not
    # the hash's strength, is what matters here. Production keeps FAB's scrypt default.
    test_config = {"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": database_url,
                   "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                   "JOBS_QUEUE_URL": _test_queue_url(tmp_path_factory),
                   "JOBS_QUEUE_NAME": f"bianmin-test-{uuid.uuid4().hex[:10]}",
                   "JOBS_RESULT_DIR": str(tmp_path_factory.mktemp("job-results"))}
    bootstrap = create_app(test_config)
    result = bootstrap.test_cli_runner().invoke(args=["bianmin", "upgrade"])
    assert result.exit_code == 0, result.output
    application = create_app(test_config)
    application.teardown_request(_forget_request_globals)
    yield application
    from app.queue import EXTENSION

    if EXTENSION in application.extensions:  # this run's queue keys go with it
        application.extensions[EXTENSION].storage.flush_all()
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _forget_request_globals(_exc=None):
    """Requests reuse the app context a test pushed (Flask does so when one is active), and
    Flask-Login and Flask-WTF keep the user and the CSRF token in `g`: drop what a request
    left there so two clients never share a login or a token."""
    from flask import g

    for key in list(vars(g)):
        g.pop(key, None)


# Which `shared_data` rows the database holds now (None: only the migrated, seeded rows).
_shared_rows: dict[str, object] = {"name": None}


def _bulk_loaded(conn) -> bool:
    """Whether a test left more cases than row-by-row deletes handle quickly."""
    return conn.execute(text("SELECT count(*) FROM (SELECT 1 FROM service_case LIMIT 1001) AS c")
                        ).scalar_one() > 1000


def _wipe_database(application) -> None:
    """Back to the migrated, seeded database: every row a test added is removed."""
    from app.extensions import db
    from models import Model

    with application.app_context():
        db.session.rollback()
        tables = [t for t in reversed(Model.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql" and _bulk_loaded(conn):
                # 100,000 deleted cases would each be checked against every child table just
                # emptied in the same transaction (dead rows, planned as empty): minutes.
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)))
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(text("UPDATE rule_setting SET value = default_value"))
        db.session.remove()
    _shared_rows["name"] = None


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts from the migrated, seeded database: rows it added are removed after.

    Except between tests that read the same `shared_data` rows: those are built once and
    kept until a test that does not share them comes (it finds a clean database, whatever
    the order the tests run in) or the module ends."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    sharing = "shared_data" in request.fixturenames
    if not sharing and _shared_rows["name"] is not None:
        _wipe_database(application)
    yield
    if sharing:
        from app.extensions import db

        with application.app_context():
            db.session.rollback()
            db.session.remove()
    else:
        _wipe_database(application)


@pytest.fixture(scope="module")
def _module_shared_rows(app):
    """A module's shared rows are removed when the module ends."""
    yield
    if _shared_rows["name"] is not None:
        _wipe_database(app)


@pytest.fixture
def shared_data(_module_shared_rows, app, db_session):
    """`shared_data(name, build)`: the value `build()` returned, building the rows once for
    the tests of a module that read them. Only for tests that change nothing: a test that
    writes must build its own rows (a function-scoped fixture), as it would otherwise leave
    them in the next test's data. `build` returns plain values, not ORM objects (they would
    belong to the first test's session)."""
    cache = _shared_rows.setdefault("values", {})

    def get(name: str, build):
        if _shared_rows["name"] != name:
            if _shared_rows["name"] is not None:
                db_session.rollback()  # no open read transaction while another connection deletes
                _wipe_database(app)
            # Until `build` returns, the rows are marked incomplete: a failed build is wiped
            # by the next test, shared or not, instead of being taken for the rows.
            _shared_rows["name"] = f"{name} (incomplete)"
            cache[name] = build()
            _shared_rows["name"] = name
        return cache[name]

    return get


@pytest.fixture
def db_session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def center_now(app):
    """Sets the app's clock (issue #17): `center_now(day_or_instant)` makes "now" that instant
    (a date: 10:00 that day, center time) for every page, API call and command of the test, so
    its result is the same on any day; the wall clock is back after the test."""
    before = app.config.get("BIANMIN_NOW")

    def set_now(value: date | datetime) -> datetime:
        if not isinstance(value, datetime):
            value = datetime.combine(value, time(10, 0))
        app.config["BIANMIN_NOW"] = value.isoformat()
        if has_app_context():  # a request already under way reads the new instant too
            g.pop("bianmin_now", None)
        return value

    yield set_now
    app.config["BIANMIN_NOW"] = before


@pytest.fixture
def unordered_reversed(db_session):
    """SQLite returns rows without ORDER BY (and rows an ORDER BY leaves tied) in the order it
    stored them, as the tests add them; PostgreSQL in any order. Reversed here (SQLite's
    `reverse_unordered_selects`, on every connection checked out meanwhile), a result that
    leans on the insertion order fails on SQLite too. On PostgreSQL: nothing to do."""
    from sqlalchemy import event

    engine = db_session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        return

    def on(dbapi_connection, _record, _proxy):
        dbapi_connection.execute("PRAGMA reverse_unordered_selects = ON")

    def off(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA reverse_unordered_selects = OFF")

    db_session.commit()  # the session's next statement checks a connection out
    event.listen(engine, "checkout", on)
    event.listen(engine, "checkin", off)
    yield
    db_session.rollback()
    event.remove(engine, "checkout", on)
    event.remove(engine, "checkin", off)


# ---- factories -------------------------------------------------------------------------

@pytest.fixture
def center(db_session):
    from models.org import Center

    row = Center(name="测试便民服务中心", address="测试路1号", service_phone="0513-81234567",
                 complaint_phone="0513-87654321")
    db_session.add(row)
    db_session.commit()
    return row


@pytest.fixture
def make_window(db_session, center):
    from models.org import Window

    def make(number="01", name=None, department="县公安局"):
        window = Window(center=center, number=number, name=name or f"{number}号窗口",
                        department=department, is_active=True)
        db_session.add(window)
        db_session.commit()
        return window

    return make


@pytest.fixture
def make_user(app, db_session):
    """A login user with one role and its Staff row (in `window` if given)."""
    from models.org import Staff

    def make(role: str, username: str | None = None, window=None, unit=None):
        sm = app.appbuilder.sm
        username = username or f"{role.lower()}_{uuid.uuid4().hex[:6]}"
        user = sm.add_user(username, "测试", role, f"{username}@example.org", [sm.find_role(role)], PASSWORD)
        assert user, f"user {username} not created"
        db_session.add(Staff(name=f"{role}{username[-3:]}", user_id=user.id, window=window,
                             unit=unit or ("window" if window else "office")))
        db_session.commit()
        return user

    return make


@pytest.fixture
def item(db_session, window_a):
    """居住证办理 of window A (tests.factories.residence_permit_item); a module may define its own."""
    from tests.factories import residence_permit_item

    return residence_permit_item(db_session, window_a, "V-001")


@pytest.fixture
def case_of(db_session):
    """`case_of(item, case_class="accepted", day=2026-11-02, fee=…)`: a case registered by the
    service with every material and the fee the intake form prefills (CASE-9: the item's
    published fee; `fee=None` registers it with no fee recorded); a module may define its own."""
    from datetime import date

    from app.actor import Actor as CaseActor
    from app.services.cases import Applicant, Intake, register_intake
    from tests.factories import ID_NUMBER, clock_on, published_fee

    unset = object()

    def make(item, case_class="accepted", day=date(2026, 11, 2), fee=unset):
        case = register_intake(
            db_session,
            Intake(item_id=item.id, case_class=case_class,
                   applicant=Applicant(name="赵六", id_number=ID_NUMBER, phone="13912345678",
                                       address="江苏省南通市崇川区人民路1号"),
                   received={m.id: m.copies for m in item.materials},
                   fee_amount=published_fee(item) if fee is unset else fee),
            CaseActor(username="seed"), clock_on(day))
        db_session.commit()
        return case
    return make


# ---- logging in: by the session cookie (the login form only where login is tested) -------
@pytest.fixture
def log_in(request, app, make_user):
    """`log_in(role, window=None, username=None)`: a new user with `role` and a client logged
    in as them — by setting the session cookie (tests.factories.session_login), or through
    the real login form in a test or module marked `login_form` (the tests of login itself)."""
    by_form = request.node.get_closest_marker("login_form") is not None

    def actor(role: str, window=None, username=None) -> Actor:
        user = make_user(role, username=username, window=window)
        client = app.test_client()
        if by_form:
            response = login(client, user.username)
            assert response.status_code == 302, "login failed"
        else:
            session_login(app, client, user)
        return Actor(client, user)

    return actor


@pytest.fixture
def window_a(make_window):
    return make_window("01", "公安户政窗口", "县公安局")


@pytest.fixture
def window_b(make_window):
    return make_window("02", "人社窗口", "县人社局")


@pytest.fixture
def as_admin(log_in):
    return log_in("Admin")


@pytest.fixture
def as_leadership(log_in):
    return log_in("Leadership")


@pytest.fixture
def as_office(log_in):
    return log_in("Office")


@pytest.fixture
def as_section_head(log_in):
    return log_in("SectionHead")


@pytest.fixture
def as_window_head(log_in, window_a):
    return log_in("WindowHead", window=window_a)


@pytest.fixture
def as_clerk(log_in, window_a):
    return log_in("Clerk", window=window_a)


@pytest.fixture
def public(app):
    return app.test_client()


@pytest.fixture
def item_points(db_session):
    """`item_points(code, low, high=None)`: change a catalogue item's points (SCORE-2) for one
    test, as Admin's edit would; the catalogue table is kept between tests, so the seeded
    points are put back afterwards."""
    from decimal import Decimal

    from app.services.scoring import item_by_code

    seeded: dict[str, tuple] = {}

    def change(code: str, low, high=None):
        item = item_by_code(db_session, code)
        seeded.setdefault(code, (item.points_min, item.points_max))
        item.points_min, item.points_max = Decimal(str(low)), Decimal(str(low if high is None else high))
        db_session.commit()

    yield change
    db_session.rollback()
    for code, (low, high) in seeded.items():
        item = item_by_code(db_session, code)
        item.points_min, item.points_max = low, high
    db_session.commit()


@pytest.fixture
def limited_app(app, database_url):
    """A second app on the session database with rate limiting on (the session app has it off,
    so that hundreds of test logins are not refused). Its limiter keeps its own memory store,
    so its budget starts full."""
    from app import create_app
    from app.extensions import db

    limited = create_app({"TESTING": True, "RATELIMIT_ENABLED": True,
                          "SQLALCHEMY_DATABASE_URI": database_url})
    yield limited
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def one_mb_limit(app, monkeypatch):
    """MAX_CONTENT_LENGTH (config.py) of 1 MB for one test."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)


@pytest.fixture
def other_instance(database_url):
    """A session of another process, in effect: its own engine and connections."""
    from sqlalchemy.orm import Session

    engine = create_engine(database_url)
    session = Session(bind=engine)
    yield session
    session.close()
    engine.dispose()


# ---- migrations: an empty database per test (tests/test_migration*.py) -------------------
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def fresh_url(request, tmp_path):
    """An empty database of its own for a migration test: an SQLite file, and a new PostgreSQL
    database when DATABASE_URL names a server (tests/test_migration*.py)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("DATABASE_URL does not name a PostgreSQL server")
    url, drop = _postgres_database(base)
    yield url
    drop()


@pytest.fixture
def fresh_app(fresh_url):
    """An app on `fresh_url`, not migrated: the test runs Alembic itself."""
    from app import create_app
    from app.extensions import db

    application = create_app({"TESTING": True, "RATELIMIT_ENABLED": False, "SQLALCHEMY_DATABASE_URI": fresh_url})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# ---- logging: what reaches a deployment's log (tests/test_logging.py, tests/test_sql_logs.py)
@pytest.fixture
def log_output():
    """A handler on the root logger, as a deployment's log file would be; removed after."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def filtered(log_output):
    """The filter on the handler, as `create_app` installs it (tests/test_logging.py checks that it does)."""
    from app.logging_filters import install_log_filters

    install_log_filters()
    return log_output


# ---- leave: the day and the people of the leave tests (tests/leave_helpers.py has the rest) ----
@pytest.fixture
def leave_today(center_now):
    """The app's clock on the leave tests' day, tests/leave_helpers.py TODAY (issue #17)."""
    from tests.leave_helpers import TODAY

    center_now(TODAY)


@pytest.fixture
def leave_people(app, db_session, log_in, window_a):
    """The leave tests' people: a clerk (A of a post, B is a second clerk), a director and a
    deputy (Leadership), the office head (Office), a second clerk, a staff member without a
    login and the colleague the requests name as substitute (LEAVE-1)."""
    from models.org import Post, Staff
    from tests.leave_helpers import SUBSTITUTE

    actors = {
        "clerk": log_in("Clerk", window=window_a),
        "partner": log_in("Clerk", window=window_a),
        "director": log_in("Leadership"),
        "deputy": log_in("Leadership"),
        "townhead": log_in("Leadership"),
        "office": log_in("Office"),
    }
    for key, position in [("director", "director"), ("deputy", "deputy_director"),
                          ("townhead", "town_head"), ("office", "office_head")]:
        staff_of(db_session, actors[key].user).position = position
    nologin = Staff(name="无账号员工", unit="window", window=window_a)
    db_session.add(nologin)
    db_session.add(Staff(name=SUBSTITUTE, unit="window", window=window_a))  # LEAVE-1
    db_session.add(Post(window=window_a, name="受理岗", a_staff=staff_of(db_session, actors["clerk"].user),
                        b_staff=staff_of(db_session, actors["partner"].user)))
    db_session.commit()
    actors["nologin_id"] = nologin.id
    return actors
