"""Excel downloads of the exports (issue #12), the way the ledger sends its file (CASE-10).

The workbook is written row by row into a temporary file while the request holds its database
session (no cursor outlives the request), then sent a chunk at a time with its length: memory
stays flat whatever the rows, and 100,000 rows take about two seconds (bench/RESULTS.md), well
inside a worker's timeout. Each export is logged by kind, row count and size — never a name.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import IO
from urllib.parse import quote

from flask import Response

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


def _chunks(spool, size: int = CHUNK):
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
