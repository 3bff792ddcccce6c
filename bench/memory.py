"""A process's peak memory while a block runs, one helper for the tests and the benchmarks
(CASE-10: exports and the xlsx writer in bounded memory, tests/views/test_ledger.py and
tests/services/test_xlsx.py; the ledger export's memory growth, bench/bench_lists.py)."""

from __future__ import annotations

import ctypes
import gc
import os
import threading


def _trim_heap() -> None:
    """Give freed heap memory back to the system (glibc), so that memory freed before the
    measurement cannot hide growth during it."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakMemory:
    """The growth of this process's resident memory while the block runs, sampled every 10 ms
    from /proc by a thread: C buffers (libpq's, SQLite's, zlib's) count too, which tracemalloc
    does not see, and sampling costs nothing to the code under test."""

    def __init__(self):
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.stop = threading.Event()

    def rss(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self.page

    def sample(self):
        while not self.stop.wait(0.01):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        gc.collect()
        _trim_heap()
        self.start = self.peak = self.rss()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())
        self.growth = self.peak - self.start
