"""Issue #21 P1: the list widgets' per-page work done once (app/list_widget.py, the deferred
search form of app/lazy_search.py) draws what FAB drew: the same sort, page and size links,
every cell with its column's class (one row loop for the generic and the case lists, D1),
and a search form made only when a filter or a POST needs it."""

from __future__ import annotations

import re
from datetime import date, datetime

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


def _template_row_loop(app):
    """The row loop of the generic list widget's template, as its source reads (the loop that
    draws the rows when `list_rows` declines)."""
    source = app.jinja_loader.get_source(app.jinja_env,
                                         "appbuilder/general/widgets/list.html")[0]
    start = source.index("{%- if rows is none %}") + len("{%- if rows is none %}")
    return app.jinja_env.from_string(source[start:source.index("{% endif %}{{ rows }}")]
                                     + "{{ rows }}")


@pytest.mark.parametrize("actions", [True, False])
@pytest.mark.parametrize("crud", [True, False])
def test_issue_21_list_rows_draw_what_the_row_loop_draws(app, actions, crud):
    """`list_rows` draws every row of a page in one call, byte for byte what the widget's
    template loop draws (tick box, buttons with each row's key, escaped cells), and formats a
    repeated value once per page — never a datetime (equal instants may differ in zone) nor
    True as 1."""
    from datetime import date, datetime, timedelta, timezone

    from markupsafe import Markup

    from app.list_widget import list_rows
    from app.views.base import blank

    calls = []

    def flagged(value):
        calls.append(value)
        return Markup("<b>{}</b>").format(value)

    when = datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)
    rows = [
        {"number": "A<1>&", "deadline": date(2026, 12, 8), "when": when, "flag": True,
         "note": None},
        {"number": "B\"2'>", "deadline": date(2026, 12, 8), "when": when, "flag": 1,
         "note": "x < y"},
        {"number": "C3", "deadline": None, "when": when + timedelta(hours=1), "flag": True,
         "note": Markup("<i>kept</i>")},
    ]
    columns = ["number", "deadline", "when", "flag", "note"]
    formatters = {"deadline": flagged, "when": flagged, "flag": flagged, "note": blank}
    drawn = Markup('<a href="/caseview/show/0bianminpk0">show</a>') if crud else None
    with app.test_request_context("/"):
        fast = list_rows(iter(rows), [7, 12, 130], columns, formatters, actions, drawn,
                         "number")
        assert list_rows(iter(rows), [7, "12", 130], columns, formatters, actions, drawn,
                         "number") is None  # a key not a whole number: the loop draws
        calls_fast = list(calls)
        calls.clear()
        loop = _template_row_loop(app).render(
            value_columns=rows, pks=[7, 12, 130], include_columns=columns,
            formatters_columns=formatters, actions=actions, crud=crud,
            crud_drawn=drawn or "", crud_kept=crud, first_column="number", lib=None)
    assert str(fast) == loop
    assert "A&lt;1&gt;&amp;" in loop and "/caseview/show/130" in loop or not crud
    # deadline: one call per distinct date (2026-12-08 twice, None once); datetimes each time;
    # True and 1 apart (True twice → once)
    assert sorted(map(repr, calls_fast)) == sorted(map(repr, [
        date(2026, 12, 8), None, when, when, when + timedelta(hours=1), True, 1]))


def test_issue_21_the_role_list_cells_carry_their_column_class(as_admin):
    """The role list (its own row loop: translated names) gives each cell its column's class
    as the generic list does — the buttons `col-crud`, the name `col-name` — matching the
    header's `col-` classes (D1)."""
    html = as_admin.get("/roles/list/").get_data(as_text=True)
    headers = re.findall(r'<th class="(col-[a-z_]+)">', html)
    assert headers == ["col-name"]
    rows = re.findall(r'<tr>\s*<td>\s*<input[^>]*class="action_check".*?</tr>', html, re.S)
    assert rows, "no role rows"
    for row in rows:
        assert re.findall(r'<td class="(col-[a-z_]+)[ "]', row) == ["col-crud", "col-name"]
        assert '<td class="col-name role-name">' in row


def test_issue_21_templates_share_the_environments_globals(app):
    """A template loaded without globals of its own reads the environment's globals dict (no
    ChainMap copied per render and compared per import): a global set later is seen; a
    template given its own globals keeps them to itself."""
    env = app.jinja_env
    template = env.from_string("{{ bianmin_test_global | default('unset') }}")
    assert template.globals is env.globals
    with app.test_request_context("/"):
        assert template.render() == "unset"
        env.globals["bianmin_test_global"] = "seen"
        try:
            assert template.render() == "seen"
            own = env.from_string("{{ mine }}/{{ bianmin_test_global }}", globals={"mine": 1})
            assert own.render() == "1/seen"
            assert "mine" not in env.globals
        finally:
            del env.globals["bianmin_test_global"]


