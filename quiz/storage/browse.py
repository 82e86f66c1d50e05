"""The reads of the card browser (`quiz cards`, `quiz card`): cards filtered by deck, state,
due date, tag and text, in the order asked for (a limit read as one: SQL's LIMIT, or a
stream that stops there); and one note's cards with their review log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.engine import Connection

from quiz.model import LANG_CODE, CardKind, DeckRow, State
from quiz.storage.database import chunks
from quiz.storage.queue import has_tag
from quiz.storage.rows import driver_rows, epoch_ms, json_member
from quiz.storage.schema import cards_t, decks_t, events_t, reviews_t

TEXT_FIELDS = ("front", "back", "text", "note")  # what --search reads, in every language


@dataclass(frozen=True)
class CardFilter:
    # new, learning (relearning too), review: neither suspended nor buried; suspended (a
    # leech too: the review suspends it), buried, leech
    state: str | None = None
    tag: str | None = None
    search: str | None = None
    due_from: datetime | None = None  # due at or after (UTC)
    due_before: datetime | None = None
    # due, lapses, added (the newest first); retrievability: read in due order and ranked
    # by the caller (FSRS is not SQL)
    order: str = "due"
    flagged: bool = False  # only the cards with a flag


class ListedCard(NamedTuple):
    """What list_cards reads of a card, as a plain tuple in this order (quiz.storage.rows):
    its instants in epoch ms."""

    id: int
    deck_id: int
    key: str  # the card's id in its deck file
    ord: int
    kind: str
    # the field the card asks (model.question_field) as JSON text, read in the learner's
    # language where it has one (else the deck's; else the whole object)
    question: str | None
    state: str  # as CardJson's: new, learning, relearning, review, suspended, leech, buried
    stability: float | None
    due: int | None
    last_review: int | None
    lapses: int
    flag: int  # 0, or quiz.model.FLAGS' colour from 1


# A NamedTuple made of each row would add 0.1 s to 100k: the few reads here index a tuple
_ID, _DECK_ID, _LAST_REVIEW, _STABILITY = map(ListedCard._fields.index, ("id", "deck_id", "last_review", "stability"))


def _listed(now: datetime, lang: str) -> tuple:
    """ListedCard's columns. Its state is worked out in SQL: three columns fewer to read
    and no branch a card in Python (100k cards: 0.04 s)."""
    c = cards_t.c
    learning = case({int(state): state.name.lower() for state in State}, value=c.state)
    state = case((c.suspended, case((c.leech, "leech"), else_="suspended")), (_buried(now), "buried"), else_=learning)
    # model.question_field in SQL: read by the database, the rest of the content is not
    # decoded (100k cards: 0.32 s + 0.23 s -> 0.37 s + 0.09 s, medians of 3 alternating)
    asked = case(
        (c.kind == CardKind.CLOZE.value, "text"),
        (and_(c.kind == CardKind.REVERSED.value, c.ord == 1), "back"),
        else_="front",
    )
    return (
        c.id,
        c.deck_id,
        c.note_key,
        c.ord,
        c.kind,
        json_member(c.content, asked, *_languages(lang)),
        state,
        c.stability,
        epoch_ms(c.due),
        epoch_ms(c.last_review),
        c.lapses,
        c.flag,
    )


def _languages(lang: str) -> tuple:
    """model.localize's choice of languages, as SQL: the learner's (`zh-TW`), its base
    (`zh`), the deck's. A code is checked as a deck's is, for it goes into a JSON path."""
    codes = [code for code in dict.fromkeys((lang, lang.split("-")[0])) if LANG_CODE.match(code)]
    return (*(literal(code) for code in codes), decks_t.c.lang)


Recall = Callable[[int | None, float | None], float | None]  # scheduling.recall_at's


def list_cards(
    conn: Connection,
    decks: list[DeckRow],
    filters: CardFilter,
    now: datetime,
    limit: int | None = None,
    recall: dict[int, Recall] | None = None,
    lang: str = "en",
) -> list[ListedCard]:
    """The current cards of these decks that pass `filters`, in their order, at most `limit`,
    their questions in the learner's language `lang`. The retrievability order needs
    `recall`, by deck id: the least likely recalled first, new cards last (as in the due order)."""
    c = cards_t.c
    needle = (filters.search or "").lower()
    where = _where(conn, decks, filters, needle, now)
    new_last = case((c.due.is_(None), 1), else_=0)
    due_order = (new_last, c.due, decks_t.c.name, c.position, c.ord)
    if filters.order == "retrievability":
        assert recall is not None
        return _by_retrievability(conn, _columns(now, lang, needle), where, due_order, needle, limit, recall)
    order = {"lapses": (c.lapses.desc(), *due_order), "added": (c.id.desc(),)}.get(filters.order, due_order)
    query = select(*_columns(now, lang, needle)).join(decks_t).where(*where).order_by(*order)
    if limit is not None and not needle:
        query = query.limit(limit)
    return _read(conn, query, needle, limit)


def _by_retrievability(
    conn: Connection, columns: tuple, where, due_order, needle: str, limit: int | None, recall
) -> list[ListedCard]:
    """The lowest retrievability first (ties and new cards in the due order). With a limit,
    ranked on four narrow columns, and only the cards kept are read whole."""
    c = cards_t.c
    if limit is None or needle:
        cards = _read(conn, select(*columns).join(decks_t).where(*where).order_by(*due_order), needle)
        order = _ranked([(card[_DECK_ID], card[_LAST_REVIEW], card[_STABILITY]) for card in cards], recall)
        return [cards[at] for at in order[:limit]]
    narrow = select(c.id, c.deck_id, epoch_ms(c.last_review), c.stability).join(decks_t).where(*where)
    keys = driver_rows(conn, narrow.order_by(*due_order))
    kept = [keys[at][0] for at in _ranked([key[1:] for key in keys], recall)[:limit]]
    rows: dict[int, Any] = {}
    for chunk in chunks(kept, 500):
        rows.update((row[_ID], row) for row in driver_rows(conn, select(*columns).join(decks_t).where(c.id.in_(chunk))))
    return [rows[card_id] for card_id in kept]


def _where(conn: Connection, decks: list[DeckRow], filters: CardFilter, needle: str, now: datetime) -> list:
    c = cards_t.c
    where = [~c.retired, *_state_clause(filters.state, now)]
    # Every deck: no deck filter, and the cards are read in one scan, not looked up one by one
    # through the deck's index (100k cards: 0.05 s)
    if len(decks) < conn.execute(select(func.count()).select_from(decks_t)).scalar_one():
        where.append(c.deck_id.in_([deck.id for deck in decks]))
    if filters.due_from is not None:
        where.append(c.due >= filters.due_from)
    if filters.due_before is not None:
        where.append(c.due < filters.due_before)
    if filters.flagged:
        where.append(c.flag > 0)
    if filters.tag is not None:
        where.append(has_tag(filters.tag))
    if needle and _folds_alike(needle):
        # A first pass in SQL on the stored JSON text (its escapes written as the needle's),
        # then the card's own text in Python: the keys and escapes are not the card's words.
        escaped = json.dumps(needle, ensure_ascii=False)[1:-1]
        where.append(func.lower(c.content).contains(escaped, autoescape=True))
    return where


def _columns(now: datetime, lang: str, needle: str) -> tuple:
    """ListedCard's columns, and the whole content after them to search it in."""
    return (*_listed(now, lang), cards_t.c.content) if needle else _listed(now, lang)


