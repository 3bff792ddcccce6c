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
is computed (a received-at time: "now") is still drawn on every request, and the template
(with the response's CSP nonce) is rendered on every request. A search form with an active
filter, or of a POST, is drawn as before and nothing of it is kept, so no page shows another
request's filter values.
"""

from __future__ import annotations

import threading

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.widgets import SearchWidget
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape


blueprint = Blueprint("lazy_search", __name__)

_kept: dict[tuple, tuple] = {}
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
        label_columns, search_filters, fixed = kept
        # A field whose default is computed (a time: "now") is drawn on every request, alone:
        # the rest of the form is never made (issue #21 P1).
        form_fields = {col: fixed[col] if col in fixed else _drawn_alone(form, col)
                       for col in cols}
        return super(SearchWidget, self).__call__(
            label_columns=label_columns, form_fields=form_fields,
            search_filters=search_filters, active_filters=[])

    def _parts(self, form, cols) -> tuple[dict, dict, dict]:
        """The labels, the filter names and the fields (those without a computed default) of
        the search form with no filter set: the same for every request of this key."""
        dict_filters = self.filters.get_search_filters()
        view = self.template_args.get("route_base", "")
        labels = {col: str(form[col].label.text) for col in cols}
        names = {col: [str(flt.name) for flt in dict_filters[col]] for col in cols}
        fixed = {}
        for col in cols:
            field = form[col]
            if isinstance(field, QuerySelectField):
                fixed[col] = _LazyField(field, view)()
            elif not callable(field.default):
                fixed[col] = field()
        return labels, names, fixed

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
