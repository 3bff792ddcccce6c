"""Accessibility as a test on EVERY page (issue #19): axe-core on every page each role reaches —
its home, every list (with every search filter opened), every show page, every add, edit and
action form, the case page, the print views — and on the public pages, also on a 390 px phone.
Any critical or serious violation fails; no rule is skipped and no page is left out by a list.

The pages are not listed here: they are found as tests/test_zh_pages.py finds them, by the
breadth-first crawl of tests/site_crawl.py over the demo center (`flask bianmin demo`, and
at the demo clerk's window one case in each state an intake and the actions lead to),
starting from the role's home, its menu and one show page per state of the records whose
actions depend on their state (a case's 受理/办结/延期… forms are links on its page only in the
states that allow them). A view added tomorrow is in its menu or linked from a page, so it is
checked without touching this file.

Run time: one browser, one logged-in context per role; a page *shape* (its path with the
numbers taken out and its meaningful query keys: `/caseview/show/N`) already checked as an
earlier role of the same run is not checked again (each role's home always is). A role run on
its own checks every shape it reaches. Besides axe, every staff page must say its language, put
the skip link first in the tab order and show an outline around every focused control.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from app.actor import Actor, Clock
from app.extensions import db
from app.services.cases import Applicant, Intake, apply_action, register_intake
from app.services.ratings import rating_link
from models.cases import Case
from models.catalogue import ServiceItem
from models.complaints import Complaint
from models.leave import LeaveRequest
from models.org import Window
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import MOBILE, SCREENSHOT_DIR, log_in
from tests.conftest import PASSWORD as TEST_PASSWORD
from tests.factories import DEMO_PASSWORD as PASSWORD
from tests.factories import DEMO_ROLES as ROLES
from tests.factories import csrf_token, published_fee
from tests.site_crawl import crawl, menu_links

# axe reads the markup, which does not depend on the database: like every browser test it runs
# in CI's SQLite run (tests/e2e/conftest.py); the PostgreSQL run renders the same pages in the
# zh crawl (tests/test_zh_pages.py).
pytestmark = pytest.mark.e2e

DESK = {"width": 1366, "height": 768}
MAX_PAGES = 500
# Query keys that sort or page a list: the same widgets, so the same page for axe.
PAGING = re.compile(r"^(?:_oc_|_od_|page_|psize_)")

# Records whose show page offers state-dependent actions (forms): one of each state is a start.
STATEFUL = (
    (Case, "/caseview/show/{}"),
    (LeaveRequest, "/leaverequestview/show/{}"),
    (Complaint, "/complaintview/show/{}"),
)

# Run in the page: the problems axe does not look for (issue #19's lang, skip link, focus).
PAGE_CHECKS = """() => {
  const problems = [];
  if (!document.documentElement.getAttribute('lang')) problems.push('<html> has no lang');
  const focusable = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
      + ' select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const staff = document.querySelector('.navbar');
  if (staff) {
    const first = document.querySelector(focusable);
    if (!first || !first.classList.contains('skip-link'))
      problems.push('the first control is not the skip link: ' + (first ? first.outerHTML.slice(0, 80) : 'none'));
  }
  const visible = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)
      && getComputedStyle(e).visibility !== 'hidden';
  const kinds = {
    link: 'main a[href]:not(.btn), .navbar a[href]', button: 'button:not([disabled]), .btn',
    select: 'select:not([disabled])', text: 'input[type=text], input:not([type]), input[type=number],'
      + ' input[type=password], input[type=search], textarea',
    check: 'input[type=checkbox], input[type=radio]', date: '.date-picker-group input',
    'date button': '.date-picker-group button',
    select2: '.select2-selection'};
  for (const [kind, selector] of Object.entries(kinds)) {
    const e = [...document.querySelectorAll(selector)].find(visible);
    if (!e) continue;
    e.focus();
    if (document.activeElement !== e) continue;  // not focusable by design (a disabled look)
    const s = getComputedStyle(e);
    const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    if (!outlined) problems.push(`a focused ${kind} shows no outline: ${e.outerHTML.slice(0, 80)}`);
    e.blur();
  }
  return problems;
}"""


def browser_shape(url: str) -> str:
    """`/caseview/list/?_flt_1_deadline=…&_oc_CaseView=number` → `/caseview/list/?_flt`: what
    axe sees (sorting and paging change rows, not widgets; any filter opens the filter rows)."""
    parts = urlsplit(url)
    keys = sorted({re.sub(r"^_flt_\d+_.*", "_flt", key)
                   for key, _ in parse_qsl(parts.query, keep_blank_values=True) if not PAGING.match(key)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def state_starts(app, client) -> list[str]:
    """One show page per state (and per window, where the record has one: a clerk sees only
    their window's cases) of each record in STATEFUL, among those the client may open."""
    candidates = []
    with app.app_context():
        for model, url in STATEFUL:
            groups = [model.state] + ([model.window_id] if hasattr(model, "window_id") else [])
            rows = db.session.execute(select(func.min(model.id)).group_by(*groups)).scalars()
            candidates += [url.format(pk) for pk in sorted(rows)]
        db.session.remove()
    return [url for url in candidates if client.get(url).status_code == 200]


def pages_of(app, login: str, monkeypatch) -> list[str]:
    """Every HTML page the role reaches (one URL per browser shape, in crawl order)."""
    client = app.test_client()
    form = client.get("/login/").get_data(as_text=True)
    response = client.post("/login/", data={"username": login, "password": PASSWORD,
                                            "csrf_token": csrf_token(form)})
    assert response.status_code == 302, f"{login} could not log in"
    starts = ["/"] + [link for link in menu_links(client) if link != "/"]
    starts += [url for url in state_starts(app, client) if url not in starts]
    statuses, pages = crawl(client, starts, max_pages=MAX_PAGES)
    assert len(statuses) < MAX_PAGES, "the crawl stopped before it reached every page shape"
    assert not {u: s for u, s in statuses.items() if s >= 500}
    chosen, shapes = [], set()
    for url in pages:  # pages: the 200 text/html answers, in the order they were read
        if statuses[url] == 200 and browser_shape(url) not in shapes:
            shapes.add(browser_shape(url))
            chosen.append(url)
    return chosen


def open_every_filter(page) -> tuple[int, list[str]]:
    """Open each search filter of a FAB list (its operator select, its input, a date's picker);
    a filter whose script fails is a form nobody can use, and is reported."""
    return page.evaluate("""() => {
        const errors = [];
        const links = [...document.querySelectorAll('#filter_form a.filter')];
        for (const a of links) {
            try { $(a).trigger('click'); } catch (e) { errors.push(`the filter ${a.name} fails: ${e}`); }
        }
        return [links.length, errors];
    }""")


def problems_on(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    found = [f"{url}: {p}" for p in page.evaluate(PAGE_CHECKS)]
    filters, errors = open_every_filter(page)
    found += [f"{url}: {e}" for e in errors]
    violations = axe_violations(page)
    if violations:
        opened = f" (with its {filters} search filters open)" if filters else ""
        found.append(f"{url}{opened}:\n{describe(violations)}")
    return found


# The demo's cases are nearly all closed: the front desk's window gets one case in each state
# the intake and the actions lead to, so each state's action forms are linked from a case page.
STATE_PATHS = {  # intake class, then (action, params)
    "consulted": ("consultation", []),
    "supplement_requested": ("supplement", []),
    "materials_received": ("supplement", [("receive_materials", "received")]),
    "accepted": ("accepted", []),
    "in_progress": ("accepted", [("start", {})]),
    "extended": ("accepted", [("start", {}), ("extend", {"extension_days": 5, "reason": "需现场核查"})]),
    "suspended": ("accepted", [("start", {}), ("suspend", {"procedure": "专家评审", "reason": "需专家评审"})]),
    "decided_approved": ("accepted", [("start", {}), ("approve", {})]),
    "delivered": ("accepted", [("start", {}), ("approve", {}), ("deliver", {"collector": "赵六"})]),
}


@pytest.fixture
def demo_in_every_state(shared_data, app):
    """The demo center (as tests/test_zh_pages.py builds it) and, at the demo clerk's window,
    one case in each state of STATE_PATHS."""
    def build():
        result = app.test_cli_runner().invoke(args=["bianmin", "demo", "--password", PASSWORD,
                                                    "--cases", "40"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            session = db.session
            window = session.scalars(select(Window).where(Window.number == "01")).one()
            item = session.scalars(select(ServiceItem).where(ServiceItem.window_id == window.id,
                                                             ServiceItem.is_active)
                                   .order_by(ServiceItem.id)).first()
            materials = {m.id: m.copies or 1 for m in item.materials}
            first = min(materials)
            clock, actor = Clock.at(datetime.now(timezone.utc)), Actor(username="a11y-seed")
            for state, (case_class, actions) in STATE_PATHS.items():
                intake = Intake(item_id=item.id, case_class=case_class,
                                applicant=Applicant(name="赵六", phone="13912345678"),
                                received=materials if case_class == "accepted" else {},
                                defective={first: "复印件不清晰"} if case_class == "supplement" else {},
                                consultation_note="咨询办理流程" if case_class == "consultation" else None,
                                fee_amount=published_fee(item) if case_class == "accepted" else None)
                case = register_intake(session, intake, actor, clock)
                for action, params in actions:
                    params = {"received": materials} if params == "received" else params
                    apply_action(session, case, action, actor, clock, **params)
                session.commit()
                assert case.state == state, (state, case.state)
            session.remove()
        return True

    return shared_data("demo center with a case in every state", build)


_checked: set[str] = set()  # browser shapes checked by an earlier role of this run


@pytest.mark.parametrize("login", list(ROLES))
def test_issue_19_axe_finds_nothing_serious_on_any_page_a_role_reaches(
        login, app, demo_in_every_state, page, monkeypatch):
    urls = pages_of(app, login, monkeypatch)
    assert len(urls) >= 15, f"the crawl reached too little: {urls}"
    assert any(re.search(r"/(add|edit/\d+|act/\d+/\w+|file/|record/|create/)", u) for u in urls) \
        or login in ("leader", "deputy"), f"{login}: no form among {urls}"
    page.set_viewport_size(DESK)
    log_in(page, login, PASSWORD)
    problems, checked = [], []
    for url in urls:
        shape = browser_shape(url)
        if shape in _checked and url != "/":
            continue
        problems += problems_on(page, url)
        _checked.add(shape)
        checked.append(url)
    # What was checked, for whoever reads the run (artifacts/, beside the screenshots).
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    (SCREENSHOT_DIR / f"a11y-pages-{login}.txt").write_text("\n".join(checked) + "\n", encoding="utf-8")
    checked = len(checked)
    assert not problems, (f"{ROLES[login]} ({login}): {len(problems)} of {checked} pages fail:\n"
                          + "\n".join(problems))


# ---- the public pages, on a desk and on a 390 px phone ---------------------------------------

def public_pages(app) -> tuple[dict[str, str], str, str]:
    """The login page, the guide, one item, the lookup and the rating page (by its printed
    token) of a delivered, unrated case; and that case's number and phone for the lookup."""
    with app.app_context():
        item = db.session.scalars(select(ServiceItem).where(ServiceItem.is_active)
                                  .order_by(ServiceItem.id)).first()
        case = db.session.scalars(select(Case).where(Case.delivered_at.is_not(None),
                                                     Case.satisfaction.is_(None),
                                                     Case.applicant_phone.is_not(None))
                                  .order_by(Case.id)).first()
        assert item is not None and case is not None, "the demo has no item or no delivered case"
        token = rating_link(db.session, case, Clock.at(datetime.now(timezone.utc))).token
        number, phone, item_id = case.number, case.applicant_phone, item.id
        db.session.remove()
    urls = {"login": "/login/", "guide": "/guide/", "guide-item": f"/guide/item/{item_id}",
            "lookup": "/guide/progress", "rating": f"/guide/rate/{token}"}
    return urls, number, phone


SIDEWAYS = "() => document.scrollingElement.scrollWidth - window.innerWidth"
# The controls of a form a thumb must reach: inside the window's width, not cut off.
OUTSIDE = """() => [...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea, main button, main label')].filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
    .map(e => e.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("viewport", ["desk", "phone"])
def test_issue_19_axe_finds_nothing_serious_on_the_public_pages_on_a_desk_and_a_phone(
        viewport, app, demo_in_every_state, page, shot):
    """The public pages (no login) at 1366 px and at 390 × 844: no serious axe violation, no
    sideways scrolling, every control of their forms inside the window; the lookup and the
    rating forms are filled in as a phone's user would."""
    page.set_viewport_size(DESK if viewport == "desk" else MOBILE)
    urls, number, phone = public_pages(app)
    problems = []

    def check(what: str):
        found = [f"{what}: {p}" for p in page.evaluate(PAGE_CHECKS)]
        if (wider := page.evaluate(SIDEWAYS)) > 0:
            found.append(f"{what}: the page scrolls sideways by {wider} px")
        found += [f"{what}: a control outside the window: {e}" for e in page.evaluate(OUTSIDE)]
        if violations := axe_violations(page):
            found.append(f"{what}:\n{describe(violations)}")
        return found

    for name, url in urls.items():
        page.goto(url)
        shot(page, f"a11y-{viewport}-{name}")
        problems += check(url)
    page.goto("/guide/")
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("() => document.activeElement.className")

    # The lookup, typed with the keyboard the phone shows, then its answer with the rating form.
    page.goto("/guide/progress")
    page.fill("#number", number.lower())
    page.fill("#phone", phone)
    with page.expect_navigation():
        page.click("form.progress-lookup [type=submit]")
    assert page.locator(".case-number").inner_text() == number
    problems += check("the lookup's answer")
    page.goto(urls["rating"])  # the rating page by the printed token: an answer chosen, not sent
    page.locator(".rating-levels label").first.click()
    assert page.locator(".rating-levels input:checked").count() == 1
    page.fill("#opinion", "办得快")
    assert page.locator(".rating-form [type=submit]").is_visible()
    problems += check("the rating page with an answer chosen")
    assert not problems, f"{viewport}: " + "\n".join(problems)


# ---- visible focus where the generic check cannot reach: the date picker's calendar ---------

OUTLINE = "e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"


def test_issue_19_the_date_pickers_button_and_its_keyboard_day_show_an_outline(
        page, make_user, window_a, shot):
    """The calendar button of a date field, and in the open calendar the day the arrow keys
    are on, are outlined (WCAG 2.4.7), not only shaded."""
    clerk = make_user("Clerk", username="clerk_focus", window=window_a)
    page.set_viewport_size(DESK)
    log_in(page, clerk.username, TEST_PASSWORD)
    page.goto("/leaverequestview/file/")
    button = page.locator("#start_day").locator("xpath=..").locator(".date-picker-button")
    button.focus()
    style, width = button.evaluate(OUTLINE)
    assert style != "none" and width >= 2, (style, width)
    page.click("#start_day")
    page.keyboard.type("2026-10-12")
    page.keyboard.press("ArrowDown")
    page.locator(".datepicker-dropdown").wait_for(state="visible")
    page.keyboard.press("ArrowRight")
    day = page.locator(".datepicker-dropdown td.focused")
    assert day.inner_text() == "13"
    style, width = day.evaluate(OUTLINE)
    assert style != "none" and width >= 2, (style, width)
    shot(page, "a11y-date-picker-focused-day")


def test_issue_19_a_date_search_filter_opens_with_its_picker(page, make_user, shot):
    """FAB's search filters called a picker plugin FAB no longer ships: a date filter threw
    and came without a picker (app/static/js/dates.js supplies it)."""
    office = make_user("Office", username="office_filter")
    page.set_viewport_size(DESK)
    log_in(page, office.username, TEST_PASSWORD)
    page.goto("/holidayview/list/")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.evaluate("""() => $('#filter_form a.filter[name="day"]').trigger('click')""")
    field = page.locator("#filter_form .filters .appbuilder_date input")
    assert field.count() == 1 and not errors, errors
    assert page.evaluate("() => !!$('#filter_form .filters .appbuilder_date').data('datepicker')")
    shot(page, "a11y-date-filter-open")
