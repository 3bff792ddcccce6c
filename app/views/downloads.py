"""Excel downloads of the exports (issue #12), the way the ledger sends its file (CASE-10).

The workbook is written row by row into a temporary file while the request holds its database
session (no cursor outlives the request), then sent a chunk at a time with its length: memory
stays flat whatever the rows, and 100,000 rows take about two seconds (bench/RESULTS.md), well
inside a worker's timeout. Each export is logged by kind, row count and size — never a name.

An export over EXPORT_MAX_ROWS (config.py: what stays well inside gunicorn's timeout) is
refused before anything is written: `refuse_over_cap` sends the user back to the page the export
was asked from, its filters kept, with the largest number of rows and what to narrow.

Issue #21: an export of more than EXPORT_INLINE_MAX_ROWS rows (as `refuse_over_cap` counted
them) is a background job instead: `xlsx_download` records it and answers the job's page. The
job's worker replays the same request — the same endpoint, arguments and user, with the view's
own permission check — and `xlsx_download` then writes into the job's file (`run_replayed_export`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import IO
from urllib.parse import quote, urlencode

from flask import Response, current_app, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext
from flask_login import login_user

from app.rules.errors import N_
from app.services.background import JobFailed, JobResult, job_params
from app.services.xlsx import rows_reported
from app.views.jobs import start_job

log = logging.getLogger(__name__)

EXPORT_JOB = "export"  # the background job's kind: a replayed export request (issue #21)
_ROWS = "bianmin_export_rows"  # g: the rows refuse_over_cap counted
_JOB_OUT = "bianmin_export_job_out"  # g: the job's file, while a worker replays the request
_JOB_RESULT = "bianmin_export_job_result"
_JOB_PROGRESS = "bianmin_export_job_progress"
OVER_CAP = N_("This export has more than %(max)s rows, the most one file may hold: narrow the "
              "period or the filters and export again.")
NOT_EXPORTED = N_("The export could not be made for this login any more (its permissions "
                  "changed, or the login was disabled).")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def xlsx_download(write: Callable[[IO[bytes]], int], *, kind: str, ascii_name: str,
                  display_name: str) -> Response:
    """Run `write(out)` (returns the rows written) into a spool and answer it as a download
    named `display_name` (UTF-8) or `ascii_name` for older clients — or, over
    EXPORT_INLINE_MAX_ROWS rows, start it as a background job (issue #21)."""
    if _JOB_OUT in g:  # the worker's replay: into the job's file, its progress row by row
        total = g.get(_ROWS) or None  # refuse_over_cap's count (all of them, under the cap)
        progress = g.get(_JOB_PROGRESS)
        with rows_reported(lambda done: progress(done, total)):
            g.setdefault(_JOB_RESULT, JobResult(write(g.get(_JOB_OUT)), display_name))
        return Response(status=204)
    if g.get(_ROWS, 0) > current_app.config["EXPORT_INLINE_MAX_ROWS"]:
        return start_job(EXPORT_JOB, {"endpoint": request.endpoint, "path": request.path,
                                      "view_args": request.view_args or {},
                                      "args": list(request.args.items(multi=True))})
    spool = tempfile.TemporaryFile()
    try:
        count = write(spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    log.info("%s export: %d rows, %d bytes", kind, count, size)
    return Response(_chunks(spool), mimetype=XLSX, direct_passthrough=True, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(display_name)}",
        "Content-Length": str(size),
        "Cache-Control": "no-store",
    })


def refuse_over_cap(count: Callable[[int], int], back: str, *, kind: str) -> Response | None:
    """Issue #12 (INPUT-1): None when the export holds at most EXPORT_MAX_ROWS rows —
    `count(cap)` counts them, up to cap + 1 is enough; else the refusal: the message flashed and
    a redirect to the endpoint `back` with this request's query string (the page's filters)."""
    cap = current_app.config["EXPORT_MAX_ROWS"]
    rows = count(cap)
    g.setdefault(_ROWS, rows)
    if rows <= cap:
        return None
    log.info("%s export refused: over %d rows", kind, cap)
    if _JOB_OUT in g:  # in the job: its readable failure (issue #21)
        raise JobFailed(OVER_CAP, max=f"{cap:,}")
    flash(gettext("This export has more than %(max)s rows, the most one file may hold: narrow "
                  "the period or the filters and export again.", max=f"{cap:,}"), "danger")
    query = urlencode(list(request.args.items(multi=True)))
    return redirect(url_for(back) + (f"?{query}" if query else ""))


def run_replayed_export(job, out, progress) -> JobResult:
    """Issue #21: the export job — its request replayed in the worker as its user (the view's
    permission check and filters included), `xlsx_download` writing into `out` and telling
    `progress` the rows written (of those the view counted)."""
    params = job_params(job)
    user = current_app.appbuilder.sm.get_user_by_id(job.user_id) if job.user_id else None
    if user is None or not user.is_active:
        raise JobFailed(NOT_EXPORTED)
    args = [tuple(pair) for pair in params.get("args", [])]
    with current_app.test_request_context(params["path"], query_string=args), \
            force_locale(job.locale):
        login_user(user)
        g.user = user  # what FAB's permission check reads
        setattr(g, _JOB_OUT, out)
        setattr(g, _JOB_PROGRESS, progress)
        current_app.view_functions[params["endpoint"]](**params.get("view_args", {}))
        result = g.get(_JOB_RESULT)
    if result is None:  # refused by the view itself: a permission lost, a filter gone
        raise JobFailed(NOT_EXPORTED)
    return result


def _chunks(spool, size: int = CHUNK):
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
