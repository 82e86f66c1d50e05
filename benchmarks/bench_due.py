"""`quiz due` as a shell prompt runs it: `python benchmarks/bench_due.py [--runs 15]`.

On a 100k-card collection (run.py's benchmark deck, imported, then given a lived-in look:
reviews due and not, a few learning cards, 50 answers today), the whole `quiz due` process
against `python -c pass` on the same interpreter, run alternately, medians of RUNS each:
target at most 3x (both from compiled modules, as installed). Then quiz.due's counting
alone, in-process, and its agreement with the full queue (storage.load_queue) on the same
collection.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run
from quiz import app, due, storage
from quiz.model import Rating

TARGET = 3.0


def row(name: str, value: str, unit: str) -> None:
    print(f"{name:<44} {value:>10} {unit}", flush=True)


def lived_in(db: Path, now: datetime) -> None:
    """run.age_collection's states around `now` (quiz due reads the real clock), then 50
    answers in the last hour."""
    run.NOW = now
    engine = app.open_collection(str(db), with_bundled=False)
    run.age_collection(engine)
    day = storage.Day.of(now, due.learner_zone(), 4)
    with engine.connect() as conn:
        decks = storage.select_decks(conn, None)
        queue = storage.load_queue(conn, decks, day)
        settings = storage.deck_settings(conn, decks[0].id)
    moment = now - timedelta(hours=1)
    for card in (queue.reviews + queue.new)[:50]:
        storage.answer(engine, card, Rating.GOOD, moment, settings, duration_ms=3000)
        moment += timedelta(seconds=30)
    engine.dispose()


# As an installed quiz runs: from its compiled modules (pip writes them; PYTHONDONTWRITEBYTECODE
# would make every run compile quiz.due and the modules it imports again).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cards", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        ENV["XDG_CACHE_HOME"] = name  # the learner's own ~/.cache/quiz/due stays theirs
        _, db = run.imported_collection(Path(name), options.cards)
        now = datetime.now(timezone.utc)
        lived_in(db, now)
        command = run.quiz_command() + ["--db", str(db), "due"]
        shown = subprocess.run(command, check=True, capture_output=True, text=True, env=ENV).stdout.strip()
        wall(command)  # its modules compiled, once
        bare, whole = [], []
        for _ in range(options.runs):
            bare.append(wall([sys.executable, "-c", "pass"]))
            whole.append(wall(command))
        baseline, ours = statistics.median(bare), statistics.median(whole)
        row("collection", f"{options.cards}", f"cards ({db.stat().st_size / 1e6:.0f} MB): {shown}")
        row(f"python -c pass (median of {options.runs})", f"{baseline * 1000:.1f}", "ms")
        row(f"quiz due, whole process (median of {options.runs})", f"{ours * 1000:.1f}", "ms")
        row("quiz due / python -c pass", f"{ours / baseline:.2f}", f"x (target {TARGET:.0f}x)")
        counted = []
        for _ in range(50):
            start = time.perf_counter()
            counts = due.count(db, datetime.now(timezone.utc))
            counted.append(time.perf_counter() - start)
        row("quiz.due.count in-process (median of 50)", f"{statistics.median(counted) * 1000:.2f}", "ms")
        engine = app.open_collection(str(db), with_bundled=False)
        day = storage.Day.of(datetime.now(timezone.utc), due.learner_zone(), 4)
        with engine.connect() as conn:
            start = time.perf_counter()
            queue = storage.load_queue(conn, storage.select_decks(conn, None), day)
            queued = time.perf_counter() - start
        engine.dispose()
        new, learning, reviews = queue.counts()
        row("storage.load_queue, for comparison", f"{queued * 1000:.2f}", "ms")
        agree = counts == due.Counts(learning + reviews, new)
        row("counts agree with the queue", "yes" if agree else "NO", f"{counts} / {len(queue)} queued")
        if not agree:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
