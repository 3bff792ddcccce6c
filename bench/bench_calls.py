"""Issue #21 P1: Python function calls per request of each page of bench/bench_floor.py, counted
by cProfile — deterministic, so a figure that holds on a shared machine where CPU ms move by
±50 % with the load. Reuses a database built by bench_floor/bench_lists (demo password).

    .venv/bin/python bench/bench_calls.py --database-url sqlite:////tmp/b/bench.db
"""
import argparse
import cProfile
import logging
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--database-url", required=True)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()
os.environ.setdefault("BIANMIN_INSTANCE", tempfile.mkdtemp(prefix="bianmin-calls-"))
os.environ["DATABASE_URL"] = args.database_url
os.environ["RATELIMIT_ENABLED"] = "false"
logging.disable(logging.WARNING)
from bench.bench_lists import log_in  # noqa: E402
from bench.bench_floor import pages, case_for_clerk, request  # noqa: E402
from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

app = create_app()
with app.app_context():
    engine = db.engine
clients = {}
for label, role, method, url, form in pages(case_for_clerk(engine)):
    if role not in clients:
        clients[role] = log_in(app, role) if role else app.test_client()
    c = clients[role]
    for _ in range(2):
        request(c, method, url, form)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(args.runs):
        request(c, method, url, form)  # a POST includes its form's GET, as bench_floor times it
    pr.disable()
    print(f"{label}\t{pstats.Stats(pr).total_calls / args.runs:.0f}")
