"""The background jobs API's answers (issue #21): a job queued, a job's state."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas.common import Answer


class JobQueued(Answer):
    """202: the work is a background job; poll `status_url` (GET) until its state is `done`
    or `failed`. `new` false: the same work was already queued or running, this is that job."""

    job_id = fields.Integer()
    state = fields.String(metadata={"description": "queued, running, done or failed"})
    new = fields.Boolean()
    status_url = fields.String(metadata={"description": "GET /api/v1/jobs/<id>"})
    page_url = fields.String(metadata={"description": "the job's page, with its progress bar"})


class JobState(Answer):
    """A job's state, its progress (0–100) and, once finished, its result or its error."""

    id = fields.Integer()
    kind = fields.String()
    state = fields.String(metadata={"description": "queued, running, done or failed"})
    progress = fields.Integer()
    rows = fields.Integer(allow_none=True)
    summary = fields.String(allow_none=True, metadata={"description": "what a done job did"})
    error = fields.String(allow_none=True, metadata={"description": "why a failed job failed"})
    download_url = fields.String(allow_none=True, metadata={"description": "a done job's file"})
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
