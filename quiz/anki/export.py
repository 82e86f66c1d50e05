"""Export decks, and optionally the learner's progress, as an Anki package (.apkg).

genanki lays out the package (schema, collection row, note types, decks); the
notes, cards and review log are written here straight into its SQLite file,
against Anki's documented schema (cards.type/queue/due/ivl/left, the card's
`data` JSON with the FSRS memory state, revlog rows), in bulk.

Identity (fields.py, with the note types and the fields' HTML): a note's GUID
comes from the deck name and the card's id, and the note types and decks have
constant ids, so importing a newer export updates the notes in Anki instead of
adding copies. Anki never overwrites the
scheduling of a card it already has, so progress travels once, with the
first import of each card.

Days are the learner's, as Anki counts them (clock.py); the package's frame and
its deck presets are laid out in layout.py.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quiz import storage
from quiz.anki import sqlrows
from quiz.anki.clock import Clock
from quiz.anki.fields import (
    MODEL_IDS,
    anki_deck_id,
    note_fields,
    note_guid,
    plain_text,
)
from quiz.anki.layout import write_layout
from quiz.anki.revlog import REVLOG_COLUMNS, ease, memory_data, numbered, revlog_rows
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.model import CardKind, DeckRow, DeckSettings, State
from quiz.plumbing import files
from quiz.plumbing.gcpause import collector_paused
from quiz.storage import reports
from quiz.storage.database import snapshot, sqlite_path
from quiz.storage.reports import ExportCard, ExportReview

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

QUEUE_SUSPENDED, QUEUE_BURIED = -1, -3
KINDS = {kind.value: kind for kind in CardKind}
CLOZE = CardKind.CLOZE.value
NEW, LEARNING, REVIEW = int(State.NEW), int(State.LEARNING), int(State.REVIEW)
ZIP_LEVEL = 1  # deflate's fastest level: most of the size gain, a fraction of the time
# Anki's tables, as genanki creates them
NOTE_COLUMNS = "id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data"
CARD_COLUMNS = "id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data"


@dataclass
class ExportReport:
    path: Path
    decks: int
    notes: int
    cards: int
    reviews: int


def export_decks(
    engine: Engine,
    names: list[str],
    path: str | Path,
    *,
    lang: str,
    clock: Clock,
    with_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    force: bool = False,
) -> ExportReport:
    """Write the decks (all of them if `names` is empty) to an .apkg file at `path`.

    The file appears whole or not at all: it is written beside its target and
    renamed into place. `on_progress(done, total)` is called as the steps are done:
    one for each note, card and review written, one for Anki's indexes, one for the file.
    """
    target = Path(path)
    files.check_writable(target)
    if not force and files.real_target(target).is_file() and not is_anki_package(target):
        message = _("{path} exists and is not an Anki package: choose another -o, or --force to replace it")
        raise QuizError(message.format(path=target))
    # Some 10^5 rows and objects that all live to the end: the collector's passes over them are
    # wasted work, and one pass once it is back on costs as much again, so it comes back only
    # when they are gone with _export's locals. Paused, bench_anki's 100k export with progress
    # took 4.5 s against 5.2 s (medians of 4, alternating in one process, the machine at 2.4x
    # its quiet time); at 10k it makes no difference.
    with collector_paused():
        return _export(engine, names, target, lang, clock, with_progress, on_progress)


def _export(
    engine: Engine,
    names: list[str],
    target: Path,
    lang: str,
    clock: Clock,
    with_progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> ExportReport:
    collection_file = sqlite_path(engine)
    with snapshot(engine) as conn:  # the cards' schedules agree with their review log
        decks = storage.select_decks(conn, list(names))
        deck_ids = [deck.id for deck in decks]
        settings = {deck.id: storage.deck_settings(conn, deck.id) for deck in decks}
        if collection_file is None:  # PostgreSQL's rows come through the driver, and are made in Python
            cards = reports.cards_for_export(conn, deck_ids)
            reviews = reports.reviews_for_export(conn, deck_ids if names else None) if with_progress else []
    progress = _Progress(on_progress)
    package = _Package(decks, settings, lang, clock, with_progress)
    db = package.begin()
    try:
        if collection_file is None:
            counts = package.fill(db, cards, reviews, progress)
        else:
            counts = package.fill_from_file(db, collection_file, deck_ids, progress)
        data = package.finish(db, progress)
    finally:
        db.close()
    _write_package(target, data)
    progress.advance()
    return ExportReport(target, len(decks), *counts)


# -- the package -----------------------------------------------------------------------


class _Progress:
    """Steps done of `total` (known once the rows are counted), reported to the caller
    about a hundred times in all."""

    def __init__(self, on_progress: Callable[[int, int], None] | None):
        self.on_progress = on_progress
        self.total = self.done = 0
        self.every = 1

    def start(self, total: int) -> None:
        self.total = total
        self.every = max(1, total // 100)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if self.on_progress:
            self.on_progress(self.done, self.total)

    def insert(self, db: sqlite3.Connection, table: str, columns: str, rows: Iterable[tuple]) -> None:
        """Insert the rows in batches, each row a step done."""
        statement = f"INSERT INTO {table} ({columns}) VALUES ({','.join('?' * (columns.count(',') + 1))})"
        rows = iter(rows)
        while batch := list(itertools.islice(rows, self.every)):
            db.executemany(statement, batch)
            self.advance(len(batch))


def anki_ids(top: int, highest_card_id: int) -> tuple[int, Callable[[int], int]]:
    """Anki's ids are creation times in ms (it renumbers clashes): just below `top`, a card's
    id is base + 2 * its id + 1, a note's base + 2 * the id of its first card (sqlrows says
    the same in SQL). The base, and the card's id."""
    base = top - 2 * (highest_card_id + 1)
    return base, lambda card_id: base + 2 * card_id + 1


