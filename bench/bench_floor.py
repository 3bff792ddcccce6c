"""Benchmark (issue #21, P1): each staff page against the floor — a bare Flask + Jinja page
rendering the same rows (bench/floor.py).

    .venv/bin/python bench/bench_floor.py --database-url sqlite:////tmp/b/bench.db
    .venv/bin/python bench/bench_floor.py --cases 100000            # builds a SQLite file
    .venv/bin/python bench/bench_floor.py --server postgresql+psycopg://postgres@127.0.0.1:5432/
    .venv/bin/python bench/bench_floor.py --gunicorn --cases 100000  # as issue #21 measured

Builds the database as an operator does (`flask bianmin upgrade`, `flask bianmin demo --cases
N`), or reuses --database-url as it is (--keep keeps the one it built). Logs in as the demo
clerk (window 01), leader and office through the login form. For each page: the statements it
sent, the raw SQL (those statements again on the driver's cursor, every row fetched) and the
floor: the page's data statements (FAB's frame left out, bench/floor.py) run by a bare Flask app
on Core and every row rendered by Jinja into a layout of the same shape. Ratio = page / floor.
The load average is printed beside each figure, `uptime` before and after: the machine is
shared.

Two modes, measuring two different things:

- Default — **the Python work of page and floor**: both through Flask's in-process test client
  (no HTTP, no gunicorn worker), median wall and CPU ms of this process. It leaves out what
  page and floor share in deployment (gunicorn's accept, HTTP parsing, a connection per
  request), so its ratio is the larger, stricter one; its CPU ms are the steadier figure on a
  shared machine.
- `--gunicorn` — **what issue #21's table measured**: the real app (`run:app`) and the floor
  (`bench.floor_wsgi:app`) each served by gunicorn with 2 sync workers and docs/deploy.md's
  settings as bench/locust_run.sh runs them (WEB_CONCURRENCY=2, --timeout 120, demo mode, one
  SECRET_KEY, an instance folder of its own, the rate limits on but raised, counted in Redis
  with --redis-url / $REDIS_URL), both running throughout; one client logs in over HTTP,
  keeps its session cookie and requests page and floor alternately, one at a time: median
  wall ms per request after --warmup untimed ones (reaching both workers' per-user caches),
  and the workers' CPU ms per request (from /proc, over the runs; the database server's own
  CPU is not in it, on PostgreSQL). The statements are still captured in this process
  through the test client, and handed to the floor's gunicorn in a pickle file
  (bench/floor_wsgi.py). The public lookup's POST is timed alone (its CSRF token
  read once), where the default mode times its form's GET with it.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine  # noqa: E402
from bench.bench_lists import (PASSWORD, StatementLog, bench_database,  # noqa: E402
                               case_count, engine_name, log_in, raw_sql)
from bench.floor import PAGES_FILE, data_statements, make_floor_app  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')
SCRIPT = re.compile(r'<script[^>]+src="([^"]+)"')
NAV = re.compile(r"<nav\b.*?</nav>", re.S)
LINK = re.compile(r'<a\b[^>]*href="([^"#][^"]*)"[^>]*>(.*?)</a>', re.S)
WORKERS = 2  # issue #21's measurement: gunicorn with 2 sync workers (docs/deploy.md)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--server", default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (median)")
    parser.add_argument("--only", default=None, help="substring of the page labels to run")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database built (to reuse it with --database-url)")
    parser.add_argument("--gunicorn", action="store_true",
                        help="serve the app and the floor with gunicorn (2 sync workers) and "
                             "time both over HTTP; default: both through the test client")
    parser.add_argument("--warmup", type=int, default=5,
                        help="--gunicorn: untimed requests of each page and floor first")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="--gunicorn: where the app's workers count the rate limits "
                             "(as deployed); default $REDIS_URL, else each worker alone")
    return parser.parse_args()


def case_for_clerk(engine):
    """A case of window 01 (the demo clerk's), its number and applicant phone."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT c.id, c.number, c.applicant_phone FROM service_case c "
            "JOIN \"window\" w ON w.id = c.window_id WHERE w.number = '01' "
            "AND c.applicant_phone IS NOT NULL ORDER BY c.id DESC LIMIT 1")).one()


