"""The multi-step half of scripts/production_check.sh (issue #21 "Past one machine").

Three sub-commands, each run by the shell script with its environment:

- `seed FILE`: in the throw-away database, the demo center's windows, staff and logins (one
  password for all), its leave requests and a few cases; writes to FILE (JSON) what the
  checks need: the password, a leave request still pending or approved, a staff member's
  clock number, the window head's user id.
- `flows FILE A B`: as browsers would, against app instance A and app instance B (two
  gunicorn processes with instance folders of their own, one database, one Redis, one shared
  folder), asserts that
    * a session signed in on A is good on B, and refused on B once it was logged out on A;
      a session on B is refused on B once an administrator reset the password on A (SEC-2,
      issue #18: the session generation lives in the database);
    * a sick-leave certificate uploaded through A is downloaded through B, byte for byte
      (LEAVE-1: LEAVE_ATTACHMENT_DIR is the shared folder);
    * a ledger export asked on A is run by the job worker (neither app instance runs jobs)
      and its progress and file are read through B (issue #21: the queue in Redis, the job
      row in the database, the file in JOBS_RESULT_DIR);
    * a clock file uploaded through A is imported by the worker from the shared folder and
      its outcome read through B (ATT-1, INPUT-1).
  Each browser sends its own X-Forwarded-For address (BIANMIN_PROXIES=1, as behind nginx), so
  these logins do not count against the login limit the shell script checks.

- `refusals INSTANCE`: the unsafe ways to start production on several processes or hosts
  are refused (per-process limits, a one-host job queue, shared folders in a host's own
  instance folder), in one process.

Only `requests` (in the test requirements) is needed for the flows. Exit status 1 with one
line per failure on stderr.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

PDF = b"%PDF-1.4\n% production check certificate\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
NEW_PASSWORD = "Reset#Check2026xy"
JOB_SECONDS = 60  # a job queued on A must be done (as seen on B) within this


class CheckFailed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- seed --------------------------------------------------------------------------------------
def seed(path: str) -> None:
    from sqlalchemy import select

    from app import create_app
    from app.cli import command_transaction
    from app.context import today
    from app.demo import create_demo_center
    from app.demo.cases import generate_demo_cases
    from app.demo.leave import generate_demo_leave
    from app.extensions import db
    from app.services.audit import audit_actor
    from app.services.leave import ACTIVE_STATES
    from models.leave import LeaveRequest
    from models.org import Staff

    password = "Check#Pass2026x"
    app = create_app()
    with app.app_context(), audit_actor("cli:production-check"):
        sm = app.appbuilder.sm
        with command_transaction():
            create_demo_center(db.session, sm, password)
        with command_transaction():
            generate_demo_leave(db.session, sm, today())
        generate_demo_cases(db.session, 30, today=today(), zone=app.config["CENTER_TIMEZONE"])
        leave = db.session.scalar(select(LeaveRequest.id)
                                  .where(LeaveRequest.state.in_(ACTIVE_STATES))
                                  .order_by(LeaveRequest.id))
        employee_no = db.session.scalar(select(Staff.employee_no)
                                        .where(Staff.employee_no.is_not(None))
                                        .order_by(Staff.employee_no))
        winhead = sm.find_user(username="winhead")
        check(leave and employee_no and winhead, "the demo center lacks a leave, staff or login")
        Path(path).write_text(json.dumps({"password": password, "leave_id": leave,
                                          "employee_no": employee_no,
                                          "winhead_id": winhead.id}))


# --- flows -------------------------------------------------------------------------------------
class Browser:
    """One browser: its cookies (kept by hand: production marks them Secure, and this check
    talks plain HTTP to gunicorn as nginx would) and its own client address."""

    def __init__(self, address: str):
        import requests

        self.http = requests.Session()
        self.address = address
        self.cookies: dict[str, str] = {}

    def copy(self, address: str) -> Browser:
        other = Browser(address)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, url: str, **kwargs):
        headers = {"X-Forwarded-For": self.address, **kwargs.pop("headers", {})}
        response = self.http.request(method, url, headers=headers, allow_redirects=False,
                                     cookies=self.cookies, timeout=30, **kwargs)
        for line in response.raw.headers.getlist("Set-Cookie"):
            name, _, rest = line.partition("=")
            value, _, attributes = rest.partition(";")
            attributes = attributes.lower()
            if "expires=thu, 01 jan 1970" in attributes or "max-age=0" in attributes:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)

    def signed_in(self, base: str) -> bool:
        status = self.get(f"{base}/users/userinfo/").status_code
        check(status in (200, 302), f"{base}/users/userinfo/ answered {status}")
        return status == 200

    def login(self, base: str, username: str, password: str) -> None:
        page = self.get(f"{base}/login/")
        response = self.post(f"{base}/login/", data={
            "username": username, "password": password, "csrf_token": csrf_token(page.text)})
        check(response.status_code == 302 and self.signed_in(base),
              f"{username} could not sign in on {base}: {response.status_code}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    check(match, "no CSRF token in the page")
    return match.group(1)


def job_of(response) -> int:
    location = response.headers.get("Location", "")
    match = re.search(r"/jobs/(\d+)$", location)
    check(response.status_code == 302 and match,
          f"no background job started: {response.status_code} {location}")
    return int(match.group(1))


def wait_for_job(browser: Browser, base: str, job_id: int) -> dict:
    """Poll the job's status through `base` until it ends; returns the last status."""
    deadline = time.monotonic() + JOB_SECONDS
    while True:
        response = browser.get(f"{base}/jobs/{job_id}/status")
        check(response.status_code == 200, f"job {job_id} status on {base}: "
                                           f"{response.status_code}")
        status = response.json()
        if status["state"] in ("done", "failed"):
            return status
        check(time.monotonic() < deadline,
              f"job {job_id} not done after {JOB_SECONDS} s (is the worker running?): {status}")
        time.sleep(0.3)


