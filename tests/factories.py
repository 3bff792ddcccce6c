"""The test kit: the builders and helpers the tests share, in one module (issue #17).

Logging in (a client with a session cookie, the CSRF token of a page, the real login form),
a clock on a given day, the residence-permit item, a staff member clocking on time
(ATT-1/2), a login user's Staff row, the center's day, messages as a page or the API shows
them. Fixtures stay in tests/conftest.py; what they share lives here.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from app.actor import Clock
from app.services.attendance import attendance_settings, enter_clock_record, working_days
from app.services.calendar import load_calendar
from models.catalogue import ItemMaterial, ServiceItem

RESIDENCE_MATERIALS = (("身份证", "original", True), ("租房合同", "copy", True))
ID_NUMBER = "11010519491231002X"  # GB 11643's sample resident ID number
PASSWORD = "Test#Pass12ab"  # every test user's (tests/conftest.py `make_user`)
DEMO_PASSWORD = "Demo#Pass12ab"  # the demo center's logins (`flask bianmin demo --password`)
DEMO_ROLES = {  # demo login → what it is (app/demo/org.py DEMO_USERS)
    "clerk": "Clerk", "winhead": "WindowHead", "section": "SectionHead", "office": "Office",
    "leader": "Leadership", "deputy": "Leadership", "admin": "Admin",
}


# ---- Logging in ------------------------------------------------------------------------
def csrf_token(html: str) -> str:
    """The CSRF token of a page's form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@dataclass
class Actor:
    """A logged-in test client and its user."""

    client: object
    user: object

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def api_headers(self) -> dict:
        """The CSRF header an API write riding on the session cookie must carry."""
        page = self.client.get("/resetmypassword/form").get_data(as_text=True)
        return {"X-CSRFToken": csrf_token(page)}

    def post_form(self, url: str, data: dict, form_url: str | None = None, **kwargs):
        """POST a form the way a browser does: with the CSRF token of the page it came from."""
        page = self.client.get(form_url or url)
        data = {**data, "csrf_token": csrf_token(page.get_data(as_text=True))}
        return self.client.post(url, data=data, **kwargs)


def login(client, username: str, password: str = PASSWORD):
    """Log in through the real login form (the tests of login itself, the CLI's demo users)."""
    page = client.get("/login/")
    return client.post("/login/", data={
        "username": username, "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True)),
    })


def session_login(app, client, user) -> None:
    """Log `client` in as `user` by writing the session cookie the login form would leave
    (Flask-Login's `_user_id`, `_fresh` and `_id`, and the user's session generation of issue
    #18, which `load_session_user` compares with the stored one): no login page, no password
    check, no login attempt recorded. The tests of login itself use `login` instead."""
    from app.extensions import db
    from app.permission_cache import GENERATION_KEY
    from app.services.accounts import session_generation

    with app.test_request_context(environ_base=client.environ_base):
        identifier = app.login_manager._session_identifier_generator()  # Flask-Login's `_id`
        generation = session_generation(db.session, user.id)
    with client.session_transaction() as cookie:
        cookie.update({"_user_id": str(user.get_id()), "_fresh": True, "_id": identifier,
                       GENERATION_KEY: generation})


def clock_on(day: date, hour_utc: int = 2) -> Clock:
    """An action on `day` at `hour_utc` o'clock UTC (2 is 10:00 in the center, Asia/Shanghai)."""
    return Clock(datetime(day.year, day.month, day.day, hour_utc, tzinfo=timezone.utc), day)


def residence_permit_item(session, window, code: str | None = None, materials=RESIDENCE_MATERIALS):
    """居住证办理: 5 working days promised, 15 statutory, a 20-yuan fee, one required
    original and one required copy (unless `materials` says otherwise)."""
    item = ServiceItem(code=code or f"P-{window.number}-{len(materials)}", name="居住证办理",
                       window=window, kind="promised", promised_days=5, statutory_days=15,
                       fee_standard=Decimal("20.00"), fee_item="工本费", fee_basis="收费文件")
    item.materials = [ItemMaterial(name=name, form=form, copies=1, mandatory=mandatory, sort_order=i)
                      for i, (name, form, mandatory) in enumerate(materials)]
    session.add(item)
    session.commit()
    return item


def published_fee(item) -> Decimal | None:
    """CASE-9: the fee an intake of `item` records as the intake form prefills it — the item's
    published fee, None for a free item (nothing to collect, nothing to waive). A case of a
    fee-charging item registered without it is asked for it at delivery (issue #19)."""
    return item.fee_standard if item.published_fees else None


def intake_form(item, **overrides) -> dict:
    """The intake form of an accepted case of `item` with every material, as posted."""
    data = {"case_class": "accepted", "applicant_kind": "person", "applicant_name": "赵六",
            "applicant_id_number": ID_NUMBER, "applicant_phone": "13912345678",
            "applicant_address": "人民路1号", "request": "", "fee_amount": "20"}
    data.update({f"copies_{m.id}": str(m.copies) for m in item.materials})
    data.update(overrides)
    return data


def count_cases(session) -> int:
    from sqlalchemy import func, select

    from models.cases import Case

    session.expire_all()
    return session.scalar(select(func.count(Case.id)))


def clocks_on_time(session, staff, first: date, last: date) -> None:
    """ATT-1/2: `staff` clocks in and out at the work hours' very seconds (on time, no early
    leave) on every working day from `first` to `last` — so those days have clock data (a day
    without any clock of anyone is no data, not absence)."""
    settings = attendance_settings(session)
    for day in working_days(first, last, load_calendar(session)):
        for start, end in settings.hours(day):
            for at in (start, end):
                enter_clock_record(session, staff.id, datetime.combine(day, at), "考勤机", None)
    session.commit()


