"""The queries of import, the day's queue and answers (schema.py: tables and engine; reports.py: the scans).

Writes go through Core statements in short transactions; SQLite runs in WAL
mode and a writer takes its lock up front (BEGIN IMMEDIATE), so two processes
wait for each other instead of failing halfway.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from quiz import scheduling
from quiz.errors import QuizError
from quiz.model import CardKind, DeckSettings, DeckSpec, Rating, Schedule, State
from quiz.scheduling import DailyQueue, QueueCard
from quiz.storage.schema import (
    cards_t,
    deck_settings_t,
    decks_t,
    reviews_t,
    settings_t,
    writing,
)

SCHEDULE_COLUMNS = tuple(f.name for f in fields(Schedule))
LIST_SETTINGS = ("learning_steps", "relearning_steps", "parameters")


# -- settings ------------------------------------------------------------------------


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(settings_t.c.value).where(settings_t.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str) -> None:
    _upsert(conn, settings_t, {"key": key}, {"value": value})


def _upsert(conn: Connection, table, key: dict, values: dict) -> None:
    """Update the row with this primary key, or insert it (portable: no ON CONFLICT dialects)."""
    where = [table.c[name] == value for name, value in key.items()]
    if conn.execute(update(table).where(*where).values(**values)).rowcount == 0:
        conn.execute(insert(table).values(**key, **values))


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
    _upsert(conn, deck_settings_t, {"deck_id": deck_id}, values)


def save_parameters(conn: Connection, deck_ids: list[int], parameters: list[float]) -> None:
    """Store fitted FSRS parameters for these decks (the other settings stay as they are)."""
    value = json.dumps([float(p) for p in parameters])
    for deck_id in deck_ids:
        _upsert(conn, deck_settings_t, {"deck_id": deck_id}, {"parameters": value})


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
        _insert_plain(conn, cards_t, new_rows)
    if changed_rows:
        conn.execute(update(cards_t).where(cards_t.c.id == bindparam("card_id")), changed_rows)
    for chunk in _chunks(gone, 500):
        conn.execute(update(cards_t).where(cards_t.c.id.in_(chunk)).values(retired=True))
    report.added, report.retired = len(new_rows), len(gone)
    return report


def _insert_plain(conn: Connection, table, rows: list[dict]) -> None:
    """Bulk insert straight through the driver's executemany.

    Only for values that need no type processing (ints, strings): SQLAlchemy's
    per-row parameter handling would otherwise double the time of a 100k-card
    import. The statement is still compiled for the connection's database.
    """
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional:
        rows = [tuple(row[key] for key in compiled.positiontup) for row in rows]
    conn.exec_driver_sql(str(compiled), rows)


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


def load_queue(conn: Connection, decks: list, day: Day, settings: dict[int, DeckSettings] | None = None) -> DailyQueue:
    """Today's queue for the given deck rows: a few indexed queries, once a session.
    `settings` (deck id -> DeckSettings): the decks' settings, when the caller has read them."""
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
        limits = settings[deck.id] if settings else deck_settings(conn, deck.id)
        left = scheduling.limits_left(limits, today.new.get(deck.id, 0), today.reviews.get(deck.id, 0))
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
    queue = load_queue(conn, decks, day)  # limits are per deck: one queue counts for each
    due = Counter(card.deck for part in (queue.learning, queue.reviews, queue.new) for card in part)
    return [{**counts[d.id], "due": due[d.name]} for d in decks]


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


def undo_review(engine: Engine, review_id: int) -> int:
    """Remove one review and restore its card exactly as it was before it; its card id.

    Only a card's latest review can be undone: anything newer would be lost.
    """
    with writing(engine) as conn:
        review = conn.execute(select(reviews_t).where(reviews_t.c.id == review_id)).mappings().one()
        restored = {name: review[f"{name}_before"] for name in SCHEDULE_COLUMNS}
        if review["leech"]:
            restored.update(leech=False, suspended=False)
        # Only if the card is still as this review left it (one rep on): checked in the UPDATE
        # itself, so a concurrent answer on another machine cannot slip in between.
        still_latest = (cards_t.c.id == review["card_id"], cards_t.c.reps == review["reps_before"] + 1)
        if conn.execute(update(cards_t).where(*still_latest).values(**restored)).rowcount != 1:
            raise CardChanged()
        conn.execute(delete(reviews_t).where(reviews_t.c.id == review_id))
        return review["card_id"]


def set_suspended(engine: Engine, card_id: int, suspended: bool) -> None:
    with writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(suspended=suspended))


class SuspendedCard(NamedTuple):
    deck: str
    key: str  # the card's id in its deck file
    ord: int
    leech: bool  # suspended by the review for lapsing too often
    content: str  # JSON text


def suspended_cards(conn: Connection, decks: list) -> list[SuspendedCard]:
    c = cards_t.c
    query = (select(decks_t.c.name, c.note_key, c.ord, c.leech, c.content).join(decks_t)
             .where(c.deck_id.in_([deck.id for deck in decks]), c.suspended, ~c.retired)
             .order_by(decks_t.c.name, c.position, c.ord))
    return [SuspendedCard(*row) for row in conn.execute(query)]


def unsuspend(engine: Engine, deck, keys: list[str]) -> int:
    """Bring these cards (by their id in the deck file, every sibling) back into reviews and
    clear their leech mark; how many were suspended. All or nothing: an unknown id changes nothing."""
    c = cards_t.c
    of_these = (c.deck_id == deck.id, c.note_key.in_(keys), ~c.retired)
    with writing(engine) as conn:
        missing = sorted(set(keys) - set(conn.execute(select(c.note_key).where(*of_these)).scalars()))
        if missing:
            raise QuizError(f"deck {deck.name} has no card {', '.join(missing)}; nothing was changed")
        return conn.execute(update(cards_t).where(*of_these, c.suspended)
                            .values(suspended=False, leech=False)).rowcount


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
