"""Issue #21 P1: what a list page draws per row, per cell and per header link, done once.

- `list_cells` (a template filter): a row's cells, each `<td class="col-<column>">` with the
  column's formatter applied and the value escaped as `{{ }}` would, in one call per row
  instead of a dozen template look-ups per cell.
- `list_rows` (a template filter): every row of the page drawn by one call, the markup the
  widget's row loop drew (tick box, buttons, cells), each column's formatter applied once per
  distinct value of the page (a list repeats its states, items, deadlines, flags) instead of
  once per cell. Kept in the call: one request's rows only.
- FAB's `link_order`, `link_page` and `link_page_size` filters build a URL with `url_for` for
  every column header, page number and page size of the pager. The URLs of one request differ
  only in the one argument set (the sort column, the page, the size): each filter builds its
  URL once per request and view with a stand-in value, and puts each value in. FAB's own
  filter builds it, so the URLs are FAB's, byte for byte. Kept in `g`: one request only,
  never another user's.
- `kept_drawing` (a template global): the pager and the column headers FAB's macros draw,
  kept by the arguments they are drawn from, the request's URL and language (the same for
  anyone asking with them: no user's data but the arguments).
- Templates loaded without globals of their own use the environment's globals dict itself,
  not Jinja's `ChainMap({}, env.globals)` (`_templates_share_the_globals`): every render
  copies a template's globals into its context, and every `{% import %}` (FAB's list, search
  and pager templates import `lib`/`baselib`) compares each global's name against them — a
  ChainMap does both in Python (~1,400 calls a list page), a dict in C. Changes to the
  environment's globals are seen as before; a template given globals of its own keeps them
  in its own ChainMap (nothing here writes to a template's globals).
"""

from __future__ import annotations

import re

from collections import ChainMap
from datetime import date

from flask import current_app, g, request
from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.urls import _urlencode

from app.headers import nonce_put_in, nonce_taken_out
from app.i18n import locale_name

_STAND_IN = "0bianminarg0"
# a value urlencode writes as it is (quote_plus's always-safe characters)
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]+").fullmatch
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


# Values whose formatted text depends on the value alone (equal values, the same text): a
# formatter's text is reused for them within one page. Not datetimes (equal instants in two
# time zones), nor numbers that compare equal across types (1 == 1.0 == True).
_MEMO_TYPES = {str: True, int: True, bool: True, date: True, type(None): True}

# The row loop's markup (app/templates/appbuilder/general/widgets/list.html), piece by piece.
_ROW_OPEN = "\n            \n            <tr>\n                "
_TICK = ('\n                <td>\n                    <input id="{pk}" class="action_check" '
         'name="rowid" value="{pk}" type="checkbox"\n                           '
         'aria-label="{select} {label}">\n                </td>\n                ')
_BETWEEN = "\n                "
_CRUD_OPEN = '\n                    <td class="col-crud"><center>\n                    '
_CRUD_CLOSE = "\n                    </center></td>\n                "
_ROW_CLOSE = "\n            </tr>\n        "
_STAND_IN_PK = "0bianminpk0"
_AS_IS = object()  # a formatter marked `blank_as_empty`: None as "", any other value as it is
# markupsafe's escape of a str (&, <, >, ', ") as one translate
HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def _memo_type(kind: type) -> bool:
    """Whether values of `kind` may share a formatter's text: the types above, and objects
    equal only to themselves (a row's related record: an item, a window)."""
    known = _MEMO_TYPES.get(kind)
    if known is None:
        known = _MEMO_TYPES[kind] = kind.__eq__ is object.__eq__ and kind.__hash__ is object.__hash__
    return known


