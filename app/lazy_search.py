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
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, url_for
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.widgets import SearchWidget
from flask_babel import gettext
from markupsafe import Markup, escape

blueprint = Blueprint("lazy_search", __name__)


class LazySearchWidget(SearchWidget):
    """FAB's SearchWidget, with unfiltered related fields rendered without their choices."""

    def __call__(self, **kwargs):
        active = {flt[0] for flt in self.filters.get_filters_values_tojson()}
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
