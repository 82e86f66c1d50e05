"""Real Anki collections and packages, built and reviewed with the official `anki` package, for the import tests.

Anki's Rust backend reads the real clock, so days are simulated by moving the whole collection in time: `shift`
moves every stored instant by whole days (the collection then believes it is that many days earlier or later).
`simulate_reviews` shifts the collection `days` into the past, reviews one day through Anki's own FSRS scheduler,
shifts it one day forward, and so on: the reviews fall on the `days` days that end yesterday, and history that
was in the collection before comes back to its original timestamps.

A build is the same every time (on the same day), but for the instants taken from the clock: revlog ids, the due
instant of cards in intraday learning, last review times.
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from anki.collection import (  # before anki.cards, which imports it in a circle
    Card,
    CardId,
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.config import Config
from anki.decks import DeckId
from anki.scheduler.v3 import CardAnswer, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

DAY = 86_400
# Fixed instants: Anki counts days from crt, never below 0, so simulated days need an older collection; and a card's
# id seeds the fuzz of its intervals, so fixed ids give the same reviews on every build (of the same day)
CREATED = 1_609_473_600  # 2021-01-01 04:00 UTC
NOTES_ADDED_AT = 1_640_995_200_000  # 2022-01-01, in ms as Anki's ids
DECKS = ("Shell", "Languages::Spanish", "日语")
PRESET = "Imported sample"
DESIRED_RETENTION = 0.85
REVIEW_ORDER = 7  # ascending retrievability (DeckConfig.Config.ReviewCardOrder)
EASY_DAYS = [1.0, 1.0, 0.5, 1.0, 1.0, 0.5, 0.0]  # Monday first: Wednesday and Saturday reduced, Sunday minimum
# FSRS-6 defaults with a few nudged, so that a reader taking the defaults instead is caught
FSRS_PARAMS = [round(w * {0: 1.5, 2: 0.8, 8: 1.1, 20: 1.3}.get(i, 1.0), 4) for i, w in enumerate(DEFAULT_PARAMETERS)]
RATINGS = (CardAnswer.AGAIN, CardAnswer.HARD, CardAnswer.GOOD, CardAnswer.EASY)
ANSWERS_PER_DECK_AND_DAY = 1000  # a card failed over and over comes back the same day; this ends it anyway
GUID_CHARS = string.ascii_letters + string.digits + "!#$%&()*+,-./:;<=>?@[]^_`{|}~"  # Anki's base91

# (front, back) pairs with the HTML that Anki's editor produces
BASICS = [
    ("List <b>all</b> containers", "docker ps -a"),
    ("Show the last&nbsp;10 lines", "<div>tail -n 10 file</div><div><br></div>"),
    ("What does <code>&lt;tag&gt;</code> mean in HTML?", "An element: &lt;b&gt; makes <b>bold</b>"),
    ("A loop over files", '<pre><code>for f in *.txt; do\n  wc -l "$f"\ndone</code></pre>'),
    ('Which command shows this?<br><img src="x.png">', "top<br>(or htop)"),
    ("Say it [sound:a.mp3]", "the <i>answer</i>"),
]
WORDS = [  # Spanish, English, Chinese
    ("el perro", "the dog", "狗"),
    ("la casa", "the house", "房子"),
    ("<b>hablar</b>", "to speak", "说话"),
    ("mañana", "tomorrow<br>morning", "明天"),
    ("el&nbsp;agua", "the water", "水"),
    ("¿Dónde está?", "Where is it?", "在哪儿？"),
]
CLOZES = [
    ("{{c1::grep -r}} searches {{c2::recursively::how}}", "Add <code>-n</code> for line numbers"),
    ("我{{c1::喜欢}}学{{c2::中文}}，{{c3::每天::when}}都学。", "<div>每天 = every day</div>"),
    ("<pre><code>{{c1::git rebase -i HEAD~3}}\n{{c2::git push -f}}</code></pre>", "rewrites&nbsp;history"),
    ("The capital of {{c1::Spain}} is {{c2::Madrid::city}}", '<img src="x.png">'),
]
TAGS = [["docker"], ["shell", "unix::text"], [], ["lang::es"], ["中文", "lang::zh"], []]


@contextmanager
def opened(col_path: Path) -> Iterator[Collection]:
    col = Collection(str(col_path))
    try:
        yield col
    finally:
        col.close()


def _deck(col: Collection, name: str) -> DeckId:
    deck_id = col.decks.id(name, create=True)
    assert deck_id is not None
    return deck_id


def _card_ids(col: Collection, where: str = "true") -> list[CardId]:
    assert col.db is not None
    return [CardId(i) for i in col.db.list(f"SELECT id FROM cards WHERE {where} ORDER BY id")]


def new_collection(path: Path) -> Path:
    """An empty collection with FSRS on and the load balancer off, created (crt) on `CREATED`, closed again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with opened(path) as col:
        col.set_config("fsrs", True)
        # it spreads intervals by the cards due each day, which depends on the order of the day's queue (see _study)
        col.set_config_bool(Config.Bool.LOAD_BALANCER_ENABLED, False)
        col.crt = CREATED
    return path


