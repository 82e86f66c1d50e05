"""Export decks, and optionally the learner's progress, as an Anki package (.apkg).

genanki lays out the package (schema, collection row, note types, decks); the
notes, cards and review log are written here straight into its SQLite file,
against Anki's documented schema (cards.type/queue/due/ivl/left, the card's
`data` JSON with the FSRS memory state, revlog rows), in bulk.

Identity (fields.py, with the note types and the fields' HTML): a note's GUID
comes from the deck name and the card's id, and the note types and decks have
constant ids, so importing a newer export updates
the notes in Anki instead of adding copies. Anki never overwrites the
scheduling of a card it already has, so progress travels once, with the
first import of each card.

Days: the package's collection starts (`crt`) at the start of the learner's
day and keeps Anki's plain 86400-second day count, so "due in 3 days" here is
"due in 3 days" in the collection that imports it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from quiz import files, scheduling, storage, zipwrite
from quiz.anki.fields import (
    MODEL_IDS,
    anki_deck_id,
    note_fields,
    note_guid,
    note_type,
    plain_text,
    preset_id,
)
from quiz.aside import Aside
from quiz.gcpause import collector_paused
from quiz.model import CardKind, DeckSettings, State, localize
from quiz.storage import reports
from quiz.storage.schema import snapshot

MAX_ANSWER_MS = 60_000  # Anki's own cap on a review's time
REVLOG_KIND = {int(State.NEW): 0, int(State.LEARNING): 0, int(State.REVIEW): 1, int(State.RELEARNING): 2}
QUEUE_SUSPENDED, QUEUE_BURIED = -1, -3
KINDS = {kind.value: kind for kind in CardKind}
CLOZE = CardKind.CLOZE.value
NEW, LEARNING, REVIEW = int(State.NEW), int(State.LEARNING), int(State.REVIEW)
LEECH = 9  # in a card row with its schedule (reports.cards_for_export)
HOUR_MS, DAY_MS = 3_600_000, 86_400_000
UNIX_EPOCH_DAY = date(1970, 1, 1).toordinal()
UNKNOWN = object()
ANSWER_TIME = operator.itemgetter(1)  # in a review row (reports.reviews_for_export)
# Anki's tables, as genanki creates them
NOTE_COLUMNS = "id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data"
CARD_COLUMNS = "id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data"
REVLOG_COLUMNS = "id, cid, usn, ease, ivl, lastIvl, factor, time, type"


@dataclass
class ExportReport:
    path: Path
    decks: int
    notes: int
    cards: int
    reviews: int


@dataclass
class Clock:
    """The learner's day, as Anki counts days in the exported package.

    Instants are epoch milliseconds (as storage reads them for the export); days
    are day numbers (date ordinals), so their difference is a count of days.
    """

    now: datetime
    zone: tzinfo
    rollover_hour: int

    def __post_init__(self) -> None:
        self._offsets: dict[int, int | None] = {}
        self._rollover_ms = self.rollover_hour * HOUR_MS
        self.now_ms = round(self.now.timestamp() * 1000)
        self.today = self.day(self.now_ms)

    def day(self, epoch_ms: int) -> int:
        """scheduling.learner_date as a day number, without a datetime per call: the wall
        clock is UTC plus the zone's offset, and the offset is remembered per UTC day (the
        few days on which it changes look it up per instant)."""
        utc_day = epoch_ms // DAY_MS
        offset = self._offsets.get(utc_day, UNKNOWN)
        if offset is UNKNOWN:
            offset = self._offsets[utc_day] = self._steady_offset(utc_day)
        if offset is None:
            offset = self._offset(epoch_ms)
        return (epoch_ms + offset - self._rollover_ms) // DAY_MS + UNIX_EPOCH_DAY

    def _steady_offset(self, utc_day: int) -> int | None:
        first, last = self._offset(utc_day * DAY_MS), self._offset((utc_day + 1) * DAY_MS - 1)
        return first if first == last else None  # no zone changes its offset twice in a day

    def _offset(self, epoch_ms: int) -> int:
        moment = datetime.fromtimestamp(epoch_ms // 1000, self.zone)
        return int(moment.utcoffset().total_seconds() * 1000)

    @property
    def collection_start(self) -> int:
        """Epoch seconds of the start of today: day 0 of the package."""
        return int(scheduling.day_start(self.now, self.zone, self.rollover_hour).timestamp())

    @functools.cached_property
    def tomorrow_start_ms(self) -> int:
        return round(scheduling.next_day_start(self.now, self.zone, self.rollover_hour).timestamp() * 1000)


def export_decks(
    engine,
    names: list[str],
    path: str | Path,
    *,
    lang: str,
    clock: Clock,
    with_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the decks (all of them if `names` is empty) to an .apkg file at `path`.

    The file appears whole or not at all: it is written beside its target and
    renamed into place.
    """
    target = Path(path)
    files.check_writable(target)
    # Some 10^5 objects that all live to the end: collecting them as they pile up wastes 10-20%,
    # and one pass over them all when the collector is back on costs as much as writing the
    # file, so it comes back only once they are gone (with _export's locals).
    with collector_paused():
        return _export(engine, names, target, lang, clock, with_progress, on_progress)