def pages(case) -> list[tuple[str, str, str, str, dict | None]]:
    """(label, role, method, URL, form) of each staff page of issue #21, and the public lookup."""
    return [
        ("clerk home", "clerk", "GET", "/", None),
        ("clerk work queue", "clerk", "GET", "/casequeue/list/", None),
        ("case detail", "clerk", "GET", f"/caseview/show/{case.id}", None),
        ("leader all cases", "leader", "GET", "/caseview/list/", None),
        ("attendance month", "office", "GET", "/attendance/", None),
        ("dashboard page", "leader", "GET", "/dashboard/", None),
        ("dashboard data", "leader", "GET", "/dashboard/data", None),
        ("public lookup", None, "POST", "/guide/progress",
         {"number": case.number, "phone": case.applicant_phone}),
        ("leave (my leave)", "clerk", "GET", "/leaverequestview/mine/", None),
        ("window scores", "leader", "GET", "/windowscores/", None),
        ("monthly assessment", "leader", "GET", "/assessment/month/", None),
    ]


def request(client, method, url, form):
    if method == "GET":
        return client.get(url)
    page = client.get(url).get_data(as_text=True)
    data = dict(form, csrf_token=CSRF.search(page).group(1))
    return client.post(url, data=data)


def frame_of(html: str) -> dict:
    nav = "".join(NAV.findall(html))
    return {"stylesheets": STYLESHEET.findall(html), "scripts": SCRIPT.findall(html),
            "menu": [(re.sub(r"<[^>]+>|\s+", " ", label).strip(), href)
                     for href, label in LINK.findall(nav)]}


def timed(call, runs):
    """The last run's result (the steady state: the warm-up filled the per-user caches) and
    the median wall and CPU ms of `runs` runs after one warm-up."""
    result = call()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return result, statistics.median(walls), statistics.median(cpus)


def in_process(app, engine, args, runs) -> tuple[list[dict], dict]:
    """Each page through the test client: its median ms of `runs` runs, the statements of its
    last run, their raw SQL and the floor's page made of them (name → make_floor_app's page)."""
    log = StatementLog(engine)
    clients = {}
    case = case_for_clerk(engine)
    rows, floor_pages = [], {}
    todo = [p for p in pages(case) if not args.only or args.only in p[0]]
    for label, role, method, url, form in todo:
        if role not in clients:
            clients[role] = log_in(app, role) if role else app.test_client()
        client = clients[role]

        def get():
            with log.capture():
                response = request(client, method, url, form)
                body = response.get_data(as_text=True)
            if response.status_code != 200:
                raise SystemExit(f"{label} {url}: HTTP {response.status_code}")
            return body, list(log.statements)

        load = load_average()
        (body, statements), page_ms, page_cpu = timed(get, runs)
        if method == "POST":  # the lookup's own GET (the CSRF token) is not the page
            statements = statements[len(statements) // 2:]
        raw = statistics.median(raw_sql(engine, statements)[0] for _ in range(3))
        data = data_statements(statements)
        floor_pages[label] = dict(frame_of(body), statements=data, title=label)
        rows.append({"label": label, "role": role or "public", "url": url, "method": method,
                     "form": form, "load": load, "page": page_ms, "cpu": page_cpu,
                     "statements": len(statements), "data_statements": len(data), "raw": raw,
                     "bytes": len(body)})
    return rows, floor_pages


def measure(app, engine, url_of_db, args) -> list[dict]:
    rows, floor_pages = in_process(app, engine, args, args.runs)
    floor = make_floor_app(url_of_db, floor_pages)
    floor_client = floor.test_client()
    for row in rows:
        def get_floor(label=row["label"]):
            response = floor_client.get(f"/floor/{label}")
            assert response.status_code == 200, response.status_code
            return response.get_data(as_text=True)
        _, row["floor"], row["floor_cpu"] = timed(get_floor, args.runs)
        show_ratios(row, "CPU")
    floor.engine.dispose()
    return rows


# --- --gunicorn: page and floor through gunicorn, over HTTP ------------------------------------
class Gunicorn:
    """A gunicorn master serving `target` on a free loopback port as docs/deploy.md runs it
    (WEB_CONCURRENCY sync workers, --timeout 120, no access log: bench/locust_run.sh)."""

    def __init__(self, target: str, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{self.port}",
                 "--timeout", "120", "--access-logfile", "/dev/null", target],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, seconds: float = 120) -> None:
        """Until every worker is up and one answers `path` (any status: it is serving)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if len(self.workers()) == WORKERS:
                    requests.get(self.base + path, timeout=60)
                    return
            except requests.RequestException:  # the socket is bound before a worker has the app
                pass
            time.sleep(0.5)
        tail = self.log_path.read_text(errors="replace")[-2000:]
        raise SystemExit(f"gunicorn {self.base} did not start:\n{tail}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]

    def cpu_ms(self) -> float:
        """The CPU time its workers have used (user + system; 10 ms ticks, so read over many
        requests): the server's own work per request, steadier than wall time when shared."""
        ticks = 0
        for worker in self.workers():
            try:
                with open(f"/proc/{worker}/stat") as stat:
                    fields = stat.read().rpartition(")")[2].split()
            except FileNotFoundError:  # a worker replaced meanwhile
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the master stops its workers
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(url: str, workdir: Path, args) -> dict:
    """The settings of bench/locust_run.sh: demo mode (production's Secure cookies need HTTPS),
    one SECRET_KEY for both workers, the limits on and counted (in Redis with --redis-url) but
    raised, since every request of the run comes from 127.0.0.1."""
    env = dict(os.environ, BIANMIN_ENV="demo", DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32),
               BIANMIN_INSTANCE=str(workdir / "instance-gunicorn"), WEB_CONCURRENCY=str(WORKERS),
               RATELIMIT_ENABLED="1", AUTH_RATE_LIMIT="100000 per minute",
               PUBLIC_LOOKUP_RATE_LIMIT="100000 per minute",
               RATELIMIT_KEY_PREFIX=f"benchfloor{os.getpid()}",
               JOBS_QUEUE_NAME=f"bianmin-benchfloor-{os.getpid()}")
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def http_log_in(base: str, role: str | None) -> requests.Session:
    """A browser's session: the login form's CSRF token, the POST, the session cookie kept."""
    session = requests.Session()
    if role:
        page = session.get(base + "/login/", timeout=60).text
        response = session.post(base + "/login/", allow_redirects=False, timeout=60, data={
            "username": role, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)})
        if response.status_code != 302:
            raise SystemExit(f"login of {role} over HTTP failed ({response.status_code})")
    return session


