"""Issue #21 (P5): 50 users on two gunicorn workers — the locust scenario.

35 window clerks: work queue → a case → its action form, and a note on the case (a real write);
5 leaders: the dashboard page, then its data; 10 members of the public: the service guide →
an item → the progress lookup. Each step is followed by 1–3 s of think time. Every user logs in
once (the demo logins: `clerk`, `leader`, with the password the run script gave the demo).

Run by bench/locust_run.sh (gunicorn, worker, demo data and this, headless); by hand:
    locust -f bench/locustfile.py --headless -u 50 -r 5 -t 90s --host http://127.0.0.1:8731
with BENCH_PASSWORD set to the demo users' password.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
# BENCH_SCALE=0.2 runs 7/1/2 users instead of 35/5/10 (where the figures hold on this machine).
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def users(count: int) -> int:
    return max(1, round(count * SCALE))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r"/(?:caseview|casequeue)/show/(\d+)")
ITEM_LINK = re.compile(r"/guide/item/(\d+)")


def csrf(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


def log_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/login/", name="login form")
    with user.client.post("/login/", name="login", allow_redirects=False, catch_response=True,
                          data={"username": username, "password": PASSWORD,
                                "csrf_token": csrf(page.text)}) as response:
        if response.status_code != 302:
            response.failure(f"login of {username} answered {response.status_code}")


class Clerk(HttpUser):
    """窗口工作人员: queue → case → action (CASE-8, CASE-1..12)."""

    fixed_count = users(35)
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, "clerk")

    @task
    def queue_case_action(self):
        queue = self.client.get("/casequeue/list/", name="clerk: work queue")
        ids = CASE_LINK.findall(queue.text)
        if not ids:
            return
        pk = random.choice(ids)
        self.wait()
        case = self.client.get(f"/caseview/show/{pk}", name="clerk: case")
        actions = re.findall(rf"/caseview/act/{pk}/(\w+)", case.text)
        self.wait()
        if actions:
            self.client.get(f"/caseview/act/{pk}/{random.choice(actions)}",
                            name="clerk: action form")
            self.wait()
        self.client.post(f"/caseview/annotate/{pk}", name="clerk: add a note",
                         allow_redirects=False,
                         data={"csrf_token": csrf(case.text), "text": "压测备注：已电话联系申请人"})


class Leader(HttpUser):
    """领导: the dashboard and its data (issue #12)."""

    fixed_count = users(5)
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, "leader")

    @task
    def dashboard(self):
        self.client.get("/dashboard/", name="leader: dashboard")
        self.wait()
        self.client.get("/dashboard/data", name="leader: dashboard data")


class Public(HttpUser):
    """公众: the service guide and the progress lookup (GUIDE-1, CASE-9), no login."""

    fixed_count = users(10)
    wait_time = between(1, 3)

    @task
    def guide_and_lookup(self):
        guide = self.client.get("/guide/", name="public: guide")
        items = ITEM_LINK.findall(guide.text)
        if items:
            self.wait()
            self.client.get(f"/guide/item/{random.choice(items)}", name="public: item")
        self.wait()
        form = self.client.get("/guide/progress", name="public: lookup form")
        self.wait()
        self.client.post("/guide/progress", name="public: lookup", data={
            "csrf_token": csrf(form.text), "number": f"BC-2026-{random.randint(1, 20000):06d}",
            "phone": f"139{random.randint(0, 99999999):08d}"})
