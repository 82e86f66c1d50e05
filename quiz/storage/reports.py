"""Queries for the reports: statistics, FSRS fitting and the Anki export (reads only).

Full scans over the review log and the cards, kept apart from the queries of the
review path in quiz.storage. Core rows only, portable SQL: the few expressions that
differ between databases are compiled per dialect here.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Float,
    Integer,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    values,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from quiz.model import Rating, State
from quiz.storage.rows import driver_rows, epoch_ms
from quiz.storage.schema import SCHEDULE_COLUMNS, UTCDateTime, cards_t, events_t, reviews_t

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
    return func.count(case((and_(*conditions), 1)))  # the rows that meet them all


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


def review_sums(conn: Connection, deck_ids: list[int] | None, start: datetime, end: datetime | None) -> tuple[int, ...]:
    """The answers in [start, end) (end None: up to now) as (answers, timed answers,
    milliseconds, passed, failed, mature passed, mature failed), where passed and failed
    count the answers to review cards, and mature ones had an interval of at least 21 days
    before the answer. One scan of the covering index ix_reviews_stats."""
    r = reviews_t.c
    was_review = r.state_before == int(State.REVIEW)
    passed, failed = r.rating > int(Rating.AGAIN), r.rating == int(Rating.AGAIN)
    mature = days_between(r.due_before, r.last_review_before) >= MATURE_DAYS
    query = select(
        func.count(),
        func.count(r.duration_ms),
        func.coalesce(func.sum(r.duration_ms), 0),
        _count_if(was_review, passed),
        _count_if(was_review, failed),
        _count_if(was_review, passed, mature),
        _count_if(was_review, failed, mature),
    ).where(r.reviewed_at >= start)
    if end is not None:
        query = query.where(r.reviewed_at < end)
    return tuple(int(value) for value in conn.execute(_reviews_in_decks(query, deck_ids)).one())


def answer_time_sums(conn: Connection, deck_ids: list[int] | None, before: datetime) -> tuple[int, int, int]:
    """(answers, timed answers, milliseconds) before `before`."""
    r = reviews_t.c
    query = select(func.count(), func.count(r.duration_ms), func.coalesce(func.sum(r.duration_ms), 0))
    answers, timed, ms = conn.execute(_reviews_in_decks(query.where(r.reviewed_at < before), deck_ids)).one()
    return int(answers), int(timed), int(ms)


def answers_per_range(conn: Connection, deck_ids: list[int] | None, bounds: list[datetime]) -> list[int]:
    """How many answers fall in each [bounds[i], bounds[i+1]): one statement, an indexed
    count per range (the decks' cards are gathered once, not once per range)."""
    ranges = (
        values(column("n", Integer), column("since", UTCDateTime()), column("until", UTCDateTime()), name="ranges")
        .data([(n, *pair) for n, pair in enumerate(itertools.pairwise(bounds))])
        .cte()
    )
    r = reviews_t.c
    count = _reviews_in_decks(
        select(func.count())
        .select_from(reviews_t)
        .where(r.reviewed_at >= ranges.c.since, r.reviewed_at < ranges.c.until),
        deck_ids,
    ).scalar_subquery()
    return list(conn.execute(select(count).select_from(ranges).order_by(ranges.c.n)).scalars())


def cards_answered_since(conn: Connection, deck_ids: list[int] | None, since: datetime) -> int:
    query = select(func.count(reviews_t.c.card_id.distinct())).where(reviews_t.c.reviewed_at >= since)
    return conn.execute(_reviews_in_decks(query, deck_ids)).scalar_one()


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
    flagged = (
        select(c.retired, c.suspended, leech, c.deck_id, c.state, func.count())
        .where(_unindexed(c.deck_id).in_(deck_ids), or_(c.retired, c.suspended, leech))
        .group_by(c.retired, c.suspended, leech, c.deck_id, c.state)
    )
    for retired, suspended, is_leech, deck_id, state, count in conn.execute(flagged):
        if retired or suspended:
            by_state[deck_id][State(state)] -= count
        if not retired:
            counts[deck_id]["suspended"] += count if suspended else 0
            counts[deck_id]["leech"] += count if is_leech else 0
    deck = _unindexed(c.deck_id)
    mature = (
        select(deck, func.count())
        .where(
            deck.in_(deck_ids),
            c.state == int(State.REVIEW),
            ~c.retired,
            ~c.suspended,
            days_between(c.due, c.last_review) >= MATURE_DAYS,
        )
        .group_by(deck)
    )
    for deck_id, count in conn.execute(mature):
        by_state[deck_id][State.REVIEW] -= count
        counts[deck_id]["mature"] = count
    names = ("new", "learning", "young", "mature", "suspended", "leech")
    for deck_id, states in by_state.items():
        counts[deck_id].update(
            new=states[State.NEW],
            learning=states[State.LEARNING] + states[State.RELEARNING],
            young=states[State.REVIEW],
        )
    return {deck_id: {name: counts[deck_id][name] for name in names} for deck_id in deck_ids}


def due_per_range(conn: Connection, deck_ids: list[int], bounds: list[datetime]) -> list[int]:
    """Active cards in learning or review due in each [bounds[i], bounds[i+1]). The
    (deck, state, due) index counts them all without reading the table; the retired or
    suspended ones among them (few, found by one scan) are then taken off."""
    c = cards_t.c
    query = (
        select(func.count())
        .select_from(cards_t)
        .where(c.deck_id.in_(deck_ids), c.state.in_(_SCHEDULED), c.due >= bindparam("start"), c.due < bindparam("end"))
    )
    counts = [conn.execute(query, {"start": a, "end": b}).scalar_one() for a, b in itertools.pairwise(bounds)]
    inactive = select(c.due).where(
        _unindexed(c.deck_id).in_(deck_ids),
        c.state.in_(_SCHEDULED),
        or_(c.retired, c.suspended),
        c.due >= bounds[0],
        c.due < bounds[-1],
    )
    for due in conn.execute(inactive).scalars():
        counts[bisect.bisect_right(bounds, due) - 1] -= 1
    return counts


def most_lapsed_cards(conn: Connection, deck_ids: list[int], limit: int) -> Sequence[Row]:
    """The cards with the most lapses (at least one), ties by lowest stability first."""
    c = cards_t.c
    query = (
        select(c.id, c.deck_id, c.note_key, c.ord, c.content, *(c[name] for name in SCHEDULE_COLUMNS))
        .where(_unindexed(c.deck_id).in_(deck_ids), ~c.retired, c.lapses > 0)  # a scan beats the deck index
        .order_by(c.lapses.desc(), c.stability, c.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def review_history(conn: Connection, deck_ids: list[int] | None) -> Sequence[Row]:
    """Every answer as (card_id, reviewed_at, rating, state_before), by card then time."""
    r = reviews_t.c
    query = select(r.card_id, r.reviewed_at, r.rating, r.state_before).order_by(r.card_id, r.reviewed_at, r.id)
    return conn.execute(_reviews_in_decks(query, deck_ids)).all()


# -- Anki export (quiz export anki) -------------------------------------------------
# The export reads every card and review as quiz.storage.rows reads them (made named tuples).


class ExportCard(NamedTuple):
    """A current card with its schedule, as the Anki export reads it; instants in epoch ms."""

    id: int
    deck_id: int
    note_key: str
    ord: int
    kind: str
    content: str  # JSON text
    tags: str
    position: int
    suspended: bool
    leech: bool
    buried_until: int | None
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: int | None
    last_review: int | None
    reps: int
    lapses: int
    flag: int


class ExportReview(NamedTuple):
    """One answer or event, as the Anki export reads it; instants in epoch ms."""

    card_id: int
    reviewed_at: int
    rating: int
    duration_ms: int | None
    state_before: int
    state_after: int
    difficulty_after: float | None
    due_after: int | None
    kind: str = "review"  # or an event's (quiz.storage.events.KINDS)


_c = cards_t.c
EXPORT_CARD_COLUMNS = (
    _c.id,
    _c.deck_id,
    _c.note_key,
    _c.ord,
    _c.kind,
    _c.content,
    _c.tags,
    _c.position,
    _c.suspended,
    _c.leech,
    epoch_ms(_c.buried_until),
    _c.state,
    _c.step,
    _c.stability,
    _c.difficulty,
    epoch_ms(_c.due),
    epoch_ms(_c.last_review),
    _c.reps,
    _c.lapses,
    _c.flag,
)


def cards_for_export(conn: Connection, deck_ids: list[int]) -> list[ExportCard]:
    """The current (not retired) cards of these decks, siblings next to each other."""
    c = cards_t.c
    query = select(*EXPORT_CARD_COLUMNS).where(c.deck_id.in_(deck_ids), ~c.retired)
    return list(map(ExportCard._make, driver_rows(conn, query.order_by(c.deck_id, c.position, c.note_key, c.ord))))


def reviews_for_export(conn: Connection, deck_ids: list[int] | None) -> list[ExportReview]:
    """The review log of the current cards of these decks (None: of every deck) in the order
    it was written (each card's answers oldest first), then their events.

    A card's state before an answer is its state after the previous one (undo
    removes only the latest), so the `*_before` times are not read.
    """
    r = reviews_t.c
    decks = () if deck_ids is None else (cards_t.c.deck_id.in_(deck_ids),)
    if deck_ids is None:  # no lookup per review, only the few retired cards left out
        current = r.card_id.not_in(select(cards_t.c.id).where(cards_t.c.retired))
    else:
        current = r.card_id.in_(select(cards_t.c.id).where(cards_t.c.deck_id.in_(deck_ids), ~cards_t.c.retired))
    query = (
        select(
            r.card_id,
            epoch_ms(r.reviewed_at),
            r.rating,
            r.duration_ms,
            r.state_before,
            r.state_after,
            r.difficulty_after,
            epoch_ms(r.due_after),
            literal("review"),
        )
        .where(current)
        .order_by(r.id)
    )
    e = events_t.c
    current_events = e.card_id.in_(select(cards_t.c.id).where(~cards_t.c.retired, *decks))
    events = select(
        e.card_id,
        epoch_ms(e.at),
        e.rating,
        e.duration_ms,
        e.state_before,
        e.state_after,
        e.difficulty_before,  # no change has one of its own
        epoch_ms(e.due_after),
        e.kind,
    )
    rows = driver_rows(conn, query) + driver_rows(conn, events.where(current_events).order_by(e.id))
    return list(map(ExportReview._make, rows))
