"""Issue #21: static files are named with the hash of their content and cached for a year,
so a page re-validates none of them (app/static_assets.py)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

STATIC_URL = re.compile(r'(?:href|src)="([^"]*/static/[^"]*)"')
APP_STATIC = Path(__file__).resolve().parent.parent / "app" / "static"


def static_urls(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in STATIC_URL.findall(html)]


@pytest.mark.parametrize("path", ["/", "/login/", "/guide/"])
def test_issue_21_every_static_url_of_a_public_page_carries_its_fingerprint(public, path):
    urls = static_urls(public.get(path).get_data(as_text=True))
    assert urls
    assert [url for url in urls if not re.search(r"[?&]v=[0-9a-f]{12}\b", url)] == []


def test_issue_21_every_static_url_of_a_staff_page_carries_its_fingerprint(as_clerk):
    for path in ("/", "/casequeue/list/", "/dashboard/"):
        response = as_clerk.client.get(path)
        urls = static_urls(response.get_data(as_text=True))
        assert urls, path
        assert [url for url in urls if "v=" not in url] == [], path


def test_issue_21_a_fingerprinted_file_is_cached_for_a_year_and_immutable(public):
    urls = static_urls(public.get("/login/").get_data(as_text=True))
    for url in urls:
        response = public.get(url)
        assert response.status_code == 200, url
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache, url
        assert "no-store" not in cache and "no-cache" not in cache


def test_issue_21_the_fingerprint_is_the_files_content_hash(public):
    html = public.get("/login/").get_data(as_text=True)
    ours = [url for url in static_urls(html) if "/static/css/bianmin.css" in url]
    assert ours
    digest = hashlib.sha256((APP_STATIC / "css" / "bianmin.css").read_bytes()).hexdigest()[:12]
    assert ours[0].endswith(f"v={digest}")


def test_issue_21_a_stale_or_missing_fingerprint_is_not_cached_for_a_year(public):
    for url in ("/static/css/bianmin.css", "/static/css/bianmin.css?v=000000000000"):
        cache = public.get(url).headers["Cache-Control"]
        assert "immutable" not in cache and "max-age=3600" in cache
