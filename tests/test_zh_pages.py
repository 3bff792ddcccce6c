"""No English on a Chinese page (issue #20): each role's pages, crawled in zh_CN over the demo
center, say everything in Chinese.

One app and one demo center (`flask bianmin demo`, a few cases) for the module; per role one
login and a breadth-first crawl (tests/site_crawl.py) from the home page and the menu, one
page per route shape — every list, one show page of each (one row each), every form. The text
a person reads — tags, scripts and styles stripped — must hold no Latin word outside `ALLOWED`,
no deduction item code, rule id, UTC ISO time, "None"/"True"/"False", nor a login name.
The PDF and Excel files the crawl reaches (the month notice, the grade list, the exports) are
read the same way: a printed document names categories, items and people in Chinese.

`ALLOWED` is the short documented list of Latin a Chinese page legitimately carries: official
identifiers (case numbers, the catalogue's item codes, masked ID and credit-code numbers), file
formats and paper sizes named in help texts, the language switch, e-mail addresses and URLs.
A login name is allowed only where the login name is the datum itself: a user's own profile
and Admin's account pages (user list, login attempts and locks).
"""

from __future__ import annotations

import html as html_lib
import io
import re
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from tests.factories import DEMO_PASSWORD as PASSWORD
from tests.factories import DEMO_ROLES as ROLES
from tests.factories import csrf_token
from tests.pdf_text import pdf_lines
from tests.site_crawl import crawl, menu_links

LOGINS = {"admin", "leader", "deputy", "secretary", "townhead", "office", "section", "winhead",
          "clerk"}

ALLOWED = re.compile(r"""^(?:
    [A-Z]{1,4}-\d{4}-\d{3,}          # a case number, BC-2026-000123 (the 受理通知书's number)
  | [A-Z]{2,4}-\d{3}                 # a service item's catalogue code, GA-001 (the public guide's)
  | [0-9A-Z*]*\d[0-9A-Z*]*\*[0-9A-Z*]*  # a masked ID or credit-code number, 9232**********BTCD (PRIV-1)
  | \d{17}[\dX]                      # a 居民身份证 number (its check digit may be X)
  | (?=[0-9A-Z]*\d)[0-9A-Z]{18}        # a 统一社会信用代码 (unified social credit code)
  | AB|A|B                           # AB角, A角, B角: the posts' standing terms (AB-1)
  | [A-Z]\d{2}-\d{2}                  # an employee number (工号) as the center gives it, W01-02
  | PDF|Excel|CSV|JPEG|PNG|A4|QR|ID|MB|UTF-8|GB18030  # file formats, paper, sizes
  | \.?(?:xlsx|csv|pdf)              # a file extension in a help text
  | English                          # the language switch
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+     # an e-mail address
  | https?://\S+                     # a URL
)$""", re.X)
TOKEN = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[0-9A-Za-z*][0-9A-Za-z*._:/-]*[0-9A-Za-z*]"
                   r"|[A-Za-z]")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LOGIN_PAGES = re.compile(r"^/(users/|roles/|loginattemptview/|loginlockview/)")
# Admin edits the rule settings and may read their rule ids there (ATT-1 beside 考勤 第1条).
RULE_ID = re.compile(r"^[A-Z]{2,8}-\d+(?:\.\d+)?$")
ADMIN_SETTINGS = re.compile(r"^/rulesettingview/")
HIDDEN = re.compile(r"<(script|style|textarea)\b.*?</\1>|<!--.*?-->", re.S | re.I)


def page_text(html: str) -> str:
    """What a reader sees: no tags, scripts or styles (a textarea's text is what was typed)."""
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", HIDDEN.sub(" ", html)))


def english_words(text: str) -> list[str]:
    """Latin tokens of `text` outside ALLOWED (digits alone are numbers, not words)."""
    return [token for token in TOKEN.findall(text)
            if re.search(r"[A-Za-z]", token) and not ALLOWED.match(token)]


def problems_of(url: str, text: str, admin: bool = False) -> list[str]:
    found = []
    words = english_words(text)
    if LOGIN_PAGES.match(urlsplit(url).path):
        words = [w for w in words if w not in LOGINS and not w.startswith("user_")]
    if admin and ADMIN_SETTINGS.match(urlsplit(url).path):
        words = [w for w in words if not RULE_ID.match(w)]
    found += [f"{url}: English {w!r}" for w in words]
    found += [f"{url}: ISO time {m!r}" for m in ISO_TIME.findall(text)]
    return found


@pytest.fixture
def demo(shared_data, app):
    def build():
        result = app.test_cli_runner().invoke(args=["bianmin", "demo", "--password", PASSWORD,
                                                    "--cases", "40"])
        assert result.exit_code == 0, result.output
        return True

    return shared_data("demo center", build)


