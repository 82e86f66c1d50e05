"""The schema (Core tables) and the engine: SQLite tuned for one learner and a few
processes, write transactions that take the lock up front, and a new collection
created and stamped without Alembic."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    false,
    insert,
    inspect,
)
from sqlalchemy.engine import URL, Connection, CursorResult, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from quiz.errors import QuizError
from quiz.i18n import N_, _
from quiz.model import Schedule
from quiz.storage.location import parsed_url, shown

# The newest revision in migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0007"
BUSY_TIMEOUT_MS = 5000


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        # SQLite hands back the stored text: parse it in C, once, for the queue's hot path.
        def parse(value):  # the offset in the text: 5x faster than .replace(tzinfo=...) (measured)
            return None if value is None else datetime.fromisoformat(value + "+00:00")

        return parse


# Core tables, not ORM classes: every query here is Core, and importing
# sqlalchemy.orm would add ~45 ms to the review's start for nothing.
# Named constraints, so migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def required(name: str, type_, *args, **kwargs) -> Column:
    return Column(name, type_, *args, nullable=False, **kwargs)


decks_t = Table(
    "decks",
    metadata,
    Column("id", Integer, primary_key=True),
    required("name", String(100), unique=True),
    required("title", Text),  # JSON text: a string or {lang: string}
    required("lang", String(35)),
    Column("description", Text),  # JSON text
    Column("source", Text),  # the file it was last imported from
    Column("source_sha256", String(64)),  # of that file and the loader
    Column("tools", Text),  # JSON: the deck's own command tables
)

# One reviewable card; siblings share (deck_id, note_key) and differ by ord.
# Server-side defaults: bulk inserts of new cards carry only their content.
cards_t = Table(
    "cards",
    metadata,
    Column("id", Integer, primary_key=True),
    required("deck_id", Integer, ForeignKey("decks.id")),
    required("note_key", String(200)),  # the card's `id` in its deck file
    required("ord", Integer),
    required("kind", String(16)),
    required("content", Text),  # JSON text: front/back/text/note/source
    required("tags", Text),  # space-separated
    required("position", Integer),
    Column("line", Integer),  # of the card's entry in its deck file; none before revision 0006
    required("retired", Boolean, server_default=false()),
    required("suspended", Boolean, server_default=false()),
    required("leech", Boolean, server_default=false()),  # lapsed too often: suspended
    Column("buried_until", UTCDateTime),
    required("state", SmallInteger, server_default="0"),
    Column("step", Integer),
    Column("stability", Float),
    Column("difficulty", Float),
    Column("due", UTCDateTime),
    Column("last_review", UTCDateTime),
    required("reps", Integer, server_default="0"),
    required("lapses", Integer, server_default="0"),
    required("flag", SmallInteger, server_default="0"),  # 0 none, else quiz.model.FLAGS' colour
    UniqueConstraint("deck_id", "note_key", "ord", name="uq_cards_identity"),
    Index("ix_cards_deck_state_due", "deck_id", "state", "due"),
    Index("ix_cards_deck_state_position", "deck_id", "state", "position"),
)

# The columns of a card's schedule, named as quiz.model.Schedule's fields.
SCHEDULE_COLUMNS = tuple(f.name for f in fields(Schedule))
# What a card is, as the queue and the deck sync read it.
CARD_COLUMNS = (cards_t.c.id, cards_t.c.note_key, cards_t.c.ord, cards_t.c.kind, cards_t.c.content, cards_t.c.tags)

# The append-only review log; the `*_before` columns let undo restore a card exactly.
reviews_t = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    required("card_id", Integer, ForeignKey("cards.id")),
    required("reviewed_at", UTCDateTime, index=True),
    required("rating", SmallInteger),
    Column("duration_ms", Integer),
    Column("answer", Text),  # what the learner typed
    required("state_before", SmallInteger),
    Column("step_before", Integer),
    Column("stability_before", Float),
    Column("difficulty_before", Float),
    Column("due_before", UTCDateTime),
    Column("last_review_before", UTCDateTime),
    required("reps_before", Integer),
    required("lapses_before", Integer),
    required("state_after", SmallInteger),
    Column("step_after", Integer),
    Column("stability_after", Float),
    Column("difficulty_after", Float),
    Column("due_after", UTCDateTime),
    required("leech", Boolean, server_default=false()),  # this answer made it a leech
    Index("ix_reviews_card", "card_id", "reviewed_at"),
    # Covering index for `quiz stats`: its scans of the log never touch the table.
    Index(
        "ix_reviews_stats",
        "reviewed_at",
        "card_id",
        "state_before",
        "rating",
        "duration_ms",
        "due_before",
        "last_review_before",
    ),
)

# The log's entries that are not scheduled answers, as Anki's revlog types 3 and 4: a cram
# answer (the schedule untouched) and the manual changes, forget (new again, the reviews
# kept) and reschedule (a due date: a learning card becomes a review). Undo restores
# `*_before`. Stats, the optimizer and the day's limits read the reviews alone.
events_t = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    required("card_id", Integer, ForeignKey("cards.id")),
    required("at", UTCDateTime),
    required("kind", String(16)),  # cram, forget, reschedule
    Column("rating", SmallInteger),  # a cram answer's
    Column("duration_ms", Integer),
    Column("answer", Text),
    required("state_before", SmallInteger),
    Column("step_before", Integer),
    Column("stability_before", Float),
    Column("difficulty_before", Float),
    Column("due_before", UTCDateTime),
    Column("last_review_before", UTCDateTime),
    required("reps_before", Integer),
    required("lapses_before", Integer),
    required("state_after", SmallInteger),
    Column("step_after", Integer),
    Column("due_after", UTCDateTime),
    Index("ix_events_card", "card_id", "at"),
    Index("ix_events_at", "at"),
)

# A deck's scheduler settings; NULL means the default.
deck_settings_t = Table(
    "deck_settings",
    metadata,
    Column("deck_id", Integer, ForeignKey("decks.id"), primary_key=True),
    Column("desired_retention", Float),
    Column("learning_steps", Text),  # JSON list of seconds
    Column("relearning_steps", Text),
    Column("new_per_day", Integer),
    Column("reviews_per_day", Integer),
    Column("maximum_interval", Integer),
    Column("leech_threshold", Integer),
    Column("parameters", Text),  # JSON list of 21 numbers
)

# The learner's own settings (language, rollover hour, bundled decks' version).
settings_t = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    required("value", Text),
)

# Command tables read from fish completion files (checking/fish.py), by file and its
# stamp (modification time and size): a changed file is read again. `data` is the
# table as JSON, or NULL when the file says nothing of the tool's options.
tool_tables_t = Table(
    "tool_tables",
    metadata,
    Column("name", String(128), nullable=False),
    Column("path", Text, nullable=False),
    required("stamp", String(64)),
    Column("data", Text),
    PrimaryKeyConstraint("name", "path"),
)


# -- engine --------------------------------------------------------------------


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
            raise QuizError(message.format(folder=path.parent, reason=error.strerror or error)) from None
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
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
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


# Alembic's own bookkeeping table, written here so that a new collection can be
# created and stamped without importing Alembic.
alembic_version_t = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_schema(engine: Engine) -> bool:
    """Create the current schema in an empty database; False if it has tables already."""
    with writing(engine) as conn:
        if inspect(conn).get_table_names():
            return False
        metadata.create_all(conn)
        alembic_version_t.create(conn)
        conn.execute(insert(alembic_version_t).values(version_num=HEAD_REVISION))
    return True


def schema_revision(engine: Engine) -> str | None:
    """The database's Alembic revision, read without importing Alembic."""
    with engine.connect() as conn:
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except (OperationalError, ProgrammingError):
            return None


def default_location() -> str:
    """QUIZ_DB, or quiz.db in the user's data directory."""
    if os.environ.get("QUIZ_DB"):
        return os.environ["QUIZ_DB"]
    import platformdirs

    return str(Path(platformdirs.user_data_dir("quiz", appauthor=False)) / "quiz.db")