def _export(engine, names: list[str], target: Path, lang: str, clock: Clock, with_progress: bool,
            on_progress) -> ExportReport:
    with snapshot(engine) as conn:  # the cards' schedules agree with their review log
        decks = storage.select_decks(conn, list(names))
        deck_ids = [deck.id for deck in decks]
        settings = {deck.id: storage.deck_settings(conn, deck.id) for deck in decks}
        cards = reports.cards_for_export(conn, deck_ids, with_progress)
        reviews = reports.reviews_for_export(conn, deck_ids if names else None) if with_progress else []
    progress = _Progress(on_progress, len(cards))
    builder = _Package(decks, settings, lang, clock, with_progress)
    _write_package(target, builder.build(cards, reviews, progress))
    progress.reached(1.0)
    return ExportReport(target, len(decks), builder.note_count, len(cards), builder.review_count)


# -- the package -----------------------------------------------------------------------


class _Progress:
    """The share of the export done, in cards for the caller's bar. The shares are where
    each step ended in a 100k-card export (measured): the notes take half the time, the
    rest goes to the second process's tables, the indexes and the deflate."""

    NOTES, COPIED, INDEXED, BUILT = 0.5, 0.65, 0.8, 0.85

    def __init__(self, on_progress: Callable[[int, int], None] | None, cards: int):
        self.on_progress = on_progress
        self.cards = cards

    def reached(self, share: float) -> None:
        if self.on_progress:
            self.on_progress(int(share * self.cards), self.cards)


