"""The export's two ways of making a package's rows give the same package.

On SQLite the database makes the cards and the review log itself (quiz.anki.sqlrows); rows
read through the driver (PostgreSQL's) are made in Python (quiz.anki.export, revlog). Here
both run on the same SQLite collection, whose cards and log are filled with what the
review path may leave there and more: every state, missing instants, instants on both
sides of a change of the clocks, answers in the same millisecond, events of each kind,
retired cards (a note's first among them), leeches, burials and flags.
"""

from __future__ import annotations

import random
import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update

from quiz import anki, app
from quiz.anki import export as export_module
from quiz.decks import import_files
from quiz.storage import cards_t, reviews_t, writing
from quiz.storage.events import KINDS
from quiz.storage.schema import events_t

NOW = datetime(2026, 10, 25, 9, 30, tzinfo=timezone.utc)  # Europe's clocks went back at 01:00 UTC this day
# the changes of the clocks around NOW in the zones below, and NOW
MOMENTS = [
    datetime(2026, 10, 25, 1, tzinfo=timezone.utc),
    datetime(2026, 10, 4, 15, tzinfo=timezone.utc),  # Lord Howe: forward half an hour
    datetime(2026, 11, 1, 6, tzinfo=timezone.utc),  # New York
    datetime(2027, 3, 28, 1, tzinfo=timezone.utc),
    NOW,
]


def deck_text(name: str, entries: int) -> str:
    lines = [f"deck: {name}", f"title: {name.title()}", "cards:"]
    for index in range(entries):
        kind = ("basic", "reversed", "cloze", "command")[index % 4]
        if kind == "cloze":
            lines.append(
                f"  - {{id: c{index}, type: cloze, text: '{{{{c1::a}}}} {{{{c2::b}}}} {{{{c3::c}}}} {index}'}}"
            )
        elif kind == "command":
            lines.append(f"  - {{id: c{index}, type: command, front: 'list {index}', back: 'ls -l{index}'}}")
        else:
            lines.append(f"  - {{id: c{index}, type: {kind}, front: 'q {index} <&>', back: 'a {index}', tags: [t]}}")
    return "\n".join(lines) + "\n"


def instant(rng: random.Random) -> datetime | None:
    if rng.random() < 0.1:
        return None
    moment = rng.choice(MOMENTS)
    offset = rng.choice([timedelta(0), timedelta(milliseconds=rng.choice([-1, 1]))])
    offset += rng.choice(
        [timedelta(0), timedelta(minutes=rng.randint(-3000, 3000)), timedelta(days=rng.randint(-400, 400))]
    )
    return moment + offset


def fill(engine, rng: random.Random) -> None:
    """Every card's schedule at random, and a review log and events of the same."""
    with writing(engine) as conn:
        card_ids = list(conn.execute(select(cards_t.c.id)).scalars())
        for card_id in card_ids:
            conn.execute(
                update(cards_t)
                .where(cards_t.c.id == card_id)
                .values(
                    state=rng.randint(0, 3),
                    step=rng.choice([None, 0, 1, 2, 5]),
                    stability=rng.choice([None, 0.0, 2.5, rng.uniform(0.01, 400)]),
                    difficulty=rng.choice([None, 1.0, 10.0, rng.uniform(1, 10)]),
                    due=instant(rng),
                    last_review=instant(rng),
                    buried_until=rng.choice([None, NOW - timedelta(hours=1), NOW + timedelta(hours=1)]),
                    suspended=rng.random() < 0.2,
                    leech=rng.random() < 0.1,
                    retired=rng.random() < 0.1,
                    reps=rng.randint(0, 30),
                    lapses=rng.randint(0, 9),
                    flag=rng.randint(0, 7),
                )
            )
        log, events = [], []
        clash = NOW - timedelta(days=3)
        for _ in range(6 * len(card_ids)):
            when = clash if rng.random() < 0.05 else instant(rng) or NOW  # some in the same ms
            row = {
                "card_id": rng.choice(card_ids),
                "duration_ms": rng.choice([None, 0, 4200, 60_000, 600_000]),
                "state_before": rng.randint(0, 3),
                "state_after": rng.randint(0, 3),
                "due_after": instant(rng),
                "reps_before": 0,
                "lapses_before": 0,
            }
            if rng.random() < 0.8:
                log.append(
                    row | {"reviewed_at": when, "rating": rng.randint(1, 4), "difficulty_after": rng.uniform(1, 10)}
                )
            else:
                kind = rng.choice(KINDS)
                difficulty = rng.choice([None, rng.uniform(1, 10)])
                rating = rng.randint(1, 4) if kind == "cram" else None
                events.append(row | {"at": when, "kind": kind, "rating": rating, "difficulty_before": difficulty})
        conn.execute(insert(reviews_t), log)
        conn.execute(insert(events_t), events)