def rewritten(session, *rows) -> None:
    """UPDATE `rows` without changing them. PostgreSQL writes an updated row anew at the end of
    its table, so a scan then meets it after the rows stored later: ties that an ORDER BY does
    not break (a list not ending on the id) come out the other way round. (SQLite updates in
    place; there `unordered_reversed` turns unordered results round instead.)"""
    for row in rows:
        table = type(row).__table__
        session.execute(table.update().where(table.c.id == row.id)
                        .values(version=table.c.version))
    session.commit()


def access_token(app, user) -> str:
    """An access token of `user` as FAB's API login issues it (fresh; the app's claims loader
    adds the user's session generation, issue #18) — made directly: no login request, no
    attempt recorded. The tests of the API login itself post to /api/v1/security/login."""
    from flask_jwt_extended import create_access_token

    with app.test_request_context():
        return create_access_token(identity=str(user.id), fresh=True)


def bearer(app, user) -> dict:
    """The Authorization header of `access_token(app, user)`."""
    return {"Authorization": f"Bearer {access_token(app, user)}"}


# ---- People and days ---------------------------------------------------------------------
def staff_of(session, who):
    """The Staff row of a login user, or of an `Actor`'s user."""
    from sqlalchemy import select

    from models.org import Staff

    user = getattr(who, "user", who)
    return session.scalars(select(Staff).where(Staff.user_id == user.id)).one()


def staff_form(staff, **changes) -> dict:
    """The staff edit form as the page posts it, with `changes`."""
    form = {"name": staff.name, "employee_no": staff.employee_no or "", "unit": staff.unit,
            "window": str(staff.window_id or ""), "position": staff.position,
            "category": staff.category, "phone": staff.phone or "",
            "user": str(staff.user_id or ""), "is_active": "y", "clocks_in": "y",
            "version": str(staff.version)}
    return {**form, **changes}


def user_form(app, username: str, password: str) -> dict:
    """FAB's add-user form for a Clerk named `username` with `password`."""
    role = app.appbuilder.sm.find_role("Clerk")
    return {"first_name": "测试", "last_name": "用户", "username": username, "active": "y",
            "email": f"{username}@example.org", "roles": str(role.id),
            "password": password, "conf_password": password}


def request_today(app) -> date:
    """The center's today as the pages read it (`app.context.today`): the app's clock, which
    the `center_now` fixture sets (issue #17: no test reads the wall clock)."""
    from app import context

    with app.test_request_context():
        return context.today()


def workday(app, n: int) -> date:
    """The n-th working day after the pages' today (the tests' database has no holiday
    entries: the official schedule and the statutory fallback only)."""
    from app.rules.calendar import WorkCalendar

    return WorkCalendar().add_working_days(request_today(app), n)


def give_lowest_grade(db_session, assessment, *people) -> None:
    """Give `people` (Staff rows) 45 points off (德, 能, 廉 in full) in a semi-annual assessment:
    55 at most, the lowest grade (SCORE-6)."""
    from app.services.semiannual import save_entries
    from app.services.transaction import transaction

    with transaction(db_session):
        save_entries(db_session, assessment, {person.id: {
            "manual_de": "15", "manual_neng": "15", "manual_lian": "15"} for person in people},
            None)


@contextmanager
def statements(app):
    """`with statements(app) as sent:` — the SQL statements the block sends, in order."""
    from sqlalchemy import event

    from app.extensions import db

    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def intake_body(item, **overrides) -> dict:
    """The body of POST /api/v1/case/intake: an accepted case of `item` with all its
    materials, `overrides` on top (CASE-1)."""
    body = {"item_id": item.id, "case_class": "accepted", "fee_amount": "20",
            "applicant": {"name": "赵六", "id_number": ID_NUMBER, "phone": "13912345678"},
            "received": {str(m.id): m.copies for m in item.materials}}
    body.update(overrides)
    return body


def csrf_headers(actor) -> dict:
    """The headers of an API write (the CSRF token): `actor.api_headers()`."""
    return actor.api_headers()


# ---- What a page or the API shows ------------------------------------------------------------
def text_of(response) -> str:
    return response.get_data(as_text=True)


def zh(app, msgid: str, **params) -> str:
    """`msgid` in the zh_CN catalogue, formatted with `params`."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(msgid, **params)


def zh_html(app, msgid: str, **params) -> str:
    """`msgid` as a page shows it in zh_CN: translated, formatted, HTML-escaped."""
    from markupsafe import escape

    return str(escape(zh(app, msgid, **params)))


def translated(msgid: str, **params) -> str:
    """`msgid` in the users' language (zh_CN), as the API renders it (in the current app)."""
    from flask import current_app
    from flask_babel import gettext

    with current_app.test_request_context():
        return gettext(msgid, **params)


def field_errors(page: str) -> list[str]:
    """The messages a form page shows under its fields."""
    return re.findall(r'<div class="alert alert-danger field-error">(.*?)</div>', page)


# ---- Browser pages (tests/e2e) -----------------------------------------------------------------
def log_out(page):
    """Log out as a user does (issue #18: a POST with the page's CSRF token, from the button
    in the navbar's user menu — GET /logout/ logs no one out), and wait for the home page."""
    page.click("a.dropdown-toggle:has(.fa-user)")
    with page.expect_navigation():
        page.click("button.navbar-logout-button")
    assert page.locator("form.navbar-logout").count() == 0, "still logged in after logout"


def switch_user(page, browser_login, username: str) -> None:
    """Log out, then in as `username` through the login form."""
    log_out(page)
    browser_login(page, username, PASSWORD)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
