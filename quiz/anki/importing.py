"""quiz import anki: an Anki package's notes as deck files, with their progress.

Notes quiz does not have become cards of deck files that quiz writes (one per Anki deck,
quiz.anki.decktext), imported like any deck file. Notes quiz has already (found by GUID:
its own exports, or an earlier import) keep their text; their progress is merged: the
review log rows quiz does not have (by their millisecond ids) are added, and the card's
schedule is taken from whichever side answered it last, so importing the same package
again changes nothing. All of it happens in one transaction, after a backup.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from quiz.anki import progress
from quiz.anki.cards import Entry, convert
from quiz.anki.decktext import deck_files, deck_names
from quiz.anki.fields import note_guid
from quiz.anki.package import Card, Collection, Preset, Revlog, read_package
from quiz.model import CardKind, State

QUEUE_SUSPENDED = -1  # a buried card (-2, -3) comes unburied, as Anki's own import brings it
# Two log entries of one card this close are one answer that went to Anki and came back (_logged)
SAME_ANSWER_MS = 1000


@dataclass
class AnkiImport:
    path: Path
    notes: int = 0
    new_cards: int = 0
    merged_cards: int = 0  # cards quiz had already, their progress merged
    studied: int = 0  # cards whose schedule (not new) was taken from the package
    reviews: int = 0  # log rows added
    files: list[Path] = field(default_factory=list)
    decks: list = field(default_factory=list)  # SyncReports of the deck files
    simplified: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)
    media: list[str] = field(default_factory=list)  # the package's media files, left out
    media_shown: int = 0  # pictures and sounds the fields showed, left out of the text
    cut: int = 0  # notes with a field cut at the length a deck file holds
    copies: dict[str, Path] = field(default_factory=dict)  # bundled deck -> the learner's copy, now its file
    dry_run: bool = False


def import_package(
    engine,
    path: Path,
    folder: Path,
    *,
    now: datetime,
    zone: tzinfo,
    rollover_hour: int,
    prefix: str | None = None,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> AnkiImport:
    """Import the package at `path`: the deck files of the notes quiz lacks go to `folder`
    (their decks named `prefix-...` when given), every card's progress comes along. With
    `dry_run`, the report of what would change, and nothing changed or written.
    `on_progress(done, total)`: the steps done, a step a note in each of STAGES."""
    from quiz import storage
    from quiz.decks import import_texts
    from quiz.storage import history

    collection = read_package(path)
    stage = _Stages(len(collection.notes), on_progress)
    stage.done()  # read
    conversion = convert(collection)
    stage.done()
    report = AnkiImport(path, len(conversion.entries), simplified=conversion.simplified, dry_run=dry_run)
    report.left_out, report.media, report.media_shown = conversion.left_out, collection.media, conversion.media
    report.cut = conversion.cut
    with engine.connect() as conn:
        known = history.cards_by_guid(conn, note_guid)
        sources = storage.deck_sources(conn)
    fresh = [entry for entry in conversion.entries if entry.guid not in known]
    matched = [entry for entry in conversion.entries if entry.guid in known]
    homes = {} if prefix else _homes(matched, known)
    names = deck_names(collection, conversion.entries, prefix, homes)
    texts, placed, report.copies, known_decks = deck_files(
        collection, fresh, names, folder, sources, path.name, set(homes.values())
    )
    report.files = list(texts)
    stage.done()
    days = progress.Days(collection, zone, rollover_hour, now)
    writer = _Progress(collection, days)

    def after(conn) -> None:
        stage.done()  # the deck files' cards are in
        pairs = []  # (Anki card id, quiz card id, quiz had the card before)
        for deck, entries in placed.items():
            ids = history.card_ids(conn, deck)
            pairs += [
                (anki_id, ids[entry.key, quiz_ord], False)
                for entry in entries
                for quiz_ord, anki_id in _ords(entry)
                if (entry.key, quiz_ord) in ids
            ]
        for entry in matched:
            for card_id, _deck, _key, quiz_ord, kind in known[entry.guid]:
                anki_ord = quiz_ord - 1 if kind == CardKind.CLOZE.value else quiz_ord
                if anki_ord in entry.anki_cards:
                    pairs.append((entry.anki_cards[anki_ord], card_id, True))
        times, last = history.logged(conn, [quiz_id for _anki, quiz_id, had in pairs if had])
        schedules, reviews, events = writer.rows(pairs, times, last)
        stage.done()
        history.write_progress(conn, schedules, reviews, events)
        stage.done()
        report.new_cards = sum(not had for *_ids, had in pairs)
        report.merged_cards = len(pairs) - report.new_cards
        report.studied = sum(schedule.state != State.NEW for _id, schedule, *_rest in schedules)
        report.reviews = len(reviews) + len(events)

    report.decks = import_texts(engine, texts, now=now, zone=zone, dry_run=dry_run, after=after, known=known_decks)
    return report


STAGES = ("read", "convert", "deck files", "cards", "progress", "log")  # what on_progress counts


class _Stages:
    """The import's progress: a stage done is a step for each of the package's notes."""

    def __init__(self, notes: int, on_progress: Callable[[int, int], None] | None):
        self.notes, self.on_progress, self.count = notes, on_progress, 0

    def done(self) -> None:
        self.count += 1
        if self.on_progress is not None:
            self.on_progress(self.count * self.notes, len(STAGES) * self.notes)


def _homes(matched: list[Entry], known: dict) -> dict[int, str]:
    """Anki deck id -> the quiz deck that most of its notes quiz has are in: the deck quiz
    exported it from (whatever Anki named it since), where the notes added to it belong."""
    decks: dict[int, Counter] = {}
    for entry in matched:
        _card_id, deck, *_rest = known[entry.guid][0]  # a note's cards are of one deck
        decks.setdefault(entry.deck_id, Counter())[deck] += 1
    return {deck_id: counts.most_common(1)[0][0] for deck_id, counts in decks.items()}


def _ords(entry: Entry) -> list[tuple[int, int]]:
    """(quiz ord, Anki card id) of an entry's cards: a cloze's ords count its deletions from 1."""
    shift = 1 if entry.kind is CardKind.CLOZE else 0
    return [(anki_ord + shift, card_id) for anki_ord, card_id in sorted(entry.anki_cards.items())]


class _Progress:
    """The schedules and log rows to write for pairs of (Anki card, quiz card)."""

    def __init__(self, collection: Collection, days: progress.Days):
        self.collection = collection
        self.days = days
        self.cards = {card.id: card for card in collection.cards}
        self.revlog: dict[int, list[Revlog]] = {}
        for row in collection.revlog:
            self.revlog.setdefault(row.cid, []).append(row)
        self.leech_notes = {
            note_id for note_id, _guid, _type, tags, _fields in collection.notes if "leech" in tags.lower().split()
        }

    def rows(self, pairs, times, last) -> tuple[list, list[dict], list[dict]]:
        schedules, reviews, events = [], [], []
        for anki_id, quiz_id, had in pairs:
            card, revlog = self.cards[anki_id], self.revlog.get(anki_id, [])
            known = sorted(times.get(quiz_id, ()))
            for kind, row in progress.replay(revlog, self.days):
                if _logged(known, row["anki_id"]):
                    continue
                row["card_id"] = quiz_id
                if kind == "review":
                    reviews.append(row)
                else:
                    events.append(row | {"kind": kind})
            anki_last = progress.last_answer_ms(card, revlog)
            quiz_last = last.get(quiz_id)
            later = anki_last is not None and (quiz_last is None or anki_last > ms(quiz_last) + SAME_ANSWER_MS)
            untouched = card.type == 0 and not (card.reps or card.lapses or card.queue < 0 or card.flags & 7)
            if later or (not had and not untouched):
                # (a card new and untouched in Anki is left as the deck import inserted it: 40k fewer
                # updates for the 100k package of bench_anki_import, 5.5 s of writes against 6.1 s)
                schedules.append(self.schedule(card, revlog, quiz_id))
        return schedules, reviews, events

    def schedule(self, card: Card, revlog: list[Revlog], quiz_id: int):
        preset = self.preset(card)
        state = progress.schedule(card, revlog, self.days, preset, functools.partial(self.memory, preset))
        suspended = card.queue == QUEUE_SUSPENDED
        leech = suspended and card.nid in self.leech_notes
        return quiz_id, state, suspended, card.flags & 7, leech, None  # (when it was buried, no one knows)

    def preset(self, card: Card) -> Preset:
        deck = self.collection.decks.get(card.odid or card.did)
        return self.collection.presets.get(deck[1] if deck else 1) or Preset()

    def memory(self, preset: Preset, revlog: list[Revlog], card: Card) -> tuple[float, float]:
        """A memory state from the card's answers since its last reset (fsrs-rs, as Anki computes
        one for a card without), else from its interval and ease (Anki's SM-2 conversion)."""
        from quiz import optimize

        answers: list[tuple[int, int]] = []
        previous = None
        for row in revlog:
            if row.type == progress.MANUAL and row.factor == 0:
                answers, previous = [], None
            elif row.type in progress.ANSWERS and 1 <= row.ease <= 4:
                day = self.days.clock.day(row.id)
                answers.append((row.ease, day - previous if previous else 0))
                previous = day
        parameters = tuple(preset.parameters)
        if answers:
            return optimize.memory_state(parameters, answers)
        ease = max(card.factor, 1300) / 1000
        return optimize.memory_from_sm2(parameters, ease, max(card.ivl, 1), preset.desired_retention)


def _logged(known: list[int], revlog_id: int) -> bool:
    """Whether quiz's log has the answer behind this revlog id: one at the same instant, or at
    most SAME_ANSWER_MS before it. quiz's export gives each answer its instant in ms as its id,
    moved on by 1 ms when another answer took that id (Anki's ids are unique in the whole
    collection), so an answer quiz exported can come back up to a millisecond per clash later."""
    index = bisect.bisect_right(known, revlog_id)
    return index > 0 and revlog_id - known[index - 1] <= SAME_ANSWER_MS


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)
