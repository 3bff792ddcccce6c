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

from datetime import date
from decimal import Decimal

import pytest

from tests.site_crawl import (NAMESPACE_HOSTS, PageParser, asset_problems, crawl, css_references,
                              external_in_script, is_external, menu_links, page_problems)


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
