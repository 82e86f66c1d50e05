"""Where each deck came from and what may happen to it whole: the file it was imported
from (and that file's size and time then, so that a changed file is noticed for free),
a removal with every card and review, the bundled decks the learner removed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from quiz.storage.collection import get_setting, set_setting
from quiz.storage.schema import cards_t, deck_settings_t, decks_t, events_t, reviews_t

FILE_STATS = "deck_file_stats"  # setting: {source path: [size, mtime_ns]} at its last import
REMOVED_BUNDLED = "removed_bundled_decks"  # setting: [deck name], kept out of the bundled sync


@dataclass(frozen=True)
class DeckSource:
    id: int
    name: str
    source: str | None  # the file it was last imported from (absolute since quiz 0.x; older: as given)
    sha256: str | None


def deck_sources(conn: Connection) -> dict[str, DeckSource]:
    query = select(decks_t.c.id, decks_t.c.name, decks_t.c.source, decks_t.c.source_sha256)
    return {row.name: DeckSource(*row) for row in conn.execute(query)}


@dataclass(frozen=True)
class Removed:
    name: str
    cards: int
    reviews: int


def removal_sizes(conn: Connection, names: list[str]) -> list[Removed]:
    """What removing these decks would take away: their cards and reviews."""
    found = []
    for deck_id, name in conn.execute(select(decks_t.c.id, decks_t.c.name).where(decks_t.c.name.in_(names))):
        cards = select(cards_t.c.id).where(cards_t.c.deck_id == deck_id)
        count = conn.execute(select(func.count()).select_from(cards.subquery())).scalar_one()
        reviews = conn.execute(
            select(func.count()).select_from(reviews_t).where(reviews_t.c.card_id.in_(cards))
        ).scalar_one()
        found.append(Removed(name, count, reviews))
    return sorted(found, key=lambda removed: names.index(removed.name))


def remove_decks(conn: Connection, names: list[str], bundled: set[str]) -> None:
    """Delete the decks with their cards, reviews, events and settings (in the caller's transaction);
    those of them that ship with quiz (`bundled`) stay out of its sync of the bundled decks."""
    ids = list(conn.execute(select(decks_t.c.id).where(decks_t.c.name.in_(names))).scalars())
    cards = select(cards_t.c.id).where(cards_t.c.deck_id.in_(ids))
    conn.execute(delete(reviews_t).where(reviews_t.c.card_id.in_(cards)))
    conn.execute(delete(events_t).where(events_t.c.card_id.in_(cards)))
    conn.execute(delete(cards_t).where(cards_t.c.deck_id.in_(ids)))
    conn.execute(delete(deck_settings_t).where(deck_settings_t.c.deck_id.in_(ids)))
    conn.execute(delete(decks_t).where(decks_t.c.id.in_(ids)))
    if bundled & set(names):
        set_removed_bundled(conn, removed_bundled(conn) | (bundled & set(names)))


def removed_bundled(conn: Connection) -> set[str]:
    return set(json.loads(get_setting(conn, REMOVED_BUNDLED) or "[]"))


def set_removed_bundled(conn: Connection, names: set[str]) -> None:
    set_setting(conn, REMOVED_BUNDLED, json.dumps(sorted(names)))


def file_stats(conn: Connection) -> dict[str, list[int]]:
    return json.loads(get_setting(conn, FILE_STATS) or "{}")


def save_file_stats(conn: Connection, stats: dict[str, list[int]]) -> None:
    """Remember the files' size and time as imported (the files no deck comes from are dropped)."""
    kept = {**file_stats(conn), **stats}
    sources = {source for source in conn.execute(select(decks_t.c.source)).scalars() if source}
    set_setting(conn, FILE_STATS, json.dumps({path: stat for path, stat in kept.items() if path in sources}))


def file_stat(path: Path) -> list[int] | None:
    """[size, mtime_ns] of the file, or None if it cannot be looked at."""
    try:
        found = path.stat()
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns]


def changed_files(conn: Connection, bundled: set[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The deck files imported before that changed since (by size and time: no file is
    read), and the (deck, file) pairs whose file is gone; the `bundled` files are quiz's own."""
    sources, stats = deck_sources(conn), file_stats(conn)
    changed, gone = [], []
    for deck in sorted(sources.values(), key=lambda deck: deck.name):
        if not deck.source or deck.source in bundled or not Path(deck.source).is_absolute():
            continue
        now = file_stat(Path(deck.source))
        if now is None:
            gone.append((deck.name, deck.source))
        elif now != stats.get(deck.source):
            changed.append(Path(deck.source))
    return changed, gone