class _Package:
    def __init__(
        self, decks: list[DeckRow], settings: dict[int, DeckSettings], lang: str, clock: Clock, with_progress: bool
    ):
        self.decks = decks
        self.settings = settings
        self.lang = lang
        self.clock = clock
        self.with_progress = with_progress
        self.anki_deck_ids = {deck.id: anki_deck_id(deck.name) for deck in decks}
        self.deck_langs = {deck.id: deck.lang for deck in decks}
        self.deck_names = {deck.id: deck.name for deck in decks}
        self.memory_settings = {deck.id: _memory_settings(settings[deck.id]) for deck in decks}
        self.mtime = int(clock.now.timestamp())
        self.top_id = self.mtime * 1000
        self.indexes: list[tuple[str, str]] = []

    def begin(self) -> sqlite3.Connection:
        """Anki's collection database, laid out, without its indexes until finish()."""
        db = sqlite3.connect(":memory:")
        db.execute("PRAGMA journal_mode = OFF")  # nothing to roll back: a failed build is thrown away whole
        write_layout(db, self.decks, self.settings, self.lang, self.clock, self.clock.now.timestamp())
        # Bulk rows go in before genanki's indexes exist: building them once is faster.
        self.indexes = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in self.indexes:
            db.execute(f"DROP INDEX {name}")
        return db

    def finish(self, db: sqlite3.Connection, progress: _Progress) -> bytes:
        for _name, sql in self.indexes:
            db.execute(sql)
        progress.advance()
        db.commit()
        return db.serialize()

    def fill(
        self, db: sqlite3.Connection, cards: list[ExportCard], reviews: list[ExportReview], progress: _Progress
    ) -> tuple[int, int, int]:
        """The notes, cards and log from the rows read; (notes, cards, reviews) written."""
        base, anki_id = anki_ids(self.top_id, max((card.id for card in cards), default=0))
        notes, note_ids, note_of = [], [], None
        for card in cards:  # siblings (same deck and key) are next to each other, the first one the note's
            if (card.deck_id, card.note_key) != note_of:
                note_of = (card.deck_id, card.note_key)
                notes.append((card.id, card.kind, card.deck_id, card.note_key, card.tags, card.content))
            note_ids.append(base + 2 * notes[-1][0])
        leeches = {(card.deck_id, card.note_key) for card in cards if card.leech} if self.with_progress else set()
        progress.start(len(notes) + len(cards) + len(reviews) + 2)
        progress.insert(db, "notes", NOTE_COLUMNS, self._notes(notes, base, leeches))
        make_card = self._studied_card if self.with_progress else self._new_card
        rows = (make_card(anki_id(card.id), note_id, card) for card, note_id in zip(cards, note_ids))
        progress.insert(db, "cards", CARD_COLUMNS, rows)
        card_ids = {card.id: anki_id(card.id) for card in cards}
        progress.insert(db, "revlog", REVLOG_COLUMNS, revlog_rows(reviews, card_ids, self.clock))
        return len(notes), len(cards), len(reviews)

    def fill_from_file(
        self, db: sqlite3.Connection, path: Path, deck_ids: list[int], progress: _Progress
    ) -> tuple[int, int, int]:
        """fill(), the database doing the bulk work (quiz.anki.sqlrows)."""
        collection = sqlrows.Collection(db, path, deck_ids, self.clock)
        base = collection.id_base(self.top_id)
        notes = collection.first_cards()
        leeches = collection.leeches() if self.with_progress else set()
        reviews = collection.review_count() if self.with_progress else 0
        (cards,) = db.execute(f"SELECT COUNT(*) FROM quiz.cards WHERE {collection.current}").fetchone()
        progress.start(len(notes) + cards + reviews + 2)
        progress.insert(db, "notes", NOTE_COLUMNS, self._notes(notes, base, leeches))
        decks = [
            (deck.id, self.anki_deck_ids[deck.id], *self.memory_settings[deck.id])
            + (len(self.settings[deck.id].learning_steps), len(self.settings[deck.id].relearning_steps))
            for deck in self.decks
        ]
        progress.advance(collection.insert_cards(base, self.mtime, decks, self.with_progress))
        if self.with_progress:
            progress.insert(db, "revlog", REVLOG_COLUMNS, numbered(collection.answers(base)))
        collection.close()
        return len(notes), cards, reviews

    def _notes(self, notes: list[tuple], base: int, leeches: set[tuple[int, str]]) -> Iterator[tuple]:
        """The note rows of (first card's id, kind, deck id, note key, tags, content)."""
        # One parse for all the notes' contents: 0.17 s for 100k notes, against 0.36 s for a json.loads
        # per note (measured here), some 7% of the export's 100k row in benchmarks/run.py.
        contents = json.loads("[" + ",".join([note[5] for note in notes]) + "]")
        for (card_id, kind, deck_id, key, tags, _text), content in zip(notes, contents, strict=True):
            yield self._note(base + 2 * card_id, KINDS[kind], deck_id, key, tags, content, (deck_id, key) in leeches)

    def _note(
        self, note_id: int, kind: CardKind, deck_id: int, key: str, tags: str, content: dict, leech: bool
    ) -> tuple:
        fields = note_fields(kind, content, self.lang, self.deck_langs[deck_id])
        sort_text = plain_text(fields[0])
        checksum = int.from_bytes(hashlib.sha1(sort_text.encode()).digest()[:4], "big")
        if leech and "leech" not in tags.split():
            tags = f"{tags} leech" if tags else "leech"  # Anki's own mark for a card that lapses too often
        guid = content.get("guid") or note_guid(self.deck_names[deck_id], key)  # the note it came from
        return (
            note_id,
            guid,
            MODEL_IDS[kind],
            self.mtime,
            -1,
            f" {tags} " if tags else "",
            "\x1f".join(fields),
            sort_text,
            checksum,
            0,
            "",
        )

    def _new_card(self, card_id: int, note_id: int, card: ExportCard, queue: int = 0) -> tuple:
        return self._card_row(card_id, note_id, card, queue=queue, due=card.position + 1)

    def _studied_card(self, card_id: int, note_id: int, card: ExportCard) -> tuple:
        if card.state == NEW or card.due is None or card.last_review is None:
            return self._new_card(card_id, note_id, card, QUEUE_SUSPENDED if card.suspended else 0)
        ctype, queue, due_number, interval, left = self._schedule(card, card.due, card.last_review)
        if card.suspended:
            queue = QUEUE_SUSPENDED
        elif card.buried_until is not None and card.buried_until > self.clock.now_ms:
            queue = QUEUE_BURIED
        retention, decay = self.memory_settings[card.deck_id]
        return self._card_row(
            card_id,
            note_id,
            card,
            ctype=ctype,
            queue=queue,
            due=due_number,
            interval=interval,
            factor=ease(card.difficulty),
            reps=card.reps,
            lapses=card.lapses,
            left=left,
            data=memory_data(card.stability, card.difficulty, retention, card.last_review, decay),
        )

    def _card_row(
        self,
        card_id: int,
        note_id: int,
        card: ExportCard,
        *,
        ctype: int = 0,
        queue: int = 0,
        due: int = 0,
        interval: int = 0,
        factor: int = 0,
        reps: int = 0,
        lapses: int = 0,
        left: int = 0,
        data: str = "",
    ) -> tuple:
        """A row of Anki's cards table (CARD_COLUMNS): a new card's, but for the schedule given."""
        template = card.ord - 1 if card.kind == CLOZE else card.ord
        deck = self.anki_deck_ids[card.deck_id]
        return (
            card_id,
            note_id,
            deck,
            template,
            self.mtime,
            -1,
            ctype,
            queue,
            due,
            interval,
            factor,
            reps,
            lapses,
            left,
            0,  # odue
            0,  # odid
            card.flag if self.with_progress else 0,  # Anki's flags: the colour's number, as quiz's
            data,
        )

    def _schedule(self, card: ExportCard, due: int, last_review: int) -> tuple[int, int, int, int, int]:
        """(type, queue, due, ivl, left) as Anki stores a card that has been studied."""
        clock = self.clock
        due_day = clock.day(due)
        if card.state == REVIEW:
            return 2, 2, due_day - clock.today, max(1, due_day - clock.day(last_review)), 0
        settings = self.settings[card.deck_id]
        steps = settings.learning_steps if card.state == LEARNING else settings.relearning_steps
        left = max(1, len(steps) - (card.step or 0))
        # rounded half up, as SQLite's round() (sqlrows)
        interval = 0 if card.state == LEARNING else max(1, int((card.stability or 1) + 0.5))
        if due < clock.tomorrow_start_ms:
            return card.state, 1, due // 1000, interval, left  # intraday: epoch seconds
        return card.state, 3, due_day - clock.today, interval, left  # a later day: day number


def _memory_settings(settings: DeckSettings) -> tuple[str, str]:
    """The desired retention and the decay of the card's memory state, as JSON members."""
    decay = f',"decay":{float(settings.parameters[20])!r}' if settings.parameters else ""
    return f'"dr":{float(settings.desired_retention)!r}', decay


# -- the file ---------------------------------------------------------------------------


def is_anki_package(path: Path) -> bool:
    """A zip file with an Anki collection in it (what an export may replace without --force)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.startswith("collection.anki2") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _write_package(target: Path, collection: bytes) -> None:
    """The .apkg appears whole or not at all (quiz.plumbing.files)."""
    with (
        files.replacing(target) as (raw, _temporary),
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive,
    ):
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", b"{}")