# Documents behind a GET form, not a link (the crawl follows links): read them directly.
FORM_DOCUMENTS = ["/complaintview/export.xlsx"]
# What Leadership and the office must have read: the notice and grade list PDFs, every export.
DOCUMENTS = ("/reports/month/", "/reports/semiannual/", "/windowscores/export", "/complaintview/export",
             "/attendance/export", "/leaveoverview/export", "/ledger/export")
MAX_PAGES = 500  # Admin reaches about 280 page shapes; every one is read


@pytest.mark.parametrize("login", list(ROLES))
def test_zh_pages_of_every_role_carry_no_english(login, app, demo, monkeypatch):
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    response = client.post("/login/", data={"username": login, "password": PASSWORD,
                                            "csrf_token": csrf_token(page)})
    assert response.status_code == 302, f"{login} could not log in"
    starts = ["/"] + [link for link in menu_links(client) if link != "/"]
    statuses, pages = crawl(client, starts, max_pages=MAX_PAGES)
    assert len(pages) >= 20, f"the crawl reached too little: {sorted(statuses)}"
    assert len(statuses) < MAX_PAGES, "the crawl stopped before it read every page shape"
    assert not {u: s for u, s in statuses.items() if s >= 500}
    problems = []
    for url in pages:
        response = client.get(url)
        problems += problems_of(url, page_text(response.get_data(as_text=True)), admin=login == "admin")
    # The documents the pages offer (PDF, Excel) are read too: a printed notice or an export
    # carries no code, rule id, login name, ISO time nor True/False/None either (issue #20).
    documents = {}
    for url in [u for u, status in statuses.items() if status == 200] + FORM_DOCUMENTS:
        response = client.get(url)
        if response.status_code == 200:
            text = document_text(response)
            if text is not None:
                documents[url] = text
                problems += problems_of(url, text)
    if login in ("leader", "office"):
        kinds = {urlsplit(url).path.rsplit(".", 1)[-1] for url in documents}
        assert {"pdf", "xlsx"} <= kinds, f"the crawl read no PDF or no Excel file: {sorted(documents)}"
        unread = [start for start in DOCUMENTS if not any(url.startswith(start) for url in documents)]
        assert not unread, f"{login} read none of {unread}: {sorted(documents)}"
    assert not problems, f"{ROLES[login]} ({login}) reads English:\n" + "\n".join(sorted(set(problems)))


def document_text(response) -> str | None:
    """The text of a PDF (tests/pdf_text.py) or of an Excel sheet's cells (a boolean cell as
    the True/False it would show); None for anything else."""
    if response.mimetype == "application/pdf":
        return "\n".join(pdf_lines(response.get_data()))
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for value in row
                         if isinstance(value, (str, bool)))
    return None


# ---- the checker itself must be able to fail -------------------------------------------------

def test_zh_pages_checker_flags_english_and_spares_the_allowed():
    text = page_text("""<p>办件 BC-2026-000123 · GA-001 居民身份证换领 · 9232**********BTCD</p>
        <p>导出 Excel / PDF（A4）· admin@bianmin.local · English</p><script>var x = "Open";</script>
        <p>M3-overdue-day Clocks In FAULT-1.7 None 2026-12-06T01:00:00+00:00 cli:demo leader</p>""")
    found = " ".join(problems_of("/x", text)).replace("/x: English ", "").replace("/x: ISO time ", "")
    for bad in ("M3-overdue-day", "Clocks", "FAULT-1.7", "None", "2026-12-06T01:00", "cli:demo", "leader"):
        assert bad in found, bad
    for fine in ("BC-2026", "GA-001", "BTCD", "Excel", "PDF", "A4", "admin@", "English", "Open"):
        assert fine not in found, fine
    assert problems_of("/users/userinfo/", "leader") == []
    assert problems_of("/rulesettingview/list/", "考勤 第1条 (ATT-1)", admin=True) == []
    assert problems_of("/rulesettingview/list/", "考勤 第1条 (ATT-1)") != []


def test_zh_pages_checker_reads_a_workbook_and_flags_its_codes_and_booleans():
    from openpyxl import Workbook
    from werkzeug.wrappers import Response

    book = Workbook()
    book.active.append(["窗口", "M3", "红旗窗口", 10])
    book.active.append(["01 公安户政窗口", "M3-overdue-day", True, 9.5])
    out = io.BytesIO()
    book.save(out)
    sheet = Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet")
    found = " ".join(problems_of("/x.xlsx", document_text(sheet)))
    for bad in ("'M3'", "M3-overdue-day", "True"):
        assert bad in found, bad
    assert "窗口" not in found and document_text(Response("<p>x</p>", mimetype="text/html")) is None
