"""Reads of 10^5 rows at a time (the Anki export, `quiz cards`): instants as whole
milliseconds since 1970, computed by the database (compiled per dialect), and rows as the
driver's plain tuples. Building a datetime and a Row for each costs more than the rest:
100k cards of `quiz cards` read in 0.36 s as tuples, 0.52 s as Rows (benchmarks/bench_cards.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Integer, Text
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


class json_member(FunctionElement):
    """Member `key` (an SQL expression) of the JSON object stored as text in a column, as
    JSON text ('"docker ps"', '{"en": ...}'; 'null' or NULL without it): the database reads
    the object, so 10^5 of them are not decoded whole in Python (`quiz cards`)."""

    type = Text()
    inherit_cache = True


@compiles(json_member)
def _json_member_default(element, compiler, **kw):
    column, key = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(CAST({column} AS JSONB) -> {key} AS TEXT)"


@compiles(json_member, "sqlite")
def _json_member_sqlite(element, compiler, **kw):
    # json_quote leaves what json_extract read as JSON (an object) as it is, and quotes a string;
    # the -> operator would do both in one, from SQLite 3.38 only
    column, key = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"json_quote(json_extract({column}, '$.' || {key}))"


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
