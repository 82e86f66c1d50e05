"""Answers and card actions: an answer committed with its review-log row, undo, suspend,
bury, unsuspend, the cards a command line names, and the small reads the review's summary needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import BindParameter, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Dialect, Engine

from quiz import scheduling
from quiz.dailyqueue import QueueCard
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.model import DeckRow, DeckSettings, Rating, Schedule, State
from quiz.storage.database import chunks, writing
from quiz.storage.prepared import Prepared
from quiz.storage.schema import SCHEDULE_COLUMNS, cards_t, decks_t, events_t, reviews_t

if TYPE_CHECKING:
    from quiz.balance import Balance


class CardChanged(QuizError):
    def __init__(self):
        super().__init__(_("this card was answered elsewhere (another quiz process?); reload the queue"))


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
    balance: Balance | None = None,
    next_day: datetime | None = None,
) -> Answered:
    """Schedule the answer (its day balanced by `balance`, quiz.balance; the days since the
    last review counted up to `next_day`, as Anki counts them) and commit it with its log
    row, in one transaction."""
    before = card.schedule
    after = scheduling.review(card.id, before, rating, now, settings, balance, next_day)
    leech = scheduling.becomes_leech(before, after, settings)
    update_card, insert_review = _answer_statements(engine.dialect)
    was, becomes = _schedule_values(before), _schedule_values(after)
    with writing(engine) as conn:
        # Matching reps makes a card answered by another process fail instead of counting twice;
        # matching the due time, one forgotten or rescheduled there meanwhile (no rep of its own).
        checked = {"was_id": card.id, "was_reps": before.reps, "was_due": before.due, "becomes_leech": leech}
        if update_card.run(conn, {**checked, **becomes})[0] != 1:
            raise CardChanged()
        logged = {f"{name}_before": value for name, value in was.items()}
        logged.update({f"{name}_after": becomes[name] for name in _LOGGED_AFTER})
        logged.update(card_id=card.id, reviewed_at=now, rating=int(rating), duration_ms=duration_ms)
        _one, returned = insert_review.run(conn, {**logged, "answer": typed, "leech": leech})
        assert returned is not None  # RETURNING id
        (review_id,) = returned
    return Answered(after, review_id, leech)


_LOGGED_AFTER = ("state", "step", "stability", "difficulty", "due")


@lru_cache(maxsize=8)  # by engine: one in a process, a few in the tests
def _answer_statements(dialect: Dialect) -> tuple[Prepared, Prepared]:
    """The answer's UPDATE and INSERT, compiled once for the dialect and run on the driver's
    cursor (quiz.storage.prepared, where their speed is measured)."""
    c = cards_t.c
    values: dict = {name: bindparam(name) for name in SCHEDULE_COLUMNS}
    becomes_leech: BindParameter[bool] = bindparam("becomes_leech")  # else the card's flags stay as they are
    values.update(leech=or_(c.leech, becomes_leech), suspended=or_(c.suspended, becomes_leech))
    update_card = (
        update(cards_t)
        .where(
            c.id == bindparam("was_id"),
            c.reps == bindparam("was_reps"),
            c.due.is_not_distinct_from(bindparam("was_due", type_=c.due.type)),
        )
        .values(values)
    )
    logged = [f"{name}_before" for name in SCHEDULE_COLUMNS] + [f"{name}_after" for name in _LOGGED_AFTER]
    columns = ("card_id", "reviewed_at", "rating", "duration_ms", "answer", "leech", *logged)
    insert_review = insert(reviews_t).values({name: bindparam(name) for name in columns}).returning(reviews_t.c.id)
    return Prepared(update_card, dialect), Prepared(insert_review, dialect)


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
        changed_since = select(events_t.c.id).where(
            events_t.c.card_id == review["card_id"], events_t.c.at > review["reviewed_at"], events_t.c.kind != "cram"
        )
        if conn.execute(changed_since.limit(1)).first() is not None:  # forgotten or rescheduled since
            raise CardChanged()
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


def suspended_cards(conn: Connection, decks: list[DeckRow]) -> list[SuspendedCard]:
    c = cards_t.c
    query = (
        select(decks_t.c.name, c.note_key, c.ord, c.leech, c.content)
        .join(decks_t)
        .where(c.deck_id.in_([deck.id for deck in decks]), c.suspended, ~c.retired)
        .order_by(decks_t.c.name, c.position, c.ord)
    )
    return [SuspendedCard(*row) for row in conn.execute(query)]


@dataclass(frozen=True)
class Target:
    """A card named on the command line: its id, and how the learner called it (its note's
    id, shared by the note's cards)."""

    id: int
    name: str


def targets(conn: Connection, deck: DeckRow, keys: list[str]) -> list[Target]:
    """The current cards of these notes of the deck (each note's every card), by the notes'
    ids in the deck file; an id the deck does not have is refused."""
    c = cards_t.c
    rows = conn.execute(
        select(c.id, c.note_key)
        .where(c.deck_id == deck.id, c.note_key.in_(keys), ~c.retired)
        .order_by(c.position, c.ord)
    ).all()
    missing = sorted(set(keys) - {key for _id, key in rows})
    if missing:
        message = _("deck {deck} has no card {ids}; nothing was changed")
        raise QuizError(message.format(deck=deck.name, ids=", ".join(missing)))
    return [Target(card_id, key) for card_id, key in rows]


def unsuspend(engine: Engine, deck: DeckRow, keys: list[str]) -> int:
    """Bring these cards (by their id in the deck file, every sibling) back into reviews and
    clear their leech mark; how many were suspended. All or nothing: an unknown id changes nothing."""
    c = cards_t.c
    with writing(engine) as conn:
        ids = [card.id for card in targets(conn, deck, keys)]
        suspended = set(conn.execute(select(c.note_key).where(c.id.in_(ids), c.suspended)).scalars())
        if set(keys) - suspended:
            message = _("{ids} of deck {deck} is not suspended; nothing was changed (quiz suspended lists them)")
            raise QuizError(message.format(deck=deck.name, ids=", ".join(sorted(set(keys) - suspended))))
        return conn.execute(
            update(cards_t).where(c.id.in_(ids), c.suspended).values(suspended=False, leech=False)
        ).rowcount


def set_buried(engine: Engine, card_id: int, until: datetime | None) -> None:
    """Hide a card until `until` (the next day, usually); None shows it again."""
    with writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(buried_until=until))


