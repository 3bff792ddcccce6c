"""Issue #21: the public pages (service guide, guide item, progress lookup GET and POST) —
Python function calls per request (cProfile, deterministic) and in-process wall ms (median and
p10) through Flask's test client; with --dump DIR, every public page variant written to DIR in
zh_CN and en (CSRF tokens, CSP nonces and the rating token masked) for a byte comparison of two
trees. Reuses a database built by `flask bianmin demo` (any --cases); --dump works on a copy.

    .venv/bin/python bench/bench_public_pages.py --database-url sqlite:////tmp/b/demo.db
    .venv/bin/python bench/bench_public_pages.py --database-url sqlite:////tmp/b/demo.db \\
        --dump /tmp/public-html
"""
import argparse
import cProfile
import logging
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--database-url", required=True)
parser.add_argument("--calls-runs", type=int, default=50)
parser.add_argument("--time-runs", type=int, default=300)
parser.add_argument("--dump", help="write the pages' masked HTML here instead of measuring")
args = parser.parse_args()
os.environ.setdefault("BIANMIN_INSTANCE", tempfile.mkdtemp(prefix="bianmin-public-"))
os.environ.setdefault("SECRET_KEY", "bench-public-pages-" + "0" * 32)
database_url = args.database_url
if args.dump and database_url.startswith("sqlite:///"):  # the dump rates and changes states
    copy = Path(tempfile.mkdtemp(prefix="bianmin-public-db-")) / "demo.db"
    shutil.copyfile(database_url[len("sqlite:///"):], copy)
    database_url = f"sqlite:///{copy}"
os.environ["DATABASE_URL"] = database_url
os.environ["RATELIMIT_ENABLED"] = "0"
logging.disable(logging.WARNING)

from flask_babel import force_locale  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.rules import case_states as cs  # noqa: E402
from app.rules.intake import PUBLIC_LEVELS  # noqa: E402
import app.views.public as public  # noqa: E402
from app.views.public_rating import render_rating  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MASKS = [(re.compile(r'(name="(?:csrf_token|token)" value=")[^"]*(")'), r"\1MASKED\2"),
         (re.compile(r'(nonce=")[^"]*(")'), r"\1MASKED\2")]

app = create_app()
print(f"app from {Path(public.__file__).parents[2]}", file=sys.stderr)


def sql(statement: str, **params):
    with db.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


with app.app_context():
    ITEM = sql("SELECT i.id FROM service_item i JOIN item_material m ON m.item_id = i.id "
               "WHERE i.is_active GROUP BY i.id ORDER BY count(*) DESC, i.id LIMIT 1")[0][0]
    CASE = sql("SELECT id, number, applicant_phone FROM service_case "
               "WHERE applicant_phone IS NOT NULL ORDER BY state = 'in_progress' DESC, id DESC "
               "LIMIT 1")[0]


def csrf_of(client, url="/guide/progress") -> str:
    return CSRF.search(client.get(url).get_data(as_text=True)).group(1)


def lookup(client, token, number=None, phone=None):
    return client.post("/guide/progress", data={
        "number": CASE.number if number is None else number,
        "phone": CASE.applicant_phone if phone is None else phone, "csrf_token": token})


def measure() -> None:
    client = app.test_client()
    token = csrf_of(client)
    pages = [("service guide", lambda: client.get("/guide/")),
             ("guide item", lambda: client.get(f"/guide/item/{ITEM}")),
             ("progress GET", lambda: client.get("/guide/progress")),
             ("progress POST (found)", lambda: lookup(client, token))]
    print("| page | calls/request | median ms | p10 ms | bytes |")
    print("|---|---:|---:|---:|---:|")
    for label, call in pages:
        for _ in range(20):
            response = call()
            assert response.status_code == 200, (label, response.status_code)
        assert "state-" in response.get_data(as_text=True) or "POST" not in label
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.calls_runs):
            call()
        profile.disable()
        calls = pstats.Stats(profile).total_calls / args.calls_runs
        walls = []
        for _ in range(args.time_runs):
            started = time.perf_counter()
            call()
            walls.append((time.perf_counter() - started) * 1000)
        p10 = statistics.quantiles(walls, n=10)[0]
        print(f"| {label} | {calls:.0f} | {statistics.median(walls):.2f} | {p10:.2f} | "
              f"{len(response.data)} |")


