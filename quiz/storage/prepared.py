"""Statements compiled once and run on the driver's cursor: the answer, the one write a
learner waits on, and the import's bulk insert of new cards. SQLAlchemy builds and compiles
them (for SQLite or PostgreSQL, with its own conversion of each parameter); only its
per-call and per-row execution machinery is left out (which would double a 100k-card import).

An UPDATE in a transaction took 145 µs through Connection.execute, 14 µs on the driver's
cursor. benchmarks/bench_answer.py, one answer (schedule + commit) on 100k cards beside
Anki 26.09, two alternating runs: built and executed by SQLAlchemy on every answer, 1.09
and 1.14 ms at synchronous=NORMAL (1.58x and 1.50x Anki); prepared, 0.69 and 0.57 ms at
FULL (0.93x and 0.87x Anki, whose commits are FULL too)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class Prepared:
    """`statement` as its dialect's SQL text, with its bound parameters in the order the
    driver takes them, each with SQLAlchemy's conversion (a datetime to SQLite's stored
    text). Every parameter is a bindparam() the caller names, or a column of an INSERT
    compiled for `column_keys`: no literal values."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, column_keys: list[str] | None = None):
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=column_keys))
        self.sql = str(compiled)
        self.positional = compiled.positiontup is not None
        self.names = compiled.positiontup if compiled.positiontup is not None else list(compiled.binds)
        types = [compiled.binds[name].type.dialect_impl(dialect) for name in self.names]
        self.binds = [(name, kind.bind_processor(dialect)) for name, kind in zip(self.names, types)]
        self.converts = any(convert is not None for _name, convert in self.binds)
        self.dbapi_error = dialect.loaded_dbapi.Error

    def run(self, conn: Connection, values: Mapping[str, Any]) -> tuple[int, tuple | None]:
        """Execute in `conn`'s transaction: the rows it changed, and its first row returned."""
        return self._execute(conn, "execute", self._parameters(values))

    def run_many(
        self, conn: Connection, rows: Sequence[Mapping[str, Any]], unset: Mapping[str, Any] | None = None
    ) -> None:
        """Execute once per row, in one executemany: a bulk insert's 10^5 rows. A row may leave
        out the values `unset` has (and takes those); it has every other value."""
        parameters: list
        if not self.converts and not self.positional and unset is None:
            parameters = list(rows)
        else:  # converted a column at a time, by map: an Anki import's 120k log rows 1.28 -> 0.86 s
            columns = [self._column(rows, name, convert, unset) for name, convert in self.binds]
            values = zip(*columns) if columns else ((),) * len(rows)  # (a statement of no parameters: once a row)
            parameters = list(values) if self.positional else [dict(zip(self.names, row)) for row in values]
        if conn.dialect.name != "sqlite":
            self._execute(conn, "executemany", parameters)
            return
        # SQLite's page cache at 40 MiB for the rows (2 MiB by default; Anki's collection keeps 40
        # always, which would add 40 MB to reading a large collection): the indexes the rows go
        # into stay in memory. 120k log rows of an Anki import: 1.8 -> 1.2 s
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql("PRAGMA cache_size = -40960")
        try:
            self._execute(conn, "executemany", parameters)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(default)}")

    @staticmethod
    def _column(rows: Sequence[Mapping[str, Any]], name: str, convert, unset: Mapping[str, Any] | None) -> list:
        """The rows' values of one parameter, converted."""
        if unset is None or name not in unset:
            values = [row[name] for row in rows]
        else:
            default = unset[name]
            values = [row.get(name, default) for row in rows]
        return values if convert is None else list(map(convert, values))

    def _parameters(self, values: Mapping[str, Any]) -> Any:
        converted = [(name, values[name] if convert is None else convert(values[name])) for name, convert in self.binds]
        return [value for _name, value in converted] if self.positional else dict(converted)

    def _execute(self, conn: Connection, method: str, parameters: Any) -> tuple[int, tuple | None]:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            getattr(cursor, method)(self.sql, parameters)
            return cursor.rowcount, cursor.fetchone() if cursor.description else None
        except self.dbapi_error as error:  # as Connection.execute raises it (Locked reads it)
            raise DBAPIError.instance(self.sql, parameters, error, self.dbapi_error) from error
        finally:
            cursor.close()
