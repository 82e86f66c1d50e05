"""The review screen's speed: time to the first card, and from a rating to the next card.

`python benchmarks/bench_review.py COLLECTION.db DECK` measures an existing
collection; benchmarks/run.py calls `run(db, deck)` on its 100k-card one.
The first card is timed in a real terminal (tmux), from starting the process to
the card's text on the screen; the rating-to-next-card time is the work between
the key and the next screen (commit, queue update, interval previews, rendering),
without the terminal's own drawing.
"""

from __future__ import annotations

import shlex
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz import app
from quiz.model import Rating
from quiz.plumbing.textwidth import wrap
from quiz.review import render
from quiz.review.words import words_for
from quiz.session import ReviewSession


def first_card_ms(db: Path, deck: str, runs: int = 5) -> float:
    quiz = Path(sys.executable).with_name("quiz")
    command = shlex.join([str(quiz), "--db", str(db), "review", deck])
    times = []
    for run in range(runs):
        tmux = ["tmux", "-L", f"quiz-bench-{run}"]
        start = time.perf_counter()
        subprocess.run(tmux + ["new-session", "-d", "-x", "80", "-y", "24", f"TZ=UTC {command}"], check=True)
        while "done 0" not in (
            screen := subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True).stdout
        ):
            if time.perf_counter() - start > 20:
                subprocess.run(tmux + ["kill-server"], capture_output=True)
                raise SystemExit(f"the review screen never showed a card; the screen:\n{screen}")
        times.append(time.perf_counter() - start)
        subprocess.run(tmux + ["kill-server"], capture_output=True)
    return statistics.median(times) * 1000


def rating_to_next_card_ms(db: Path, deck: str, answers: int = 200) -> tuple[float, float]:
    """Median and 95th percentile over `answers` ratings."""
    clock_now = [datetime(2026, 11, 28, 9, tzinfo=timezone.utc)]
    engine = app.open_collection(str(db), with_bundled=False)
    session = ReviewSession.open(engine, [deck], ZoneInfo("Europe/Berlin"), 4, "en", clock=lambda: clock_now[0])
    times = []
    words = words_for("en")
    card = session.current()
    for _ in range(answers):
        assert card is not None, "the deck has nothing due"
        start = time.perf_counter()
        session.answer(card, Rating.GOOD, 3000)
        card = session.current()
        if card is None:
            break
        # what the screen prints before the rating prompt, wrapped at 80 columns
        wrap(render.question(card, "en", "en"), 80)
        wrap(render.note(card, "en", "en", words, links=False), 80, 4)
        wrap(render.rating_choices(session.intervals(card), None, words, 80), 80)
        session.needs_hint()
        times.append(time.perf_counter() - start)
        clock_now[0] += timedelta(seconds=4)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def undo_ms(db: Path, deck: str, undos: int = 15) -> float:
    """Median of `undos` undos of an answer: each builds today's queue again (as suspend and
    bury do), so that its counts are the next session's."""
    now = datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
    engine = app.open_collection(str(db), with_bundled=False)
    session = ReviewSession.open(engine, [deck], ZoneInfo("Europe/Berlin"), 4, "en", clock=lambda: now)
    times = []
    for _ in range(undos):
        card = session.current()
        if card is None:
            break
        session.answer(card, Rating.GOOD, 3000)
        start = time.perf_counter()
        session.undo()
        times.append(time.perf_counter() - start)
    engine.dispose()
    if not times:
        raise SystemExit(f"nothing to answer in {deck} on {now:%Y-%m-%d %H:%M}")
    return statistics.median(times) * 1000


def summary_ms(db: Path, deck: str, runs: int = 5) -> float:
    """Median of `runs` session summaries, as the review prints one at its end (the next card
    due, whether new cards are left), each in a session of a newly opened collection."""
    now = datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
    times = []
    for _ in range(runs):
        engine = app.open_collection(str(db), with_bundled=False)
        session = ReviewSession.open(engine, [deck], ZoneInfo("Europe/Berlin"), 4, "en", clock=lambda: now)
        start = time.perf_counter()
        session.summary()
        times.append(time.perf_counter() - start)
        engine.dispose()
    return statistics.median(times) * 1000


def run(db: Path, deck: str) -> list[tuple[str, float, str]]:
    first = first_card_ms(db, deck)  # before the answers below change the collection
    undo = undo_ms(db, deck)  # which leaves the collection as it was
    median, p95 = rating_to_next_card_ms(db, deck)
    summary = summary_ms(db, deck)
    return [
        ("review: first card on screen (tmux, median of 5)", first, "ms"),
        ("review: rating key to next card (median)", median, "ms"),
        ("review: rating key to next card (95th pct)", p95, "ms"),
        ("review: undo, today's queue built again (median)", undo, "ms"),
        ("review: the summary at its end (median)", summary, "ms"),
    ]


if __name__ == "__main__":
    for name, value, unit in run(Path(sys.argv[1]), sys.argv[2]):
        print(f"{name:<52} {value:8.2f} {unit}")
