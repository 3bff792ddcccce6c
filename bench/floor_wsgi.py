"""The floor app (bench/floor.py) as a WSGI module, for `bench/bench_floor.py --gunicorn`
(issue #21, P1): gunicorn serves `bench.floor_wsgi:app` with the settings it serves `run:app`
with, so page and floor both pay the same HTTP server and worker.

The pages' data statements are captured by the benchmark in its own process (the floor has no
login and no FAB to send them); it pickles {"database_url": …, "pages": …} (the arguments of
`make_floor_app`) to a file of its temporary folder and names it in BENCH_FLOOR_PAGES. Pickle,
not JSON: the statements' parameters keep their types (dates, tuples, dicts), and the file is
the benchmark's own.
"""

from __future__ import annotations

import os
import pickle

from bench.floor import PAGES_FILE, make_floor_app


def _floor_spec() -> dict:
    with open(os.environ[PAGES_FILE], "rb") as spec:
        return pickle.load(spec)


_spec = _floor_spec()
app = make_floor_app(_spec["database_url"], _spec["pages"])