def list_rows(value_columns, pks, columns, formatters: dict, actions, crud_drawn,
              first_column):
    """The page's `<tr>` rows as the widget's row loop draws them; None (the template's loop
    draws them) when a key is not a whole number (the buttons' stand-in is put in as one)."""
    if not all(type(pk) is int for pk in pks):
        return None
    columns = tuple(columns)
    openings = _openings.get(columns)
    if openings is None:
        openings = _openings.setdefault(
            columns, tuple(f'<td class="col-{escape(column)}">' for column in columns))
    plan = [(column, opening, _AS_IS if getattr(formatters.get(column), "blank_as_empty", False)
             else formatters.get(column), {}) for column, opening in zip(columns, openings)]
    select = ""
    if actions:  # as `{{ _('Select') }}` draws it: newstyle gettext marks its text safe
        select = gettext("Select")
        select = select if current_app.jinja_env.newstyle_gettext else escape(select)
    crud = str(crud_drawn) if crud_drawn is not None else None
    parts = ["\n        "]
    for item, pk in zip(value_columns, pks):
        parts.append(_ROW_OPEN)
        if actions:
            label = item[first_column] if first_column else pk
            parts.append(_TICK.format(pk=pk, select=select, label=escape(label)))
        parts.append(_BETWEEN)
        if crud is not None:
            parts.append(_CRUD_OPEN)
            parts.append(crud.replace(_STAND_IN_PK, str(pk)))
            parts.append(_CRUD_CLOSE)
        parts.append(_BETWEEN)
        for column, opening, formatter, memo in plan:
            value = item[column]
            kind = type(value)
            key = None
            if formatter is not None:
                if value is None and formatter is _AS_IS:  # an empty value blank
                    parts.append(f"{opening}</td>")
                    continue
                if _MEMO_TYPES[kind] if kind in _MEMO_TYPES else _memo_type(kind):
                    key = (kind, value)
                    if key in memo:
                        parts.append(memo[key])
                        continue
                if formatter is not _AS_IS:
                    value = formatter(value)
                    kind = type(value)
            # escaped as `escape` does (markupsafe), a str by one translate
            text = value.translate(HTML_ESCAPES) if kind is str else (
                value if kind is Markup or kind is int else escape(value))
            cell = f"{opening}{text}</td>"
            if key is not None:
                memo[key] = cell
            parts.append(cell)
        parts.append(_ROW_CLOSE)
    parts.append("\n        ")
    return Markup("".join(parts))


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
            # a whole number is encoded as its digits (and "-"): put in after "name=" as is
            named = pair[:-len(_STAND_IN)]
            links[key] = None if found is None else (url[:found.start() + 1], url[found.end():],
                                                     url[:found.start() + 1] + named)
        parts = links[key]
        if parts is None:
            return fab_filter(value, modelview_name)
        head, tail, head_named = parts
        # a page, a page size, a column's name: no urlencode per link (issue #21 P1)
        if type(value) is int or type(value) is str and _UNQUOTED(value) is not None:
            return f"{head_named}{value}{tail}"
        return head + _urlencode([(_ARGUMENT[name].format(modelview_name), value)]) + tail
    return link


# The pager and the column headers of a list, drawn by FAB's macros (~1,600 calls a page), kept
# by what they are drawn from (issue #21 P1). Their text is a function of the arguments named
# in the key, the request's URL (endpoint, path arguments, query string: the links keep every
# argument), the script root and the language, and of nothing else: no user's data beyond the
# arguments (a count, the view's permissions as booleans, its actions' names) — the same key,
# the same text for anyone. Bounded: dropped whole when full.
_KEPT_DRAWINGS_MAX = 1024
_kept_drawings: dict[tuple, str] = {}


def _key_part(value):
    kind = type(value)
    if kind is list or kind is tuple:  # of names
        return kind, tuple(value)
    return kind, value  # 1000 and AtLeast(1000) ("1,000+") are two keys


def kept_drawing(key: tuple, draw, *args) -> Markup:
    """`draw(*args)` (a macro), kept by `key` (the arguments it is drawn from) and the
    request's URL and language."""
    whole = (tuple(map(_key_part, key)), request.endpoint, request.script_root,
             request.query_string, tuple(sorted((request.view_args or {}).items())),
             locale_name())
    kept = _kept_drawings.get(whole)
    if kept is None:
        # The actions' menu carries an inline script with this response's CSP nonce (SEC-3):
        # kept without it, each response's own put in.
        kept = nonce_taken_out(str(draw(*args)))
        if len(_kept_drawings) >= _KEPT_DRAWINGS_MAX:
            _kept_drawings.clear()
        _kept_drawings[whole] = kept
    return Markup(nonce_put_in(kept))


def clear() -> None:
    """Forget the kept drawings (tests)."""
    _kept_drawings.clear()


def _templates_share_the_globals(env) -> None:
    def make_globals(globals_of_template=None):
        if not globals_of_template:
            return env.globals
        return ChainMap(globals_of_template, env.globals)

    env.make_globals = make_globals


def install(app) -> None:
    """After FAB's template filters are registered (AppBuilder.init_app)."""
    _templates_share_the_globals(app.jinja_env)
    app.add_template_filter(list_cells, "list_cells")
    app.add_template_filter(list_rows, "list_rows")
    app.jinja_env.globals["kept_drawing"] = kept_drawing
    for name in _ARGUMENT:
        app.jinja_env.filters[name] = _kept_link(name, app.jinja_env.filters[name])
