"""Tables, engine setup and every query: the only SQLAlchemy importer (besides migrations/).

Writes go through Core statements in short transactions; SQLite runs in WAL
mode and a writer takes its lock up front (BEGIN IMMEDIATE), so two processes
wait for each other instead of failing halfway.
"""

from __future__ import annotations

import bisect
import json
import operator
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple

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
    and_,
    bindparam,
    case,
    column,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    update,
    values,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from quiz import scheduling
from quiz.errors import QuizError
from quiz.model import CardKind, DeckSettings, DeckSpec, Rating, Schedule, State
from quiz.scheduling import DailyQueue, QueueCard

# The newest revision in migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0004"
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
        def parse(value):  # the offset in the text: 6x faster than .replace(tzinfo=...)
            return None if value is None else datetime.fromisoformat(value + "+00:00")

        return parse


class Base(DeclarativeBase):
    # Named constraints, so migrations can refer to them on every database.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


class Deck(Base):
    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text)  # JSON text: a string or {lang: string}
    lang: Mapped[str] = mapped_column(String(35))
    description: Mapped[str | None] = mapped_column(Text)  # JSON text
    source: Mapped[str | None] = mapped_column(Text)  # the file it was last imported from
    source_sha256: Mapped[str | None] = mapped_column(String(64))  # of that file and the loader
    tools: Mapped[str | None] = mapped_column(Text)  # JSON: the deck's own command tables


class Card(Base):
    """One reviewable card; siblings share (deck_id, note_key) and differ by ord."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("deck_id", "note_key", "ord", name="uq_cards_identity"),
        Index("ix_cards_deck_state_due", "deck_id", "state", "due"),
        Index("ix_cards_deck_state_position", "deck_id", "state", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    note_key: Mapped[str] = mapped_column(String(200))  # the card's `id` in its deck file
    ord: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)  # JSON text: front/back/text/note/source
    tags: Mapped[str] = mapped_column(Text)  # space-separated
    position: Mapped[int] = mapped_column(Integer)
    # Server-side defaults: bulk inserts of new cards then carry only their content.
    retired: Mapped[bool] = mapped_column(Boolean, server_default=false())
    suspended: Mapped[bool] = mapped_column(Boolean, server_default=false())
    leech: Mapped[bool] = mapped_column(Boolean, server_default=false())  # lapsed too often: suspended
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer, server_default="0")
    lapses: Mapped[int] = mapped_column(Integer, server_default="0")


class Review(Base):
    """Append-only review log; the `*_before` columns let undo restore a card exactly."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_card", "card_id", "reviewed_at"),
        # Covering index for `quiz stats`: its scans of the log never touch the table.
        Index("ix_reviews_stats", "reviewed_at", "card_id", "state_before", "rating", "duration_ms",
              "due_before", "last_review_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(Text)  # what the learner typed
    state_before: Mapped[int] = mapped_column(SmallInteger)
    step_before: Mapped[int | None] = mapped_column(Integer)
    stability_before: Mapped[float | None] = mapped_column(Float)
    difficulty_before: Mapped[float | None] = mapped_column(Float)
    due_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_review_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps_before: Mapped[int] = mapped_column(Integer)
    lapses_before: Mapped[int] = mapped_column(Integer)
    state_after: Mapped[int] = mapped_column(SmallInteger)
    step_after: Mapped[int | None] = mapped_column(Integer)
    stability_after: Mapped[float | None] = mapped_column(Float)
    difficulty_after: Mapped[float | None] = mapped_column(Float)
    due_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leech: Mapped[bool] = mapped_column(Boolean, server_default=false())  # this answer made it a leech


class DeckSettingsRow(Base):
    """A deck's scheduler settings; NULL means the default."""

    __tablename__ = "deck_settings"

    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), primary_key=True)
    desired_retention: Mapped[float | None] = mapped_column(Float)
    learning_steps: Mapped[str | None] = mapped_column(Text)  # JSON list of seconds
    relearning_steps: Mapped[str | None] = mapped_column(Text)
    new_per_day: Mapped[int | None] = mapped_column(Integer)
    reviews_per_day: Mapped[int | None] = mapped_column(Integer)
    maximum_interval: Mapped[int | None] = mapped_column(Integer)
    leech_threshold: Mapped[int | None] = mapped_column(Integer)
    parameters: Mapped[str | None] = mapped_column(Text)  # JSON list of 21 numbers


