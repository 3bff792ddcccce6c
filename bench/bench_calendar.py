"""Time 1,000,000 CASE-3 deadlines: WorkCalendar (per-year cumulative counts) vs day-by-day walks.

Run: python bench/bench_calendar.py   (prints a markdown snippet for bench/RESULTS.md)

Acceptance dates are random over 2017–2026, limits 0–20 working days, fixed seed. The naive
walks are timed on a sample and extrapolated to 1,000,000 (they would take minutes in full);
the fast version is checked against them on that sample.
"""

from __future__ import annotations

import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import chinese_calendar  # noqa: E402

from app.rules.calendar import OFFICIAL_YEARS, WorkCalendar  # noqa: E402
from app.rules.statutory_holidays import statutory_days  # noqa: E402

N, SAMPLE, SEED = 1_000_000, 20_000, 2026


def naive_package(start: date, days: int) -> date:
    """The obvious implementation: ask chinese_calendar about each day (past its years,
    Monday–Friday minus the statutory holidays)."""
    day = start
    while days:
        day += timedelta(days=1)
        if (chinese_calendar.is_workday(day) if day.year in OFFICIAL_YEARS
                else day.weekday() < 5 and day not in statutory_days(day.year)):
            days -= 1
    return day


def naive_cached(calendar: WorkCalendar, start: date, days: int) -> date:
    """A day-by-day walk over the same cached calendar: isolates the gain of the table lookup."""
    day = start
    while days:
        day += timedelta(days=1)
        days -= calendar.is_working_day(day)
    return day


def timed(fn, inputs) -> tuple[float, list[date]]:
    t0 = time.perf_counter()
    out = [fn(s, d) for s, d in inputs]
    return time.perf_counter() - t0, out


def main() -> None:
    rng = random.Random(SEED)
    lo, hi = date(2017, 1, 1).toordinal(), date(2026, 12, 31).toordinal()
    inputs = [(date.fromordinal(rng.randint(lo, hi)), rng.randint(0, 20)) for _ in range(N)]
    sample = inputs[:SAMPLE]

    calendar = WorkCalendar()  # fresh: building the yearly caches is part of the timing
    fast_s, _ = timed(calendar.add_working_days, inputs)
    _, fast_sample = timed(calendar.add_working_days, sample)
    pkg_s, pkg_sample = timed(naive_package, sample)
    cached_s, cached_sample = timed(lambda s, d: naive_cached(calendar, s, d), sample)
    assert fast_sample == pkg_sample == cached_sample, "fast and naive deadlines disagree"
    scale = N / SAMPLE
    pkg_est, cached_est = pkg_s * scale, cached_s * scale

    print(f"""## WorkCalendar — 1,000,000 deadlines (CASE-3)

Python {platform.python_version()} on {platform.machine()}; random acceptance dates 2017–2026,
limits 0–20 working days (seed {SEED}). The naive walks ran on a sample of {SAMPLE:,} and are
extrapolated ×{scale:.0f}; all three agree on every sample deadline.

| method | 1,000,000 deadlines | per deadline | speed-up of WorkCalendar |
|---|---:|---:|---:|
| `WorkCalendar.add_working_days` (per-year cumulative counts, measured) | {fast_s:.3f} s | {fast_s / N * 1e6:.2f} µs | — |
| day-by-day walk over `chinese_calendar.is_workday` (extrapolated) | {pkg_est:.1f} s | {pkg_s / SAMPLE * 1e6:.1f} µs | {pkg_est / fast_s:.0f}× |
| day-by-day walk over cached `WorkCalendar.is_working_day` (extrapolated) | {cached_est:.2f} s | {cached_s / SAMPLE * 1e6:.2f} µs | {cached_est / fast_s:.1f}× |
""")
    assert fast_s < 2.0, f"1,000,000 deadlines took {fast_s:.2f} s (limit 2 s)"
    assert pkg_est / fast_s >= 20, "less than 20x faster than the naive loop"


if __name__ == "__main__":
    main()