def sessions(a: str, b: str, seed: dict) -> str:
    password = seed["password"]
    clerk = Browser("203.0.113.21")
    clerk.login(a, "clerk", password)
    check(clerk.signed_in(b), "a session signed in on A is not good on B (SECRET_KEY?)")
    stolen = clerk.copy("203.0.113.22")  # a copy of the cookie, in another browser
    logout = clerk.get(f"{a}/logout/")
    response = clerk.post(f"{a}/logout/", data={"csrf_token": csrf_token(logout.text)})
    check(response.status_code == 302, f"logout on A answered {response.status_code}")
    check(not stolen.signed_in(b), "a session logged out on A is still good on B")
    check(not stolen.signed_in(a), "a session logged out on A is still good on A")

    winhead = Browser("203.0.113.23")
    winhead.login(b, "winhead", password)
    admin = Browser("203.0.113.24")
    admin.login(a, "admin", password)
    form = f"{a}/resetpassword/form?pk={seed['winhead_id']}"
    page = admin.get(form)
    response = admin.post(form, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD,
                                       "csrf_token": csrf_token(page.text)})
    check(response.status_code == 302, f"password reset on A answered {response.status_code}")
    check(not winhead.signed_in(b), "a session on B outlived a password reset on A")
    return "sessions: signed in on A, good on B; logout on A and a password reset on A end " \
           "them on B"


def office(a: str, seed: dict) -> Browser:
    browser = Browser("203.0.113.25")
    browser.login(a, "office", seed["password"])
    return browser


def uploads(a: str, b: str, seed: dict, browser: Browser) -> str:
    leave = seed["leave_id"]
    page = browser.get(f"{a}/leaverequestview/show/{leave}")
    check(page.status_code == 200, f"leave {leave} on A: {page.status_code}")
    version = re.search(r'id="version"[^>]*value="([^"]*)"|name="version"[^>]*value="([^"]*)"',
                        page.text)
    check(version, f"leave {leave}: no certificate form on A")
    response = browser.post(f"{a}/leaverequestview/certificate/{leave}", data={
        "csrf_token": csrf_token(page.text), "version": version.group(1) or version.group(2)},
        files={"certificate": ("certificate.pdf", PDF, "application/pdf")})
    check(response.status_code == 302, f"certificate upload on A: {response.status_code}")
    download = browser.get(f"{b}/leaverequestview/certificate_file/{leave}")
    check(download.status_code == 200 and download.content == PDF,
          f"the certificate uploaded on A is not served by B: {download.status_code} "
          "(LEAVE_ATTACHMENT_DIR not shared?)")
    return "uploads: a sick-leave certificate uploaded on A is served by B byte for byte"


