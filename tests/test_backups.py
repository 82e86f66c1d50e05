"""Backups, restore and `quiz check` on real SQLite files; the upgrade's copy under kill -9."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import app, backups
from quiz.cli.main import cli
from quiz.storage import database, sqlitefile
from tests.conftest import MINI_DECK, utc

DECK = MINI_DECK


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def cards_in(db: Path) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT note_key, content FROM cards ORDER BY note_key").fetchall()
    finally:
        conn.close()


def test_the_main_file_alone_holds_every_committed_change(collection, tmp_path):
    # A copy of quiz.db without its -wal (as a file sync tool makes) is the whole collection.
    (tmp_path / "mini.yaml").write_text(DECK.replace("two?", "deux?"))
    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0
    copy = tmp_path / "copy.db"
    copy.write_bytes(collection.read_bytes())
    assert [key for key, content in cards_in(copy) if "deux?" in content] == ["b"]


def test_an_import_that_changes_something_is_backed_up_first(collection, tmp_path):
    before = cards_in(collection)
    (tmp_path / "mini.yaml").write_text(DECK.replace("one?", "uno?"))
    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0
    (made,) = backups.listing(collection)
    assert made.reason == "import" and made.path.parent == tmp_path / "backups"
    assert cards_in(made.path) == before != cards_in(collection)

    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0  # unchanged: no copy
    assert len(backups.listing(collection)) == 1


def test_backup_backups_and_restore_bring_the_collection_back(collection, tmp_path):
    made = run(collection, "backup")
    assert made.exit_code == 0 and made.output.startswith("backed up to ")
    before = cards_in(collection)
    (tmp_path / "mini.yaml").write_text(DECK.replace("one?", "uno?"))
    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0

    listed = run(collection, "backups")
    assert listed.exit_code == 0 and "manual" in listed.output and "import" in listed.output
    manual = next(b for b in backups.listing(collection) if b.reason == "manual")
    restored = run(collection, "restore", manual.path.name)

    assert restored.exit_code == 0, restored.output
    assert cards_in(collection) == before
    undo = next(b for b in backups.listing(collection) if b.reason == "restore")
    assert any("uno?" in content for _, content in cards_in(undo.path))  # the restore can be undone


def test_backups_fit_a_narrow_terminal_with_each_file_name_whole(collection, monkeypatch):
    assert run(collection, "backup").exit_code == 0
    made = backups.listing(collection)
    # The names here take 31 to 33 cells (quiz-20261204T212540Z.1-manual.db), a time 16, a size 8
    for columns, shown in (("65", ["made", "size", "file"]), ("50", ["size", "file"]), ("40", ["file"])):
        monkeypatch.setenv("COLUMNS", columns)
        header, *rows, _folder = run(collection, "backups").output.splitlines()
        assert header.split() == shown and [row.split()[-1] for row in rows] == [b.path.name for b in made]
        assert max(map(len, (header, *rows))) <= int(columns)
    monkeypatch.setenv("COLUMNS", "80")
    assert run(collection, "backups").output.splitlines()[0].split() == ["made", "reason", "size", "file"]


def test_a_restore_brings_the_prompts_count_back_too(collection, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert run(collection, "backup").exit_code == 0
    (tmp_path / "mini.yaml").write_text(DECK + '  - {id: c, front: "three?", back: "3"}\n')
    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0
    cache = tmp_path / "cache" / "quiz" / "due"
    assert cache.read_text() == "0 due, 23 new\n"  # 20 a day of the bundled Docker deck, mini's 3
    manual = next(b for b in backups.listing(collection) if b.reason == "manual")
    assert run(collection, "restore", manual.path.name).exit_code == 0
    assert cache.read_text() == "0 due, 22 new\n"  # MINI_DECK's two cards, as in the backup


def test_a_backup_to_a_path_is_a_collection_quiz_opens(collection, tmp_path):
    target = tmp_path / "elsewhere.db"
    assert run(collection, "backup", str(target)).exit_code == 0
    assert run(target, "decks", "--json").output.count('"deck": "mini"') == 1
    again = run(collection, "backup", str(target))
    assert again.exit_code == 1 and "exists" in again.stderr


def test_thinning_keeps_the_newest_of_7_days_4_weeks_and_3_months(tmp_path):
    db = tmp_path / "quiz.db"
    app.open_collection(str(db), with_bundled=False).dispose()
    start = utc(2026, 1, 1, 12)
    made = [backups.make(db, "daily", start + timedelta(days=day), timezone.utc) for day in range(120)]
    made += [backups.make(db, "import", start + timedelta(days=119, hours=1), timezone.utc)]
    kept = {b.made for b in backups.listing(db)}
    # The newest (Thursday 30 April, 13:00) fills that day's, week's and month's slots; then the
    # newest of each earlier day up to 7 days, of each earlier ISO week up to 4 (the weeks of
    # Sunday 26, 19 and 12 April), of each earlier month up to 3 (March, February).
    days = {utc(2026, 4, 30, 13)} | {utc(2026, 4, day, 12) for day in range(24, 30)}
    weeks = {utc(2026, 4, 26, 12), utc(2026, 4, 19, 12), utc(2026, 4, 12, 12)}
    months = {utc(2026, 3, 31, 12), utc(2026, 2, 28, 12)}
    assert kept == days | weeks | months
    assert all(b.path.exists() == (b.made in kept) for b in map(_backup_of, made))


def _backup_of(path: Path) -> backups.Backup:
    stamp = path.name.split("-")[1].split(".")[0]
    return backups.Backup(path, datetime.strptime(stamp, backups.STAMP).replace(tzinfo=timezone.utc), "", 0)


def test_a_file_named_like_a_backup_of_a_day_that_cannot_be_is_no_backup(tmp_path):
    db = tmp_path / "quiz.db"
    app.open_collection(str(db), with_bundled=False).dispose()
    made = backups.make(db, "daily", utc(2026, 3, 1, 8), timezone.utc)
    stray = backups.folder(db) / "quiz-20261340T250000Z-daily.db"
    stray.write_bytes(b"")
    assert [b.path for b in backups.listing(db)] == [made]
    assert backups.daily(db, utc(2026, 3, 2, 8), utc(2026, 3, 2, 4), timezone.utc) is not None
    assert stray.exists()


def test_the_daily_backup_is_made_once_a_day(tmp_path):
    db = tmp_path / "quiz.db"
    app.open_collection(str(db), with_bundled=False).dispose()
    morning, evening = utc(2026, 3, 1, 8), utc(2026, 3, 1, 20)
    day_start = utc(2026, 3, 1, 4)
    assert backups.daily(db, morning, day_start, timezone.utc) is not None
    assert backups.daily(db, evening, day_start, timezone.utc) is None
    assert backups.daily(db, evening + timedelta(days=1), day_start + timedelta(days=1), timezone.utc)


def test_hand_made_backups_are_never_thinned(tmp_path):
    db = tmp_path / "quiz.db"
    app.open_collection(str(db), with_bundled=False).dispose()
    hand = [backups.make(db, "manual", utc(2026, 1, 1, 8) + timedelta(minutes=n), timezone.utc) for n in range(3)]
    backups.make(db, "daily", utc(2026, 6, 1, 8), timezone.utc)
    assert all(path.exists() for path in hand)


def damage(db: Path) -> None:
    """Overwrite the pages of the cards table's index with garbage (the header stays valid)."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    for page in range(2, len(raw) // page_size):
        raw[page * page_size + 8 : page * page_size + 40] = b"\xff" * 32
    db.write_bytes(bytes(raw))


