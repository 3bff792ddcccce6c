"""批量写入 — writing millions of generated rows fast: plain rows by row shape through the
driver's `executemany`, made in a worker process while this one writes.

Used by the demo generator (`app/demo/cases.py`); nothing a user enters goes this
way. Three parts:

- `shape_rows` turns plain dict rows into (columns, value tuples) groups, one per set of
  keys. A row holds only the columns it sets: SQLite's driver binds a None about eight
  times slower than a number or a text (it first looks for an adapter), and most columns of
  a generated case are empty. Values are converted to what the driver is handed
  (`stored_converters`) a column at a time.
- `BulkInserter` writes such groups with one `INSERT … VALUES (?, …)` per shape, by
  `Connection.exec_driver_sql` — no SQLAlchemy type processing per value, which at a
  million rows cost a third of the time through `insert(Table)` — or, on PostgreSQL through
  psycopg, with one `COPY … FROM STDIN` per shape (a row per round trip is what made
  PostgreSQL's executemany the slow half of its load).
- `items_from_worker` runs a generator function in a separate process and yields what it
  yields, so making rows (Python, one core) and writing them (the database, the other core)
  overlap. A thread would not do: SQLite's driver releases the GIL for every row and each
  hand-back waits on the generating thread, which measured no faster than one thread.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Numeric

from models.types import UTCDateTime

# SQLite stores these as SQLAlchemy writes them (its DATE/DATETIME text, NUMERIC as a float,
# BOOLEAN as 0/1); PostgreSQL's driver takes the Python values themselves.
_SQLITE_CONVERTERS = ((Date, date.isoformat), (Numeric, float), (Boolean, int))


def sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME text of a naive UTC instant ('2026-11-23 01:30:00.000000'),
    so bulk-written rows compare and sort like those the ORM writes."""
    return value.isoformat(" ", "microseconds")


def stored_converters(table, columns, dialect_name: str) -> list[tuple[str, Callable]]:
    """(column, function) for the `columns` of `table` whose Python values `dialect_name`'s
    driver cannot take as they are. UTCDateTime values must come already stored (naive UTC;
    on SQLite `sqlite_datetime`): the generator makes them so, once per value."""
    if dialect_name != "sqlite":
        return []
    converters = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, (UTCDateTime, DateTime)):
            continue
        for kind, convert in _SQLITE_CONVERTERS:
            if isinstance(column_type, kind):
                converters.append((name, convert))
                break
    return converters


def shape_rows(rows: list[dict], converters) -> list[tuple[tuple[str, ...], list[tuple]]]:
    """The rows grouped by their keys, as (keys, value tuples); values converted in place."""
    for name, convert in converters:
        for row in rows:
            value = row.get(name)
            if value is not None:
                row[name] = convert(value)
    shapes: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    return [(keys, [tuple(row.values()) for row in members]) for keys, members in shapes.items()]


class BulkInserter:
    """INSERTs of shaped rows (`shape_rows`) into one table, by the driver's executemany.

    Columns not in a shape are NULL. A column with a Python-side default must be in every
    shape (nothing applies that default here), and only `columns` may be: a shape that
    breaks either is refused before anything of it is written. On psycopg the rows go by
    COPY, in the same transaction.
    """

    _MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}

    def __init__(self, table, columns, dialect):
        self.table, self.columns = table, frozenset(columns)
        self.defaulted = frozenset(c.name for c in table.c if c.default is not None)
        if self.defaulted - self.columns:
            raise ValueError(f"{table.name}: {sorted(self.defaulted - self.columns)} have "
                             "Python-side defaults the rows must carry")
        self.marker = self._MARKERS[dialect.paramstyle]
        self.quote = dialect.identifier_preparer.quote
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self._statements: dict[tuple[str, ...], str] = {}

    def statement(self, keys: tuple[str, ...]) -> str:
        sql = self._statements.get(keys)
        if sql is None:
            unknown, lacking = set(keys) - self.columns, self.defaulted - set(keys)
            if unknown or lacking:
                raise ValueError(f"{self.table.name}: a row with {sorted(unknown)} (not "
                                 f"written here), without {sorted(lacking)} (must be)")
            columns = f"{self.quote(self.table.name)} ({', '.join(map(self.quote, keys))})"
            sql = self._statements[keys] = (
                f"COPY {columns} FROM STDIN" if self.copy else
                f"INSERT INTO {columns} VALUES ({', '.join([self.marker] * len(keys))})")
        return sql

    def write(self, connection, shaped) -> int:
        """Write the shaped rows on `connection` (a SQLAlchemy Connection); the rows written."""
        if not self.copy:
            for keys, values in shaped:
                connection.exec_driver_sql(self.statement(keys), values)
            return sum(len(values) for _keys, values in shaped)
        written = 0
        cursor = connection.connection.cursor()  # psycopg's, on the session's connection
        try:
            for keys, values in shaped:
                with cursor.copy(self.statement(keys)) as copy:
                    for row in values:
                        copy.write_row(row)
                written += len(values)
        finally:
            cursor.close()
        return written


def items_from_worker(produce: Callable[..., Iterator], *args) -> Iterator:
    """What `produce(*args)` yields, produced in a separate (spawned) process.

    `produce` must be a module-level function and `args` picklable. The worker runs one
    item ahead of the consumer: the pipe holds it until it is taken, so memory stays at a
    batch or two. An error in the worker is raised here as a RuntimeError naming it; when
    the consumer stops early or fails, the worker is stopped.
    """
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sending, produce, args), daemon=True,
                             name="bulk-load-worker")
    worker.start()
    sending.close()  # the worker holds the sending end; EOF here if it dies
    try:
        while True:
            try:
                kind, payload = receiving.recv()
            except EOFError:
                raise RuntimeError(f"the worker process ended unexpectedly "
                                   f"(exit code {worker.exitcode})") from None
            if kind == "done":
                break
            if kind == "error":
                raise RuntimeError(f"the worker process failed: {payload}")
            yield payload
        worker.join()
    finally:
        receiving.close()
        if worker.is_alive():
            worker.kill()
            worker.join()


def _work(sending, produce, args) -> None:
    try:
        for item in produce(*args):
            sending.send(("item", item))
        sending.send(("done", None))
    except BaseException as error:  # noqa: BLE001 — reported to the consumer, then exit
        lines = traceback.format_exception_only(type(error), error)
        try:
            sending.send(("error", lines[-1].strip()))
        except OSError:  # the consumer is gone
            pass
    finally:
        sending.close()


__all__ = ["BulkInserter", "items_from_worker", "shape_rows", "sqlite_datetime",
           "stored_converters"]
