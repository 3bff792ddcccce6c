"""Issue #21: the whole ledger as a background job against a running server (gunicorn + the
job worker, bench/locust_run.sh) — how long the request that asks for it takes, how long the
job takes to the file, and what a page answers meanwhile (the web workers are not held).

    python bench/bench_export_job.py http://127.0.0.1:8731 office <password>

Prints one line of figures (the run script copies it into bench/RESULTS.md). Needs `requests`
(the locust tools venv has it).
"""

from __future__ import annotations

import re
import statistics
import sys
import threading
import time

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/")
    session.post(f"{base}/login/", allow_redirects=False, data={
        "username": username, "password": password,
        "csrf_token": CSRF.search(page.text).group(1)})
    return session


def main(base: str, username: str, password: str) -> None:
    session = log_in(base, username, password)
    started = time.perf_counter()
    asked = session.get(f"{base}/ledger/export.xlsx", allow_redirects=False)
    request_ms = (time.perf_counter() - started) * 1000
    if asked.status_code != 302 or "/jobs/" not in asked.headers.get("Location", ""):
        sys.exit(f"the export was not a job: {asked.status_code} {asked.headers}")
    job = asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    page_ms: list[float] = []
    done = threading.Event()

    def sample_pages():  # another user's page while the job runs
        other = requests.Session()
        while not done.is_set():
            t = time.perf_counter()
            other.get(f"{base}/guide/")
            page_ms.append((time.perf_counter() - t) * 1000)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample_pages)
    sampler.start()
    seen = []
    while True:
        status = session.get(f"{base}/jobs/{job}/status").json()
        seen.append(status["progress"])
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if status["state"] != "done":
        sys.exit(f"job failed: {status['error']}")
    file = session.get(f"{base}{status['download']}")
    distinct = sorted(set(seen))
    print(f"ledger export job: {status['rows']:,} rows, {len(file.content) / 1e6:.1f} MB; "
          f"request {request_ms:.0f} ms; file ready after {elapsed:.1f} s; progress seen "
          f"{distinct[0]}→{distinct[-1]} % in {len(distinct)} steps; /guide/ meanwhile "
          f"p50 {statistics.median(page_ms):.0f} ms, max {max(page_ms):.0f} ms "
          f"({len(page_ms)} requests)")


if __name__ == "__main__":
    main(*sys.argv[1:4])
