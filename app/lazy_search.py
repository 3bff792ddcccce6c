"""Issue #21 P1: the search form of a list loads the choices of its related fields when the
user opens them, not on every page.

FAB's SearchWidget renders every searchable field on every list page, and a related field
(a case's service item, its window) loads and renders every row of its table to do so —
four statements and a quarter of a work queue's time, whether or not the search form is
opened. `LazySearchWidget` renders such a field as an empty select carrying the URL of its
choices; app/static/js/lazy_choices.js fetches them (JSON) the first time the select opens.
A field with an active filter is rendered as FAB does, so that its chosen value shows.

The choices come from the same search form field (same query, same labels), through
`/searchchoices/<view>/<column>`, which answers only users who may read that list (the
view's "list" permission) and only for the fields of its search form.

The parts of a search form without an active filter are kept per process (`_kept`), once
per (view, search columns, language, script root): its labels, its filters' names and the
fields drawn from an empty form (no CSRF field: FAB's search form draws only the search
columns; the related ones lazily) — none of them holds request data. A field whose default
is computed (a received-at time: "now") is still drawn on every request (its text kept with a
stand-in value, the value computed now put in), and the template's drawing is kept too, with
stand-ins for the response's CSP nonce and those fields (`_kept_drawn`; kept only when putting
the request's own in gives exactly what the template draws). A search form with an active
filter, or of a POST, is drawn as before and nothing of it is kept, so no page shows another
request's filter values.
"""

from __future__ import annotations

import threading

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.widgets import SearchWidget
from flask_babel import get_locale, gettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from wtforms.fields.core import Field

from app.headers import NONCE_STAND_IN as _NONCE, csp_nonce


blueprint = Blueprint("lazy_search", __name__)

_kept: dict[tuple, tuple] = {}
_kept_drawn: dict[tuple, str | bool] = {}  # the widget's drawing by the same keys
_kept_lock = threading.Lock()


class LazySearchWidget(SearchWidget):
    """FAB's SearchWidget, with unfiltered related fields rendered without their choices."""

    def __call__(self, **kwargs):
        active = {flt[0] for flt in self.filters.get_filters_values_tojson()}
        if active or kwargs or request.method != "GET":
            return self._render(active, **kwargs)
        form, cols = self.template_args["form"], self.template_args["include_cols"]
        form_class = form.form_class if isinstance(form, DeferredForm) else type(form)
        key = (type(self), form_class, self.template_args.get("route_base", ""), tuple(cols),
               str(get_locale()), request.script_root)
        kept = _kept.get(key)
        if kept is None:
            kept = self._parts(form, cols)
            with _kept_lock:
                _kept[key] = kept
        label_columns, search_filters, fixed, stamped = kept
        # A field whose default is computed (a time: "now") is drawn on every request, alone:
        # the rest of the form is never made (issue #21 P1).
        form_fields = {col: fixed[col] if col in fixed else _drawn_now(form, col, stamped.get(col))
                       for col in cols}
        drawn = _kept_drawn.get(key)
        if drawn is None:
            drawn = self._drawing(label_columns, search_filters, fixed, form_fields)
            with _kept_lock:
                _kept_drawn[key] = drawn
        if drawn is not False:  # the kept drawing with this request's nonce and fields in
            html = drawn.replace(_NONCE, csp_nonce())
            for col, value in form_fields.items():
                if col not in fixed:
                    html = html.replace(_field_json(col), _json(value))
            return Markup(html)
        return super(SearchWidget, self).__call__(
            label_columns=label_columns, form_fields=form_fields,
            search_filters=search_filters, active_filters=[])

    def _drawing(self, label_columns, search_filters, fixed, form_fields):
        """The search widget of no filter drawn once with stand-ins for the response's nonce
        and the fields drawn per request (issue #21 P1: ~500 calls a list page to draw the
        same text); False (drawn on every request, as before) unless putting this request's
        nonce and fields into it gives exactly what the template draws for this request."""
        arguments = dict(label_columns=label_columns, search_filters=search_filters,
                         active_filters=[])
        drawn = str(super(SearchWidget, self).__call__(
            form_fields=form_fields, **arguments))
        nonce = csp_nonce()
        stand_ins = {col: value if col in fixed else Markup(_field_stand_in(col))
                     for col, value in form_fields.items()}
        kept = str(super(SearchWidget, self).__call__(form_fields=stand_ins, **arguments))
        kept = kept.replace(nonce, _NONCE)
        again = kept.replace(_NONCE, nonce)
        for col, value in form_fields.items():
            if col not in fixed:
                again = again.replace(_field_json(col), _json(value))
        return kept if again == drawn else False

    def _parts(self, form, cols) -> tuple[dict, dict, dict]:
        """The labels, the filter names and the fields (those without a computed default) of
        the search form with no filter set: the same for every request of this key."""
        dict_filters = self.filters.get_search_filters()
        view = self.template_args.get("route_base", "")
        labels = {col: str(form[col].label.text) for col in cols}
        names = {col: [str(flt.name) for flt in dict_filters[col]] for col in cols}
        fixed, stamped = {}, {}
        for col in cols:
            field = form[col]
            if isinstance(field, QuerySelectField):
                fixed[col] = _LazyField(field, view)()
            elif not callable(field.default):
                fixed[col] = field()
            else:
                stamped[col] = _stamp(field)
        return labels, names, fixed, stamped

    def _render(self, active: set, **kwargs):
        form = self.template_args["form"]
        view = self.template_args.get("route_base", "")
        for col in self.template_args["include_cols"]:
            field = form[col]
            if isinstance(field, QuerySelectField) and col not in active:
                form._fields[col] = _LazyField(field, view)
        try:
            return super().__call__(**kwargs)
        finally:
            for col in self.template_args["include_cols"]:
                if isinstance(form._fields.get(col), _LazyField):
                    form._fields[col] = form._fields[col].field