class Setting(Base):
    """The learner's own settings (language, rollover hour, bundled decks' version)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


decks_t = Deck.__table__
cards_t = Card.__table__
reviews_t = Review.__table__
deck_settings_t = DeckSettingsRow.__table__
settings_t = Setting.__table__
SCHEDULE_COLUMNS = tuple(f.name for f in fields(Schedule))
LIST_SETTINGS = ("learning_steps", "relearning_steps", "parameters")


# -- engine --------------------------------------------------------------------


def database_url(location: str) -> str:
    """A file path or an SQLAlchemy URL -> an SQLAlchemy URL."""
    if "://" in location:
        return location
    path = Path(location).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def create(url: str) -> Engine:
    """An engine with SQLite tuned for one learner and a few concurrent processes."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("quiz_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the write lock from its start."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(quiz_write=True)
            with conn.begin():
                yield conn
    except OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise QuizError("the database is locked by another quiz process; try again in a moment") from None
        raise


# Alembic's own bookkeeping table, written here so that a new collection can be
# created and stamped without importing Alembic.
alembic_version_t = Table(
    "alembic_version", MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_schema(engine: Engine) -> bool:
    """Create the current schema in an empty database; False if it has tables already."""
    with writing(engine) as conn:
        if inspect(conn).get_table_names():
            return False
        Base.metadata.create_all(conn)
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


# -- settings ------------------------------------------------------------------------


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(settings_t.c.value).where(settings_t.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(settings_t).where(settings_t.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(settings_t).values(key=key, value=value))


def deck_settings(conn: Connection, deck_id: int) -> DeckSettings:
    row = conn.execute(select(deck_settings_t).where(deck_settings_t.c.deck_id == deck_id)).mappings().first()
    return _settings_from_row(row)


def _settings_from_row(row) -> DeckSettings:
    if row is None:
        return DeckSettings()
    given = {}
    for name in DeckSettings.__dataclass_fields__:
        value = row[name]
        if value is not None:
            given[name] = tuple(json.loads(value)) if name in LIST_SETTINGS else value
    return DeckSettings(**given)


def _write_deck_settings(conn: Connection, deck_id: int, from_file: dict) -> None:
    # The file decides every setting but the FSRS parameters, which `quiz optimize`
    # may have fitted: a file without parameters keeps them.
    values = {name: None for name in DeckSettings.__dataclass_fields__ if name != "parameters"}
    for name, value in from_file.items():
        values[name] = json.dumps(list(value)) if name in LIST_SETTINGS else value
    where = deck_settings_t.c.deck_id == deck_id
    if conn.execute(update(deck_settings_t).where(where).values(**values)).rowcount == 0:
        conn.execute(insert(deck_settings_t).values(deck_id=deck_id, **values))


# -- decks -------------------------------------------------------------------------


@dataclass
class SyncReport:
    deck: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    created: bool = False

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.added or self.updated or self.retired or self.restored)


_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def sync_deck(conn: Connection, spec: DeckSpec) -> SyncReport:
    """Make the stored deck match its file; progress follows (note key, ord)."""
    report = SyncReport(spec.name)
    deck_id = _upsert_deck(conn, spec, report)
    _write_deck_settings(conn, deck_id, spec.settings)
    stored = {
        (row.note_key, row.ord): row
        for row in conn.execute(
            select(cards_t.c.id, cards_t.c.note_key, cards_t.c.ord, cards_t.c.kind, cards_t.c.content,
                   cards_t.c.tags, cards_t.c.position, cards_t.c.retired).where(cards_t.c.deck_id == deck_id)
        )
    }
    new_rows, changed_rows = [], []
    for card in spec.cards:
        values = {
            "kind": card.kind.value,
            "content": _json(card.content),
            "tags": " ".join(card.tags),
            "position": card.position,
            "retired": False,
        }
        old = stored.pop((card.key, card.ord), None)
        if old is None:
            del values["retired"]
            new_rows.append({"deck_id": deck_id, "note_key": card.key, "ord": card.ord, **values})
        elif any(getattr(old, name) != value for name, value in values.items()):
            report.restored += old.retired
            report.updated += not old.retired
            changed_rows.append({"card_id": old.id, **values})
    gone = [row.id for row in stored.values() if not row.retired]
    if new_rows:
        conn.execute(insert(cards_t), new_rows)
    if changed_rows:
        conn.execute(update(cards_t).where(cards_t.c.id == bindparam("card_id")), changed_rows)
    for chunk in _chunks(gone, 500):
        conn.execute(update(cards_t).where(cards_t.c.id.in_(chunk)).values(retired=True))
    report.added, report.retired = len(new_rows), len(gone)
    return report


def _upsert_deck(conn: Connection, spec: DeckSpec, report: SyncReport) -> int:
    values = {
        "title": _json(spec.title),
        "lang": spec.lang,
        "description": _json(spec.description) if spec.description is not None else None,
        "source": spec.path,
        "source_sha256": spec.sha256 or None,
        "tools": _json(spec.tools) if spec.tools else None,
    }
    row = conn.execute(select(decks_t).where(decks_t.c.name == spec.name)).mappings().first()
    if row is None:
        report.created = True
        return conn.execute(insert(decks_t).values(name=spec.name, **values)).inserted_primary_key[0]
    if any(row[name] != value for name, value in values.items()):
        conn.execute(update(decks_t).where(decks_t.c.id == row["id"]).values(**values))
    return row["id"]


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_decks(engine: Engine, specs: list[DeckSpec]) -> list[SyncReport]:
    """Sync every deck in one transaction: all of them change, or none."""
    with writing(engine) as conn:
        return [sync_deck(conn, spec) for spec in specs]


def decks_by_fingerprint(conn: Connection, fingerprints: set[str]) -> dict[str, str]:
    """Fingerprint -> deck name, for deck files imported before exactly as they are."""
    if not fingerprints:
        return {}
    query = select(decks_t.c.source_sha256, decks_t.c.name).where(decks_t.c.source_sha256.in_(fingerprints))
    return dict(conn.execute(query).all())


def deck_tools(conn: Connection, deck_id: int) -> dict | None:
    """The command tables the deck file declared (`tools:`), as plain data."""
    tools = conn.execute(select(decks_t.c.tools).where(decks_t.c.id == deck_id)).scalar()
    return json.loads(tools) if tools else None


def deck_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(decks_t.c.name).order_by(decks_t.c.name)).scalars())


