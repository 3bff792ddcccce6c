"""导入 — Excel/CSV import of windows, staff and service items with their materials (issue #12,
IMPORT-1 in app/services/reference_import.py): all of a file or nothing, the wrong rows listed
with their numbers and reasons, sample files to start from.

Resource "ReferenceImport" (write): Office and Admin, the roles that keep the reference data.
Each page is a CSRF-protected upload form; no generic add/edit/delete route exists here.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from app.extensions import db
from app.services.reference_import import (COLUMNS, MATERIAL_COLUMNS, MAX_IMPORT_BYTES,
                                           import_reference_file, sample_file)
from app.services.table_files import ImportLimits
from app.views.base import rule_checked
from app.views.downloads import XLSX

TITLES = {"windows": _l("Import windows"), "staff": _l("Import staff"),
          "items": _l("Import service items")}
SAMPLE_NAMES = {"windows": "windows", "staff": "staff", "items": "service_items"}


class ReferenceImportForm(DynamicForm):
    file = FileField(_l("Excel workbook (.xlsx) or CSV file"))


class ReferenceImportView(BaseView):
    """导入窗口 / 工作人员 / 服务事项 (Office, Admin)."""

    route_base = "/imports"
    default_view = "windows"
    class_permission_name = "ReferenceImport"
    method_permission_name = {"windows": "write", "staff": "write", "items": "write",
                              "sample": "write"}
    base_permissions = ["can_write"]

    @expose("/windows/", methods=["GET", "POST"])
    @has_access
    def windows(self):
        return self._page("windows")

    @expose("/staff/", methods=["GET", "POST"])
    @has_access
    def staff(self):
        return self._page("staff")

    @expose("/items/", methods=["GET", "POST"])
    @has_access
    def items(self):
        return self._page("items")

    def _page(self, kind: str):
        form = ReferenceImportForm(request.form if request.method == "POST" else None)
        report = None
        if request.method == "POST" and form.validate():
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                form.file.errors = [gettext("Choose a file.")]
            else:
                data = upload.read(MAX_IMPORT_BYTES + 1)
                with rule_checked(form) as saved:
                    report = import_reference_file(
                        db.session, kind, upload.filename, data,
                        limits=ImportLimits.from_config(current_app.config))  # INPUT-1
                if saved.ok and report.ok:
                    flash(gettext("%(added)s added, %(updated)s updated, %(unchanged)s unchanged.",
                                  added=report.added, updated=report.updated,
                                  unchanged=report.unchanged), "success")
        errors = [(e.sheet, e.row, e.render(gettext)) for e in report.errors] if report else []
        return self.render_template(
            "bianmin/reference_import.html", form=form, kind=kind, report=report, errors=errors,
            columns=COLUMNS[kind], materials=MATERIAL_COLUMNS if kind == "items" else (),
            sample=SAMPLE_NAMES[kind], title=str(TITLES[kind]))

    @expose("/sample/<kind>.<ext>")
    @has_access
    def sample(self, kind, ext):
        if kind not in SAMPLE_NAMES or ext not in ("csv", "xlsx"):
            abort(404)
        return Response(sample_file(kind, ext), mimetype="text/csv" if ext == "csv" else XLSX,
                        headers={"Content-Disposition":
                                 f"attachment; filename={SAMPLE_NAMES[kind]}.{ext}"})
