"""The schema: the Core tables, and a new collection created and stamped without Alembic
(the engine is quiz.storage.engine)."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timezone

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
    false,
    insert,
    inspect,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from quiz.model import Schedule
from quiz.storage.database import writing

# The newest revision in migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0009"


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

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        # SQLite stores the text SQLAlchemy's DATETIME writes (2026-05-10 08:00:00.000000), made
        # by isoformat in C: 1.6 -> 1.2 µs a value, of which the import of bench_anki_import.py's
        # 100k Anki cards writes some 6 * 10^5
        def text(value):
            value = self.process_bind_param(value, dialect)  # aware, in UTC
            return None if value is None else value.isoformat(" ", "microseconds")[:26]

        return text

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
    Column("review_order", String(16)),  # quiz.model.REVIEW_ORDERS; none before revision 0008
    Column("easy_days", Text),  # JSON list of 7 of quiz.model.EASY_DAY_LOADS; none before revision 0009
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