def test_check_finds_a_damaged_collection_and_every_write_is_refused_after(collection, tmp_path):
    damage(collection)
    checked = run(collection, "check")
    assert checked.exit_code == 1
    assert re.search(r"^pages \(quick_check\): (1 problem|([2-9]|[1-9]\d+) problems)$", checked.output, re.M)
    assert "quiz restore" in checked.output
    before = collection.read_bytes()

    for args in (["import", str(tmp_path / "mini.yaml")], ["decks"], ["backup"]):
        refused = run(collection, *args)
        assert refused.exit_code == 1, (args, refused.output)
        assert "is damaged" in refused.stderr and "quiz check" in refused.stderr
        assert "Traceback" not in refused.output
    assert collection.read_bytes() == before


def test_a_damaged_collection_comes_back_from_a_backup(collection, tmp_path):
    assert run(collection, "backup").exit_code == 0
    good = cards_in(collection)
    damage(collection)
    assert run(collection, "check").exit_code == 1
    (manual,) = [b for b in backups.listing(collection) if b.reason == "manual"]

    assert run(collection, "restore", str(manual.path)).exit_code == 0
    assert cards_in(collection) == good
    assert run(collection, "check").exit_code == 0
    assert run(collection, "decks").exit_code == 0  # writes allowed again
    assert any(b.reason == "damaged" for b in backups.listing(collection))  # the damaged file kept


