"""Reads of 10^5 rows at a time (the Anki export, `quiz cards`): instants as whole
milliseconds since 1970, computed by the database (compiled per dialect), and rows as the
driver's plain tuples; an Anki import's bulk writes give their instants so too. Building
a datetime and a Row for each costs more than the rest: 100k cards of `quiz cards` read
in 0.36 s as tuples, 0.52 s as Rows (benchmarks/bench_cards.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, Integer, Text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _arguments(element, compiler, **kw) -> list[str]:
    """The SQL of a function element's arguments, for its compiled forms below."""
    return [compiler.process(arg, **kw) for arg in element.clauses]


class epoch_ms(FunctionElement):
    """A stored instant as whole milliseconds since 1970-01-01 UTC; NULL stays NULL."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_ms)
def _epoch_ms_default(element, compiler, **kw):
    (instant,) = _arguments(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM {instant}) * 1000) AS BIGINT)"


@compiles(epoch_ms, "sqlite")
def _epoch_ms_sqlite(element, compiler, **kw):
    (instant,) = _arguments(element, compiler, **kw)
    return sqlite_epoch_ms(instant)


def sqlite_epoch_ms(instant: str) -> str:
    """epoch_ms in SQLite's SQL, of the SQL text of a stored instant (also for SQL written
    without SQLAlchemy: quiz.anki.sqlrows)."""
    # julianday() is exact to the millisecond; 2440587.5 is 1970-01-01 as a Julian day.
    return f"CAST(ROUND((julianday({instant}) - 2440587.5) * 86400000.0) AS INTEGER)"


class from_epoch_ms(FunctionElement):
    """Whole milliseconds since 1970-01-01 UTC (an SQL expression) as the stored instant,
    epoch_ms's inverse, made by the database; NULL stays NULL. An Anki import's 120k log rows
    give their instants so: the text of 480k datetimes made in Python took 0.64 s, against
    0.26 s made by SQLite (360k values; measured here)."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(from_epoch_ms)
def _from_epoch_ms_default(element, compiler, **kw):
    # A double holds every millisecond count exactly, and so does the interval it scales.
    (ms,) = _arguments(element, compiler, **kw)
    return f"(TIMESTAMPTZ 'epoch' + CAST({ms} AS DOUBLE PRECISION) * INTERVAL '1 millisecond')"


@compiles(from_epoch_ms, "sqlite")
def _from_epoch_ms_sqlite(element, compiler, **kw):
    # The text UTCDateTime stores (2026-05-10 08:00:00.123000): %f gives the milliseconds.
    (ms,) = _arguments(element, compiler, **kw)
    return f"(strftime('%Y-%m-%d %H:%M:%f', {ms} / 1000.0, 'unixepoch') || '000')"


class json_member(FunctionElement):
    """Member `key` (an SQL expression) of the JSON object stored as text in a column, as
    JSON text ('"docker ps"', '["docker ps"]'; 'null' or NULL without it); a member that is
    an object of languages ({"en": ..., "zh": ...}) read in the first of `langs` (SQL
    expressions: language codes, as LANG_CODE checks them) it has, else left whole. The
    database reads the object, so 10^5 of them are not decoded in Python (`quiz cards`, 100k
    cards of two languages: the listing 0.153 -> 0.094 s, the query 0.01 s more)."""

    type = Text()
    inherit_cache = True


@compiles(json_member)
def _json_member_default(element, compiler, **kw):
    column, key, *langs = _arguments(element, compiler, **kw)
    member = f"(CAST({column} AS JSONB) -> {key})"
    chosen = ", ".join([*(f"{member} -> {lang}" for lang in langs), member])
    return f"CAST(CASE jsonb_typeof({member}) WHEN 'object' THEN COALESCE({chosen}) ELSE {member} END AS TEXT)"


@compiles(json_member, "sqlite")
def _json_member_sqlite(element, compiler, **kw):
    # json_quote leaves what json_extract read as JSON (an object) as it is, and quotes a string;
    # the -> operator would do both in one, from SQLite 3.38 only. A language is a quoted
    # label of the path: a code may hold a hyphen (zh-CN).
    column, key, *langs = _arguments(element, compiler, **kw)
    path = f"('$.' || {key})"
    member = f"json_extract({column}, {path})"
    chosen = ", ".join([*(f"json_extract({column}, {path} || '.\"' || {lang} || '\"')" for lang in langs), member])
    return f"json_quote(CASE json_type({column}, {path}) WHEN 'object' THEN COALESCE({chosen}) ELSE {member} END)"


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