def dump(directory: Path) -> None:
    """Every variant of the public templates, both languages: what the two trees must render
    alike."""
    directory.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        items = [row[0] for row in sql("SELECT id FROM service_item WHERE is_active ORDER BY id")]
        other = sql("SELECT id, number, applicant_phone FROM service_case "
                    "WHERE applicant_phone IS NOT NULL AND id <> :id ORDER BY id LIMIT 1",
                    id=CASE.id)[0]
        sql("INSERT INTO case_rating_link (case_id, token, created_at) "
            "VALUES (:case_id, 'bench-token-0123456789', CURRENT_TIMESTAMP)", case_id=other.id)
    for locale in ("zh_CN", "en"):
        client = app.test_client()
        if locale != "zh_CN":
            client.get(f"/lang/{locale}")
        pages = {}

        def keep(name, response):
            html = response.get_data(as_text=True)
            for pattern, mask in MASKS:
                html = pattern.sub(mask, html)
            pages[name] = f"{response.status_code}\n{html}"

        keep("guide", client.get("/guide/"))
        keep("guide-search", client.get("/guide/?q=证"))
        keep("guide-nothing", client.get("/guide/?q=zzzz-nothing"))
        for item in items:
            keep(f"item-{item}", client.get(f"/guide/item/{item}"))
        keep("progress", client.get("/guide/progress"))
        keep("progress-number", client.get("/guide/progress?number=bc-2026-1"))
        token = csrf_of(client)
        keep("lookup-errors", lookup(client, token, number="", phone="12"))
        keep("lookup-bad-number", lookup(client, token, number="X-1"))
        keep("lookup-not-found", lookup(client, token, phone="13900000000"))
        with app.app_context():
            for state in cs.STATE_LABELS:
                sql("UPDATE service_case SET state = :state, delivered_at = CASE WHEN "
                    ":state IN ('delivered', 'closed') THEN CURRENT_TIMESTAMP END, "
                    "satisfaction = NULL, competent_unit = 'County \"archive\" <office>' "
                    "WHERE id = :id", state=state, id=CASE.id)
                keep(f"lookup-{state}", lookup(client, token))
        keep("rate-expired", client.post("/guide/progress/rate", data={
            "number": CASE.number, "token": "forged", "csrf_token": token}))
        with app.app_context():
            sql("UPDATE service_case SET state = 'delivered', delivered_at = CURRENT_TIMESTAMP, "
                "satisfaction = NULL WHERE id = :id", id=CASE.id)
        page = lookup(client, token)  # delivered, not rated: the rating form
        rating = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        keep("rate-too-long", client.post("/guide/progress/rate", data={
            "number": CASE.number, "token": rating, "rating": PUBLIC_LEVELS[0],
            "opinion": "x" * 600, "csrf_token": token}))
        keep("rate-thanked", client.post("/guide/progress/rate", data={
            "number": CASE.number, "token": rating, "rating": PUBLIC_LEVELS[0],
            "csrf_token": token}))
        keep("lookup-rated", lookup(client, token))
        with app.app_context():
            sql("UPDATE service_case SET satisfaction = NULL, delivered_at = CURRENT_TIMESTAMP "
                "WHERE id = :id", id=other.id)
        keep("scan-unknown", client.get("/guide/rate/nothing-here"))
        keep("scan-form", client.get("/guide/rate/bench-token-0123456789"))
        keep("scan-error", client.post("/guide/rate/bench-token-0123456789", data={
            "rating": "nonsense", "opinion": "x" * 600, "csrf_token": token}))
        keep("scan-thanked", client.post("/guide/rate/bench-token-0123456789", data={
            "rating": PUBLIC_LEVELS[1], "csrf_token": token}))
        keep("scan-rated", client.get("/guide/rate/bench-token-0123456789"))
        with app.app_context():
            sql("UPDATE service_case SET satisfaction = NULL, delivered_at = NULL "
                "WHERE id = :id", id=other.id)
        keep("scan-not-delivered", client.get("/guide/rate/bench-token-0123456789"))
        with app.test_request_context("/guide/progress"), force_locale(locale):
            keep("progress-limited", public.render_progress(429, limited=True))
            keep("scan-limited", render_rating(429, limited=True))
        for name, html in pages.items():
            (directory / f"{locale}-{name}.html").write_text(html, encoding="utf-8")
        print(f"{locale}: {len(pages)} pages", file=sys.stderr)


if args.dump:
    dump(Path(args.dump))
else:
    measure()
