"""Speed of `quiz stats` (target: 1 s on 100k cards and 1M reviews) and of
`quiz optimize` (target: 10 s on 100k reviews).

The collections are built with Core bulk inserts in a temporary folder, once
per run. `run()` returns (name, value, unit) rows for benchmarks/run.py; run
this file alone to print them.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from quiz import app, storage
from quiz.model import State

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
DECKS = 5
_FOLDER = tempfile.TemporaryDirectory(prefix="quiz-bench-stats-")
_BUILT: dict[str, Path] = {}


def quiz_command() -> list[str]:
    script = Path(sys.executable).with_name("quiz")
    return [str(script)] if script.exists() else [sys.executable, "-m", "quiz"]


def _decks(conn) -> list[int]:
    rows = [{"name": f"deck-{n}", "title": f'"Deck {n}"', "lang": "en"} for n in range(DECKS)]
    conn.execute(insert(storage.decks_t), rows)
    return list(range(1, DECKS + 1))


def stats_collection(cards: int = 100_000, reviews: int = 1_000_000) -> Path:
    """`cards` cards in 5 decks (30% new, 5% learning, the rest in review, 2% suspended)
    and `reviews` answers spread over the last 400 days."""
    key = f"stats-{cards}-{reviews}"
    if key in _BUILT:
        return _BUILT[key]
    path = Path(_FOLDER.name) / f"{key}.db"
    engine = app.open_collection(str(path), with_bundled=False)
    rng = random.Random(7)
    with storage.writing(engine) as conn:
        deck_ids = _decks(conn)
        new, started = [], []  # executemany wants one set of keys per statement
        for n in range(cards):
            roll = rng.random()
            row = {
                "deck_id": deck_ids[n % DECKS],
                "note_key": f"c{n}",
                "ord": 0,
                "kind": "basic",
                "content": f'{{"front":"Question number {n}","back":"Answer {n}"}}',
                "tags": "leech" if n % 997 == 0 else "",
                "position": n,
                "suspended": n % 50 == 0,
            }
            if roll >= 0.3:
                interval = rng.choice((1, 3, 8, 15, 30, 60, 120, 300))
                last = NOW - timedelta(days=rng.uniform(0, interval))
                row.update(
                    state=int(State.LEARNING if roll < 0.35 else State.REVIEW),
                    stability=float(interval),
                    difficulty=rng.uniform(1, 10),
                    last_review=last,
                    due=last + timedelta(days=interval),
                    reps=rng.randint(1, 20),
                    lapses=rng.choice((0, 0, 0, 1, 2, 5)),
                )
                started.append(row)
            else:
                new.append(row)
        conn.execute(insert(storage.cards_t), new)
        conn.execute(insert(storage.cards_t), started)
        start = NOW - timedelta(days=400)
        batch = []
        for n in range(reviews):
            at = start + timedelta(seconds=400 * 86400 * n / reviews)
            interval = rng.choice((1, 3, 8, 15, 30, 60))
            batch.append(
                {
                    "card_id": rng.randint(1, cards),
                    "reviewed_at": at,
                    "rating": rng.choice((1, 3, 3, 3, 3, 2, 4)),
                    "duration_ms": rng.randint(2000, 20000),
                    "state_before": rng.choice((2, 2, 2, 0, 1)),
                    "stability_before": float(interval),
                    "difficulty_before": 5.0,
                    "due_before": at,
                    "last_review_before": at - timedelta(days=interval),
                    "reps_before": 3,
                    "lapses_before": 0,
                    "state_after": 2,
                    "due_after": at + timedelta(days=interval),
                }
            )
            if len(batch) == 50_000:
                conn.execute(insert(storage.reviews_t), batch)
                batch = []
        if batch:
            conn.execute(insert(storage.reviews_t), batch)
    engine.dispose()
    _BUILT[key] = path
    return path


def optimize_collection(reviews: int = 100_000) -> Path:
    """About `reviews` answers: cards learnt on a first day, then reviewed at growing
    intervals, forgotten now and then (realistic enough for the fitter's speed)."""
    key = f"optimize-{reviews}"
    if key in _BUILT:
        return _BUILT[key]
    path = Path(_FOLDER.name) / f"{key}.db"
    engine = app.open_collection(str(path), with_bundled=False)
    rng = random.Random(11)
    start = NOW - timedelta(days=500)
    with storage.writing(engine) as conn:
        (deck_id, *_) = _decks(conn)
        per_card = 10
        count = reviews // per_card
        conn.execute(
            insert(storage.cards_t),
            [
                {
                    "deck_id": deck_id,
                    "note_key": f"c{n}",
                    "ord": 0,
                    "kind": "basic",
                    "content": "{}",
                    "tags": "",
                    "position": n,
                }
                for n in range(count)
            ],
        )
        batch = []
        for card_id in range(1, count + 1):
            at = start + timedelta(days=rng.randint(0, 100), hours=rng.uniform(0, 12))
            interval, state = 0.0, State.NEW
            for _ in range(per_card):
                rating = 1 if rng.random() < 0.12 else rng.choice((2, 3, 3, 3, 4))
                batch.append(
                    {
                        "card_id": card_id,
                        "reviewed_at": at,
                        "rating": rating,
                        "duration_ms": 5000,
                        "state_before": int(state),
                        "reps_before": 0,
                        "lapses_before": 0,
                        "state_after": 2,
                    }
                )
                interval = 1.0 if rating == 1 else max(1.0, interval * rng.uniform(1.8, 3.0))
                state = State.REVIEW
                at += timedelta(days=round(interval), minutes=rng.uniform(-120, 120))
        conn.execute(insert(storage.reviews_t), batch)
    engine.dispose()
    _BUILT[key] = path
    return path


def timed_command(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*quiz_command(), *args], check=True, capture_output=True, env={**os.environ, "TZ": "UTC"})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(quick: bool = False) -> list[tuple[str, float, str]]:
    cards, reviews, fit_reviews = (10_000, 100_000, 10_000) if quick else (100_000, 1_000_000, 100_000)
    stats_db = stats_collection(cards, reviews)
    optimize_db = optimize_collection(fit_reviews)
    runs = 1 if quick else 5  # a shared machine: the median of 5
    return [
        (
            f"quiz stats, {cards // 1000}k cards, {reviews // 1000}k reviews (target 1 s)",
            timed_command(["--db", str(stats_db), "stats"], runs),
            "s",
        ),
        ("quiz stats --json, same collection", timed_command(["--db", str(stats_db), "stats", "--json"], runs), "s"),
        (
            f"quiz stats deck-0 (one deck of {DECKS}), same collection",
            timed_command(["--db", str(stats_db), "stats", "deck-0"], runs),
            "s",
        ),
        (
            f"quiz optimize, {fit_reviews // 1000}k reviews (target 10 s)",
            timed_command(["--db", str(optimize_db), "optimize"], 1),
            "s",
        ),
    ]


if __name__ == "__main__":
    for name, value, unit in run(quick="--quick" in sys.argv):
        print(f"{name:<60} {value:8.3f} {unit}")
