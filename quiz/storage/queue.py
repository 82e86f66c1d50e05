"""The day's queue: the learner's day, today's cards of some decks (a few indexed queries,
once a session) and the per-deck counts of `quiz decks`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import func, literal, or_, select
from sqlalchemy.engine import Connection

from quiz import dailyqueue, scheduling
from quiz.dailyqueue import DailyQueue, QueueCard, due_of
from quiz.model import CardKind, DeckRow, DeckSettings, Schedule, State
from quiz.storage.collection import deck_settings
from quiz.storage.database import chunks
from quiz.storage.rows import driver_rows, epoch_ms
from quiz.storage.schema import CARD_COLUMNS, SCHEDULE_COLUMNS, cards_t, reviews_t
from quiz.study import Study, ordered

if TYPE_CHECKING:
    from quiz.shapes import DeckCounts


@dataclass(frozen=True)
class Day:
    """The learner's current day, as UTC instants."""

    now: datetime
    start: datetime
    end: datetime

    @classmethod
    def of(cls, now: datetime, zone: tzinfo, rollover_hour: int) -> Day:
        return cls(
            now, scheduling.day_start(now, zone, rollover_hour), scheduling.next_day_start(now, zone, rollover_hour)
        )


QUEUE_COLUMNS = CARD_COLUMNS + tuple(cards_t.c[name] for name in SCHEDULE_COLUMNS)


def has_tag(tag: str):
    """The cards with this tag (tags are one word each, space-separated)."""
    return (literal(" ") + cards_t.c.tags + literal(" ")).contains(f" {tag} ", autoescape=True)


def _active(now: datetime, tag: str | None = None):
    return (
        ~cards_t.c.retired,
        ~cards_t.c.suspended,
        or_(cards_t.c.buried_until.is_(None), cards_t.c.buried_until <= now),
        *(() if tag is None else (has_tag(tag),)),
    )


def load_queue(
    conn: Connection,
    decks: list[DeckRow],
    day: Day,
    settings: dict[int, DeckSettings] | None = None,
    study: Study | None = None,
) -> DailyQueue:
    """Today's queue for the given deck rows: a few indexed queries, once a session.
    `settings` (deck id -> DeckSettings): the decks' settings, when the caller has read them.
    `study`: custom study's tag, new cards beyond the limit, reviews due days ahead."""
    queue, study = DailyQueue(), study or Study()
    if not decks:
        return queue
    deck_ids = [deck.id for deck in decks]
    today = _answered_today(conn, deck_ids, day)
    learning = conn.execute(
        select(*QUEUE_COLUMNS, cards_t.c.deck_id)
        .where(
            cards_t.c.deck_id.in_(deck_ids),
            cards_t.c.state.in_((State.LEARNING, State.RELEARNING)),
            cards_t.c.due < day.end,
            *_active(day.now, study.tag),
        )
        .order_by(cards_t.c.due)
    )
    names = {deck.id: deck.name for deck in decks}
    queue.learning = [_queue_card(row, names[row.deck_id]) for row in learning.all()]
    for deck in decks:
        limits = settings[deck.id] if settings else deck_settings(conn, deck.id)
        left = dailyqueue.limits_left(limits, today.new.get(deck.id, 0), today.reviews.get(deck.id, 0))
        taken = today.notes.get(deck.id, set()) | {c.key for c in queue.learning if c.deck == deck.name}
        until = day.end + timedelta(days=study.ahead)
        order = study.order or limits.review_order
        reviews = _gather(conn, deck, State.REVIEW, order, day, left.reviews, taken, until, study.tag, limits)
        new_limit = min(left.new, left.reviews - len(reviews)) + study.new
        queue.reviews += reviews
        queue.new += _gather(conn, deck, State.NEW, "position", day, new_limit, taken, until, study.tag, limits)
    queue.reviews.sort(key=due_of)  # the session's order is quiz.study.arrange's
    return queue


