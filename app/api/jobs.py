"""Background jobs API (issue #21): `GET /api/v1/jobs/<id>` — the state, progress and result
of a job the caller started (a semi-annual computation queued by
`POST /api/v1/semiannual/compute`, or any job a page started). Its owner only: another
user's job is 404, as if it did not exist (the page `/jobs/<id>` also lets Admin read
everyone's; the API keeps to one's own)."""

from __future__ import annotations

from flask import url_for
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import get_locale, gettext

from app.api.base import RuleAnswers, openapi
from app.api.schemas.common import PkPath
from app.api.schemas.jobs import JobQueued, JobState
from app.extensions import db
from app.queue import job_progress, queue_job
from app.request_context import current_actor
from app.services.background import LOST, job_for
from models.jobs import DONE, FAILED


def job_state(job) -> dict:
    """What `GET /api/v1/jobs/<id>` answers."""
    return {"id": job.id, "kind": job.kind, "state": job.state, "progress": job_progress(job),
            "rows": job.result_rows,
            "summary": job.summary if job.state == DONE else None,
            "error": job.error if job.state == FAILED else None,
            "download_url": (url_for("BackgroundJobView.result", pk=job.id)
                             if job.state == DONE and job.result_file else None),
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def queued_answer(api, kind: str, params: dict):
    """Issue #21: start `kind` as a background job of the caller (or find the same one already
    under way) and answer 202 with its id and where to poll it (also the Location header)."""
    submitted = queue_job(db.session, user_id=current_actor().user_id, kind=kind, params=params,
                          locale=str(get_locale() or "zh_CN"), lost_message=gettext(LOST))
    job = submitted.job
    status_url = url_for("JobApi.get", pk=job.id)
    response = api.response(202, job_id=job.id, state=job.state, new=submitted.new,
                            status_url=status_url,
                            page_url=url_for("BackgroundJobView.show", pk=job.id))
    response.headers["Location"] = status_url
    return response


class JobApi(RuleAnswers, BaseApi):
    """/api/v1/jobs/ — one's background jobs (issue #21)."""

    resource_name = "jobs"
    class_permission_name = "BackgroundJob"
    method_permission_name = {"get": "read"}
    base_permissions = ["can_read"]
    allow_browser_login = True
    openapi_spec_tag = "Jobs"

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @safe
    @openapi(404, summary="A background job's state, progress and result (its owner only)",
             path=PkPath, answer=JobState)
    def get(self, pk):
        """Poll until `state` is `done` (its `summary`, or its file at `download_url`) or
        `failed` (its `error`, a readable sentence)."""
        job = job_for(db.session, pk, current_actor().user_id)
        if job is None:
            return self.response_404()
        response = self.response(200, **job_state(job))
        response.headers["Cache-Control"] = "no-store"
        return response


__all__ = ["JobApi", "JobQueued", "job_state", "queued_answer"]
