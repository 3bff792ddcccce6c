"""Retake the screenshots of docs/screenshots/ from a running demo (issues #19 and #20).

A demo of its own (one password for every demo user, 3,000 cases as the shots show), served
on a port of its own; then the script; then stop the server:

    export BIANMIN_INSTANCE=/tmp/shots FLASK_APP=run.py
    .venv/bin/flask bianmin upgrade
    .venv/bin/flask bianmin demo --password 'Shots-2026-Demo!' --cases 3000
    .venv/bin/flask run --host 127.0.0.1 --port 8132 &
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8132 \
        --password 'Shots-2026-Demo!'                 # --only issue19, or --only pages

Everything is taken in a zh-CN browser (the system Chromium, launched as the browser tests
launch it) at 1366 × 768, signed in as the demo users `clerk`, `winhead`, `section`, `office`,
`leader` and `admin`. What is taken, and what each pair shows, is in docs/screenshots/README.md.

- pages: each role's home, the dashboard (and its large print), the month's window scores and
  attendance, a delivered case, the public guide on a 390 px phone. Taken first, on the demo
  as the demo command made it.
- issue19: a clerk's journey on GA-001 居民身份证换领: the intake with 居民户口簿 missing (the
  top of the form, then its materials), the refusal, the 补充件 it becomes (and its one-time
  notice on A4) and that case's page; then four complete intakes (GA-001…GA-004, the
  applicants of the no-wrap browser test) for the work queue and the case list. It therefore
  REGISTERS FIVE CASES in the demo at each run: use a demo, never real data.

`--before` takes the same journey on the app as it was before issue #19 (commit 6e41628: run
the script from this tree against a checkout of that commit serving its own demo); there the
materials are typed as copies and the 补充件 class is chosen by hand, with the missing material
noted. It writes issue19-before-*.png.

Pages may only ask 127.0.0.1 (the app works offline): any other request is aborted. A PNG
over 300 KB is reported and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
A4 = {"width": round(210 * 96 / 25.4), "height": round(297 * 96 / 25.4)}  # CSS pixels
LIMIT_BYTES = 300 * 1024  # a PNG above this is reported (docs stay light)

ITEM = "GA-001"  # 居民身份证换领, window 01 (the demo clerk's window)
MISSING = "居民户口簿"  # the mandatory material the applicant forgot
APPLICANT = {"name": "孙七", "id_number": "11010519491231002X", "phone": "13912345678"}
QUEUE_CASES = [("GA-001", "欧阳娜娜", True), ("GA-002", "司马相如", False),
               ("GA-003", "南通市崇川区某某科技发展有限公司", False), ("GA-004", "王五", False)]


@dataclass(frozen=True)
class Shot:
    name: str  # the file name without .png
    user: str  # the demo login
    url: str
    full_page: bool = False
    wait_charts: bool = False


# Issue #20: each role's home and the dashboard (the dashboard, scores and attendance pages
# whole, as the README shows them; the homes as the window shows them).
HOMES = [
    Shot("home-clerk", "clerk", "/"),
    Shot("home-window-head", "winhead", "/"),
    Shot("home-section-head", "section", "/", wait_charts=True),
    Shot("home-office", "office", "/", wait_charts=True),
    Shot("home-leadership", "leader", "/", wait_charts=True),
    Shot("admin-home", "admin", "/", wait_charts=True),
    Shot("dashboard-leadership", "leader", "/dashboard/", full_page=True, wait_charts=True),
    Shot("dashboard-large-print", "leader", "/dashboard/?big=1", wait_charts=True),
    Shot("window-scores", "office", "/windowscores/", full_page=True, wait_charts=True),
    Shot("attendance-month", "office", "/attendance/", full_page=True),
]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


class Camera:
    def __init__(self, browser, base_url: str, password: str, out: Path, before: bool):
        self.browser, self.base_url, self.password = browser, base_url.rstrip("/"), password
        self.out, self.before = out, before
        self.written: list[Path] = []

    def new_page(self, viewport: dict):
        """A page in a fresh zh-CN context that may only ask 127.0.0.1."""
        context = self.browser.new_context(viewport=viewport, locale="zh-CN",
                                           base_url=self.base_url)
        context.set_default_timeout(20_000)
        context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                      else route.abort())
        return context.new_page()

    def session(self, username: str):
        """A fresh zh-CN page at 1366 × 768 signed in as `username`."""
        page = self.new_page(VIEWPORT)
        page.goto("/login/")
        page.fill("#username", username)
        page.fill("#password", self.password)
        with page.expect_navigation():
            page.click("form[name=login] [type=submit]")
        if "/login" in urlsplit(page.url).path:
            raise SystemExit(f"login of {username} failed (is --password the demo's?)")
        return page

    def save(self, page, name: str, full_page: bool = False, wait_charts: bool = False) -> None:
        if self.before and name.startswith("issue19-"):
            name = "issue19-before-" + name.removeprefix("issue19-")
        page.wait_for_load_state("networkidle")
        if wait_charts:
            page.wait_for_timeout(1500)  # the charts' entry animation
        # No blinking caret, no focus ring left by the script on a field it typed into.
        page.evaluate("document.activeElement && document.activeElement.blur && "
                      "document.activeElement.matches('input, textarea') && "
                      "document.activeElement.blur()")
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
        size = path.stat().st_size
        flag = "  (over 300 KB)" if size > LIMIT_BYTES else ""
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {size // 1024} KB{flag}")
        self.written.append(path)

    # ---- issue #19: the clerk's journey ------------------------------------------------

    def open_intake(self, page, code: str) -> None:
        page.goto("/caseview/intake/")
        row = page.locator("tr").filter(has=page.locator("td", has_text=re.compile(f"^{code}$")))
        with page.expect_navigation():
            row.locator("a").first.click()

    def materials(self, page) -> list[tuple[str, str]]:
        """(material id, name) of the item's checklist, in the form's order."""
        if self.before:  # one row per material: name (and *), copies, defect
            rows = page.locator("#materials tr").filter(has=page.locator("input[name^=copies_]"))
            return [(rows.nth(i).locator("input[name^=copies_]").get_attribute("name")[7:],
                     rows.nth(i).locator("td").first.inner_text().replace("*", "").strip())
                    for i in range(rows.count())]
        rows = page.locator("tr[data-material]")
        return [(rows.nth(i).get_attribute("data-material"), rows.nth(i).get_attribute("data-name"))
                for i in range(rows.count())]

    def hand_in(self, page, missing: str | None) -> None:
        for material_id, name in self.materials(page):
            if name == missing:
                continue
            if self.before:
                copies = page.locator(f"#materials tr:has(#copies_{material_id}) td").nth(1)
                page.fill(f"#copies_{material_id}", copies.inner_text().strip() or "1")
            else:
                page.check(f"#received_{material_id}")  # intake.js fills in the copies

    def fill_applicant(self, page, name: str, id_number: str = "", phone: str = "") -> None:
        page.fill("#applicant_name", name)
        if id_number:
            page.locator("#applicant_id_number").press_sequentially(id_number)
        if phone:
            page.fill("#applicant_phone", phone)

    def submit(self, page) -> None:
        with page.expect_navigation():
            page.click("#intake-form button[type=submit]:not([name])")

    def issue19(self) -> None:
        page = self.session("clerk")
        self.open_intake(page, ITEM)
        self.fill_applicant(page, APPLICANT["name"], APPLICANT["id_number"].lower(),
                            APPLICANT["phone"])
        self.hand_in(page, missing=MISSING)
        page.evaluate("window.scrollTo(0, 0)")
        self.save(page, "issue19-intake")
        anchor = "#materials" if self.before else "#materials-part"
        page.evaluate(f"document.querySelector('{anchor}').scrollIntoView({{block: 'start'}}); "
                      "window.scrollBy(0, -60)")  # with the heading above the checklist
        self.save(page, "issue19-intake-materials")

        self.submit(page)  # the default class 受理件: refused, a mandatory material is missing
        if not self.before:
            page.locator("#intake-shortfall").wait_for()  # it has the focus, scrolled to it
        self.save(page, "issue19-intake-shortfall")

        # The way on: a 补充件 (before: chosen and noted by hand; after: the one action).
        if self.before:
            page.select_option("#case_class", "supplement")
            missing_id = next(m for m, name in self.materials(page) if name == MISSING)
            page.fill(f"#defect_{missing_id}", "未带")
            self.submit(page)
            case_url = urlsplit(page.url).path
        else:
            with page.expect_navigation():
                page.click("[data-as-supplement]")
            case_id = re.search(r"/print/case/(\d+)/", page.url).group(1)
            case_url = f"/caseview/show/{case_id}"
            self.paper(page, "print-one_time-paper")  # the notice the action opened
        if not re.fullmatch(r"/caseview/show/\d+", case_url):
            raise SystemExit(f"the 补充件 was not registered (still on {page.url})")
        page.goto(case_url)
        page.reload()  # as the case page reads later, without the one-time "registered" flash
        self.save(page, "issue19-case-page")

        for code, name, urgent in QUEUE_CASES:  # complete intakes for the lists
            self.open_intake(page, code)
            self.fill_applicant(page, name)
            if urgent:
                page.check("#urgent")
            self.hand_in(page, missing=None)
            self.submit(page)
            if "/caseview/show/" not in page.url:
                raise SystemExit(f"the intake of {code} for {name} was refused: {page.url}")
        page.goto("/casequeue/list/")
        self.save(page, "issue19-work-queue")
        page.goto("/caseview/list/")
        self.save(page, "issue19-case-list")
        page.context.close()

    def paper(self, page, name: str) -> None:
        """A printed document as the paper shows it: the print style on an A4 viewport with
        the page margins (as tests/e2e/test_print.py takes it)."""
        page.emulate_media(media="print")
        page.set_viewport_size(A4)
        style = page.add_style_tag(content="body { padding: 18mm; }")
        self.save(page, name)
        style.evaluate("node => node.remove()")
        page.emulate_media(media="screen")
        page.set_viewport_size(VIEWPORT)

    def pages(self) -> None:
        """Each role's home, the dashboard and the other pages the README shows."""
        pages: dict[str, object] = {}
        for shot in HOMES:
            if shot.user not in pages:
                pages[shot.user] = self.session(shot.user)
            page = pages[shot.user]
            page.goto(shot.url)
            self.save(page, shot.name, shot.full_page, shot.wait_charts)
        # A delivered case of the clerk's window (the newest in the list), as a whole page.
        page = pages["clerk"]
        page.goto("/caseview/list/")
        row = page.locator("tr").filter(has=page.locator('.state-badge[data-state="delivered"]'))
        with page.expect_navigation():
            row.first.locator('a[href*="/caseview/show/"]').first.click()
        self.save(page, "case-delivered", full_page=True)
        for page in pages.values():
            page.context.close()
        page = self.new_page(PHONE)  # the public guide on a phone, signed in as nobody
        page.goto("/guide/")
        self.save(page, "guide-mobile")
        page.context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000",
                        help="the running demo (default: %(default)s)")
    parser.add_argument("--password", required=True, help="the demo users' password")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="where the PNG files go (default: docs/screenshots)")
    parser.add_argument("--only", choices=("issue19", "pages"), default=None,
                        help="take one set only (default: both)")
    parser.add_argument("--before", action="store_true",
                        help="the app before issue #19 (commit 6e41628): the issue #19 set "
                             "only, as issue19-before-*.png")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.error(f"no Chromium at {CHROMIUM}")
    if urlsplit(args.base_url).hostname != "127.0.0.1":
        parser.error("--base-url must be on 127.0.0.1 (the pages may only ask this machine)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            camera = Camera(browser, args.base_url, args.password, args.out, args.before)
            # The homes first: the cases the journey registers would show on them.
            if args.only in (None, "pages") and not args.before:
                camera.pages()
            if args.only in (None, "issue19"):
                camera.issue19()
        finally:
            browser.close()
    oversized = [p for p in camera.written if p.stat().st_size > LIMIT_BYTES]
    return 1 if oversized else 0


if __name__ == "__main__":
    sys.exit(main())
