"""Excel downloads of the exports (issue #12), the way the ledger sends its file (CASE-10).

The workbook is written row by row into a temporary file while the request holds its database
session (no cursor outlives the request), then sent a chunk at a time with its length: memory
stays flat whatever the rows, and 100,000 rows take about two seconds (bench/RESULTS.md), well
inside a worker's timeout. Each export is logged by kind, row count and size — never a name.

An export over EXPORT_MAX_ROWS (config.py: what stays well inside gunicorn's timeout) is
refused before anything is written: `refuse_over_cap` sends the user back to the page the export
was asked from, its filters kept, with the largest number of rows and what to narrow.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import IO
from urllib.parse import quote, urlencode

from flask import Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def xlsx_download(write: Callable[[IO[bytes]], int], *, kind: str, ascii_name: str,
                  display_name: str) -> Response:
    """Run `write(out)` (returns the rows written) into a spool and answer it as a download
    named `display_name` (UTF-8) or `ascii_name` for older clients."""
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
    if count(cap) <= cap:
        return None
    log.info("%s export refused: over %d rows", kind, cap)
    flash(gettext("This export has more than %(max)s rows, the most one file may hold: narrow "
                  "the period or the filters and export again.", max=f"{cap:,}"), "danger")
    query = urlencode(list(request.args.items(multi=True)))
    return redirect(url_for(back) + (f"?{query}" if query else ""))


def _chunks(spool, size: int = CHUNK):
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