def _read(conn: Connection, query, needle: str, limit: int | None = None) -> list[ListedCard]:
    """The rows of `query` whose text holds `needle` (all of them without one), up to `limit`:
    read as a stream that stops there."""
    if not needle:
        return cast("list[ListedCard]", driver_rows(conn, query))
    found: list[ListedCard] = []
    result = conn.execute(query)
    for row in cast("Iterable[tuple]", result.cursor):  # sqlite3's and psycopg's cursors iterate
        if text_matches(json.loads(row[-1]), needle):  # the content, after ListedCard's columns
            found.append(cast(ListedCard, row[:-1]))
            if len(found) == limit:
                break
    result.close()
    return found


def _ranked(keys: list, recall: dict[int, Recall]) -> list[int]:
    """The places of (deck id, last review, stability) by retrievability: the lowest first,
    the never reviewed last; ties as they came."""
    chances = [recall[deck_id](last_review, stability) for deck_id, last_review, stability in keys]
    order = [2.0 if chance is None else chance for chance in chances]  # a chance is at most 1
    return sorted(range(len(order)), key=order.__getitem__)


def _state_clause(state: str | None, now: datetime) -> tuple:
    c = cards_t.c
    buried = _buried(now)
    if state is None:
        return ()
    if state == "suspended":
        return (c.suspended,)
    if state == "leech":
        return (c.leech,)
    if state == "buried":
        return (~c.suspended, buried)
    states = {"new": (State.NEW,), "learning": (State.LEARNING, State.RELEARNING), "review": (State.REVIEW,)}[state]
    return (~c.suspended, ~buried, c.state.in_([int(s) for s in states]))


