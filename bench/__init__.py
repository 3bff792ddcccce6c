"""Benchmarks (`python bench/bench_<name>.py`) and what only they and the tests run: the
attendance derivation as one SQL statement (`bench.attendance_sql`), the reference the Python
derivation is compared with."""
