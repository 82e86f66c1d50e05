"""One answer, schedule + commit, quiz beside Anki's own backend on the same cards.

The collection is benchmarks/run.py's 100k-card deck, imported and aged; quiz exports it
to an .apkg with its progress and the official `anki` package imports that (FSRS on), so
both answer the same cards. Each answer is timed from the rating to its commit's return:
`quiz.storage.answer` (the review screen's call) against Anki's `sched.answerCard`. The
two alternate in rounds of 50 answers, so that a shared machine's drift falls on both;
the rows are the medians over every answer, and their ratio (target: at most 1.0, both
committing with synchronous=FULL, an answer durable once the call returns).
`run()` returns (name, value, unit) rows; run this file alone to print them.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import NOW, age_collection, imported_collection
from quiz import anki, app, storage
from quiz.model import Rating
from quiz.session import read_workload


class QuizSide:
    """quiz's answers, fuzzed or load balanced (the review session's default: each answer asks
    the deck's workload for its day, and moves the card in it)."""

    def __init__(self, db: Path, balanced: bool = False):
        self.engine = app.open_collection(str(db), with_bundled=False)
        zone = ZoneInfo("Europe/Berlin")
        self.day = storage.Day.of(NOW, zone, 4)
        with self.engine.connect() as conn:
            decks = storage.select_decks(conn, ["bench"])
            self.deck_id = decks[0].id
            self.settings = storage.deck_settings(conn, self.deck_id)
            self.queue = storage.load_queue(conn, decks, self.day)
        started = time.perf_counter()
        self.workload = read_workload(self.engine, [self.deck_id], self.day, zone, 4) if balanced else None
        self.reading = time.perf_counter() - started  # once a queue, not an answer
        self.now = NOW

    def answer(self) -> float:
        card = self.queue.next_card(self.now) or self.queue.learning[0]
        started = time.perf_counter()
        balance = (
            None if self.workload is None else self.workload.balance(self.deck_id, card.key, self.settings.easy_days)
        )
        after = storage.answer(
            self.engine, card, Rating.GOOD, self.now, self.settings, duration_ms=4000, balance=balance
        ).schedule
        if self.workload is not None:
            self.workload.moved(self.deck_id, card.key, card.schedule.due, after.due)
        seconds = time.perf_counter() - started
        self.queue.answered(card, after, self.day.end)
        self.now += timedelta(seconds=5)
        return seconds

    def pragma(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA synchronous").scalar())


class AnkiSide:
    def __init__(self, apkg: Path, folder: Path):
        from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
        from anki.decks import DeckId

        self.col = Collection(str(folder / "collection.anki2"))
        self.col.set_config("fsrs", True)
        options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
        self.col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
        (deck,) = [deck.id for deck in self.col.decks.all_names_and_ids() if deck.id != 1]  # not Default
        self.col.decks.select(DeckId(deck))  # what sched.getCard draws from

    def answer(self) -> float:
        card = self.col.sched.getCard()
        assert card is not None, "Anki has nothing to answer"
        started = time.perf_counter()
        self.col.sched.answerCard(card, 3)  # Good: the scheduling states, then the commit
        return time.perf_counter() - started

    def pragma(self) -> str:
        assert self.col.db is not None  # open until the benchmark ends
        return str(self.col.db.scalar("PRAGMA synchronous"))


def run(cards: int = 100_000, rounds: int = 10, per_round: int = 50) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="quiz-bench-answer-") as name:
        folder = Path(name)
        _deck, db = imported_collection(folder, cards)
        engine = app.open_collection(str(db), with_bundled=False)
        age_collection(engine)
        apkg = folder / "bench.apkg"
        clock = anki.Clock(NOW, ZoneInfo("Europe/Berlin"), 4)
        anki.export_decks(engine, ["bench"], apkg, lang="en", clock=clock, with_progress=True)
        engine.dispose()
        balanced_db = folder / "balanced.db"
        shutil.copyfile(db, balanced_db)  # the same cards, answered apart
        ours, balanced, theirs = QuizSide(db), QuizSide(balanced_db, balanced=True), AnkiSide(apkg, folder)
        times: dict[str, list[float]] = {"quiz": [], "balanced": [], "anki": []}
        for _round in range(rounds):
            for side, answer in (("quiz", ours.answer), ("balanced", balanced.answer), ("anki", theirs.answer)):
                times[side] += [answer() for _ in range(per_round)]
        quiz, balanced_ms, anki_ms = (statistics.median(times[side]) * 1000 for side in ("quiz", "balanced", "anki"))
        sync = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}
        modes = f"synchronous {sync.get(ours.pragma(), '?')} / {sync.get(theirs.pragma(), '?')}"
        theirs.col.close()
        ours.engine.dispose()
        balanced.engine.dispose()
        answers = rounds * per_round
        return [
            (f"answer, schedule + commit: quiz, fuzzed (median of {answers}, {modes})", quiz, "ms"),
            (f"answer, schedule + commit: quiz, load balanced (median of {answers})", balanced_ms, "ms"),
            ("  the load balancer's share of an answer (target < 1 ms)", balanced_ms - quiz, "ms"),
            (f"  its workload read, once a queue ({cards // 1000}k cards)", balanced.reading * 1000, "ms"),
            (f"answer, schedule + commit: Anki {_anki_version()}, load balanced (median of {answers})", anki_ms, "ms"),
            ("answer: quiz load balanced / Anki (target <= 1.0)", balanced_ms / anki_ms, "x"),
        ]


def _anki_version() -> str:
    from anki.buildinfo import version

    return version


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for label, value, unit in run(cards=2000 if quick else 100_000, rounds=2 if quick else 10):
        print(f"{label:<72} {value:8.3f} {unit}", flush=True)