def jobs(a: str, b: str, seed: dict, browser: Browser) -> str:
    started = time.monotonic()
    job = job_of(browser.get(f"{a}/ledger/export.xlsx"))
    status = wait_for_job(browser, b, job)
    check(status["state"] == "done" and status["progress"] == 100 and status["download"],
          f"export job {job} on B: {status}")
    page = browser.get(f"{b}/jobs/{job}")
    check(page.status_code == 200, f"job {job}'s page on B: {page.status_code}")
    file = browser.get(f"{b}{status['download']}")
    check(file.status_code == 200 and file.content[:2] == b"PK",
          f"job {job}'s file on B: {file.status_code} (JOBS_RESULT_DIR not shared?)")
    seconds = time.monotonic() - started

    number = seed["employee_no"]
    clocks = (f"employee_no,clocked_at\n{number},2026-11-02 08:07\n{number},2026-11-02 11:35\n"
              f"{number},2026-11-02 13:55\n{number},2026-11-02 17:40\n").encode()
    form = browser.get(f"{a}/clockrecords/import/")
    response = browser.post(f"{a}/clockrecords/import/",
                            data={"csrf_token": csrf_token(form.text)},
                            files={"file": ("clock.csv", clocks, "text/csv")})
    imported = wait_for_job(browser, b, job_of(response))
    check(imported["state"] == "done" and "4" in (imported["summary"] or ""),
          f"clock import job on B: {imported}")
    return (f"jobs: a ledger export asked on A ran on the worker, its progress and "
            f"{status['rows']}-row file read on B ({seconds:.1f} s); a clock file uploaded on A "
            f"was imported by the worker, read on B: {imported['summary']}")


def flows(path: str, a: str, b: str) -> int:
    seed_data = json.loads(Path(path).read_text())
    failures = 0
    browser = None
    for name, flow in (("sessions", lambda: sessions(a, b, seed_data)),
                       ("uploads", lambda: uploads(a, b, seed_data, browser)),
                       ("jobs", lambda: jobs(a, b, seed_data, browser))):
        try:
            if browser is None and name != "sessions":
                browser = office(a, seed_data)
            print(flow())
        except CheckFailed as error:
            failures += 1
            print(f"FAIL: {name}: {error}", file=sys.stderr)
    return 1 if failures else 0


# --- unsafe starts ------------------------------------------------------------------------------
def refusals(instance: str) -> int:
    """Each unsafe multi-process or multi-host setting stops `create_app` with one line naming
    the fix (config.py `check_production`); one process tries them all in turn, from the
    check's own environment (production, BIANMIN_HOSTS=2, Redis, shared folders)."""
    import os

    from app import create_app
    from config import ConfigError

    redis_url = os.environ["REDIS_URL"]
    cases = [
        ("need a shared rate-limit storage", {"RATELIMIT_STORAGE_URI": "memory://",
                                              "REDIS_URL": None, "JOBS_QUEUE_URL": redis_url}),
        ("BIANMIN_HOSTS=2 app hosts need a shared rate-limit storage",
         {"RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None, "JOBS_QUEUE_URL": redis_url,
          "WEB_CONCURRENCY": "1"}),
        ("need a shared job queue", {"JOBS_QUEUE_URL": f"sqlite:///{instance}/queue.sqlite3"}),
        ("need LEAVE_ATTACHMENT_DIR on a folder every host mounts",
         {"LEAVE_ATTACHMENT_DIR": None, "BIANMIN_INSTANCE": instance}),
        ("need JOBS_RESULT_DIR on a folder every host mounts",
         {"JOBS_RESULT_DIR": None, "BIANMIN_INSTANCE": instance}),
    ]
    failures = 0
    saved = dict(os.environ)
    for expected, changes in cases:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            create_app()
            said = "it started"
        except ConfigError as error:
            said = str(error)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if expected not in said:
            failures += 1
            print(f"FAIL: unsafe start with {changes}: {said}", file=sys.stderr)
    if not failures:
        print(f"unsafe starts: {len(cases)} refused, each with the setting to fix")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "seed":
        seed(argv[1])
        return 0
    if len(argv) == 4 and argv[0] == "flows":
        return flows(argv[1], argv[2].rstrip("/"), argv[3].rstrip("/"))
    if len(argv) == 2 and argv[0] == "refusals":
        return refusals(argv[1])
    print("usage: production_check.py seed FILE | flows FILE URL_A URL_B | refusals INSTANCE",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
