"""任务记录 — what the scheduled jobs and the generations did, and who is doing one now (OPS-1,
issue #18).

One row per run of a job (`app/services/jobs.py`): the nightly run of a job for a night, or a
generation started by hand (a month's deductions, rota or meetings, a half-year's
computation). A nightly run has one row per job and night (a failed one is run again into the
same row), so a second runner that night finds it and skips the job; a row "running" names who
holds the job's lock, for the "already running" answer of a concurrent request.

Written by the job runner on a connection of its own, not through the job's unit of work: a
job that fails and rolls back still leaves its "failed" row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from flask_appbuilder import Model

from models.types import UTCDateTime

RUNNING, DONE, FAILED = "running", "done", "failed"
OUTCOMES = (RUNNING, DONE, FAILED)


class JobRun(Model):
    """One run of a job: what for (`subject`, e.g. "2026-10"; none for a nightly run), the
    center's date it ran for, when, where (host, process), who started it, how it ended."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(20))
    run_date: Mapped[date] = mapped_column(Date)
    nightly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(100))
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        # Once per night: one nightly row per job and night, whoever runs it.
        Index("uq_job_run_nightly", "job", "run_date", unique=True,
              postgresql_where=text("nightly"), sqlite_where=text("nightly = 1")),
        Index("ix_job_run_job_started", "job", "started_at"),
    )


# --- Background jobs (issue #21): long work queued, not run in the request ----------------------
QUEUED = "queued"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)
ACTIVE_STATES = (QUEUED, RUNNING)


class BackgroundJob(Model):
    """后台任务 — one piece of long work a user asked for (a large export), run by the job
    queue's worker instead of the request: who asked, what (`kind` and its `params`, JSON),
    how far it got (`progress`, 0–100), and its file (an export) or its summary (an import) or
its error when done.

    `active_key` is set while the job is queued or running and cleared when it ends: its unique
    index lets one and the same request (user, kind, parameters) run once at a time, whichever
    app process or host receives it twice.
    """

    __tablename__ = "background_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text, default="{}")
    locale: Mapped[str] = mapped_column(String(20), default="zh_CN")
    active_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total: Mapped[int | None] = mapped_column(Integer)
    result_file: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_rows: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(String(500))  # a job without a file: what it did
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_background_job_active_key", "active_key", unique=True),
        Index("ix_background_job_user_created", "user_id", "created_at"),
    )

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES
