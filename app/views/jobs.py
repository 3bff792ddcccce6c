"""后台任务 pages (issue #21): my jobs, one job's progress, its status as JSON, its file.

A page that starts long work calls `start_job(kind, params)` and sends the user to the job's
page: a progress bar that app/static/js/job_progress.js refreshes from `/jobs/<id>/status`
(a small JSON answer, no external script), then the download link or the readable error.
Every signed-in role may read its own jobs (the "BackgroundJob" resource is self-service);
Admin reads everyone's; another user's job answers 404, as if it did not exist.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, jsonify, redirect, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext, lazy_gettext as _l
from flask_login import current_user

from app.context import local_datetime
from app.extensions import db
from app.queue import enqueue, live_progress
from app.request_context import role_names
from app.roles import ADMIN
from app.services.background import (LOST, QUEUE_UNREACHABLE, job_for, not_enqueued,
                                     result_path,
                                     submit_job, visible_jobs)
from models.jobs import DONE, FAILED, QUEUED, RUNNING

log = logging.getLogger(__name__)

KIND_LABELS = {"ledger": _l("Ledger export"), "export": _l("Excel export"),
               "clock-import": _l("Clock records import")}
STATE_LABELS = {QUEUED: _l("Waiting"), RUNNING: _l("Running"), DONE: _l("Done"),
                FAILED: _l("Failed")}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _everyone() -> bool:
    return ADMIN in role_names()


def start_job(kind: str, params: dict):
    """Record the job (or find the same one running), hand it to the queue, and answer the
    redirect to its page."""
    submitted = submit_job(db.session, user_id=current_user.id, kind=kind, params=params,
                           locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
                           lost_message=gettext(LOST))
    job = submitted.job
    if submitted.new:
        try:
            enqueue(job.id)
        except Exception:  # Redis down, the queue file unwritable: said on the page, not a 500
            log.exception("background job %s: could not be queued", job.id)
            not_enqueued(db.session, job, gettext(QUEUE_UNREACHABLE))
    else:
        flash(gettext("The same work is already under way: here is its progress."), "info")
    return redirect(url_for("BackgroundJobView.show", pk=job.id))


def job_status(job) -> dict:
    """What the page's script reads: state, progress and, when done, the file's link."""
    return {
        "id": job.id,
        "state": job.state,
        "state_label": state_label(job.state),
        "progress": progress_of(job),
        "rows": job.result_rows,
        "error": job.error if job.state == FAILED else None,
        "download": (url_for("BackgroundJobView.result", pk=job.id)
                     if job.state == DONE and job.result_file else None),
        "name": job.result_name,
        "summary": job.summary if job.state == DONE else None,
    }


def progress_of(job) -> int:
    """0–100: the row's figure, or the worker's newer one from the queue while it runs."""
    if job.state == DONE:
        return 100
    if job.state == RUNNING:
        return max(job.progress, live_progress(job.id) or 0)
    return job.progress


class BackgroundJobView(BaseView):
    """后台任务 — my background jobs and their progress (Admin: everyone's)."""

    route_base = "/jobs"
    default_view = "list"
    class_permission_name = "BackgroundJob"
    method_permission_name = {"list": "read", "show": "read", "status": "read",
                              "result": "read"}
    base_permissions = ["can_read"]

    def _job(self, pk: int):
        job = job_for(db.session, pk, current_user.id, everyone=_everyone())
        if job is None:
            abort(404)
        return job

    @expose("/")
    @has_access
    def list(self):
        jobs = visible_jobs(db.session, current_user.id, everyone=_everyone())
        return self.render_template("bianmin/job_list.html", jobs=jobs, kind_label=kind_label,
                                    state_label=state_label, local_datetime=local_datetime,
                                    everyone=_everyone(), progress_of=progress_of)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int):
        job = self._job(pk)
        return self.render_template("bianmin/job_show.html", job=job, status=job_status(job),
                                    kind_label=kind_label, local_datetime=local_datetime)

    @expose("/<int:pk>/status")
    @has_access
    def status(self, pk: int):
        response = jsonify(job_status(self._job(pk)))
        response.headers["Cache-Control"] = "no-store"
        return response

    # Not named `download`: app/guards.py answers 404 to every FAB `.download` endpoint.
    @expose("/<int:pk>/download")
    @has_access
    def result(self, pk: int):
        job = self._job(pk)
        path = result_path(job, current_app.config["JOBS_RESULT_DIR"])
        if path is None:
            abort(404)
        log.info("%s job %s: file sent (%d rows)", job.kind, job.id, job.result_rows or 0)
        response = send_file(path, as_attachment=True, download_name=job.result_name,
                             max_age=0)
        response.headers["Cache-Control"] = "no-store"
        return response