def _buried(now: datetime):
    return and_(cards_t.c.buried_until.is_not(None), cards_t.c.buried_until > now)


def _folds_alike(needle: str) -> bool:
    """Whether the databases' lower() folds the needle's case as Python does: SQLite folds
    ASCII only, so a needle with other cased letters (é, Ж) is matched in Python alone."""
    return all(char.isascii() or char.lower() == char.upper() for char in needle)


def text_matches(content: dict, needle: str) -> bool:
    """Whether the card's text (front, back, cloze text, note; every language) holds `needle`
    (lower case), case aside."""
    for name in TEXT_FIELDS:
        value = content.get(name)
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else (value,)
        if any(isinstance(text, str) and needle in text.lower() for text in values):
            return True
    return False


# -- one note ------------------------------------------------------------------------


class NoteCard(NamedTuple):
    id: int
    ord: int
    kind: str
    content: str  # JSON text, shared by the note's cards
    tags: str
    suspended: bool
    leech: bool
    buried_until: datetime | None
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int
    line: int | None  # of the note's entry in its deck file (none if imported before revision 0006)
    flag: int  # 0, or quiz.model.FLAGS' colour from 1


class Answer(NamedTuple):
    card_id: int
    reviewed_at: datetime
    rating: int | None  # None for a manual change
    duration_ms: int | None
    due_after: datetime | None
    kind: str  # review (a scheduled answer), or an event's: cram, forget, reschedule


def note_cards(conn: Connection, deck: DeckRow, key: str) -> list[NoteCard]:
    """The current cards of the note `key` (its id in the deck file), by ord."""
    c = cards_t.c
    query = select(
        *(c.id, c.ord, c.kind, c.content, c.tags, c.suspended, c.leech, c.buried_until, c.state, c.step),
        *(c.stability, c.difficulty, c.due, c.last_review, c.reps, c.lapses, c.line, c.flag),
    )
    query = query.where(c.deck_id == deck.id, c.note_key == key, ~c.retired).order_by(c.ord)
    return [NoteCard._make(row) for row in conn.execute(query)]


def answers_of(conn: Connection, card_ids: list[int]) -> list[Answer]:
    """Every entry of these cards' log, oldest first: the answers and the events."""
    r, e = reviews_t.c, events_t.c
    reviews = select(r.card_id, r.reviewed_at, r.rating, r.duration_ms, r.due_after, literal("review"), r.id)
    events = select(e.card_id, e.at, e.rating, e.duration_ms, e.due_after, e.kind, e.id)
    rows = [*conn.execute(reviews.where(r.card_id.in_(card_ids))), *conn.execute(events.where(e.card_id.in_(card_ids)))]
    return [Answer._make(row[:6]) for row in sorted(rows, key=lambda row: (row[1], row[5] != "review", row[6]))]


def deck_source(conn: Connection, deck_id: int) -> str | None:
    """The file the deck was last imported from, as the import was given it."""
    return conn.execute(select(decks_t.c.source).where(decks_t.c.id == deck_id)).scalar()