def test_issue_21_list_values_are_fabs_own(app, db_session, log_in, window_a, item, case_of):
    """A list's values — its rows read as values (app/value_rows.py), each column read
    without FAB's per-cell look-ups — are the values FAB's `_get_attr_value` reads from the
    Case objects, derived columns (overdue days, cover, masks) included."""
    from app.views.cases import CaseQueueView, CaseView, ConsultationRegisterView
    from models.cases import Case

    case_of(item)
    case_of(item)
    case_of(item, case_class="consultation")
    clerk = log_in("Clerk", window=window_a)
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(clerk.user)
        for view in (CaseView, CaseQueueView, ConsultationRegisterView):
            datamodel = view.datamodel
            columns = view.list_columns + ["window_id", "decided_on", "phone_shown"]
            _count, rows = datamodel.query(page_size=25)
            assert rows and not isinstance(rows[0], Case)
            cases = [db_session.get(Case, row.id) for row in rows]
            assert [{column: _text(value) for column, value in values.items()}
                    for values in datamodel.get_values(rows, columns)] == [
                {column: _text(datamodel._get_attr_value(case, column)) for column in columns}
                for case in cases]


def _text(value):
    """A related record as the list shows it (its text); any other value as it is."""
    return value if value is None or isinstance(value, (str, int, float, date, datetime)) \
        else str(value)


def test_issue_21_a_list_of_values_joins_every_relation_it_shows(app):
    """A list whose rows are values (app/value_rows.py) has no ORM object to load a relation
    from: every relation among its list columns must be joined (`preload`)."""
    from sqlalchemy import inspect as sa_inspect

    checked = 0
    for view in app.appbuilder.baseviews:
        shape = getattr(getattr(view, "datamodel", None), "row_shape", None)
        if shape is None:
            continue
        relations = sa_inspect(view.datamodel.obj).relationships.keys()
        shown = [column for column in view.list_columns if column in relations]
        assert set(shown) <= set(view.datamodel.preload), type(view).__name__
        checked += 1
    assert checked >= 3  # the case list, the work queue, the consultation register


def _masked(html: str) -> str:
    """A page without what differs between two responses: the nonce, the CSRF tokens (signed
    with their second), the search form's "now" (its received-at default)."""
    html = re.sub(r'nonce="[^"]+"', 'nonce="X"', html)
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1X", html)
    return re.sub(r'value=\\"[0-9: .+-]+\\"', "value=NOW", html)


LIST_URLS = ["/casequeue/list/", "/caseview/list/",
             "/caseview/list/?page_CaseView=1&psize_CaseView=25&_oc_CaseView=number&_od_CaseView=asc",
             "/caseview/list/?_oc_CaseView=deadline&note=%E4%BD%A0&psize_CaseView=50",
             "/windowview/list/"]


def test_issue_21_kept_pager_headers_and_search_form_are_what_the_templates_draw(
        monkeypatch, app, log_in, window_a, item, case_of):
    """The pager, the column headers (app/list_widget.kept_drawing) and the search form of no
    filter (app/lazy_search, its nonce and "now" put in) kept from one request draw, for the
    next ones, exactly what FAB's macros and the search template draw for them."""
    from app import list_widget

    for _ in range(30):
        case_of(item)
    users = [log_in("Clerk", window=window_a), log_in("Leadership"), log_in("Admin")]
    kept = {}
    list_widget.clear()
    lazy_search.clear()
    for number, user in enumerate(users):
        for url in LIST_URLS:
            first = user.client.get(url).get_data(as_text=True)
            again = user.client.get(url).get_data(as_text=True)  # the kept drawings
            assert _masked(first) == _masked(again)
            kept[number, url] = _masked(again)
    assert list_widget._kept_drawings and lazy_search._kept_drawn
    assert all(drawn is not False for drawn in lazy_search._kept_drawn.values())
    monkeypatch.setitem(app.jinja_env.globals, "kept_drawing",
                        lambda key, draw, *args: draw(*args))
    monkeypatch.setattr(lazy_search.LazySearchWidget, "_drawing", lambda self, *args: False)
    lazy_search.clear()
    for (number, url), html in kept.items():
        assert _masked(users[number].client.get(url).get_data(as_text=True)) == html, url


def test_issue_21_a_kept_drawing_is_kept_by_its_arguments_url_and_language(app):
    """The same arguments, URL and language: drawn once; another count (a capped "1,000+"
    is not 1,000), page, URL or language: drawn again."""
    from flask_babel import force_locale

    from app import list_widget
    from app.datamodel import AtLeast

    list_widget.clear()
    drawn = []

    def draw(*args):
        drawn.append(args)
        return f"drawn {args}"

    def kept(url, *key, locale="zh_CN"):
        with app.test_request_context(url), force_locale(locale):
            return list_widget.kept_drawing(key, draw, *key)

    assert kept("/caseview/list/", "pager", 0, 1000) == "drawn ('pager', 0, 1000)"
    kept("/caseview/list/", "pager", 0, 1000)
    assert len(drawn) == 1
    assert kept("/caseview/list/", "pager", 0, AtLeast(1000)) == "drawn ('pager', 0, 1000)"
    kept("/caseview/list/", "pager", 1, 1000)
    kept("/caseview/list/?page_CaseView=1", "pager", 0, 1000)
    kept("/caseview/list/", "pager", 0, 1000, locale="en")
    kept("/casequeue/list/", "pager", 0, 1000)
    assert len(drawn) == 6
