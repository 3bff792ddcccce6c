"""OFFLINE: every page works without the internet — nothing is loaded from another host.

A center's intranet may have no way out, and a page that pulls a font, a script or a chart
library from a CDN then hangs or breaks. The test crawls the site as the administrator and
as the anonymous public, starting from `/`, the guide and the menu, and checks what each
page *loads*: `src` on any element, `href` on `<link>`, `srcset`, `<object data>`, `<form
action>`, `url(...)` and `@import` in styles, absolute URLs in inline scripts. Plain text,
links (`<a href>`) a person may follow and XML namespace names (`xmlns="http://www.w3.org/..."`)
load nothing and are not counted. The stylesheets and scripts the pages reference, FAB's
bundled ones included, are fetched and checked the same way (FAB-NOTES: Bootswatch themes
`@import` Google Fonts; the chart widgets use Google's loader).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest

MAX_PAGES = 200
PER_SHAPE = 1
OWN_HOSTS = {"localhost", ""}  # the test client's host; "" = a relative URL
SKIP_PATH = re.compile(r"/logout|/lang/|/delete|/action/|/action_post|/api/")
NAMESPACE_HOSTS = {"www.w3.org"}  # namespace names, never fetched
# Hosts that FAB's bundled scripts (all in Swagger UI's bundle) name as *text* — links a
# person may click, identifiers, examples — not as something the page fetches. A new host
# here must be looked at, not just added.
SCRIPT_TEXT_HOSTS = NAMESPACE_HOSTS | {
    "reactjs.org",  # React's error-message links
    "github.com",  # core-js's licence link
    "spec.openapis.org", "json-schema.org",  # JSON-Schema dialect identifiers
    "spdx.org",  # licence links in an API's info block
    "example.com",  # generated example values
    "swagger.io",  # the logo link
    "petstore.swagger.io",  # the default spec, used only without `url` (FAB's page sets one)
    "validator.swagger.io",  # the badge of StandaloneLayout; FAB's page uses BaseLayout
    "twitter.com", "www.facebook.com", "instagram.com", "www.instagram.com", "soundcloud.com",
    "www.tiktok.com",  # Markdown linkify targets
}

ABSOLUTE = re.compile(r"""^\s*(?:(?:https?:)?//)""", re.I)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.I)  # `@import url(...)` is a url()
# A quoted absolute URL in script text: "https://host/...", '//host/...'.
SCRIPT_URL = re.compile(r"""(['"`])((?:https?:)?//[A-Za-z0-9.-]+[^'"`\s]*)\1""")


def host_of(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").lower()


def is_external(url: str) -> bool:
    """An absolute (or protocol-relative) URL naming another host; data:/relative URLs are ours."""
    return bool(ABSOLUTE.match(url)) and host_of(url) not in OWN_HOSTS


class PageParser(HTMLParser):
    """Collects the links to follow and everything the page would load."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.loads: list[tuple[str, str]] = []  # (where, url)
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in ("a", "area") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and attrs.get("href"):
            self.loads.append((f"<link rel={attrs.get('rel', '')}> href", attrs["href"]))
        if attrs.get("src"):
            self.loads.append((f"<{tag}> src", attrs["src"]))
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.loads.append((f"<{tag}> srcset", candidate.split()[0]))
        if tag == "object" and attrs.get("data"):
            self.loads.append(("<object> data", attrs["data"]))
        if tag == "form" and attrs.get("action"):
            # Not a load, but a form posting to another host sends the citizen's data away.
            self.loads.append(("<form> action", attrs["action"]))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        if tag == "style" or (tag == "script" and not attrs.get("src")):
            self._in, self._buffer = tag, []

    def handle_data(self, data):
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._in == tag:
            (self.styles if tag == "style" else self.scripts).append("".join(self._buffer))
            self._in = None


def css_references(css: str) -> list[str]:
    css = CSS_COMMENT.sub("", css)
    return [m.group(2) for m in CSS_URL.finditer(css)] + [m.group(2) for m in CSS_IMPORT.finditer(css)]


def external_in_script(script: str, allowed_hosts: set[str]) -> list[str]:
    return [url for _, url in SCRIPT_URL.findall(script)
            if host_of(url) not in OWN_HOSTS and host_of(url) not in allowed_hosts]


def follow(url: str) -> bool:
    return not SKIP_PATH.search(urlsplit(url).path)


def shape(url: str) -> str:
    """`/roles/show/3?_oc_X=name` → `/roles/show/N?_oc_X`: pages of one shape share a template."""
    parts = urlsplit(url)
    keys = sorted(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, starts: list[str]):
    """Breadth first over same-site GET links; returns {url: status} and the parsed pages.

    At most PER_SHAPE pages of one shape (the 30 rule-setting rows, each list's sort links)
    so the budget of MAX_PAGES reaches every view.
    """
    seen, queue, statuses, pages = set(starts), deque(starts), {}, {}
    shapes = Counter(shape(url) for url in starts)
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        targets = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets.append(response.headers["Location"])
        elif response.mimetype == "text/html":
            parser = PageParser()
            parser.feed(response.get_data(as_text=True))
            pages[url] = parser
            targets += parser.links
        for target in targets:
            absolute, _ = urldefrag(urljoin(f"http://localhost{url}", target))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.hostname not in OWN_HOSTS:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not follow(local) or local in seen or shapes[shape(local)] >= PER_SHAPE:
                continue
            seen.add(local)
            shapes[shape(local)] += 1
            queue.append(local)
    return statuses, pages


def page_problems(pages: dict[str, PageParser]) -> list[str]:
    problems = []
    for url, page in pages.items():
        for where, target in page.loads:
            if is_external(target):
                problems.append(f"{url}: {where} {target}")
        for style in page.styles:
            problems += [f"{url}: style url/@import {t}" for t in css_references(style) if is_external(t)]
        for script in page.scripts:
            problems += [f"{url}: inline script {t}" for t in external_in_script(script, NAMESPACE_HOSTS)]
    return problems


def asset_problems(client, pages: dict[str, PageParser]) -> tuple[list[str], set[str]]:
    """Fetch every local stylesheet and script the pages load (and what the CSS pulls in)."""
    queue = deque(sorted({
        urlsplit(urljoin(f"http://localhost{url}", target)).path
        for url, page in pages.items() for _, target in page.loads
        if not is_external(target) and urlsplit(target).path.endswith((".css", ".js"))
    }))
    seen, problems = set(queue), []
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{path}: answered {response.status_code}")
            continue
        text = response.get_data(as_text=True)
        response.close()
        if path.endswith(".js"):
            problems += [f"{path}: script URL {u}" for u in external_in_script(text, SCRIPT_TEXT_HOSTS)]
            continue
        for target in css_references(text):
            if target.startswith("data:"):
                continue
            if is_external(target):
                problems.append(f"{path}: url/@import {target}")
                continue
            # A missing font or image file is a page that looks broken offline, too.
            local = urlsplit(urljoin(f"http://localhost{path}", target)).path
            if local not in seen:
                seen.add(local)
                if local.endswith(".css"):
                    queue.append(local)
                else:
                    status = client.get(local).status_code
                    if status != 200:
                        problems.append(f"{path}: {target} answered {status}")
    return problems, seen


@pytest.fixture
def site(db_session, window_a, window_b):
    """Some rows in every list, so show/edit pages and links exist for the crawl."""
    from models.catalogue import ItemMaterial, ServiceItem
    from models.settings import Holiday

    item = ServiceItem(code="GA-001", name="居民身份证换领", window=window_a, kind="promised",
                       promised_days=5, statutory_days=20, legal_basis="《居民身份证法》第十一条",
                       procedure="1. 提交材料", is_active=True, fee_item="工本费",
                       fee_standard=Decimal("20.00"), fee_basis="发改价格〔2003〕2322号")
    item.materials = [ItemMaterial(name="居民户口簿", form="original", copies=1, mandatory=True)]
    db_session.add(item)
    db_session.add(Holiday(day=date(2026, 10, 1), name="国庆节"))
    db_session.commit()
    return item


def menu_links(client) -> list[str]:
    parser = PageParser()
    parser.feed(client.get("/").get_data(as_text=True))
    return [link for link in parser.links if link.startswith("/") and follow(link)]


@pytest.mark.parametrize("who", ["admin", "public"])
def test_offline_pages_load_nothing_from_other_hosts(who, site, as_admin, public):
    client = as_admin.client if who == "admin" else public
    starts = ["/", "/guide/", f"/guide/item/{site.id}"]
    if who == "admin":
        starts.append("/swagger/v1")
    starts += [link for link in menu_links(client) if link not in starts]
    statuses, pages = crawl(client, starts)
    if who == "admin":
        # Still signed in at the end: the crawl saw the administrator's pages, not the login page.
        assert client.get("/users/list/").status_code == 200

    assert len(pages) >= (15 if who == "admin" else 3), f"the crawl reached too little: {sorted(statuses)}"
    errors = {url: status for url, status in statuses.items() if status >= 500}
    assert not errors, f"pages that failed: {errors}"
    problems = page_problems(pages)
    assert not problems, "pages load from other hosts:\n" + "\n".join(problems)
    asset_issues, assets = asset_problems(client, pages)
    assert any("bootstrap.min.css" in a for a in assets), "FAB's stylesheets were not checked"
    assert not asset_issues, "assets load from other hosts or are missing:\n" + "\n".join(asset_issues)


# ---- the checker itself must be able to fail -------------------------------------------------

def test_offline_checker_flags_resources_but_not_links_or_namespaces():
    html = """
    <html><head>
      <link href="https://fonts.googleapis.com/css?family=Lato" rel="stylesheet">
      <style>@import url("//cdn.example.com/x.css"); body { background: url(http://img.example.com/a.png) }</style>
      <script src="https://cdn.jsdelivr.net/npm/echarts.js"></script>
      <script>google.charts.load("https://www.gstatic.com/charts/loader.js")</script>
    </head><body>
      <a href="https://www.gov.cn/">政府网</a>
      <svg xmlns="http://www.w3.org/2000/svg"></svg>
      <script>document.createElementNS("http://www.w3.org/2000/svg", "svg")</script>
      <img src="/static/css/ok.png" style="background: url('data:image/svg+xml,<svg xmlns=&quot;http://www.w3.org/2000/svg&quot;/>')">
      <iframe src="https://map.example.com/embed"></iframe>
    </body></html>"""
    parser = PageParser()
    parser.feed(html)
    problems = page_problems({"/x": parser})
    found = " ".join(problems)
    for host in ("fonts.googleapis.com", "cdn.example.com", "img.example.com", "cdn.jsdelivr.net",
                 "www.gstatic.com", "map.example.com"):
        assert host in found, host
    assert "gov.cn" not in found and "w3.org" not in found
    assert len(problems) == 6


def test_offline_bootswatch_theme_would_be_flagged():
    """The check on FAB's stylesheets works: a Google-Fonts theme is caught (FAB-NOTES)."""
    css = '/* https://bootswatch.com */ @import url("https://fonts.googleapis.com/css?family=Lato"); a{}'
    assert [t for t in css_references(css) if is_external(t)] == ["https://fonts.googleapis.com/css?family=Lato"]


# ---- the dashboards (issue #12): charts drawn by the vendored ECharts, nothing fetched -------

@pytest.mark.parametrize("role", ["Leadership", "WindowHead", "Clerk"])
def test_offline_dashboards_and_vendored_charts_load_nothing_from_other_hosts(role, log_in,
                                                                              window_a, site):
    """Each role's home dashboard and the Leadership page load only this host's files, among
    them the vendored ECharts bundle (checked for URLs like any script) and dashboard.js."""
    actor = log_in(role, window=window_a if role != "Leadership" else None)
    starts = ["/", "/dashboard/"] if role == "Leadership" else ["/"]
    statuses, pages = crawl(actor.client, starts)
    assert all(statuses[url] == 200 for url in starts), statuses
    assert not page_problems(pages), page_problems(pages)
    issues, assets = asset_problems(actor.client, pages)
    assert not issues, "\n".join(issues)
    if role != "Clerk":  # the clerk's home has cards only, no chart
        assert "/static/vendor/echarts/echarts.min.js" in assets
        assert "/static/js/dashboard.js" in assets
    assert "/static/css/dashboard.css" in assets


def test_offline_vendored_echarts_has_its_licence_and_no_cdn():
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[1] / "app" / "static" / "vendor"
    bundle = (vendor / "echarts" / "echarts.min.js").read_text(encoding="utf-8")
    assert not external_in_script(bundle, NAMESPACE_HOSTS)
    assert "Apache License" in (vendor / "echarts" / "LICENSE").read_text(encoding="utf-8")
    assert (vendor / "echarts" / "NOTICE").exists()
    assert "echarts@6" in (vendor / "README.md").read_text(encoding="utf-8")
