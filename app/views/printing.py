"""NOTICE-2: printable documents of a case — clean A4 HTML in Chinese, from the case's data."""

from __future__ import annotations

from flask import abort
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.extensions import db
from app.security import window_scope
from models.cases import Case

DOCUMENT_KINDS = ("acceptance", "receipt", "one_time", "return", "extension",
                  "special_procedure", "delivery", "refusal_report")


class CasePrintView(BaseView):
    """打印 — the case's notices and receipts, one A4 page each."""

    route_base = "/print"
    class_permission_name = "Case"
    method_permission_name = {"document": "read"}
    base_permissions = ["can_read"]
    default_view = "document"

    @expose("/case/<int:pk>/<kind>")
    @has_access
    def document(self, pk, kind):
        if kind not in DOCUMENT_KINDS:
            abort(404)
        case = db.session.get(Case, pk)
        scope = window_scope()
        if case is None or (scope is not None and case.window_id != scope):
            abort(404)
        notice = next((n for n in reversed(case.notices) if n.kind == kind), None)
        if kind not in ("acceptance", "receipt", "refusal_report") and notice is None:
            abort(404)
        return self.render_template(f"print/{kind}.html", case=case, notice=notice)