class _Package:
    def __init__(self, decks: list, settings: dict[int, DeckSettings], lang: str, clock: Clock, with_progress: bool):
        self.decks = decks
        self.settings = settings
        self.lang = lang
        self.clock = clock
        self.with_progress = with_progress
        self.anki_deck_ids = {deck.id: anki_deck_id(deck.name) for deck in decks}
        self.deck_langs = {deck.id: deck.lang for deck in decks}
        self.deck_names = {deck.id: deck.name for deck in decks}
        self.memory_settings = {deck.id: _memory_settings(settings[deck.id]) for deck in decks}
        self.note_count = 0
        self.review_count = 0

    def build(self, cards: list, reviews: list, progress: _Progress) -> bytes:
        timestamp = self.clock.now.timestamp()
        mtime = int(timestamp)
        ids = _identities(cards, mtime * 1000)
        # The cards and the review log are built in a second process meanwhile (quiz.aside).
        with Aside(lambda: self._cards_and_revlog(cards, ids, reviews, mtime)) as scheduling_part:
            db = sqlite3.connect(":memory:")
            db.execute("PRAGMA journal_mode = OFF")  # nothing to roll back: a failed build is thrown away whole
            self._write_layout(db, timestamp)
            # Bulk rows go in before genanki's indexes exist: building them once is faster.
            indexes = db.execute("SELECT name, tbl_name, sql FROM sqlite_master "
                                 "WHERE type = 'index' AND sql IS NOT NULL").fetchall()
            for name, _, _ in indexes:
                db.execute(f"DROP INDEX {name}")
            notes = self._notes(cards, ids, mtime, progress)
            db.executemany(f"INSERT INTO notes ({NOTE_COLUMNS}) VALUES ({_marks(NOTE_COLUMNS)})", notes)
            _create_indexes(db, indexes, "notes")  # while the second process is still at work
            db.execute("ATTACH ':memory:' AS part")
            db.deserialize(scheduling_part.result(), name="part")
        db.execute(f"INSERT INTO cards ({CARD_COLUMNS}) SELECT {CARD_COLUMNS} FROM part.cards")
        copied = db.execute(f"INSERT INTO revlog ({REVLOG_COLUMNS}) SELECT {REVLOG_COLUMNS} FROM part.revlog")
        self.review_count = copied.rowcount
        progress.reached(progress.COPIED)
        _create_indexes(db, indexes, "cards", "revlog")
        progress.reached(progress.INDEXED)
        db.commit()
        data = db.serialize()
        db.close()
        self.note_count = len(notes)
        progress.reached(progress.BUILT)
        return data

    def _cards_and_revlog(self, cards: list, ids: list[tuple[int, int]], reviews: list, mtime: int) -> bytes:
        """Anki's cards and revlog tables, alone in a database of their own (serialized)."""
        db = sqlite3.connect(":memory:")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute(f"CREATE TABLE cards ({CARD_COLUMNS})")
        db.execute(f"CREATE TABLE revlog ({REVLOG_COLUMNS})")
        make_card = self._studied_card if self.with_progress else self._new_card
        db.executemany(f"INSERT INTO cards VALUES ({_marks(CARD_COLUMNS)})",
                       (make_card(card_id, note_id, card, index, mtime)
                        for index, (card, (note_id, card_id)) in enumerate(zip(cards, ids))))
        if reviews:
            card_ids = {card[0]: card_id for card, (_, card_id) in zip(cards, ids)}
            db.executemany(f"INSERT INTO revlog VALUES ({_marks(REVLOG_COLUMNS)})",
                           _revlog_rows(reviews, card_ids, self.clock))
        db.commit()
        return db.serialize()

    def _write_layout(self, db: sqlite3.Connection, timestamp: float) -> None:
        """genanki's schema, collection row, note types and decks; then our day 0 and presets."""
        import itertools

        import genanki

        models = [note_type(kind) for kind in CardKind]
        anki_decks = []
        for deck in self.decks:
            title = localize(json.loads(deck.title), self.lang, deck.lang)
            anki_deck = genanki.Deck(self.anki_deck_ids[deck.id], title)
            for model in models:
                anki_deck.add_model(model)
            anki_decks.append(anki_deck)
        cursor = db.cursor()
        genanki.Package(anki_decks).write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
        conf_json, decks_json, presets_json = cursor.execute("SELECT conf, decks, dconf FROM col").fetchone()
        conf, anki_deck_json, presets = json.loads(conf_json), json.loads(decks_json), json.loads(presets_json)
        # The v2 scheduler's numbering of answers (v1 would read a learning step's Good as Easy)
        # and the learner's rollover hour, so day 0 is the learner's today.
        conf.update(schedVer=2, rollover=self.clock.rollover_hour)
        for deck in self.decks:
            preset = _preset(presets["1"], deck.name, self.settings[deck.id], int(timestamp))
            presets[str(preset["id"])] = preset
            anki_deck_json[str(self.anki_deck_ids[deck.id])]["conf"] = preset["id"]
            anki_deck_json[str(self.anki_deck_ids[deck.id])]["mod"] = int(timestamp)
        cursor.execute("UPDATE col SET crt = ?, mod = ?, conf = ?, decks = ?, dconf = ?",
                       (self.clock.collection_start, int(timestamp * 1000), json.dumps(conf),
                        json.dumps(anki_deck_json), json.dumps(presets)))

    def _notes(self, cards: list, ids: list[tuple[int, int]], mtime: int, progress: _Progress) -> list[tuple]:
        """A note row for the first card of each note (siblings share it)."""
        firsts = [(index, note_id) for index, (note_id, _) in enumerate(ids)
                  if index == 0 or note_id != ids[index - 1][0]]
        # One parse for all the notes' contents: a json.loads per note costs 2-3 times more.
        contents = json.loads("[" + ",".join([cards[index][5] for index, _ in firsts]) + "]")
        leeches = {(card[1], card[2]) for card in cards if card[LEECH]} if self.with_progress else set()
        notes = []
        step = max(1, len(firsts) // 100)
        for number, ((index, note_id), content) in enumerate(zip(firsts, contents, strict=True)):
            card = cards[index]
            notes.append(self._note(note_id, card, content, mtime, (card[1], card[2]) in leeches))
            if number % step == 0:
                progress.reached(progress.NOTES * index / len(cards))
        progress.reached(progress.NOTES)
        return notes

    def _note(self, note_id: int, card: tuple, content: dict, mtime: int, leech: bool) -> tuple:
        _, deck_id, note_key, _, kind_name, _, tags = card[:7]
        kind = KINDS[kind_name]
        fields = note_fields(kind, content, self.lang, self.deck_langs[deck_id])
        sort_text = plain_text(fields[0])
        checksum = int.from_bytes(hashlib.sha1(sort_text.encode()).digest()[:4], "big")
        if leech and "leech" not in tags.split():
            tags = f"{tags} leech" if tags else "leech"  # Anki's own mark for a card that lapses too often
        guid = note_guid(self.deck_names[deck_id], note_key)
        return (note_id, guid, MODEL_IDS[kind], mtime, -1, f" {tags} " if tags else "", "\x1f".join(fields),
                sort_text, checksum, 0, "")

    def _new_card(self, card_id: int, note_id: int, card: tuple, index: int, mtime: int, queue: int = 0) -> tuple:
        template = card[3] - 1 if card[4] == CLOZE else card[3]
        return (card_id, note_id, self.anki_deck_ids[card[1]], template, mtime, -1, 0, queue, index + 1,
                0, 0, 0, 0, 0, 0, 0, 0, "")

    def _studied_card(self, card_id: int, note_id: int, card: tuple, index: int, mtime: int) -> tuple:
        (_, deck_id, _, ord_, kind, _, _, _, suspended, _, buried_until, state, step, stability, difficulty,
         due, last_review, reps, lapses) = card
        if state == NEW:
            return self._new_card(card_id, note_id, card, index, mtime, QUEUE_SUSPENDED if suspended else 0)
        ctype, queue, due_number, interval, left = self._schedule(deck_id, state, step, stability, due, last_review)
        if suspended:
            queue = QUEUE_SUSPENDED
        elif buried_until is not None and buried_until > self.clock.now_ms:
            queue = QUEUE_BURIED
        retention, decay = self.memory_settings[deck_id]
        memory = f'{{"s":{float(stability)!r},"d":{float(difficulty)!r},{retention},"lrt":{last_review // 1000}{decay}}}'
        template = ord_ - 1 if kind == CLOZE else ord_
        return (card_id, note_id, self.anki_deck_ids[deck_id], template, mtime, -1, ctype, queue, due_number,
                interval, _ease(difficulty), reps, lapses, left, 0, 0, 0, memory)

    def _schedule(self, deck_id: int, state: int, step: int | None, stability: float | None, due: int,
                  last_review: int) -> tuple[int, int, int, int, int]:
        """(type, queue, due, ivl, left) as Anki stores a card that has been studied."""
        clock = self.clock
        due_day = clock.day(due)
        if state == REVIEW:
            return 2, 2, due_day - clock.today, max(1, due_day - clock.day(last_review)), 0
        settings = self.settings[deck_id]
        steps = settings.learning_steps if state == LEARNING else settings.relearning_steps
        left = max(1, len(steps) - (step or 0))
        interval = 0 if state == LEARNING else max(1, round(stability or 1))
        if due < clock.tomorrow_start_ms:
            return state, 1, due // 1000, interval, left  # intraday: epoch seconds
        return state, 3, due_day - clock.today, interval, left  # a later day: day number


def _identities(cards: list, first_id: int) -> list[tuple[int, int]]:
    """Anki's (note id, card id) for each card. Anki's ids are creation times in ms (it
    renumbers clashes): count up from the export's, a note's id just before its first
    card's. Siblings (same deck and key, next to each other) share the note."""
    ids, next_id, note_id, note_of = [], first_id, 0, None
    for card in cards:
        if (card[1], card[2]) != note_of:
            note_of = (card[1], card[2])
            next_id += 1
            note_id = next_id
        next_id += 1
        ids.append((note_id, next_id))
    return ids


def _create_indexes(db: sqlite3.Connection, indexes: list[tuple[str, str, str]], *tables: str) -> None:
    for _, table, sql in indexes:
        if table in tables:
            db.execute(sql)


def _marks(columns: str) -> str:
    return ",".join("?" * (columns.count(",") + 1))


def _revlog_rows(reviews: list, card_ids: dict[int, int], clock: Clock) -> list[tuple]:
    """Anki revlog rows, oldest first. The interval before an answer is the one the card's
    previous answer gave: days for a review, negative seconds for a learning step. Ids are
    answer times in ms, a clash moved on by 1 ms."""
    rows, intervals, last_id = [], {}, 0
    day, kinds, append = clock.day, REVLOG_KIND, rows.append
    # Stable: answers in the same ms stay in the order they were written. Rows in id order
    # also go into the revlog table's B-tree as plain appends.
    for card_id, reviewed_at, rating, duration_ms, state_before, state_after, difficulty, due in sorted(
            reviews, key=ANSWER_TIME):
        last_id = revlog_id = reviewed_at if reviewed_at > last_id else last_id + 1
        if due is None:
            interval = 0
        elif state_after == REVIEW:
            days = day(due) - day(reviewed_at)
            interval = days if days > 1 else 1
        else:
            seconds = (due - reviewed_at) // 1000
            interval = -seconds if seconds > 1 else -1
        # _ease inlined: a call per review made this loop 15% slower (measured)
        ease = 0 if difficulty is None else round(((difficulty - 1) / 9 + 0.1) * 1000)
        append((revlog_id, card_ids[card_id], -1, rating, interval, intervals.get(card_id, 0), ease,
                min(duration_ms or 0, MAX_ANSWER_MS), kinds[state_before]))
        intervals[card_id] = interval
    return rows


def _memory_settings(settings: DeckSettings) -> tuple[str, str]:
    """The desired retention and the decay of the card's memory state, as JSON members."""
    decay = f',"decay":{float(settings.parameters[20])!r}' if settings.parameters else ""
    return f'"dr":{float(settings.desired_retention)!r}', decay


def _ease(difficulty: float | None) -> int:
    # With FSRS, Anki keeps the difficulty in the ease column, shifted to 100..1100.
    if difficulty is None:
        return 0
    return round(((difficulty - 1) / 9 + 0.1) * 1000)


def _preset(default: dict, deck: str, settings: DeckSettings, mtime: int) -> dict:
    """An Anki deck options preset with the deck's scheduler settings (FSRS parameters too)."""
    preset = json.loads(json.dumps(default))
    preset.update(id=preset_id(deck), name=f"quiz: {deck}", mod=mtime, usn=-1,
                  desiredRetention=settings.desired_retention)
    preset["new"].update(perDay=settings.new_per_day, delays=[s / 60 for s in settings.learning_steps])
    preset["lapse"].update(delays=[s / 60 for s in settings.relearning_steps], leechFails=settings.leech_threshold)
    preset["rev"].update(perDay=settings.reviews_per_day, maxIvl=settings.maximum_interval)
    if settings.parameters:
        preset["fsrsParams6"] = list(settings.parameters)
    return preset


# -- the file ---------------------------------------------------------------------------


def _write_package(target: Path, collection: bytes) -> None:
    """The .apkg appears whole or not at all (quiz.files)."""
    with files.replacing(target) as (raw, _):
        zipwrite.write_zip(raw, [("collection.anki2", collection), ("media", b"{}")])
