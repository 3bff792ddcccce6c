"""Issue #21 P1: what a list page draws per row, per cell and per header link, done once.

- `list_cells` (a template filter): a row's cells, each `<td class="col-<column>">` with the
  column's formatter applied and the value escaped as `{{ }}` would, in one call per row
  instead of a dozen template look-ups per cell.
- FAB's `link_order`, `link_page` and `link_page_size` filters build a URL with `url_for` for
  every column header, page number and page size of the pager. The URLs of one request differ
  only in the one argument set (the sort column, the page, the size): each filter builds its
  URL once per request and view with a stand-in value, and puts each value in. FAB's own
  filter builds it, so the URLs are FAB's, byte for byte. Kept in `g`: one request only,
  never another user's.
"""

from __future__ import annotations

import re

from flask import g
from markupsafe import Markup, escape
from werkzeug.urls import _urlencode

_STAND_IN = "0bianminarg0"
# The argument each filter sets: the sort column, the page, the page size (FAB's names).
_ARGUMENT = {"link_order": "_oc_{}", "link_page": "page_{}", "link_page_size": "psize_{}"}


# A list's columns → each cell's opening tag (column names: no request data in them).
_openings: dict[tuple, tuple] = {}


def list_cells(item: dict, columns, formatters: dict) -> Markup:
    """The `<td>` cells of one list row: `item[column]` through its formatter, escaped."""
    columns = tuple(columns)
    openings = _openings.get(columns)
    if openings is None:
        openings = _openings.setdefault(
            columns, tuple(f'<td class="col-{escape(column)}">' for column in columns))
    cells = []
    for column, opening in zip(columns, openings):
        formatter = formatters.get(column)
        value = item[column]
        cells.append(f"{opening}{escape(formatter(value) if formatter else value)}</td>")
    return Markup("".join(cells))


def _kept_link(name: str, fab_filter):
    def link(value, modelview_name):
        if value is None or isinstance(value, (list, tuple, set)):
            return fab_filter(value, modelview_name)  # FAB drops or repeats the argument
        links = g.setdefault("bianmin_list_links", {})
        key = (name, modelview_name)
        if key not in links:
            url = fab_filter(_STAND_IN, modelview_name)
            pair = _urlencode([(_ARGUMENT[name].format(modelview_name), _STAND_IN)])
            # the argument's own "name=stand-in" (names are unique in a query): a prefix
            # split off it, so that each value is put in with one concatenation
            found = re.search(r"[?&]" + re.escape(pair) + r"(?=&|#|$)", url)
            links[key] = None if found is None else (url[:found.start() + 1], url[found.end():])
        parts = links[key]
        if parts is None:
            return fab_filter(value, modelview_name)
        head, tail = parts
        return head + _urlencode([(_ARGUMENT[name].format(modelview_name), value)]) + tail
    return link


def install(app) -> None:
    """After FAB's template filters are registered (AppBuilder.init_app)."""
    app.add_template_filter(list_cells, "list_cells")
    for name in _ARGUMENT:
        app.jinja_env.filters[name] = _kept_link(name, app.jinja_env.filters[name])