def add_sample_notes(col_path: Path, *, seed: int = 7, per_type: int = 4) -> None:
    """`per_type` notes of each stock note type and of a custom "Vocab" type, in three decks sharing one preset.

    The notes and cards get the ids (creation instants) `NOTES_ADDED_AT`, +1 ms, +2 ms... so call it once.
    """
    rng = random.Random(seed)
    with opened(col_path) as col:
        assert col.db is not None
        before = col.db.scalar("SELECT coalesce(max(id), 0) FROM notes")
        conf = col.decks.add_config(PRESET)
        conf["new"]["delays"] = [1.0, 10.0]
        conf["lapse"]["delays"] = [10.0]
        conf["desiredRetention"] = DESIRED_RETENTION
        conf["reviewOrder"] = REVIEW_ORDER
        conf["easyDaysPercentages"] = EASY_DAYS
        conf["fsrsParams6"] = FSRS_PARAMS
        col.decks.update_config(conf)
        for name in ("Languages",) + DECKS:
            deck = col.decks.get(_deck(col, name))
            assert deck is not None
            deck["conf"] = conf["id"]
            col.decks.save(deck)

        vocab = col.models.new("Vocab")
        for field in ("Word", "Meaning", "Example"):
            col.models.add_field(vocab, col.models.new_field(field))
        template = col.models.new_template("Recognition")
        template["qfmt"] = "{{Word}}"
        template["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}<br><i>{{Example}}</i>"
        col.models.add_template(vocab, template)
        col.models.add(vocab)

        def add(notetype: str, deck: str, *fields: str) -> None:
            model = col.models.by_name(notetype)
            assert model is not None
            note = col.new_note(model)
            note.guid = "".join(rng.choice(GUID_CHARS) for _ in range(10))
            for i, text in enumerate(fields):
                note.fields[i] = text
            note.tags = rng.choice(TAGS)
            col.add_note(note, _deck(col, deck))

        for i in range(per_type):
            front, back = rng.choice(BASICS)
            add("Basic", "Shell", front, back)
            word, meaning, chinese = rng.choice(WORDS)
            add("Basic (and reversed card)", "Languages::Spanish", word, meaning)
            add("Basic (optional reversed card)", "Languages::Spanish", word, chinese, "y" if i % 2 == 0 else "")
            front, back = rng.choice(BASICS)
            add("Basic (type in the answer)", "Shell", front, back.replace("<br>", " "))
            add("Cloze", "Shell" if i % 2 else "日语", *CLOZES[i % len(CLOZES)])
            add("Vocab", "日语", chinese, meaning, f"{word}: <b>{chinese}</b>&nbsp;[sound:a.mp3]")
    with closing(sqlite3.connect(col_path)) as db, db:
        cards = [i for (i,) in db.execute("SELECT id FROM cards WHERE nid > ? ORDER BY nid, ord", (before,))]
        notes = [i for (i,) in db.execute("SELECT id FROM notes WHERE id > ? ORDER BY id", (before,))]
        secs = NOTES_ADDED_AT // 1000
        db.executemany(
            "UPDATE cards SET id = ?, mod = ? WHERE id = ?", [(k, secs, i) for k, i in enumerate(cards, NOTES_ADDED_AT)]
        )
        db.executemany(
            "UPDATE notes SET id = ?, mod = ? WHERE id = ?", [(k, secs, i) for k, i in enumerate(notes, NOTES_ADDED_AT)]
        )
        db.executemany("UPDATE cards SET nid = ? WHERE nid = ?", list(enumerate(notes, NOTES_ADDED_AT)))


def shift(col_path: Path, days: int) -> None:
    """Move every stored instant of the (closed) collection by `days` days; later crt = the collection lives earlier.

    Day numbers (due of review and day-learning cards, new positions) count from crt and move along with it.
    """
    secs = days * DAY
    with closing(sqlite3.connect(col_path)) as db, db:
        db.execute("UPDATE col SET crt = crt + ?", (secs,))
        # through negative ids, so that no row meets another one's old id on its way
        db.execute("UPDATE revlog SET id = -(id + ?)", (secs * 1000,))
        db.execute("UPDATE revlog SET id = -id")
        db.execute("UPDATE notes SET mod = mod + ?", (secs,))
        db.execute("UPDATE cards SET mod = mod + ?", (secs,))
        # intraday learning (and preview) cards are due at an instant, also while suspended or buried
        db.execute(
            "UPDATE cards SET due = due + ? WHERE queue IN (1, 4) OR (queue < 0 AND type IN (1, 3) AND due > 1e9)",
            (secs,),
        )
        for card_id, data in db.execute("SELECT id, data FROM cards WHERE data LIKE '%\"lrt\"%'").fetchall():
            members = json.loads(data)
            members["lrt"] += secs
            db.execute("UPDATE cards SET data = ? WHERE id = ?", (json.dumps(members, separators=(",", ":")), card_id))


def simulate_reviews(
    col_path: Path,
    days: int,
    *,
    seed: int = 7,
    new_per_day: int = 8,
    ratings: Sequence[float] = (0.1, 0.1, 0.7, 0.1),
    keep_new: int = 3,
) -> None:
    """Study every deck on each of the `days` days that end yesterday, rating Again/Hard/Good/Easy at random.

    Each rating is drawn with the weights `ratings` from (seed, card id, reviews so far), not in the queue's order.
    `new_per_day` is the preset's limit, so it holds for each deck. The `keep_new` last new cards are held back
    (suspended while studying): all but one stay new, that one is first seen on the last day. There the learner
    stops at the first card that comes back, which leaves cards in (re)learning, due at an instant.
    """
    with opened(col_path) as col:
        conf = col.decks.config_dict_for_deck_id(_deck(col, DECKS[0]))
        conf["new"]["perDay"] = new_per_day
        col.decks.update_config(conf)
        new = _card_ids(col, "queue = 0")
        kept = new[max(0, len(new) - keep_new) :]
        col.sched.suspend_cards(kept)
        yesterday = col.sched.today - 1
    shift(col_path, days)
    for day in range(yesterday - days + 1, yesterday + 1):
        with opened(col_path) as col:
            assert col.sched.today == day, f"day {col.sched.today} instead of {day}: is crt {days} days old?"
            if day == yesterday:
                col.sched.unsuspend_cards(kept[:1])
            for deck in col.decks.all_names_and_ids(skip_empty_default=True):
                if "::" not in deck.name:
                    col.decks.select(DeckId(deck.id))
                    _study(col, seed, ratings, last_day=day == yesterday)
        shift(col_path, -1)
    with opened(col_path) as col:
        col.sched.unsuspend_cards(kept)


def _study(col: Collection, seed: int, ratings: Sequence[float], *, last_day: bool) -> None:
    sched = col.sched
    assert isinstance(sched, Scheduler)
    answered: set[int] = set()
    for _ in range(ANSWERS_PER_DECK_AND_DAY):
        queued = sched.get_queued_cards().cards
        if not queued or (last_day and queued[0].card.id in answered):
            return
        card = Card(col, backend_card=queued[0].card)
        card.start_timer()
        # the queue orders the cards due on a day by a hash of their mod time (the clock): draw per card, not in order
        rng = random.Random(f"{seed} {card.id} {card.reps}")
        answer = sched.build_answer(card=card, states=queued[0].states, rating=rng.choices(RATINGS, ratings)[0])
        answer.milliseconds_taken = rng.randrange(1_500, 30_000)
        sched.answer_card(answer)
        answered.add(card.id)


def finish_touches(col_path: Path, *, seed: int = 7) -> None:
    """Suspend three review cards and one new card, bury a review card, flag four cards red/orange/green/blue."""
    rng = random.Random(seed)
    with opened(col_path) as col:
        _ = col.sched.today  # Anki unburies once a day, at its first look at the day: here, not after the burying
        picked = rng.sample(_card_ids(col, "queue = 2"), 4)
        col.sched.suspend_cards(picked[:3] + rng.sample(_card_ids(col, "queue = 0"), 1))
        col.sched.bury_cards(picked[3:])
        for flag, card_id in enumerate(rng.sample(_card_ids(col), 4), start=1):
            col.set_user_flag_for_cards(flag, [card_id])


def export_apkg(col_path: Path, out: Path, *, legacy: bool = False) -> Path:
    """A deck package with scheduling and presets, no media: collection.anki21b (zstd) inside, or legacy files."""
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=legacy)
    with opened(col_path) as col:
        col.export_anki_package(out_path=str(out), options=options, limit=None)
    return out


