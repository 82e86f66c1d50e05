"""Speed of `quiz cards` (target: 1 s on 100k cards) and `quiz card`.

The collection is benchmarks/run.py's: the 100k-card benchmark deck imported (with the
bundled decks), aged (60% in review, due from 20 days ago to 120 days ahead, a few
learning), then 300 cards answered through quiz.storage (so that they have a review
log), 200 suspended (50 of them leeches) and 100 buried. Each command runs as a real
process, its output to a pipe, COLUMNS=100. `run()` returns (name, value, unit) rows
for benchmarks/run.py; run this file alone to print them.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update

from benchmarks.run import NOW, age_collection, imported_collection, quiz_command
from quiz import app, storage
from quiz.model import Rating


def reviewed_collection(folder: Path, cards: int) -> Path:
    _deck, db = imported_collection(folder, cards)
    engine = app.open_collection(str(db), with_bundled=False)
    age_collection(engine)
    c = storage.cards_t.c
    with engine.connect() as conn:
        decks = storage.select_decks(conn, ["bench"])
        settings = storage.deck_settings(conn, decks[0].id)
        queue = storage.load_queue(conn, decks, storage.Day.of(NOW - timedelta(days=30), timezone.utc, 4))
    when = NOW - timedelta(days=30)
    for n, card in enumerate((queue.reviews + queue.new)[:300]):
        schedule = card.schedule
        for rating in (Rating.GOOD, Rating.AGAIN if n % 3 == 0 else Rating.GOOD, Rating.GOOD):
            schedule = storage.answer(engine, replace(card, schedule=schedule), rating, when, settings, 6000).schedule
            when += timedelta(minutes=1)
    with storage.writing(engine) as conn:
        ids = list(conn.execute(select(c.id).where(c.deck_id == decks[0].id).order_by(c.id)).scalars())
        conn.execute(update(storage.cards_t).where(c.id.in_(ids[1000:1200])).values(suspended=True))
        conn.execute(update(storage.cards_t).where(c.id.in_(ids[1000:1050])).values(leech=True))
        conn.execute(
            update(storage.cards_t).where(c.id.in_(ids[2000:2100])).values(buried_until=NOW + timedelta(days=9))
        )
    engine.dispose()
    return db


def timed(args: list[str], runs: int) -> tuple[float, int]:
    """Median wall seconds of the command, and its output's line count."""
    env = {**os.environ, "TZ": "Europe/Berlin", "COLUMNS": "100", "LANG": "C.UTF-8"}
    times, lines = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([*quiz_command(), *args], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
        lines = done.stdout.count(b"\n")
    return statistics.median(times), lines


def format_table_alone(rows: int) -> float:
    """format_table on `rows` lines like the listing's: how much of the listing it takes."""
    os.environ["COLUMNS"] = "100"
    from quiz.cli.table import format_table

    table = [
        {
            "deck": "bench",
            "id": f"card-{n}",
            "state": "review",
            "due": "2026-12-01",
            "recall": "91%",
            "front": f"Follow the logs of container {n}",
        }
        for n in range(rows)
    ]
    started = time.perf_counter()
    format_table(table, tuple(table[0]), shrink="front")
    return time.perf_counter() - started


def machine_seconds() -> float:
    """10M additions in a Python loop (0.24 s on 2026-12-02, 0.48 to 0.64 s on days before): a
    shared machine's speed drifts, and every number here scales with it."""
    started = time.perf_counter()
    total = 0
    for n in range(10_000_000):
        total += n
    return time.perf_counter() - started


def run(quick: bool = False) -> list[tuple[str, float, str]]:
    cards, runs = (10_000, 1) if quick else (100_000, 5)
    folder = Path(tempfile.mkdtemp(prefix="quiz-bench-cards-"))
    try:
        db = reviewed_collection(folder, cards)
        rows = [("machine: 10M additions in a Python loop (first)", machine_seconds(), "s")]
        commands = [
            (f"quiz cards, every card ({cards // 1000}k lines, target 1 s)", ["cards"]),
            ("quiz cards --json, every card", ["cards", "--json"]),
            ("quiz cards bench --limit 50", ["cards", "bench", "--limit", "50"]),
            ("quiz cards --sort retrievability --limit 50", ["cards", "--sort", "retrievability", "--limit", "50"]),
            ("quiz cards --sort lapses --limit 50", ["cards", "--sort", "lapses", "--limit", "50"]),
            ("quiz cards --sort added --limit 50", ["cards", "--sort", "added", "--limit", "50"]),
            ("quiz cards --search 'CONTAINER 4242'", ["cards", "--search", "CONTAINER 4242"]),
            ("quiz cards --search 容器 --limit 50 (SQL + Python)", ["cards", "--search", "容器", "--limit", "50"]),
            ("quiz cards --due today", ["cards", "--due", "today"]),
            ("quiz cards --due overdue --state review", ["cards", "--due", "overdue", "--state", "review"]),
            ("quiz cards --tag logs --state leech", ["cards", "--tag", "logs", "--state", "leech"]),
            ("quiz card bench card-0 (3 answers)", ["card", "bench", "card-0"]),
        ]
        for name, args in commands:
            seconds, lines = timed(["--db", str(db), *args], runs)
            rows.append((f"{name} [{lines} lines]", seconds, "s"))
        rows.append((f"  format_table alone, {cards // 1000}k rows, in-process", format_table_alone(cards), "s"))
        rows.append(("machine: 10M additions in a Python loop (last)", machine_seconds(), "s"))
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    for name, value, unit in run(quick="--quick" in sys.argv):
        print(f"{name:<72} {value:8.3f} {unit}", flush=True)