def disagree(db: Path) -> None:
    """Card a gets a review its schedule does not match."""
    engine = database.create(database.database_url(str(db)))
    with database.writing(engine) as conn:
        card = conn.exec_driver_sql("SELECT id FROM cards WHERE note_key = 'a'").one()
        conn.exec_driver_sql(
            "INSERT INTO reviews (card_id, reviewed_at, rating, state_before, reps_before, lapses_before, "
            "state_after, stability_after, leech) VALUES (?, '2026-01-01 10:00:00.000000', 3, 0, 0, 0, 2, 3.5, 0)",
            (card.id,),
        )
    engine.dispose()


def test_check_finds_a_card_that_disagrees_with_its_last_review(collection):
    disagree(collection)
    found = run(collection, "check", "--json")
    assert found.exit_code == 1
    assert '"id": "a"' in found.output and '"id": "b"' not in found.output
    assert run(collection, "check", "--full").exit_code == 1


def test_check_of_a_healthy_collection_after_reviews_is_ok(collection):
    from quiz import storage
    from quiz.model import Rating

    engine = app.open_collection(str(collection), with_bundled=False)
    day = storage.Day.of(utc(2026, 5, 1, 9), timezone.utc, 4)
    with engine.connect() as conn:
        queue = storage.load_queue(conn, storage.select_decks(conn, None), day)
        settings = storage.deck_settings(conn, 1)
    now = day.now
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.GOOD):  # the first card twice: its log has two rows
        card = queue.next_card(now) or queue.learning[0]
        now = max(now, card.schedule.due or now)
        answered = storage.answer(engine, card, rating, now, settings, 900, None)
        queue.answered(card, answered.schedule, day.end)
    engine.dispose()
    checked = run(collection, "check")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines() == ["pages (quick_check): ok", "links: ok", "review log: ok"]


COPY_THEN_WAIT = (
    "import sys, time; from pathlib import Path; from quiz.storage import sqlitefile\n"
    "print('start', flush=True); sqlitefile.copy(Path(sys.argv[1]), Path(sys.argv[2]))\n"
)


def test_kill_9_during_a_backup_leaves_a_whole_copy_or_none(tmp_path):
    """The kill test: 12 kills spread over a backup of a ~20 MB collection."""
    db = tmp_path / "big.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE filler (x BLOB)")
    conn.executemany("INSERT INTO filler VALUES (?)", [(b"\x01" * 4000,) for _ in range(5000)])
    conn.commit()
    conn.close()
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    started = time.monotonic()
    sqlitefile.copy(db, target)
    took = time.monotonic() - started
    target.unlink()
    outcomes = []
    for attempt in range(12):  # killed from the start of the copy to well after its end
        copier = subprocess.Popen([sys.executable, "-c", COPY_THEN_WAIT, str(db), str(target)], stdout=subprocess.PIPE)
        assert copier.stdout is not None and copier.stdout.readline() == b"start\n"
        time.sleep(took * 1.5 * attempt / 11)
        copier.send_signal(signal.SIGKILL)
        copier.wait()
        if target.exists():  # whole: it opens and holds every row
            check = sqlite3.connect(target)
            assert check.execute("SELECT count(*) FROM filler").fetchone() == (5000,)
            check.close()
            target.unlink()
            outcomes.append("whole")
        else:
            outcomes.append("none")
        assert not [p for p in target.parent.iterdir() if p.suffix == ".db" and p != target]
    sqlitefile.copy(db, target)  # the next copy clears what the kills left
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.db"]
    print("kill -9 during a backup:", {o: outcomes.count(o) for o in set(outcomes)})