def has_new_cards(conn: Connection, deck_ids: list[int]) -> bool:
    query = select(cards_t.c.id).where(
        cards_t.c.deck_id.in_(deck_ids), cards_t.c.state == State.NEW, ~cards_t.c.retired, ~cards_t.c.suspended
    )
    return conn.execute(query.limit(1)).first() is not None


def next_due(conn: Connection, deck_ids: list[int], after: datetime) -> datetime | None:
    """When the next scheduled (not new) card of these decks falls due after `after`.

    The soonest of each deck and state, each read from the deck, state and due index up to its
    first card neither retired nor suspended. The review's summary on 100k cards, medians of 5
    alternating: 25 ms with a min() over every card the filters leave, 1.8 ms so
    (benchmarks/bench_review.py's summary row)."""
    c = cards_t.c
    soonest = [
        select(c.due)
        .where(c.deck_id == deck_id, c.state == state, c.due > after, ~c.retired, ~c.suspended)
        .order_by(c.due)
        .limit(1)
        .scalar_subquery()
        for deck_id in deck_ids
        for state in (State.LEARNING, State.REVIEW, State.RELEARNING)
    ]
    found = [due for part in chunks(soonest, 300) for due in conn.execute(select(*part)).one() if due is not None]
    return min(found, default=None)


def schedule_of(conn: Connection, card_id: int) -> Schedule:
    row = conn.execute(select(*(cards_t.c[name] for name in SCHEDULE_COLUMNS)).where(cards_t.c.id == card_id)).one()
    return Schedule(**{**row._asdict(), "state": State(row.state)})