# -- the day's queue ---------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """The learner's current day, as UTC instants."""

    now: datetime
    start: datetime
    end: datetime

    @classmethod
    def of(cls, now: datetime, zone: tzinfo, rollover_hour: int) -> Day:
        return cls(now, scheduling.day_start(now, zone, rollover_hour), scheduling.next_day_start(now, zone, rollover_hour))


QUEUE_COLUMNS = (cards_t.c.id, cards_t.c.note_key, cards_t.c.ord, cards_t.c.kind, cards_t.c.content,
                 cards_t.c.tags) + tuple(cards_t.c[name] for name in SCHEDULE_COLUMNS)


def _active(now: datetime):
    return (
        ~cards_t.c.retired,
        ~cards_t.c.suspended,
        or_(cards_t.c.buried_until.is_(None), cards_t.c.buried_until <= now),
    )


class DeckRow(NamedTuple):
    """The part of a deck the queue needs."""

    id: int
    name: str


def select_decks(conn: Connection, names: list[str] | None) -> list:
    """Deck rows (id, name, title, lang) for the given names, or all decks."""
    query = select(decks_t.c.id, decks_t.c.name, decks_t.c.title, decks_t.c.lang).order_by(decks_t.c.name)
    if names:
        query = query.where(decks_t.c.name.in_(names))
    rows = list(conn.execute(query))
    missing = sorted(set(names or ()) - {row.name for row in rows})
    if missing:
        from quiz.errors import UnknownDeck

        raise UnknownDeck(missing, deck_names(conn))
    return rows


