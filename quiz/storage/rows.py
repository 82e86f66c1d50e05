"""Reads of 10^5 rows at a time (the Anki export, `quiz cards`): instants as whole
milliseconds since 1970, computed by the database (compiled per dialect), and rows as the
driver's plain tuples. Building a datetime and a Row for each costs more than the rest:
100k cards of `quiz cards` read in 0.36 s as tuples, 0.52 s as Rows (benchmarks/bench_cards.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Integer
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class epoch_ms(FunctionElement):
    """A stored instant as whole milliseconds since 1970-01-01 UTC; NULL stays NULL."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_ms)
def _epoch_ms_default(element, compiler, **kw):
    (instant,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM {instant}) * 1000) AS BIGINT)"


@compiles(epoch_ms, "sqlite")
def _epoch_ms_sqlite(element, compiler, **kw):
    # julianday() is exact to the millisecond; 2440587.5 is 1970-01-01 as a Julian day.
    (instant,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND((julianday({instant}) - 2440587.5) * 86400000.0) AS INTEGER)"


def driver_rows(conn: Connection, query) -> list[tuple]:
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)
