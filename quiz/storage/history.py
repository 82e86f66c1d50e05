"""Progress brought from elsewhere (an Anki package): which cards a note's GUID names,
what each card's log holds already, and the schedules and log rows written in the
caller's transaction (quiz.anki.importing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import BigInteger, bindparam, insert, select, union_all, update
from sqlalchemy.engine import Connection

from quiz.model import Schedule
from quiz.storage.database import chunks
from quiz.storage.prepared import Prepared
from quiz.storage.rows import from_epoch_ms
from quiz.storage.schema import SCHEDULE_COLUMNS, UTCDateTime, cards_t, decks_t, events_t, reviews_t

REVIEW_COLUMNS = tuple(column.name for column in reviews_t.columns if column.name != "id")
EVENT_COLUMNS = tuple(column.name for column in events_t.columns if column.name != "id")
# the log's instants, which its bulk rows give in epoch ms (from_epoch_ms)
INSTANTS = frozenset(
    column.name for table in (reviews_t, events_t) for column in table.columns if isinstance(column.type, UTCDateTime)
)


def cards_by_guid(
    conn: Connection, note_guid: Callable[[str, str], str]
) -> dict[str, list[tuple[int, str, str, int, str]]]:
    """Anki note GUID -> its cards (card id, deck, note key, ord, kind): the `guid` a deck
    file gives, else `note_guid(deck, key)`, the one quiz's export gives the note."""
    c = cards_t.c
    query = select(c.id, decks_t.c.name, c.note_key, c.ord, c.kind, c.content).join(decks_t)
    found: dict[str, list[tuple[int, str, str, int, str]]] = {}
    guids: dict[tuple[str, str], str] = {}
    for card_id, deck, key, ord_, kind, content in conn.execute(query):
        guid = guids.get((deck, key))
        if guid is None:
            given = json.loads(content).get("guid") if '"guid"' in content else None
            guid = guids[deck, key] = given if isinstance(given, str) else note_guid(deck, key)
        found.setdefault(guid, []).append((card_id, deck, key, ord_, kind))
    return found


def card_ids(conn: Connection, deck: str) -> dict[tuple[str, int], int]:
    """(note key, ord) -> card id, for the cards of a deck."""
    c = cards_t.c
    query = select(c.note_key, c.ord, c.id).join(decks_t).where(decks_t.c.name == deck)
    return {(key, ord_): card_id for key, ord_, card_id in conn.execute(query)}


def deck_keys(conn: Connection, deck: str) -> dict[str, list[str]]:
    """A deck's card ids by their note's GUID and by their front (or cloze text), in the
    deck's order: several cards may have one front."""
    c = cards_t.c
    query = select(c.note_key, c.content).join(decks_t).where(decks_t.c.name == deck).order_by(c.position, c.ord)
    keys: dict[str, list[str]] = {}
    for key, content in conn.execute(query):
        data = json.loads(content)
        for name in ("guid", "front", "text"):
            value = data.get(name)
            if isinstance(value, str) and key not in keys.setdefault(value, []):
                keys[value].append(key)
    return keys


def logged(conn: Connection, ids: list[int]) -> tuple[dict[int, set[int]], dict[int, datetime | None]]:
    """For these cards: the instants (epoch ms) their log holds, reviews and events, and
    their last review."""
    times: dict[int, set[int]] = {card_id: set() for card_id in ids}
    last: dict[int, datetime | None] = {}
    for part in chunks(ids, 5000):
        r, e = reviews_t.c, events_t.c
        both = union_all(
            select(r.card_id, r.reviewed_at).where(r.card_id.in_(part)),
            select(e.card_id, e.at).where(e.card_id.in_(part)),
        )
        for card_id, at in conn.execute(both):
            times[card_id].add(round(at.timestamp() * 1000))
        last.update(conn.execute(select(cards_t.c.id, cards_t.c.last_review).where(cards_t.c.id.in_(part))).all())
    return times, last


def write_progress(
    conn: Connection,
    schedules: list[tuple[int, Schedule, bool, int, bool, datetime | None]],
    reviews: list[dict],
    events: list[dict],
) -> None:
    """Each (card id, schedule, suspended, flag, leech, buried until), and the log rows (their
    instants in epoch ms, made the database's by from_epoch_ms), in bulk through
    quiz.storage.prepared, as the import's new cards: 10^5 rows of each."""
    if schedules:
        names = (*SCHEDULE_COLUMNS, "suspended", "flag", "leech", "buried_until")
        statement = update(cards_t).where(cards_t.c.id == bindparam("card"))
        statement = statement.values({name: bindparam(f"new_{name}") for name in names})
        values = [
            {"card": card_id, **{f"new_{name}": getattr(schedule, name) for name in SCHEDULE_COLUMNS}}
            | {"new_suspended": suspended, "new_flag": flag, "new_leech": leech, "new_buried_until": buried}
            for card_id, schedule, suspended, flag, leech, buried in schedules
        ]
        Prepared(statement, conn.dialect).run_many(conn, values)
    for table, rows, names in ((reviews_t, reviews, REVIEW_COLUMNS), (events_t, events, EVENT_COLUMNS)):
        if rows:
            # Only the columns some row holds are bound; the others take their defaults (none; a
            # review made no leech). An Anki import's log rows hold 12 of the 19 (no typed answer,
            # no steps): 120k rows of bench_anki_import.py's 100k package, 1.0 -> 0.7 s on raw sqlite3.
            held = set().union(*rows)
            columns = [name for name in names if name in held]
            # what a row leaves out is none (or false); not filled into 120k dicts first: 0.64 s
            unset = dict.fromkeys(columns) | ({"leech": False} if "leech" in held else {})
            bound = {
                name: from_epoch_ms(bindparam(name, type_=BigInteger)) if name in INSTANTS else bindparam(name)
                for name in columns
            }
            Prepared(insert(table).values(bound), conn.dialect).run_many(conn, rows, unset)