def load_queue(conn: Connection, decks: list, day: Day) -> DailyQueue:
    """Today's queue for the given deck rows: a few indexed queries, once a session."""
    queue = DailyQueue()
    if not decks:
        return queue
    deck_ids = [deck.id for deck in decks]
    today = _answered_today(conn, deck_ids, day)
    learning = conn.execute(
        select(*QUEUE_COLUMNS, cards_t.c.deck_id)
        .where(cards_t.c.deck_id.in_(deck_ids), cards_t.c.state.in_((State.LEARNING, State.RELEARNING)),
               cards_t.c.due < day.end, *_active(day.now))
        .order_by(cards_t.c.due)
    )
    names = {deck.id: deck.name for deck in decks}
    queue.learning = [_queue_card(row, names[row.deck_id]) for row in learning.all()]
    for deck in decks:
        settings = deck_settings(conn, deck.id)
        left = scheduling.limits_left(settings, today.new.get(deck.id, 0), today.reviews.get(deck.id, 0))
        taken = today.notes.get(deck.id, set()) | {c.key for c in queue.learning if c.deck == deck.name}
        reviews = _gather(conn, deck, State.REVIEW, cards_t.c.due, day, left.reviews, taken)
        new_limit = min(left.new, left.reviews - len(reviews))
        queue.reviews += reviews
        queue.new += _gather(conn, deck, State.NEW, cards_t.c.position, day, new_limit, taken)
    queue.reviews.sort(key=lambda card: card.schedule.due)
    return queue


def _gather(conn: Connection, deck, state: State, order, day: Day, limit: int, taken: set[str]) -> list[QueueCard]:
    """Up to `limit` cards in `state`, at most one per note: siblings wait for another day."""
    if limit <= 0:
        return []
    query = select(*QUEUE_COLUMNS).where(cards_t.c.deck_id == deck.id, cards_t.c.state == state, *_active(day.now))
    if state == State.REVIEW:
        query = query.where(cards_t.c.due < day.end)
    cards = []
    result = conn.execute(query.order_by(order, cards_t.c.ord))
    # Read in batches, stopping once the limit is reached: a deck may hold 100k such cards.
    while len(cards) < limit and (rows := result.fetchmany(limit - len(cards) + 16)):
        for row in rows:
            if row.note_key not in taken and len(cards) < limit:
                taken.add(row.note_key)
                cards.append(_queue_card(row, deck.name))
    result.close()
    return cards


@dataclass
class _Today:
    """What was answered today, per deck: notes touched, new cards started, reviews done."""

    notes: dict[int, set[str]]
    new: dict[int, int]
    reviews: dict[int, int]


def _answered_today(conn: Connection, deck_ids: list[int], day: Day) -> _Today:
    # Driven from today's few reviews (indexed by time), then their cards by key:
    # a join would let SQLite walk every card of the deck instead.
    answers = conn.execute(
        select(reviews_t.c.card_id, reviews_t.c.state_before).where(reviews_t.c.reviewed_at >= day.start)
    ).all()
    notes_of: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(list({card_id for card_id, _ in answers}), 500):
        # By primary key alone: with the deck in the WHERE clause SQLite may walk the deck's index.
        query = select(cards_t.c.id, cards_t.c.deck_id, cards_t.c.note_key).where(cards_t.c.id.in_(chunk))
        notes_of.update((card_id, (deck_id, key)) for card_id, deck_id, key in conn.execute(query)
                        if deck_id in deck_ids)
    today = _Today({}, {}, {})
    for card_id, state_before in answers:
        if card_id in notes_of:
            deck_id, key = notes_of[card_id]
            today.notes.setdefault(deck_id, set()).add(key)
            if state_before in (State.NEW, State.REVIEW):
                counts = today.new if state_before == State.NEW else today.reviews
                counts[deck_id] = counts.get(deck_id, 0) + 1
    return today


_STATES = tuple(State)
_KINDS = {kind.value: kind for kind in CardKind}


def _queue_card(row, deck_name: str) -> QueueCard:
    # Positional: QUEUE_COLUMNS puts the Schedule fields last, in their order.
    card_id, key, ord_, kind, content, tags, state, *schedule = row[:14]
    return QueueCard(card_id, deck_name, key, ord_, _KINDS[kind], content, tags,
                     Schedule(_STATES[state], *schedule))


def deck_counts(conn: Connection, decks: list, day: Day) -> list[dict]:
    """Per deck: cards, new, learning, review, due (today's queue) and suspended."""
    rows = conn.execute(
        select(cards_t.c.deck_id, cards_t.c.state, cards_t.c.suspended, func.count())
        .where(cards_t.c.deck_id.in_([d.id for d in decks]), ~cards_t.c.retired)
        .group_by(cards_t.c.deck_id, cards_t.c.state, cards_t.c.suspended)
    )
    counts = {d.id: {"cards": 0, "new": 0, "learning": 0, "review": 0, "due": 0, "suspended": 0} for d in decks}
    for deck_id, state, suspended, count in rows:
        deck = counts[deck_id]
        deck["cards"] += count
        if suspended:
            deck["suspended"] += count
        else:
            deck[{State.NEW: "new", State.REVIEW: "review"}.get(State(state), "learning")] += count
    for deck in decks:
        counts[deck.id]["due"] = len(load_queue(conn, [deck], day))
    return [counts[d.id] for d in decks]


