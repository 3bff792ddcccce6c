"""The site crawler of the tests: breadth first over the same-site GET links a client sees,
what each HTML page loads (OFFLINE, tests/test_offline.py) and the pages a role reaches
(tests/test_zh_pages.py, tests/e2e/test_accessibility_every_page.py)."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

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


def crawl(client, starts: list[str], max_pages: int = MAX_PAGES):
    """Breadth first over same-site GET links; returns {url: status} and the parsed pages.

    At most PER_SHAPE pages of one shape (the 30 rule-setting rows, each list's sort links)
    so the budget of `max_pages` reaches every view.
    """
    seen, queue, statuses, pages = set(starts), deque(starts), {}, {}
    shapes = Counter(shape(url) for url in starts)
    while queue and len(statuses) < max_pages:
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


def menu_links(client) -> list[str]:
    parser = PageParser()
    parser.feed(client.get("/").get_data(as_text=True))
    return [link for link in parser.links if link.startswith("/") and follow(link)]
