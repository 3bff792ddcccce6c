"""导入 — Excel/CSV import of windows, staff and service items with their materials (issue #12,
IMPORT-1 in app/services/reference_import.py): all of a file or nothing, the wrong rows listed
with their numbers and reasons, sample files to start from.

Resource "ReferenceImport" (write): Office and Admin, the roles that keep the reference data.
Each page is a CSRF-protected upload form; no generic add/edit/delete route exists here.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from app.extensions import db
from app.services.background import JobFailed, JobResult, job_params, stash_upload, stashed_upload
from app.services.reference_import import (COLUMNS, MATERIAL_COLUMNS, MAX_IMPORT_BYTES,
                                           import_reference_file, precheck_reference_file,
                                           sample_file)
from app.services.table_files import ImportLimits
from app.services.transaction import Conflict, transaction
from app.views.base import rule_checked
from app.views.downloads import XLSX
from app.views.jobs import NOT_ALLOWED, as_its_user, refused, start_job

TITLES = {"windows": _l("Import windows"), "staff": _l("Import staff"),
          "items": _l("Import service items")}
REFERENCE_IMPORT_JOB = "reference-import"  # the background job's kind (issue #21)
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
                limits = ImportLimits.from_config(current_app.config)  # INPUT-1
                # Issue #21: a large file (thousands of rows, each saved and checked against
                # the rows before it) is imported by the job worker, as the clock import; one
                # the import would refuse whole is still refused here, at once.
                checked = None
                if current_app.config["IMPORT_INLINE_MAX_KB"] * 1024 < len(data):
                    with rule_checked(form) as checked:
                        precheck_reference_file(upload.filename, data, limits)
                if checked is not None and checked.ok:
                    name = stash_upload(current_app.config["JOBS_RESULT_DIR"], data,
                                        prefix=f"{kind}-")
                    return start_job(REFERENCE_IMPORT_JOB, {
                        "kind": kind, "upload": name, "file_name": upload.filename[:200],
                        "back": url_for(f".{kind}")})
                saved = checked
                if checked is None:
                    with rule_checked(form) as saved:
                        report = import_reference_file(db.session, kind, upload.filename, data,
                                                       limits=limits)
                if saved.ok and report is not None and report.ok:
                    flash(gettext("%(added)s added, %(updated)s updated, %(unchanged)s unchanged.",
                                  added=report.added, updated=report.updated,
                                  unchanged=report.unchanged), "success")
        errors = [(e.sheet, e.row, e.render(gettext)) for e in report.errors] if report else []
        return self.render_template(
            "bianmin/reference_import.html", form=form, kind=kind, report=report, errors=errors,
            columns=COLUMNS[kind], materials=MATERIAL_COLUMNS if kind == "items" else (),
            sample=SAMPLE_NAMES[kind], title=str(TITLES[kind]))

    def run_import_job(self, job, _out, progress) -> JobResult:
        """IMPORT-1 as a background job (issue #21): the stashed upload imported by the same
        service in one transaction as the job's user (audited as them, AUDIT-1), its progress
        row by row; wrong rows are the job's readable failure (the first ten named) and nothing
        is saved."""
        params = job_params(job)
        kind = params["kind"]
        path = stashed_upload(current_app.config["JOBS_RESULT_DIR"], params["upload"])
        try:
            if kind not in TITLES:
                raise JobFailed(NOT_ALLOWED)
            with as_its_user(job, url_for(f"ReferenceImportView.{kind}")):
                if not self.appbuilder.sm.has_access("can_write", self.class_permission_name):
                    raise JobFailed(NOT_ALLOWED)
                data = path.read_bytes()
                try:
                    with transaction(db.session):  # a JobFailed rolls it back: nothing saved
                        report = import_reference_file(
                            db.session, kind, params["file_name"], data,
                            limits=ImportLimits.from_config(current_app.config),
                            progress=progress)
                        if not report.ok:
                            raise JobFailed(" ".join([gettext(
                                "Nothing was imported: %(count)s rows are wrong. Correct them "
                                "and import the file again.",
                                count=report.error_count or len(report.errors)), *[
                                    gettext("%(sheet)s row %(row)s: %(error)s", sheet=e.sheet,
                                            row=e.row, error=e.render(gettext))
                                    for e in report.errors[:10]]]), translated=True)
                except Conflict as error:
                    raise refused(error) from error
                return JobResult(report.added + report.updated, None, gettext(
                    "%(added)s added, %(updated)s updated, %(unchanged)s unchanged.",
                    added=report.added, updated=report.updated, unchanged=report.unchanged))
        finally:
            path.unlink(missing_ok=True)

    @expose("/sample/<kind>.<ext>")
    @has_access
    def sample(self, kind, ext):
        if kind not in SAMPLE_NAMES or ext not in ("csv", "xlsx"):
            abort(404)
        return Response(sample_file(kind, ext), mimetype="text/csv" if ext == "csv" else XLSX,
                        headers={"Content-Disposition":
                                 f"attachment; filename={SAMPLE_NAMES[kind]}.{ext}"})
