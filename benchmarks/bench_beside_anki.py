"""The export and the import beside Anki's own backend, on the same cards, in one run.

The collection is benchmarks/bench_anki.py's: the synthetic deck, 60% of it studied with
two reviews a card. quiz exports it to an .apkg with its progress, and the official `anki`
package imports that package into a collection of its own, so both hold the same cards.

Each measure runs as a child process, quiz's and Anki's alternating, `runs` times each;
a row gives the medians of the wall time and of the peak memory (the child's maxrss,
start-up and imports included on both sides) and the ratio quiz / Anki:

- export with progress: `quiz export anki --with-progress` against Anki's
  `export_anki_package` with scheduling (targets: time and memory ratio <= 1.0);
- import: `quiz import deck.yaml` into a new collection against Anki importing the
  .apkg into a new collection (target: time ratio <= 1.1).

`run()` returns (name, value, unit) rows; run this file alone to print them.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datetime import timedelta

from sqlalchemy import update

from benchmarks.bench_anki import add_reviews
from benchmarks.run import NOW, age_collection, quiz_command, write_deck
from quiz import anki, app, storage
from quiz.decks import import_files

_ANKI_EXPORT = """
import sys
from anki.collection import Collection, ExportAnkiPackageOptions
col = Collection(sys.argv[1])
options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False)
col.export_anki_package(out_path=sys.argv[2], options=options, limit=None)
col.close()
"""

_ANKI_IMPORT = """
import sys
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
col = Collection(sys.argv[1])
options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[2], options=options))
col.close()
"""


# In-process timings a child prints: opening the collection and building the day's queue,
# cold (benchmarks/run.py's 'due queue' is the warm one); Anki's first card with its question
# rendered, as the review would show it; the year's stats.
_QUIZ_QUEUE = """
import sys, time
from zoneinfo import ZoneInfo
from quiz import app, storage
from benchmarks.run import NOW
started = time.perf_counter()
engine = app.open_collection(sys.argv[1], with_bundled=False)
with engine.connect() as conn:
    storage.load_queue(conn, storage.select_decks(conn, []), storage.Day.of(NOW, ZoneInfo("Europe/Berlin"), 4))
print(time.perf_counter() - started)
"""

_ANKI_QUEUE = """
import sys, time
from anki.collection import Collection
started = time.perf_counter()
col = Collection(sys.argv[1])
col.sched.get_queued_cards(fetch_limit=1)
col.sched.counts()
print(time.perf_counter() - started)
"""

_ANKI_FIRST_CARD = """
import re, sys
from anki.collection import Collection
col = Collection(sys.argv[1])
(deck,) = [deck.id for deck in col.decks.all_names_and_ids() if deck.id != 1]
col.decks.select(deck)
print(re.sub("<[^>]+>", " ", col.sched.getCard().question()), "done 0", flush=True)
"""

_ANKI_STATS = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
col._backend.graphs(search="", days=365)
"""


def on_screen(args: list[str]) -> float:
    """Seconds from starting `args` in a new 80x24 tmux terminal to "done 0" on its screen:
    bench_review.first_card_ms's measure of quiz, for Anki's side."""
    tmux = ["tmux", "-L", f"quiz-bench-anki-{os.getpid()}-{time.perf_counter_ns()}"]
    started = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", f"{shlex.join(args)}; sleep 20"], check=True)
    try:
        while "done 0" not in subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout:
            if time.perf_counter() - started > 20:
                raise SystemExit(f"{args[:3]} never showed its card")
        return time.perf_counter() - started
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def printed(args: list[str], env: dict | None = None) -> float:
    """The seconds a child prints of its own work."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise SystemExit(f"{args[:3]} failed: {done.stderr}")
    return float(done.stdout.split()[-1])


def child(args: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one child process, started by a small
    fresh interpreter: a child's maxrss counts the memory of the process it was forked from."""
    probe = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        raise SystemExit(f"{args[:4]} failed: {probe.stderr}")
    seconds, megabytes = map(float, probe.stdout.split())
    return seconds, megabytes


_PROBE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
if done.returncode:
    sys.exit(done.stderr)
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def build(folder: Path, size: int):
    """bench_anki.py's collection with every review in the past, as a learner's are. With its
    120k reviews dated up to four months ahead (age_collection's last reviews), Anki 26.09's
    import failed, "UNIQUE constraint failed: revlog.id", though the package's ids are unique;
    dated in the past, all 120k arrive."""
    deck = folder / f"deck-{size}.yaml"
    write_deck(deck, size)
    engine = app.open_collection(str(folder / f"quiz-{size}.db"), with_bundled=False)
    import_files(engine, [deck])
    age_collection(engine)
    c = storage.cards_t.c
    with storage.writing(engine) as conn:
        conn.execute(update(storage.cards_t).where(c.last_review > NOW).values(last_review=NOW - timedelta(days=1)))
    add_reviews(engine)
    return engine


