"""Issue #21 P1: the list widgets' per-page work done once (app/list_widget.py, the deferred
search form of app/lazy_search.py) draws what FAB drew: the same sort, page and size links,
every cell with its column's class (one row loop for the generic and the case lists, D1),
and a search form made only when a filter or a POST needs it."""

from __future__ import annotations

import re

import pytest
from flask_appbuilder.filters import TemplateFilters

from app import lazy_search

QUERIES = [
    "",
    "?_oc_CaseQueueView=deadline&_od_CaseQueueView=asc&page_CaseQueueView=2",
    "?_oc_CaseQueueView=number&_od_CaseQueueView=desc&psize_CaseQueueView=50&_flt_0_number=A%26B+C",
    "?page_CaseQueueView=3&note=%E4%BD%A0%E5%A5%BD&note=two&_oc_CaseView=number",
]


@pytest.mark.parametrize("query", QUERIES)
def test_issue_21_sort_page_and_size_links_are_fabs_own(app, query):
    """Built once per request with a stand-in value, each link is the one FAB's filter builds
    for its column, page or size, whatever arguments the page was opened with."""
    fab = {"link_order": TemplateFilters.link_order_filter,
           "link_page": TemplateFilters.link_page_filter,
           "link_page_size": TemplateFilters.link_page_size_filter}
    values = {"link_order": ["number", "received_at", "deadline"],
              "link_page": [0, 1, 2, 10, 39], "link_page_size": [10, 25, 50, 100]}
    with app.test_request_context(f"/casequeue/list/{query}"):
        for name, build in fab.items():
            for view in ("CaseQueueView", "CaseView"):
                for value in values[name]:
                    assert app.jinja_env.filters[name](value, view) == build(None, value, view)


def test_issue_21_every_list_cell_carries_its_column_class(log_in, window_a, item, case_of):
    """D1: the case lists extend the generic list widget; both give each cell its column's
    class, the case list inside its `case-list` box (bianmin.css keeps its cells on one line)."""
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    html = clerk.client.get("/casequeue/list/").get_data(as_text=True)
    assert 'class="table-responsive case-list"' in html
    assert '<th class="col-crud"></th>' in html
    row = re.search(r'<tr>\s*<td class="col-crud">.*?</tr>', html, re.S).group(0)
    assert f'<td class="col-number">{case.number}</td>' in row
    assert re.findall(r'<td class="col-([a-z_]+)">', row) == [
        "crud", "number", "item", "applicant_name", "state", "urgent", "appointment_at",
        "deadline", "overdue_days", "covered_for"]

    admin = log_in("Admin")
    html = admin.client.get("/windowview/list/").get_data(as_text=True)
    assert "case-list" not in html
    assert '<th class="col-md-1 col-lg-1 col-sm-1"></th>' in html
    assert '<th class="col-number">' in html
    assert f'<td class="col-number">{window_a.number}</td>' in html


def test_issue_21_a_list_get_without_filter_makes_no_search_form(
        monkeypatch, log_in, window_a, item, case_of):
    """A GET with no filter set draws the kept search form and its one field with a computed
    default alone; a filter set makes the form and shows its value."""
    lazy_search.clear()
    case = case_of(item)
    clerk = log_in("Clerk", window=window_a)
    made = []
    real_made = lazy_search.DeferredForm.made
    monkeypatch.setattr(lazy_search.DeferredForm, "made",
                        lambda self: made.append(self) or real_made(self))
    for _ in range(2):  # the first draws the form to keep its parts, the second does not
        made.clear()
        html = clerk.client.get("/casequeue/list/").get_data(as_text=True)
        assert 'id=\\"received_at\\" name=\\"received_at\\" type=\\"text\\" value=\\"20' in html
    assert made == []
    html = clerk.client.get(f"/casequeue/list/?_flt_0_number={case.number}").get_data(as_text=True)
    assert made and f'["{case.number}"]]' in html  # the active filter, with its value