# -- answers -------------------------------------------------------------------------


class CardChanged(QuizError):
    def __init__(self):
        super().__init__("this card was answered elsewhere (another quiz process?); reload the queue")


@dataclass(frozen=True)
class Answered:
    schedule: Schedule
    review_id: int
    leech: bool  # this lapse made the card a leech: it is now suspended


def answer(
    engine: Engine,
    card: QueueCard,
    rating: Rating,
    now: datetime,
    settings: DeckSettings,
    duration_ms: int | None = None,
    typed: str | None = None,
) -> Answered:
    """Schedule the answer and commit it with its log row, in one transaction."""
    before = card.schedule
    after = scheduling.review(card.id, before, rating, now, settings)
    leech = scheduling.becomes_leech(before, after, settings)
    with writing(engine) as conn:
        # Matching reps makes a card answered by another process fail instead of counting twice.
        changed = conn.execute(
            update(cards_t)
            .where(cards_t.c.id == card.id, cards_t.c.reps == before.reps)
            .values(**_schedule_values(after), **({"leech": True, "suspended": True} if leech else {}))
        ).rowcount
        if changed != 1:
            raise CardChanged()
        review_id = conn.execute(insert(reviews_t).values(
            card_id=card.id, reviewed_at=now, rating=int(rating), duration_ms=duration_ms, answer=typed, leech=leech,
            **{f"{name}_before": value for name, value in _schedule_values(before).items()},
            **{f"{name}_after": getattr(after, name) for name in ("state", "step", "stability", "difficulty", "due")},
        )).inserted_primary_key[0]
    return Answered(after, review_id, leech)


def _schedule_values(schedule: Schedule) -> dict:
    values = {name: getattr(schedule, name) for name in SCHEDULE_COLUMNS}
    values["state"] = int(schedule.state)
    return values


def undo_last(engine: Engine) -> int | None:
    """Remove the newest review and put its card back exactly as it was; its card id."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(reviews_t.c.id))).scalar()
    return undo_review(engine, newest) if newest is not None else None


def undo_review(engine: Engine, review_id: int) -> int:
    """Remove one review and restore its card exactly as it was before it; its card id.

    Only a card's latest review can be undone: anything newer would be lost.
    """
    with writing(engine) as conn:
        review = conn.execute(select(reviews_t).where(reviews_t.c.id == review_id)).mappings().one()
        newer = conn.execute(select(func.count()).where(
            reviews_t.c.card_id == review["card_id"], reviews_t.c.id > review_id)).scalar()
        if newer:
            raise CardChanged()
        restored = {name: review[f"{name}_before"] for name in SCHEDULE_COLUMNS}
        if review["leech"]:
            restored.update(leech=False, suspended=False)
        conn.execute(update(cards_t).where(cards_t.c.id == review["card_id"]).values(**restored))
        conn.execute(delete(reviews_t).where(reviews_t.c.id == review_id))
        return review["card_id"]


def set_suspended(engine: Engine, card_id: int, suspended: bool) -> None:
    with writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(suspended=suspended))


def set_buried(engine: Engine, card_id: int, until: datetime | None) -> None:
    """Hide a card until `until` (the next day, usually); None shows it again."""
    with writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(buried_until=until))


def has_new_cards(conn: Connection, deck_ids: list[int]) -> bool:
    query = select(cards_t.c.id).where(
        cards_t.c.deck_id.in_(deck_ids), cards_t.c.state == State.NEW, ~cards_t.c.retired, ~cards_t.c.suspended)
    return conn.execute(query.limit(1)).first() is not None


def next_due(conn: Connection, deck_ids: list[int], after: datetime) -> datetime | None:
    """When the next scheduled (not new) card of these decks falls due after `after`."""
    query = select(func.min(cards_t.c.due)).where(
        cards_t.c.deck_id.in_(deck_ids), cards_t.c.state != State.NEW, cards_t.c.due > after,
        ~cards_t.c.retired, ~cards_t.c.suspended)
    return conn.execute(query).scalar()


def schedule_of(conn: Connection, card_id: int) -> Schedule:
    row = conn.execute(select(*(cards_t.c[name] for name in SCHEDULE_COLUMNS)).where(cards_t.c.id == card_id)).one()
    return Schedule(**{**row._asdict(), "state": State(row.state)})


def default_location() -> str:
    """QUIZ_DB, or quiz.db in the user's data directory."""
    if os.environ.get("QUIZ_DB"):
        return os.environ["QUIZ_DB"]
    import platformdirs

    return str(Path(platformdirs.user_data_dir("quiz", appauthor=False)) / "quiz.db")