def alternate(ours, theirs, runs: int) -> dict[str, tuple[float, float]]:
    """Each side's median (seconds, MB), the two run in turns."""
    measured: dict[str, list[tuple[float, float]]] = {"quiz": [], "anki": []}
    for _ in range(runs):
        measured["quiz"].append(ours())
        measured["anki"].append(theirs())
    return {
        side: (statistics.median(t for t, _m in rows), statistics.median(m for _t, m in rows))
        for side, rows in measured.items()
    }


def rows_of(label: str, result: dict[str, tuple[float, float]]) -> list[tuple[str, float, str]]:
    (quiz_s, quiz_mb), (anki_s, anki_mb) = result["quiz"], result["anki"]
    return [
        (f"{label}: quiz", quiz_s, "s"),
        (f"{label}: Anki", anki_s, "s"),
        (f"{label}: quiz / Anki, time", quiz_s / anki_s, "x"),
        (f"{label}: peak memory, quiz / Anki ({quiz_mb:.0f} / {anki_mb:.0f} MB)", quiz_mb / anki_mb, "x"),
    ]


def run(sizes=(10_000, 100_000), runs: int = 5) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory(prefix="quiz-bench-beside-anki-") as name:
        return [row for size in sizes for row in measure(Path(name) / f"{size}", size, runs)]


def measure(folder: Path, size: int, runs: int) -> list[tuple[str, float, str]]:
    folder.mkdir()
    env = {**os.environ, "TZ": "Europe/Berlin"}
    engine = build(folder, size)  # deck-{size}.yaml and quiz-{size}.db
    package = folder / "quiz.apkg"
    clock = anki.Clock(NOW, ZoneInfo("Europe/Berlin"), 4)
    anki.export_decks(engine, [], package, lang="en", clock=clock, with_progress=True)
    engine.dispose()
    collection = folder / "anki" / "collection.anki2"
    collection.parent.mkdir()
    child([sys.executable, "-c", _ANKI_IMPORT, str(collection), str(package)])
    db = folder / f"quiz-{size}.db"
    export = [*quiz_command(), "--db", str(db), "export", "anki", "-o", str(folder / "out.apkg")]
    result = alternate(
        lambda: child([*export, "--with-progress"], env),
        lambda: child([sys.executable, "-c", _ANKI_EXPORT, str(collection), str(folder / "anki-out.apkg")]),
        runs,
    )
    rows = rows_of(f"export {size // 1000}k with progress", result)
    fresh = iter(range(10**6))

    def quiz_import() -> tuple[float, float]:
        target = folder / f"import-{next(fresh)}.db"
        return child([*quiz_command(), "--db", str(target), "import", str(folder / f"deck-{size}.yaml")], env)

    def anki_import() -> tuple[float, float]:
        target = folder / f"anki-import-{next(fresh)}" / "collection.anki2"
        target.parent.mkdir()
        return child([sys.executable, "-c", _ANKI_IMPORT, str(target), str(package)])

    rows += rows_of(f"import {size // 1000}k", alternate(quiz_import, anki_import, runs))
    return rows + reads(db, collection, size, runs, env)


def reads(db: Path, collection: Path, size: int, runs: int, env: dict) -> list[tuple[str, float, str]]:
    """The first card, the cold queue and the stats, quiz's and Anki's in turns."""
    from benchmarks.bench_review import first_card_ms  # the same wait as on_screen's

    python = sys.executable
    measures = {
        "first card on screen (tmux; Anki: its question rendered, printed)": (
            lambda: first_card_ms(db, "bench", runs=1) / 1000,
            lambda: on_screen([python, "-c", _ANKI_FIRST_CARD, str(collection)]),
        ),
        "the day's queue, cold (in-process)": (
            lambda: printed([python, "-c", _QUIZ_QUEUE, str(db)], env),
            lambda: printed([python, "-c", _ANKI_QUEUE, str(collection)]),
        ),
        "stats, a year (quiz stats; Anki's graphs)": (
            lambda: child([*quiz_command(), "--db", str(db), "stats"], env)[0],
            lambda: child([python, "-c", _ANKI_STATS, str(collection)])[0],
        ),
    }
    rows = []
    for label, (ours, theirs) in measures.items():
        times: dict[str, list[float]] = {"quiz": [], "anki": []}
        for _ in range(runs):
            times["quiz"].append(ours())
            times["anki"].append(theirs())
        quiz_s, anki_s = statistics.median(times["quiz"]), statistics.median(times["anki"])
        name = f"{label}, {size // 1000}k"
        rows += [
            (f"{name}: quiz", quiz_s, "s"),
            (f"{name}: Anki", anki_s, "s"),
            (f"{name}: quiz / Anki", quiz_s / anki_s, "x"),
        ]
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for label, value, unit in run(sizes=(1000,) if quick else (10_000, 100_000), runs=1 if quick else 5):
        print(f"{label:<64} {value:8.3f} {unit}", flush=True)
