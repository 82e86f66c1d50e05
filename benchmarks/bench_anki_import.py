"""quiz import anki beside Anki's own import of the same package, in one run.

The package is bench_beside_anki.py's: its collection (the synthetic deck, 60% of it
studied, two reviews a card) exported by quiz with its progress, so it holds notes,
cards, FSRS states and a review log as a package from Anki does. Each side imports it
into a new collection of its own, in a child process, the two alternating `runs` times;
a row gives the medians of the wall time and of the peak memory and the ratio quiz / Anki
(target: under 5 s at 100k cards). Then quiz's parts of it, in this process, each the
median of `runs`: reading the package, its notes as deck entries, the deck files' text and
their decks, the parse of those files that known_deck spares the import, and the cards'
schedules and log rows in quiz's terms.

`run()` returns (name, value, unit) rows; run this file alone to print them.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_beside_anki import _ANKI_IMPORT, alternate, build, child, rows_of
from benchmarks.run import NOW, quiz_command
from quiz import anki


def run(sizes=(10_000, 100_000), runs: int = 5) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="quiz-bench-anki-import-") as name:
        return [row for size in sizes for row in measure(Path(name) / f"{size}", size, runs)]


def measure(folder: Path, size: int, runs: int) -> list[tuple[str, float, str]]:
    folder.mkdir()
    engine = build(folder, size)
    package = folder / "quiz.apkg"
    anki.export_decks(
        engine, [], package, lang="en", clock=anki.Clock(NOW, ZoneInfo("Europe/Berlin"), 4), with_progress=True
    )
    engine.dispose()
    fresh = itertools.count()

    def quiz_import() -> tuple[float, float]:
        where = folder / f"quiz-{next(fresh)}"
        where.mkdir()
        env = {**os.environ, "TZ": "Europe/Berlin", "XDG_DATA_HOME": str(where / "data")}
        return child([*quiz_command(), "--db", str(where / "quiz.db"), "import", "anki", str(package)], env)

    def anki_import() -> tuple[float, float]:
        target = folder / f"anki-{next(fresh)}" / "collection.anki2"
        target.parent.mkdir()
        return child([sys.executable, "-c", _ANKI_IMPORT, str(target), str(package)])

    rows = rows_of(f"import anki {size // 1000}k package", alternate(quiz_import, anki_import, runs))
    return rows + parts(package, folder, size, runs)


def parts(package: Path, folder: Path, size: int, runs: int) -> list[tuple[str, float, str]]:
    """quiz import anki's work before the database, a part at a time (in-process)."""
    from quiz.anki.cards import convert
    from quiz.anki.decktext import deck_files, deck_names
    from quiz.anki.importing import _Progress
    from quiz.anki.package import read_package
    from quiz.anki.progress import Days
    from quiz.decks import load_decks

    times: dict[str, list[float]] = {}

    def timed(name: str, work, *args):
        started = time.perf_counter()
        done = work(*args)
        times.setdefault(name, []).append(time.perf_counter() - started)
        return done

    for _ in range(runs):
        collection = timed("read the package", read_package, package)
        entries = timed("its notes as deck entries", convert, collection).entries
        names = deck_names(collection, entries, None)
        texts, _placed, _copies, known = timed(
            "the deck files' text, and their decks (known_deck)",
            deck_files,
            collection,
            entries,
            names,
            folder,
            {},
            package.name,
        )
        assert set(known) == set(texts), "a deck file's deck was not known: the import reads it back"
        timed("the deck files read back (the parse known_deck spares)", load_decks, list(texts), texts)
        writer = _Progress(collection, Days(collection, ZoneInfo("Europe/Berlin"), 4, NOW))
        pairs = [(card.id, number, False) for number, card in enumerate(collection.cards)]  # all new to quiz
        timed("the cards' schedules and log rows", writer.rows, pairs, {}, {})
    label = f"  import anki {size // 1000}k, in-process"
    return [(f"{label}: {name}", statistics.median(values), "s") for name, values in times.items()]


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for label, value, unit in run(sizes=(1000,) if quick else (10_000, 100_000), runs=1 if quick else 3):
        print(f"{label:<64} {value:8.3f} {unit}", flush=True)