def http_call(session, base, row):
    """The page as one request: a POST carries the CSRF token read once from its form."""
    url = base + row["url"]
    if row["method"] == "GET":
        return lambda: checked(session.get(url, timeout=120), row["label"])
    token = CSRF.search(session.get(url, timeout=60).text).group(1)
    data = dict(row["form"], csrf_token=token)
    return lambda: checked(session.post(url, data=data, timeout=120), row["label"])


def checked(response, label):
    if response.status_code != 200:
        raise SystemExit(f"{label}: HTTP {response.status_code}")
    return response.content


def wall_ms(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def time_over_http(page, floor, servers, args) -> dict:
    """Page and floor alternately, `args.runs` times each after `args.warmup` of each (the
    warm-up reaches both workers' per-user caches): median wall ms, mean server CPU ms."""
    for _ in range(args.warmup):
        page()
        floor()
    walls = {"page": [], "floor": []}
    cpu_before = [server.cpu_ms() for server in servers]
    for _ in range(args.runs):
        walls["page"].append(wall_ms(page))
        walls["floor"].append(wall_ms(floor))
    cpu = [(server.cpu_ms() - before) / args.runs for server, before in zip(servers, cpu_before)]
    return {"page": statistics.median(walls["page"]), "floor": statistics.median(walls["floor"]),
            "cpu": cpu[0], "floor_cpu": cpu[1]}


def measure_gunicorn(app, engine, url_of_db, workdir, args) -> list[dict]:
    """The statements each page sends are captured in this process (test client, as without
    --gunicorn); then the app (`run:app`) and the floor (`bench.floor_wsgi:app`, fed those
    statements) are each served by gunicorn and timed over HTTP, both running all along."""
    rows, floor_pages = in_process(app, engine, args, 1)
    if not rows:
        raise SystemExit(f"no page label contains {args.only!r}")
    spec = workdir / "floor_pages.pickle"
    spec.write_bytes(pickle.dumps({"database_url": url_of_db, "pages": floor_pages}))
    env = server_env(url_of_db, workdir, args)
    servers = []
    try:
        servers.append(Gunicorn("run:app", env, workdir / "gunicorn-app.log"))
        servers.append(Gunicorn("bench.floor_wsgi:app", dict(env, **{PAGES_FILE: str(spec)}),
                                workdir / "gunicorn-floor.log"))
        servers[0].wait_ready("/login/")
        servers[1].wait_ready(f"/floor/{quote(rows[0]['label'])}")
        sessions, floor_session = {}, requests.Session()
        for row in rows:
            role = None if row["role"] == "public" else row["role"]
            if role not in sessions:
                sessions[role] = http_log_in(servers[0].base, role)
            page = http_call(sessions[role], servers[0].base, row)
            floor_url = f"{servers[1].base}/floor/{quote(row['label'])}"
            floor = lambda: checked(floor_session.get(floor_url, timeout=120), "floor")  # noqa: E731
            row["load"] = load_average()
            row.update(time_over_http(page, floor, servers, args))
            show_ratios(row, "server CPU")
    finally:
        for server in servers:
            server.stop()
    return rows


def print_section(rows, cases, name, loads, args):
    print(f"### Pages against the floor at {cases:,} cases — {name}"
          f"{', through gunicorn' if args.gunicorn else ''}\n")
    print(f"Machine: {machine()} (shared); run {datetime.now():%Y-%m-%d %H:%M} UTC; `uptime` "
          f"before: `{loads[0]}`; after: `{loads[1]}`. {how_measured(args)}\n")
    cpu = "server CPU ms" if args.gunicorn else "CPU ms"
    print(f"| page | role | page ms | page {cpu} | statements | raw SQL ms | floor ms | floor {cpu} "
          "| page/floor (wall) | page/floor (CPU) | load (1/5/15) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['label']} | {r['role']} | {r['page']:.1f} | {r['cpu']:.1f} | "
              f"{r['statements']} | {r['raw']:.1f} | {r['floor']:.1f} | {r['floor_cpu']:.1f} | "
              f"{r['ratio']:.1f}× | {r['cpu_ratio']:.1f}× | {r['load']} |")
    print()


def how_measured(args) -> str:
    if args.gunicorn:
        return (f"Page and floor each served by gunicorn ({WORKERS} sync workers, docs/deploy.md's "
                "settings) and requested over HTTP on 127.0.0.1 by one client, one request at a "
                f"time, alternately; median wall ms of {args.runs} runs after {args.warmup} "
                "warm-ups. Server CPU = the workers' CPU time (/proc) over the runs, per request. "
                "Statements and raw SQL: the page's, captured through the test client.")
    return (f"In-process test client (page and floor alike), median of {args.runs} runs after "
            "one warm-up. CPU = this process's CPU time during the request: the steadier figure "
            "on a shared machine.")


def show_ratios(row: dict, cpu: str) -> None:
    """The row's page/floor ratios, computed into it and printed as the run goes."""
    row["ratio"] = row["page"] / row["floor"]
    row["cpu_ratio"] = row["cpu"] / max(row["floor_cpu"], 0.1)
    print(f"  {row['label']:<20} page {row['page']:7.1f} ms ({cpu} {row['cpu']:5.1f}) "
          f"{row['statements']:3d} stmts  raw SQL {row['raw']:6.1f}  floor "
          f"{row['floor']:6.1f} ms ({cpu} {row['floor_cpu']:5.1f})  ratio {row['ratio']:4.1f}x  "
          f"CPU ratio {row['cpu_ratio']:4.1f}x  load {row['load']}", file=sys.stderr, flush=True)

def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    args = parse_args()
    with bench_database(args, "bianmin-floor-") as (url, workdir, _):
        from app import create_app
        from app.extensions import db

        app = create_app()
        with app.app_context():
            engine = db.engine
        cases = case_count(engine)
        before = uptime()
        if args.gunicorn:
            rows = measure_gunicorn(app, engine, url, workdir, args)
        else:
            rows = measure(app, engine, url, args)
        print_section(rows, cases, engine_name(engine), (before, uptime()), args)
        engine.dispose()


if __name__ == "__main__":
    main()