def _gather(
    conn: Connection,
    deck: DeckRow,
    state: State,
    order: str,
    day: Day,
    limit: int,
    taken: set[str],
    until: datetime,
    tag: str | None,
    settings: DeckSettings,
) -> list[QueueCard]:
    """Up to `limit` cards in `state` (a review: due before `until`), at most one per note:
    siblings wait for another day. New cards come by their position in the deck; reviews by
    the deck's review order, so that with a backlog the day's limit takes the reviews that
    order puts first (by due date: those due longest, read from the index up to the limit;
    by any other: all the due ones ordered first)."""
    if limit <= 0:
        return []
    active = _active(day.now, tag)
    query = select(*QUEUE_COLUMNS).where(cards_t.c.deck_id == deck.id, cards_t.c.state == state, *active)
    if state == State.REVIEW:
        query = query.where(cards_t.c.due < until)
    cards: list[QueueCard] = []
    if state == State.REVIEW and order != "due":
        every = [_queue_card(row, deck.name) for row in conn.execute(query)]
        for card in ordered(every, order, day.now, {deck.name: settings}, day.start):
            if card.key not in taken and len(cards) < limit:
                taken.add(card.key)
                cards.append(card)
        return cards
    result = conn.execute(query.order_by(cards_t.c.position if state == State.NEW else cards_t.c.due, cards_t.c.ord))
    # Read in batches, stopping once the limit is reached: a deck may hold 100k such cards.
    while len(cards) < limit and (rows := result.fetchmany(limit - len(cards) + 16)):
        for row in rows:
            if row.note_key not in taken and len(cards) < limit:
                taken.add(row.note_key)
                cards.append(_queue_card(row, deck.name))
    result.close()
    return cards


def due_ahead(conn: Connection, deck_ids: list[int], day: Day, until: datetime) -> list[tuple[int, str, int]]:
    """(deck id, note key, due in epoch ms) of the cards due from today's start to `until`
    that a day's reviews will count (learning or review, neither suspended nor buried): what
    the load balancer (quiz.balance) weighs. Read through the deck, state and due index."""
    c = cards_t.c
    query = select(c.deck_id, c.note_key, epoch_ms(c.due)).where(
        c.deck_id.in_(deck_ids),
        c.state.in_((State.LEARNING, State.REVIEW, State.RELEARNING)),
        c.due >= day.start,
        c.due < until,
        *_active(day.now),
    )
    return driver_rows(conn, query)


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
    for chunk in chunks(list({card_id for card_id, _ in answers}), 500):
        # By primary key alone: with the deck in the WHERE clause SQLite may walk the deck's index.
        query = select(cards_t.c.id, cards_t.c.deck_id, cards_t.c.note_key).where(cards_t.c.id.in_(chunk))
        notes_of.update(
            (card_id, (deck_id, key)) for card_id, deck_id, key in conn.execute(query) if deck_id in deck_ids
        )
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
    return QueueCard(card_id, deck_name, key, ord_, _KINDS[kind], content, tags, Schedule(_STATES[state], *schedule))


def cram_cards(conn: Connection, decks: list[DeckRow], day: Day, study: Study) -> list[QueueCard]:
    """The cards to cram (quiz review --cram): every current card of the decks that is
    neither suspended nor buried, with the tag asked for; with `failed_today`, only those
    answered Again since the day began."""
    names = {deck.id: deck.name for deck in decks}
    query = select(*QUEUE_COLUMNS, cards_t.c.deck_id).where(
        cards_t.c.deck_id.in_(list(names)), *_active(day.now, study.tag)
    )
    if study.failed_today:
        failed = select(reviews_t.c.card_id).where(reviews_t.c.reviewed_at >= day.start, reviews_t.c.rating == 1)
        query = query.where(cards_t.c.id.in_(failed))
    rows = conn.execute(query.order_by(cards_t.c.deck_id, cards_t.c.position, cards_t.c.ord)).all()
    return [_queue_card(row, names[row.deck_id]) for row in rows]


def deck_counts(conn: Connection, decks: list[DeckRow], day: Day) -> list[DeckCounts]:
    """Per deck: cards, new, learning, review, due (today's queue) and suspended."""
    rows = conn.execute(
        select(cards_t.c.deck_id, cards_t.c.state, cards_t.c.suspended, func.count())
        .where(cards_t.c.deck_id.in_([d.id for d in decks]), ~cards_t.c.retired)
        .group_by(cards_t.c.deck_id, cards_t.c.state, cards_t.c.suspended)
    )
    counts: dict[int, DeckCounts] = {
        d.id: {"cards": 0, "new": 0, "learning": 0, "review": 0, "due": 0, "suspended": 0} for d in decks
    }
    for deck_id, state, suspended, count in rows:
        deck = counts[deck_id]
        deck["cards"] += count
        if suspended:
            deck["suspended"] += count
        elif state == State.NEW:
            deck["new"] += count
        elif state == State.REVIEW:
            deck["review"] += count
        else:
            deck["learning"] += count
    queue = load_queue(conn, decks, day)  # limits are per deck: one queue counts for each
    due = Counter(card.deck for part in (queue.learning, queue.reviews, queue.new) for card in part)
    return [{**counts[d.id], "due": due[d.name]} for d in decks]


def reviews_up_to(conn: Connection, most: int) -> int:
    """How many answers the collection holds, counted up to `most` (the first screens'
    hints need no more, and a collection of years need not be counted)."""
    first = select(reviews_t.c.id).limit(most).subquery()
    return conn.execute(select(func.count()).select_from(first)).scalar_one()