# -- statistics and fitting (quiz stats, quiz optimize) ------------------------------
# Portable SQL: instants are compared with bound datetimes (the learner's days are
# made in Python, where the zone is known); the one difference of two datetimes is
# compiled for each database (julianday on SQLite, EXTRACT(EPOCH) on PostgreSQL).

MATURE_DAYS = 21


class days_between(FunctionElement):
    """later - earlier, in days (a float)."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


def _count_if(*conditions):
    return func.count(case((and_(*conditions), 1)))  # counting non-NULLs is cheaper than summing 1s and 0s


def _unindexed(column):
    """The column's value through `+ 0`, which SQLite will not look up in an index: for a
    filter that should be checked row by row while another index or a plain scan drives."""
    return column + literal_column("0")


def _reviews_in_decks(query, deck_ids: list[int] | None):
    if deck_ids is None:  # every deck: no lookup per review
        return query
    # The time range drives the scan (ix_reviews_stats) and each answer is looked up among the
    # decks' cards; with card_id indexable SQLite probes the log card by card, 100x slower.
    in_decks = select(cards_t.c.id).where(cards_t.c.deck_id.in_(deck_ids))
    return query.where(_unindexed(reviews_t.c.card_id).in_(in_decks))


def review_sums(conn: Connection, deck_ids: list[int] | None, start: datetime,
                end: datetime | None) -> tuple[int, ...]:
    """The answers in [start, end) (end None: up to now) as (answers, timed answers,
    milliseconds, passed, failed, mature passed, mature failed), where passed and failed
    count the answers to review cards, and mature ones had an interval of at least 21 days
    before the answer. One scan of the covering index ix_reviews_stats."""
    r = reviews_t.c
    was_review = r.state_before == int(State.REVIEW)
    passed, failed = r.rating > int(Rating.AGAIN), r.rating == int(Rating.AGAIN)
    mature = days_between(r.due_before, r.last_review_before) >= MATURE_DAYS
    query = select(
        func.count(), func.count(r.duration_ms), func.coalesce(func.sum(r.duration_ms), 0),
        _count_if(was_review, passed), _count_if(was_review, failed),
        _count_if(was_review, passed, mature), _count_if(was_review, failed, mature),
    ).where(r.reviewed_at >= start)
    if end is not None:
        query = query.where(r.reviewed_at < end)
    return tuple(int(value) for value in conn.execute(_reviews_in_decks(query, deck_ids)).one())


def answer_time_sums(conn: Connection, deck_ids: list[int] | None, before: datetime) -> tuple[int, int, int]:
    """(answers, timed answers, milliseconds) before `before`."""
    r = reviews_t.c
    query = select(func.count(), func.count(r.duration_ms), func.coalesce(func.sum(r.duration_ms), 0))
    return tuple(int(value) for value in conn.execute(_reviews_in_decks(query.where(r.reviewed_at < before),
                                                                        deck_ids)).one())


def answers_per_range(conn: Connection, deck_ids: list[int] | None, bounds: list[datetime]) -> list[int]:
    """How many answers fall in each [bounds[i], bounds[i+1]): one statement, an indexed
    count per range (the decks' cards are gathered once, not once per range)."""
    ranges = values(column("n", Integer), column("since", UTCDateTime()), column("until", UTCDateTime()),
                    name="ranges").data([(n, *pair) for n, pair in enumerate(zip(bounds, bounds[1:]))]).cte()
    r = reviews_t.c
    count = _reviews_in_decks(
        select(func.count()).select_from(reviews_t)
        .where(r.reviewed_at >= ranges.c.since, r.reviewed_at < ranges.c.until), deck_ids).scalar_subquery()
    return list(conn.execute(select(count).select_from(ranges).order_by(ranges.c.n)).scalars())


def cards_answered_since(conn: Connection, deck_ids: list[int] | None, since: datetime) -> int:
    query = select(func.count(reviews_t.c.card_id.distinct())).where(reviews_t.c.reviewed_at >= since)
    return conn.execute(_reviews_in_decks(query, deck_ids)).scalar()


_SCHEDULED = (int(State.LEARNING), int(State.REVIEW), int(State.RELEARNING))


def card_state_counts(conn: Connection, deck_ids: list[int]) -> dict[int, dict]:
    """Per deck id, its current cards (not retired) by state: new, learning (relearning
    too), young, mature (a review interval of at least 21 days) and suspended, which add
    up to the deck's cards; and leeches (marked by the review when they lapsed too often,
    or tagged `leech` in the deck file), counted again among those.

    Three cheap reads instead of a condition per card: the (deck, state, due) index counts
    every card by state without touching the table; one scan finds the few retired,
    suspended or leech cards, another the mature ones, and they are moved to their columns.
    (A scan of the table beats a lookup per card through the deck index: _unindexed.)"""
    c = cards_t.c
    deck_ids = list(deck_ids)
    by_state = {deck_id: dict.fromkeys(State, 0) for deck_id in deck_ids}
    every_card = select(c.deck_id, c.state, func.count()).where(c.deck_id.in_(deck_ids)).group_by(c.deck_id, c.state)
    for deck_id, state, count in conn.execute(every_card):
        by_state[deck_id][State(state)] = count
    counts = {deck_id: {"suspended": 0, "mature": 0, "leech": 0} for deck_id in deck_ids}
    leech = or_(c.leech, literal(" ").concat(c.tags).concat(" ").like("% leech %"))
    flagged = (select(c.retired, c.suspended, leech, c.deck_id, c.state, func.count())
               .where(_unindexed(c.deck_id).in_(deck_ids), or_(c.retired, c.suspended, leech))
               .group_by(c.retired, c.suspended, leech, c.deck_id, c.state))
    for retired, suspended, is_leech, deck_id, state, count in conn.execute(flagged):
        if retired or suspended:
            by_state[deck_id][State(state)] -= count
        if not retired:
            counts[deck_id]["suspended"] += count if suspended else 0
            counts[deck_id]["leech"] += count if is_leech else 0
    deck = _unindexed(c.deck_id)
    mature = (select(deck, func.count())
              .where(deck.in_(deck_ids), c.state == int(State.REVIEW), ~c.retired, ~c.suspended,
                     days_between(c.due, c.last_review) >= MATURE_DAYS)
              .group_by(deck))
    for deck_id, count in conn.execute(mature):
        by_state[deck_id][State.REVIEW] -= count
        counts[deck_id]["mature"] = count
    names = ("new", "learning", "young", "mature", "suspended", "leech")
    for deck_id, states in by_state.items():
        counts[deck_id].update(new=states[State.NEW], learning=states[State.LEARNING] + states[State.RELEARNING],
                               young=states[State.REVIEW])
    return {deck_id: {name: counts[deck_id][name] for name in names} for deck_id in deck_ids}


def due_per_range(conn: Connection, deck_ids: list[int], bounds: list[datetime]) -> list[int]:
    """Active cards in learning or review due in each [bounds[i], bounds[i+1]). The
    (deck, state, due) index counts them all without reading the table; the retired or
    suspended ones among them (few, found by one scan) are then taken off."""
    c = cards_t.c
    query = select(func.count()).select_from(cards_t).where(
        c.deck_id.in_(deck_ids), c.state.in_(_SCHEDULED), c.due >= bindparam("start"), c.due < bindparam("end"))
    counts = [conn.execute(query, {"start": a, "end": b}).scalar() for a, b in zip(bounds, bounds[1:])]
    inactive = select(c.due).where(_unindexed(c.deck_id).in_(deck_ids), c.state.in_(_SCHEDULED),
                                   or_(c.retired, c.suspended), c.due >= bounds[0], c.due < bounds[-1])
    for due in conn.execute(inactive).scalars():
        counts[bisect.bisect_right(bounds, due) - 1] -= 1
    return counts


def most_lapsed_cards(conn: Connection, deck_ids: list[int], limit: int) -> list:
    """The cards with the most lapses (at least one), ties by lowest stability first."""
    c = cards_t.c
    query = (
        select(c.id, c.deck_id, c.note_key, c.ord, c.content, *(c[name] for name in SCHEDULE_COLUMNS))
        .where(_unindexed(c.deck_id).in_(deck_ids), ~c.retired, c.lapses > 0)  # a scan beats the deck index
        .order_by(c.lapses.desc(), c.stability, c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def review_history(conn: Connection, deck_ids: list[int] | None) -> list:
    """Every answer as (card_id, reviewed_at, rating, state_before), by card then time."""
    r = reviews_t.c
    query = select(r.card_id, r.reviewed_at, r.rating, r.state_before).order_by(r.card_id, r.reviewed_at, r.id)
    return conn.execute(_reviews_in_decks(query, deck_ids)).all()


def save_parameters(conn: Connection, deck_ids: list[int], parameters: list[float]) -> None:
    """Store fitted FSRS parameters for these decks (the other settings stay as they are)."""
    value = json.dumps([float(p) for p in parameters])
    for deck_id in deck_ids:
        where = deck_settings_t.c.deck_id == deck_id
        if conn.execute(update(deck_settings_t).where(where).values(parameters=value)).rowcount == 0:
            conn.execute(insert(deck_settings_t).values(deck_id=deck_id, parameters=value))

# -- Anki export (quiz export anki) -------------------------------------------------
# The export reads every card and review: instants come as integer milliseconds since
# 1970 (computed by the database, compiled per dialect), and rows as the driver's plain
# tuples, since building a datetime and a Row for each of 10^5 rows costs more than the
# rest of the export.


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


def _driver_rows(conn: Connection, query) -> list[tuple]:
    result = conn.execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


EXPORT_CARD_COLUMNS = (cards_t.c.id, cards_t.c.deck_id, cards_t.c.note_key, cards_t.c.ord, cards_t.c.kind,
                       cards_t.c.content, cards_t.c.tags, cards_t.c.position)
EXPORT_PROGRESS_COLUMNS = (
    cards_t.c.suspended, cards_t.c.leech, epoch_ms(cards_t.c.buried_until), cards_t.c.state, cards_t.c.step,
    cards_t.c.stability, cards_t.c.difficulty, epoch_ms(cards_t.c.due), epoch_ms(cards_t.c.last_review),
    cards_t.c.reps, cards_t.c.lapses)
_EXPORT_ORDER = operator.itemgetter(1, 7, 2, 3)  # deck, position, key, ord


def cards_for_export(conn: Connection, deck_ids: list[int], with_schedule: bool) -> list[tuple]:
    """The current (not retired) cards of these decks, siblings next to each other, as tuples
    (id, deck_id, note_key, ord, kind, content, tags, position); with the schedule also
    (suspended, leech, buried_until, state, step, stability, difficulty, due, last_review,
    reps, lapses), instants in epoch milliseconds."""
    columns = EXPORT_CARD_COLUMNS + (EXPORT_PROGRESS_COLUMNS if with_schedule else ())
    query = select(*columns).where(cards_t.c.deck_id.in_(deck_ids), ~cards_t.c.retired)
    rows = _driver_rows(conn, query)
    rows.sort(key=_EXPORT_ORDER)  # here, not in SQL: SQLite sorts these wide rows 2x slower (measured)
    return rows


def reviews_for_export(conn: Connection, deck_ids: list[int] | None) -> list[tuple]:
    """The review log of the current cards of these decks (None: of every deck) in the order
    it was written (each card's answers oldest first), as tuples (card_id, reviewed_at, rating,
    duration_ms, state_before, state_after, difficulty_after, due_after), instants in epoch
    milliseconds.

    A card's state before an answer is its state after the previous one (undo
    removes only the latest), so the `*_before` times are not read.
    """
    r = reviews_t.c
    if deck_ids is None:  # no lookup per review, only the few retired cards left out
        current = r.card_id.not_in(select(cards_t.c.id).where(cards_t.c.retired))
    else:
        current = r.card_id.in_(select(cards_t.c.id).where(cards_t.c.deck_id.in_(deck_ids), ~cards_t.c.retired))
    query = (select(r.card_id, epoch_ms(r.reviewed_at), r.rating, r.duration_ms, r.state_before, r.state_after,
                    r.difficulty_after, epoch_ms(r.due_after))
             .where(current)
             .order_by(r.id))
    return _driver_rows(conn, query)