def package_tables(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(":memory:")
    db.deserialize(zipfile.ZipFile(path).read("collection.anki2"))
    tables = ("col", "notes", "cards", "revlog", "graves", "sqlite_master")
    return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


@pytest.mark.parametrize("seed", range(6))
def test_the_database_makes_the_package_python_makes(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    engine = app.open_collection(str(tmp_path / "quiz.db"), with_bundled=False)
    try:
        for name, entries in (("shell", 40), ("git", 12)):
            (tmp_path / f"{name}.yaml").write_text(deck_text(name, entries), encoding="utf-8")
            import_files(engine, [tmp_path / f"{name}.yaml"])
        fill(engine, rng)
        zone = ("Europe/Berlin", "Australia/Lord_Howe", "America/New_York", "UTC")[seed % 4]
        clock = anki.Clock(NOW, ZoneInfo(zone), rng.randint(0, 23))
        for names in ([], ["git"]):
            for with_progress in (True, False):
                made = {}
                for way, path_of in (("sqlite", export_module.sqlite_path), ("python", lambda _engine: None)):
                    monkeypatch.setattr(export_module, "sqlite_path", path_of)
                    made[way] = tmp_path / f"{way}.apkg"
                    report = anki.export_decks(
                        engine, names, made[way], lang="en", clock=clock, with_progress=with_progress, force=True
                    )
                    assert report.cards > 0
                    monkeypatch.undo()
                sqlite_made, python_made = package_tables(made["sqlite"]), package_tables(made["python"])
                assert sqlite_made["revlog"] or not with_progress
                assert sqlite_made == python_made, (names, with_progress)
    finally:
        engine.dispose()


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "UTC"]
DAY_MS, QUARTER_MS = 86_400_000, 900_000


def offset(zone: ZoneInfo, epoch_ms: int) -> timedelta | None:
    return datetime.fromtimestamp(epoch_ms / 1000, zone).utcoffset()


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    rollover=st.integers(0, 23),
    instants=st.lists(st.integers(17 * 10**11, 19 * 10**11), min_size=2, max_size=30),
)
def test_sqlite_counts_the_days_the_clock_counts(zone, rollover, instants):
    """Clock.day_sql against Clock.day, also at each quarter hour (and the ms either side) of
    every day in the range on which the zone's clocks change."""
    clock = anki.Clock(NOW, ZoneInfo(zone), rollover)
    low, high = min(instants), max(instants)
    for day in range(low // DAY_MS, high // DAY_MS + 1):
        if offset(clock.zone, day * DAY_MS) != offset(clock.zone, (day + 1) * DAY_MS - 1):
            quarters = range(day * DAY_MS, (day + 1) * DAY_MS, QUARTER_MS)
            instants += [at + shift for at in quarters for shift in (-1, 0, 1) if low <= at + shift <= high]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE instants (position INTEGER PRIMARY KEY, value INTEGER)")
    db.executemany("INSERT INTO instants (value) VALUES (?)", [(at,) for at in instants])
    counted = db.execute(f"SELECT {clock.day_sql('value', low, high)} FROM instants ORDER BY position").fetchall()
    assert [day for (day,) in counted] == [clock.day(at) for at in instants]
