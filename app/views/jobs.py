"""后台任务 pages (issue #21): my jobs, one job's progress, its status as JSON, its file.

A page that starts long work calls `start_job(kind, params)` and sends the user to the job's
page: a progress bar that app/static/js/job_progress.js refreshes from `/jobs/<id>/status`
(a small JSON answer, no external script), then the download link or the readable error.
Every signed-in role may read its own jobs (the "BackgroundJob" resource is self-service);
Admin reads everyone's; another user's job answers 404, as if it did not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import abort, current_app, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import force_locale, get_locale, gettext, lazy_gettext as _l
from flask_login import current_user, login_user

from app.context import local_datetime
from app.extensions import db
from app.queue import job_progress, queue_job
from app.request_context import current_actor, role_names
from app.roles import ADMIN
from app.rules.errors import N_, RuleViolation
from app.security import staff_names
from app.services.background import (LOST, JobFailed, job_for, job_params, result_path,
                                     visible_jobs)
from app.services.deductions import parse_month
from app.services.jobs import JobBusy, exclusive_job
from app.services.transaction import Conflict, transaction
from app.views.base import opened_at
from models.jobs import DONE, FAILED, QUEUED, RUNNING

log = logging.getLogger(__name__)

KIND_LABELS = {"ledger": _l("Ledger export"), "export": _l("Excel export"),
               "clock-import": _l("Clock records import"),
               "reference-import": _l("Reference data import"),
               "deductions": _l("Automatic deductions of a month"),
               "semiannual": _l("Semi-annual assessment computation"),
               "attendance": _l("Attendance derivation of a month"),
               "schedule": _l("Year schedule saved and running deadlines recomputed"),
               "holiday-entry": _l("Holiday entry saved and running deadlines recomputed")}
LOGIN_GONE = N_("The login that asked for this job no longer exists or is disabled.")
NOT_ALLOWED = N_("The login that asked for this job may not do this work any more.")
CHANGED_MEANWHILE = N_("Someone else changed the same records while the job ran; nothing was "
                       "saved. Start it again.")
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
    redirect to its page. A `back` parameter (a URL of this app) is the page the job's page
    links back to: where its result shows."""
    submitted = queue_job(db.session, user_id=current_user.id, kind=kind, params=params,
                          locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
                          lost_message=gettext(LOST))
    job = submitted.job
    if not submitted.new:
        flash(gettext("The same work is already under way: here is its progress."), "info")
    return redirect(url_for("BackgroundJobView.show", pk=job.id))


def start_month_job(kind: str, may, back_on_error: str, back: Callable[[int, int], str]):
    """A page's "run the month's work" button (a generation, a derivation): the policy
    (`may(actor)`, else 403) and the CSRF token (else 400) asked here, the posted month read
    (an unreadable one: its message, back to `back_on_error`), then the job of `kind` for the
    month, with OPS-1's "already done since the page was opened" and the page its result
    shows on (`back(year, month)`)."""
    if not may(current_actor()):
        abort(403)
    if not DynamicForm(request.form).validate():  # the CSRF token
        abort(400)
    try:
        year, month = parse_month(request.form.get("month"))
    except RuleViolation as violation:
        flash(violation.render(gettext), "danger")
        return redirect(back_on_error)
    return start_job(kind, {"month": f"{year}-{month:02d}", "seen": seen_param(opened_at()),
                            "back": back(year, month)})


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
        "back": back_url(job),
    }


def back_url(job) -> str | None:
    """The page the work was asked from (where its result shows): a path of this app only."""
    back = job_params(job).get("back")
    return back if isinstance(back, str) and back.startswith("/") \
        and not back.startswith("//") else None


# --- The worker's side of a page's work ----------------------------------------------------------
@contextmanager
def as_its_user(job, path: str, query_string=None) -> Iterator[None]:
    """Issue #21: a page's work run by the worker in a request of its own for the job's user —
    signed in, so their permissions, window scope and audit name (AUDIT-1) apply as on the page
    — in their language. A login removed or disabled since is the job's readable failure."""
    user = current_app.appbuilder.sm.get_user_by_id(job.user_id) if job.user_id else None
    if user is None or not user.is_active:
        raise JobFailed(LOGIN_GONE)
    with current_app.test_request_context(path, query_string=query_string), \
            force_locale(job.locale):
        login_user(user)
        g.user = user  # what FAB's permission checks read
        yield


@contextmanager
def as_allowed_user(job, path: str, may) -> Iterator:
    """`as_its_user`, and the policy asked again (`may(actor)`): a right taken away since the
    page queued the job is the job's readable failure. Yields the job user's actor."""
    with as_its_user(job, path):
        actor = current_actor()
        if not may(actor):
            raise JobFailed(NOT_ALLOWED)
        yield actor


@contextmanager
def locked_work(job, lock: str, subject: str, run_date) -> Iterator[None]:
    """OPS-1 in a job: the page's work under its lock (the nightly job's and the command's), in
    one transaction; running elsewhere, done since the page was opened or changed meanwhile
    is the job's failure, in the page's words."""
    try:
        with exclusive_job(db.session, lock, started_by=current_actor().username,
                           subject=subject, seen=seen_of(job_params(job)),
                           run_date=run_date) as run, \
                run.watch(transaction(db.session)):
            yield
    except (JobBusy, Conflict) as error:
        raise refused(error) from error


def seen_param(seen: datetime | None) -> str | None:
    """`opened_at()` of the page (OPS-1's "already done since") as a job parameter."""
    return seen.isoformat() if seen is not None else None


def seen_of(params: dict) -> datetime | None:
    value = params.get("seen")
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def refused(error: JobBusy | Conflict) -> JobFailed:
    """OPS-1 in a job: the generation was running elsewhere or done since the page was opened
    (by whom, since when — the page's flash, as the job's message), or a concurrent change
    (issue #9) rolled it back."""
    if isinstance(error, JobBusy):
        names = staff_names([error.run.started_by]) if error.run is not None else {}
        return JobFailed(error.render(gettext, names=names), translated=True)
    return JobFailed(CHANGED_MEANWHILE)


def progress_of(job) -> int:
    """0–100 (app.queue.job_progress: the row's figure, or the worker's newer one)."""
    return job_progress(job)


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