class DeferredForm:
    """The search form of a list page asked for by GET (FAB's `search_form.refresh()`), made
    only when something of it is asked for: a kept search form (no filter set) never asks,
    and a GET's form holds no request data (Flask-WTF reads none on a GET), so the form made
    later is the one FAB would have made (issue #21 P1)."""

    def __init__(self, form_class):
        self.form_class, self._form = form_class, None

    def made(self):
        if self._form is None:
            self._form = self.form_class()
        return self._form

    def __getattr__(self, name):
        if name in ("form_class", "_form"):  # not set yet (a copy): no form to make
            raise AttributeError(name)
        return getattr(self.made(), name)

    def __getitem__(self, name):
        return self.made()[name]

    def __iter__(self):
        return iter(self.made())

    def __contains__(self, name):
        return name in self.made()


def deferred_refresh(form_class):
    """`form_class` (a view's search form) whose `refresh()` of a GET is a DeferredForm."""
    def refresh(cls, obj=None):
        if obj is None and request.method == "GET":
            return DeferredForm(cls)
        return cls(obj=obj)
    return type(form_class.__name__, (form_class,), {"refresh": classmethod(refresh)})


def _drawn_alone(form, column: str):
    """One field of a search form drawn as the whole form of a GET would draw it (its default
    computed now), without making the form's other fields."""
    if not isinstance(form, DeferredForm) or form._form is not None \
            or form.form_class._unbound_fields is None:
        return form[column]()
    unbound = dict(form.form_class._unbound_fields)[column]
    field = unbound.bind(form=None, name=unbound.name or column, prefix="",
                         _meta=form.form_class._wtforms_meta())
    field.process(None)
    return field()


_VALUE = "0bianminvalue0"


def _field_stand_in(column: str) -> str:
    return f"0bianminfield0{column}0"


def _json(value) -> str:
    """`value` as the template's `tojson` writes it inside the form's fields."""
    return str(htmlsafe_json_dumps(value, dumps=current_app.json.dumps))


def _field_json(column: str) -> str:
    return _json(_field_stand_in(column))


def _stamp(field):
    """A field with a computed default (a time: "now") drawn once with a stand-in value:
    (its default, the text before and after the value), so that a request puts in its own
    value instead of binding and drawing the field (issue #21 P1: ~450 calls); None when the
    field is not drawn that way (its class processes the value, it has filters, or its
    widget does not write the value as its text)."""
    if type(field).process is not Field.process or \
            type(field).process_data is not Field.process_data or field.filters:
        return None
    value = field.data
    if not value:
        return None
    drawn = str(field())
    field.data = _VALUE
    try:
        stamp = str(field())
    finally:
        field.data = value
    if stamp.count(_VALUE) != 1:
        return None
    head, tail = stamp.split(_VALUE)
    if head + str(escape(str(value))) + tail != drawn:
        return None
    return field.default, head, tail


def _drawn_now(form, column: str, stamp) -> Markup:
    """A field with a computed default drawn for this request: its stamp with the default
    computed now (as `field.process(None)` computes it), else the field drawn alone."""
    if stamp is not None:
        default, head, tail = stamp
        value = default()
        if value:  # an empty value: drawn as the widget draws it
            return Markup(head + str(escape(str(value))) + tail)
    return _drawn_alone(form, column)


class _LazyField:
    """Stands in for a related field while the search widget renders: same label, no rows."""

    def __init__(self, field, route_base: str):
        self.field, self.label = field, field.label
        self.url = url_for("lazy_search.choices", route_base=route_base.strip("/"),
                           column=field.name)

    def __call__(self, **_kwargs):
        return Markup(
            f'<select class="my_select2 form-control" id="{escape(self.field.id)}" '
            f'name="{escape(self.field.name)}" data-placeholder="{escape(gettext("Select Value"))}" '
            f'data-choices-url="{escape(self.url)}"><option value=""></option></select>')


def clear() -> None:
    """Forget the kept search forms (tests; a process never needs to: nothing in them ages)."""
    with _kept_lock:
        _kept.clear()
        _kept_drawn.clear()


def _view_of(route_base: str):
    for view in current_app.appbuilder.baseviews:
        if (getattr(view, "route_base", None) or "").strip("/") == route_base \
                and getattr(view, "search_form", None) is not None:
            return view
    return None


@blueprint.get("/searchchoices/<path:route_base>/<column>")
def choices(route_base: str, column: str):
    """[[key, label], ...] of one related field of a list's search form."""
    view = _view_of(route_base)
    if view is None or column not in (view.search_columns or []):
        abort(404)
    permission = view.method_permission_name.get("list", "list")
    sm = current_app.appbuilder.sm
    if not sm.has_access(f"can_{permission}", view.class_permission_name):
        abort(403)
    field = view.search_form()[column]
    if not isinstance(field, QuerySelectField):
        abort(404)
    return jsonify([[pk, str(field.get_label(obj))] for pk, obj in field._get_object_list()])


def install(app) -> None:
    app.register_blueprint(blueprint)
