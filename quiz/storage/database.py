"""The engine: SQLite tuned for one learner and a few processes (WAL, a busy timeout),
PostgreSQL for several machines, write transactions that take the lock up front, and where
the collection is by default."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from quiz.errors import QuizError
from quiz.i18n import N_, _
from quiz.plumbing.files import os_reason
from quiz.storage.location import parsed_url, shown
from quiz.storage.sqlitefile import BUSY_TIMEOUT_MS


class Locked(QuizError):
    """Another process held the collection's write lock for longer than the busy timeout."""

    def __init__(self) -> None:
        super().__init__(_("the collection is locked by another quiz process; try again in a moment"))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # sqlite:/x.db, postgres:x (a drive letter is one letter)


def database_url(location: str, create_folder: bool = False) -> str:
    """A file path or an SQLAlchemy URL -> an SQLAlchemy URL. A file's folder must exist
    (a typo must not make a new collection somewhere new) unless `create_folder`."""
    if "://" in location:
        return location
    if _SCHEME.match(location) and not Path(location).exists():
        message = _("{location} is neither a file path nor a URL (a URL looks like sqlite:///path/quiz.db)")
        raise QuizError(message.format(location=location))
    path = Path(location).expanduser()
    if create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = _("cannot make the folder {folder}: {reason}")
            raise QuizError(message.format(folder=path.parent, reason=os_reason(error))) from None
    elif not path.parent.is_dir():
        message = _("no folder {folder} for the collection {location}: check the path, or make the folder")
        raise QuizError(message.format(folder=path.parent, location=location))
    # Built, not written out: in "sqlite:///a?b#c%20" a folder's ?, # and % are a URL's
    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def sqlite_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


DRIVERS = {  # the fix for a missing driver (words marked for the catalogs, a command as it is)
    "psycopg": "pip install 'quiz[postgres]'",
    "psycopg2": N_("use postgresql+psycopg://, which quiz[postgres] installs"),
}


def create(url: str) -> Engine:
    """An engine with SQLite tuned for one learner and a few concurrent processes."""
    backend = parsed_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        scheme = url.split("://", 1)[0]
        message = _(
            "quiz keeps a collection in SQLite or PostgreSQL, not {scheme}:// "
            "(give a file path, sqlite:///PATH or postgresql+psycopg://...)"
        )
        raise QuizError(message.format(scheme=scheme))
    try:
        engine = create_engine(url)
    except NoSuchModuleError:
        scheme = url.split("://", 1)[0]
        message = _(
            "unknown database URL scheme {scheme}:// (use a file path, sqlite:///PATH or postgresql+psycopg://...)"
        )
        raise QuizError(message.format(scheme=scheme)) from None
    except ModuleNotFoundError as error:
        fix = DRIVERS.get((error.name or "").split(".")[0], f"pip install {error.name}")
        fix = _(fix) if fix in DRIVERS.values() else fix  # no catalog has a command
        message = _("the database driver {driver} is not installed: {fix}")
        raise QuizError(message.format(driver=error.name, fix=fix)) from None
    except ArgumentError as error:
        raise QuizError(_("not a database URL: {url} ({reason})").format(url=shown(url), reason=error)) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _wal_mode(cursor)
    # FULL: a commit is on disk when it returns (the WAL synced), so an answer survives a power
    # cut once its rating key is done, as in Anki (FULL too). NORMAL syncs only at checkpoints
    # and can lose the last commits; what FULL costs an answer is a row of bench_answer.py.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    # A large ORDER BY sorted by a second thread beside the one reading the rows (`quiz cards`,
    # 100k cards: 0.31 s -> 0.27 s for its query, medians of 11 alternating, 2 cores)
    cursor.execute("PRAGMA threads = 1")
    cursor.close()


def _wal_mode(cursor) -> None:
    """Switch the file to WAL mode once. SQLite's busy handler does not cover this switch:
    two first uses of a new file at once (two threads) got "database is locked" in 73 of 200
    tries, so it is tried again for the busy timeout (then 0 of 200)."""
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("quiz_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# On PostgreSQL every quiz write transaction first takes this advisory lock, as SQLite's
# BEGIN IMMEDIATE takes the write lock: two imports of a new deck, or two first uses of an
# empty database, then run one after the other instead of one failing on a unique key.
WRITE_LOCK_KEY = 0x7175697A  # "quiz"


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the write lock from its start."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(quiz_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
                yield conn
    except OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise Locked() from None
        raise


def inserted_id(result: CursorResult) -> int:
    """The primary key of the one row an INSERT wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return key[0]


def chunks(items: list, size: int) -> Iterable[list]:
    """`items` in lists of at most `size`: for IN (...) lists that stay under the drivers' limits."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read transaction whose queries all see the database as it was at its first.

    SQLite's read transactions do so already; PostgreSQL's default level (READ COMMITTED)
    gives every statement a snapshot of its own, so there the level is raised."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def default_location() -> str:
    """QUIZ_DB, or quiz.db in the user's data directory."""
    if os.environ.get("QUIZ_DB"):
        return os.environ["QUIZ_DB"]
    return str(data_folder() / "quiz.db")


def data_folder() -> Path:
    """quiz's folder in the user's data directory (~/.local/share/quiz, or under XDG_DATA_HOME)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("quiz", appauthor=False))