def export_colpkg(col_path: Path, out: Path) -> Path:
    """A collection package (a whole-collection backup), no media."""
    with opened(col_path) as col:
        col.export_collection_package(str(out), include_media=False, legacy=False)
    return out


def import_apkg(col_path: Path, package: Path) -> None:
    """Anki's own import of a deck package, with scheduling and presets, as a user would do it."""
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
    with opened(col_path) as col:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


def card_states(col_path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """What Anki holds for each card, by (note guid, card ord); under ("", -1) the collection's timing."""
    with opened(col_path) as col:
        states: dict[tuple[str, int], dict[str, Any]] = {
            ("", -1): {"crt": col.crt, "today": col.sched.today, "rollover": col.get_config("rollover", 4)}
        }
        assert col.db is not None
        for card_id in _card_ids(col):
            card = col.get_card(card_id)
            note = card.note()
            revlog = col.db.all(
                "SELECT id, ease, ivl, lastIvl, factor, time, type FROM revlog WHERE cid = ? ORDER BY id", card_id
            )
            memory = card.memory_state
            states[(note.guid, card.ord)] = {
                "id": card.id,
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "ivl": card.ivl,
                "reps": card.reps,
                "lapses": card.lapses,
                "flags": card.flags,
                "left": card.left,
                "stability": memory.stability if memory else None,
                "difficulty": memory.difficulty if memory else None,
                "desired_retention": card.desired_retention,
                "deck": col.decks.name(card.did),
                "notetype": note.note_type()["name"],  # type: ignore[index]
                "fields": list(note.fields),
                "tags": list(note.tags),
                "revlog": [dict(zip(("id", "ease", "ivl", "lastIvl", "factor", "time", "type"), r)) for r in revlog],
            }
    return states