def test_the_review_makes_the_days_backup_beside_it(tmp_path):
    from quiz import storage
    from quiz.cli.daily import day_backup

    db = tmp_path / "quiz.db"
    engine = app.open_collection(str(db))
    day = storage.Day.of(utc(2026, 3, 1, 9), timezone.utc, 4)
    with day_backup(engine, day):
        pass
    with day_backup(engine, storage.Day.of(utc(2026, 3, 1, 21), timezone.utc, 4)):
        pass
    engine.dispose()
    assert [b.reason for b in backups.listing(db)] == ["daily"]
    assert cards_in(backups.listing(db)[0].path) == cards_in(db)


@pytest.mark.parametrize("args", [["import", "changed.yaml"], ["decks"]])
def test_a_damaged_collection_never_checked_is_not_written_to(collection, tmp_path, args):
    (tmp_path / "changed.yaml").write_text(DECK.replace("one?", "uno?"))
    damage(collection)
    before, copies = collection.read_bytes(), backups.listing(collection)
    refused = run(collection, *[str(tmp_path / a) if a.endswith(".yaml") else a for a in args])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: {collection} is damaged (") and "quiz check" in refused.stderr
    assert collection.read_bytes() == before
    assert backups.listing(collection) == copies  # no copy of a damaged file pushes a good one out


def test_a_killed_backups_part_files_are_removed_by_the_next_backup(collection):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    place = backups.folder(collection)
    place.mkdir(exist_ok=True)
    stale = [place / f".quiz-20260101T000000Z-daily.db.{gone.pid}.quiz-x1.part{end}" for end in ("", "-journal")]
    for path in stale:
        path.write_bytes(b"half a copy")
    backups.make(collection, "manual", datetime.now(timezone.utc))
    assert not any(path.exists() for path in stale)


def test_restoring_todays_backup_is_not_undone_by_the_thinning(collection, tmp_path):
    # The copy of the collection made before a restore is newer than the backup restored,
    # and today keeps only its newest: the backup must be read before it is thinned away.
    (tmp_path / "mini.yaml").write_text(DECK.replace("one?", "uno?"))
    assert run(collection, "import", str(tmp_path / "mini.yaml")).exit_code == 0
    (today,) = backups.listing(collection)
    wanted = cards_in(today.path)
    restored = run(collection, "restore", today.path.name)
    assert restored.exit_code == 0, restored.output
    assert cards_in(collection) == wanted != [] and wanted != cards_in(next(iter(backups.listing(collection))).path)


def test_a_damaged_collection_whose_revision_cannot_be_read_is_called_damaged(collection):
    # The revision reads as none (here: its row is gone) and another page is damaged: the
    # error names the damage, not "not a quiz collection" (CI found it with damage() alone).
    conn = sqlite3.connect(collection)
    conn.execute("DELETE FROM alembic_version")
    conn.commit()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'decks'").fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(collection.read_bytes())
    start = (page - 1) * page_size
    raw[start + 8 : start + 40] = b"\xff" * 32
    collection.write_bytes(bytes(raw))
    before = collection.read_bytes()
    refused = run(collection, "decks")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: {collection} is damaged (") and "quiz check" in refused.stderr
    assert collection.read_bytes() == before
