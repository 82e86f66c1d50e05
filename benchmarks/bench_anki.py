"""Speed of `quiz export anki` (targets: 10k cards within 0.5 s, 100k within 3 s).

Builds 10k- and 100k-card collections from synthetic decks, gives 60% of the
cards a schedule and two reviews each, and times the export (reading the
collection, building the package, writing the .apkg) in-process, with and
without --with-progress, and the export with progress a step at a time; then the
whole `quiz export anki --with-progress` command, as a learner runs it: start-up,
imports and opening the collection included. The
targets hold for both. `run()` returns (name, value, unit) rows for
benchmarks/run.py; run this file alone to print them.
"""

from __future__ import annotations

import itertools
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from benchmarks.run import NOW, age_collection, write_deck
from quiz import anki, app, storage
from quiz.decks import import_files
from quiz.model import State

SIZES = (10_000, 100_000)


def add_reviews(engine, per_card: int = 2) -> int:
    """A short review history for every studied card (what --with-progress exports)."""
    rng = random.Random(11)
    with storage.writing(engine) as conn:
        studied = conn.execute(
            select(storage.cards_t.c.id, storage.cards_t.c.last_review).where(storage.cards_t.c.state != int(State.NEW))
        ).all()
        rows = []
        for card_id, last_review in studied:
            for back in range(per_card, 0, -1):
                when = last_review - timedelta(days=3 * (back - 1), minutes=rng.randint(0, 600))
                rows.append(
                    {
                        "card_id": card_id,
                        "reviewed_at": when,
                        "rating": 3,
                        "duration_ms": rng.randint(2000, 9000),
                        "state_before": int(State.REVIEW if back < per_card else State.NEW),
                        "reps_before": per_card - back,
                        "lapses_before": 0,
                        "state_after": int(State.REVIEW),
                        "stability_after": 5.0,
                        "difficulty_after": 5.0,
                        "due_after": when + timedelta(days=3),
                        "due_before": when if back < per_card else None,
                        "last_review_before": when - timedelta(days=3) if back < per_card else None,
                    }
                )
        conn.execute(insert(storage.reviews_t), rows)
    return len(rows)


def build(folder: Path, size: int):
    deck = folder / f"deck-{size}.yaml"
    write_deck(deck, size)
    engine = app.open_collection(str(folder / f"quiz-{size}.db"), with_bundled=False)
    import_files(engine, [deck])
    age_collection(engine)
    add_reviews(engine)
    return engine


def export_seconds(engine, folder: Path, with_progress: bool, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        clock = anki.Clock(NOW, ZoneInfo("Europe/Berlin"), 4)  # fresh: its cache of days starts empty, as in `quiz`
        anki.export_decks(engine, [], folder / "out.apkg", lang="en", clock=clock, with_progress=with_progress)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


EXPORT_STEPS = ("reading the collection", "notes", "cards", "review log", "Anki's indexes", "the .apkg file")


def export_parts(engine, folder: Path, runs: int) -> dict[str, float]:
    """The export with progress, a step at a time (medians of `runs`), timed by its own
    progress reports: the notes end at as many steps as it wrote notes, the cards after
    them, then the log, the indexes (one step) and the file (one). Reading the collection
    is the time to the first report (which also holds the first 1% of the notes)."""
    times: dict[str, list[float]] = {step: [] for step in EXPORT_STEPS}
    for _ in range(runs):
        reported: dict[int, float] = {}  # steps done -> when they were reported

        def mark(done: int, _total: int, reported: dict[int, float] = reported) -> None:
            reported.setdefault(done, time.perf_counter())

        started = time.perf_counter()
        report = anki.export_decks(
            engine,
            [],
            folder / "parts.apkg",
            lang="en",
            clock=anki.Clock(NOW, ZoneInfo("Europe/Berlin"), 4),
            with_progress=True,
            on_progress=mark,
        )
        first = min(reported.values())
        log_end = report.notes + report.cards + report.reviews
        ends = [report.notes, report.notes + report.cards, log_end, log_end + 1, log_end + 2]
        marks = [started, first, *(reported[end] for end in ends)]
        for step, (begin, end) in zip(EXPORT_STEPS, itertools.pairwise(marks)):
            times[step].append(end - begin)
    return {step: statistics.median(values) for step, values in times.items()}


def run(sizes=SIZES, runs: int = 5) -> list[tuple[str, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for size in sizes:
            engine = build(folder, size)
            export_seconds(engine, folder, True, 1)  # warm: imports, caches
            for with_progress in (False, True):
                label = f"export anki, {size // 1000}k cards" + (", with progress" if with_progress else "")
                rows.append((label, export_seconds(engine, folder, with_progress, runs), "s"))
            parts = export_parts(engine, folder, runs)
            label = f"  export {size // 1000}k with progress, in-process"
            rows += [(f"{label}: {step}", seconds, "s") for step, seconds in parts.items()]
            engine.dispose()
            rows.append(
                (
                    f"  the whole `quiz export anki --with-progress`, {size // 1000}k",
                    command_seconds(folder / f"quiz-{size}.db", folder, runs),
                    "s",
                )
            )
    return rows


def command_seconds(db: Path, folder: Path, runs: int) -> float:
    """As a learner runs it: start-up, imports and opening the collection included."""
    script = Path(sys.executable).with_name("quiz")
    quiz = [str(script)] if script.exists() else [sys.executable, "-m", "quiz"]
    args = quiz + ["--db", str(db), "export", "anki", "-o", str(folder / "cli.apkg"), "--with-progress"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for label, value, unit in run(sizes=(1000,) if quick else SIZES, runs=1 if quick else 5):
        print(f"{label:<64} {value:>8.3f} {unit}")
