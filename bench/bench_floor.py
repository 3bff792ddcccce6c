"""Benchmark (issue #21, P1): each staff page against the floor — a bare Flask + Jinja page
rendering the same rows (bench/floor.py).

    .venv/bin/python bench/bench_floor.py --database-url sqlite:////tmp/b/bench.db
    .venv/bin/python bench/bench_floor.py --cases 100000            # builds a SQLite file
    .venv/bin/python bench/bench_floor.py --server postgresql+psycopg://postgres@127.0.0.1:5432/

Builds the database as an operator does (`flask bianmin upgrade`, `flask bianmin demo --cases
N`), or reuses --database-url as it is. Logs in as the demo clerk (window 01), leader and
office through the login form and GETs each page with Flask's in-process test client (not
gunicorn: no HTTP, no worker — the same for page and floor). For each page: the median wall
and CPU ms, the statements it sent, the raw SQL (those statements again on the driver's
cursor, every row fetched) and the floor: the page's data statements (FAB's frame left out,
bench/floor.py) run by a bare Flask app on Core and every row rendered by Jinja into a layout
of the same shape, through its own test client. Ratio = page / floor. The load average is
printed beside each figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_cases import load_average, machine, postgres_database  # noqa: E402
from bench.bench_lists import (PASSWORD, StatementLog, build, engine_name,  # noqa: E402
                               log_in, raw_sql)
from bench.floor import data_statements, make_floor_app  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')
SCRIPT = re.compile(r'<script[^>]+src="([^"]+)"')
NAV = re.compile(r"<nav\b.*?</nav>", re.S)
LINK = re.compile(r'<a\b[^>]*href="([^"#][^"]*)"[^>]*>(.*?)</a>', re.S)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--server", default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (median)")
    parser.add_argument("--only", default=None, help="substring of the page labels to run")
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


def measure(app, engine, url_of_db, args) -> list[dict]:
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
        (body, statements), page_ms, page_cpu = timed(get, args.runs)
        if method == "POST":  # the lookup's own GET (the CSRF token) is not the page
            statements = statements[len(statements) // 2:]
        raw = statistics.median(raw_sql(engine, statements)[0] for _ in range(3))
        data = data_statements(statements)
        floor_pages[label] = dict(frame_of(body), statements=data, title=label)
        rows.append({"label": label, "role": role or "public", "url": url, "load": load,
                     "page": page_ms, "cpu": page_cpu, "statements": len(statements),
                     "data_statements": len(data), "raw": raw, "bytes": len(body)})

    floor = make_floor_app(url_of_db, floor_pages)
    floor_client = floor.test_client()
    for row in rows:
        def get_floor(label=row["label"]):
            response = floor_client.get(f"/floor/{label}")
            assert response.status_code == 200, response.status_code
            return response.get_data(as_text=True)
        _, row["floor"], row["floor_cpu"] = timed(get_floor, args.runs)
        row["ratio"] = row["page"] / row["floor"]
        row["cpu_ratio"] = row["cpu"] / max(row["floor_cpu"], 0.1)
        print(f"  {row['label']:<20} page {row['page']:7.1f} ms (CPU {row['cpu']:5.0f}) "
              f"{row['statements']:3d} stmts  raw SQL {row['raw']:6.1f}  floor "
              f"{row['floor']:6.1f} ms (CPU {row['floor_cpu']:5.1f})  ratio {row['ratio']:4.1f}x "
              f"CPU ratio {row['cpu_ratio']:4.1f}x  load {row['load']}",
              file=sys.stderr, flush=True)
    floor.engine.dispose()
    return rows


def print_section(rows, cases, name, loads, args):
    print(f"### Pages against the floor at {cases:,} cases — {name}\n")
    print(f"Machine: {machine()} (shared); run {datetime.now():%Y-%m-%d %H:%M} UTC; load "
          f"average (1/5/15 min) {loads[0]} → {loads[1]}. In-process test client (page and "
          f"floor alike), median of {args.runs} runs after one warm-up. CPU = this process's CPU "
          "time during the request: the steadier figure on a shared machine.\n")
    print("| page | role | page ms | page CPU ms | statements | raw SQL ms | floor ms | floor CPU "
          "ms | page/floor (wall) | page/floor (CPU) | load (1/5/15) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['label']} | {r['role']} | {r['page']:.1f} | {r['cpu']:.0f} | "
              f"{r['statements']} | {r['raw']:.1f} | {r['floor']:.1f} | {r['floor_cpu']:.1f} | "
              f"{r['ratio']:.1f}× | {r['cpu_ratio']:.1f}× | {r['load']} |")
    print()


def main() -> None:
    args = parse_args()
    logging.disable(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-floor-"))
    drop, url = None, args.database_url
    if not url:
        if args.server:
            url, _, drop = postgres_database(args.server)
        else:
            url = f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("BIANMIN_INSTANCE", str(workdir / "instance"))
    os.environ["DATABASE_URL"] = url
    os.environ["RATELIMIT_ENABLED"] = "false"
    try:
        if not args.database_url:
            build(args, url)
        from app import create_app
        from app.extensions import db

        app = create_app()
        with app.app_context():
            engine = db.engine
        from sqlalchemy import text
        with engine.connect() as conn:
            cases = conn.execute(text("SELECT count(*) FROM service_case")).scalar()
        before = load_average()
        rows = measure(app, engine, url, args)
        print_section(rows, cases, engine_name(engine), (before, load_average()), args)
    finally:
        if drop:
            drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
