"""`quiz due`: the counts a shell prompt shows, read with the standard library's sqlite3
before click is imported (quiz.due), the same as the whole queue's; the cache file; and the
click command that answers where quiz.due does not."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from quiz import app, config, due, i18n, scheduling, storage
from quiz.cli import env as cli_env
from quiz.decks import load_decks
from quiz.model import SETTING_LIMITS, DeckSettings, Rating, State
from quiz.storage import database, schema
from tests.conftest import has_chinese, utc

DECK = """\
deck: mini
title: Mini
cards:
  - {id: a, front: "one?", back: "1"}
  - {id: b, front: "two?", back: "2"}
  - {id: c, type: reversed, front: "three?", back: "3"}
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def cached(cache_home: Path) -> str:
    return (cache_home / "quiz" / "due").read_text(encoding="utf-8")


def make_collection(db_path: Path, deck: str | None = DECK) -> Path:
    """A collection of `deck` alone (no bundled decks): 4 new cards, 3 notes."""
    engine = app.open_collection(str(db_path), with_bundled=False)
    if deck is not None:
        deck_file = db_path.with_name("deck.yaml")
        deck_file.write_text(deck, encoding="utf-8")
        storage.import_decks(engine, load_decks([deck_file]))
    engine.dispose()
    return db_path


def make_due(db_path: Path, keys: list[str], state: State = State.REVIEW) -> None:
    engine = database.create(f"sqlite:///{db_path}")
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with storage.writing(engine) as conn:
        cards = storage.cards_t
        conn.execute(update(cards).where(cards.c.note_key.in_(keys)).values(state=state, due=yesterday, step=0))
    engine.dispose()


def quiz(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real `quiz` process, as a prompt runs it."""
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


# -- the command line ---------------------------------------------------------------------


def test_the_default_line_and_the_cache(db_path, cache_home, capsys):
    make_collection(db_path)
    assert due.run(["--db", str(db_path), "due"]) == 0
    assert capsys.readouterr() == ("0 due, 3 new\n", "")  # one card a note: c's second side waits
    assert cached(cache_home) == "0 due, 3 new\n"
    make_due(db_path, ["a", "b"])
    assert due.run([f"--db={db_path}", "due"]) == 0
    assert capsys.readouterr().out == "2 due, 1 new\n"
    assert cached(cache_home) == "2 due, 1 new\n"


def test_format_and_json(db_path, cache_home, capsys):
    make_collection(db_path)
    make_due(db_path, ["a"], State.LEARNING)
    assert due.run(["--db", str(db_path), "due", "--format", "{total}: {due}+{new}"]) == 0
    assert capsys.readouterr().out == "3: 1+2\n"
    assert cached(cache_home) == "1 due, 2 new\n"  # the default line, whatever the format
    assert due.run(["--db", str(db_path), "due", "--format={due:>3}|"]) == 0
    assert capsys.readouterr().out == "  1|\n"
    assert due.run(["--db", str(db_path), "due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"due": 1, "new": 2, "total": 3}


def test_nothing_due_prints_nothing(db_path, cache_home, capsys):
    make_collection(db_path, deck=None)
    assert due.run(["--db", str(db_path), "due"]) == 0
    assert capsys.readouterr() == ("", "")
    assert cached(cache_home) == ""
    assert due.run(["--db", str(db_path), "due", "--format", "{total} cards"]) == 0
    assert capsys.readouterr() == ("", "")
    assert due.run(["--db", str(db_path), "due", "--json"]) == 0  # a script gets its zeros
    assert json.loads(capsys.readouterr().out) == {"due": 0, "new": 0, "total": 0}


def test_a_missing_collection_is_one_line(tmp_path, cache_home):
    (cache_home / "quiz").mkdir(parents=True)
    (cache_home / "quiz" / "due").write_text("5 due, 1 new\n")
    done = quiz("--db", str(tmp_path / "none.db"), "due")
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr
        == f"Error: no collection at {tmp_path / 'none.db'} yet: quiz import DECK.yaml (or quiz review) makes one\n"
    )
    assert not (tmp_path / "none.db").exists()
    assert cached(cache_home) == "5 due, 1 new\n"  # an error leaves the cache as it was
    from quiz.cli.main import cli

    click_path = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "due"])
    assert click_path.exit_code == 1 and "no collection at" in click_path.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(
    ("fmt", "error"),
    [
        ("{dew} due", "Error: unknown placeholder {dew} in --format (its placeholders: {due}, {new}, {total})\n"),
        ("{due", "Error: --format '{due' is not a format: expected '}' before end of string (its placeholders: "),
        ("{}", "Error: --format '{}' is not a format: "),
    ],
)
def test_a_wrong_format_is_one_line_even_with_nothing_due(db_path, capsys, fmt, error):
    make_collection(db_path, deck=None)
    assert due.run(["--db", str(db_path), "due", "--format", fmt]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(error) and err.count("\n") == 1


def test_quiz_db_and_the_default_collection(tmp_path, monkeypatch, capsys):
    make_collection(tmp_path / "mine.db")
    monkeypatch.setenv("QUIZ_DB", str(tmp_path / "mine.db"))
    assert due.run(["due", "--format", "{new}"]) == 0
    assert capsys.readouterr().out == "3\n"
    monkeypatch.delenv("QUIZ_DB")
    default = tmp_path / "data" / "quiz" / "quiz.db"  # XDG_DATA_HOME, as conftest sets it
    default.parent.mkdir(parents=True)
    make_collection(default)
    make_due(default, ["a"])
    assert due.run(["due", "--format", "{due}"]) == 0
    assert capsys.readouterr().out == "1\n"
    assert due.collection_file(f"sqlite:///{default}") == str(default)


def test_any_file_name_is_read(tmp_path, capsys):
    path = tmp_path / "a folder?#%20" / "ça 漢字 quiz.db"
    path.parent.mkdir()
    make_collection(tmp_path / "quiz.db").rename(path)  # (quiz's SQLAlchemy URL would read a ? as its query)
    assert due.file_uri(path, "ro") == Path(path).as_uri() + "?mode=ro"
    assert due.run(["--db", str(path), "due", "--format", "{new}"]) == 0
    assert capsys.readouterr().out == "3\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--help"],
        ["due", "-h"],
        ["due", "docker"],
        ["due", "--format"],
        ["due", "--bogus"],
        ["--db", "postgresql+psycopg://u@h/db", "due"],
        ["--db", "sqlite:///x.db?mode=ro", "due"],
        ["--version", "due"],
        ["decks"],
    ],
)
def test_what_quiz_due_leaves_to_click(argv):
    assert due.run(argv) is None


def test_an_empty_file_or_an_old_revision_goes_the_click_way(db_path, capsys):
    db_path.write_bytes(b"")
    assert due.run(["--db", str(db_path), "due"]) is None
    make_collection(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0004'")
    conn.commit()
    conn.close()
    assert due.run(["--db", str(db_path), "due"]) is None
    assert capsys.readouterr() == ("", "")


def test_the_fast_path_and_the_click_command_agree(collection, run, capsys, cache_home):
    make_due(collection, ["a"])  # the mini deck beside the bundled ones, as a learner has them
    for args in (["due"], ["due", "--json"], ["due", "--format", "{total} {due} {new}"]):
        click_path = run(*args)
        assert click_path.exit_code == 0
        assert due.run(["--db", str(collection), *args]) == 0
        assert capsys.readouterr().out == click_path.output != ""
    counts = json.loads(run("due", "--json").output)
    decks = json.loads(run("decks", "--json").output)
    assert counts["total"] == sum(deck["due"] for deck in decks) and counts["due"] == 1


def test_the_click_command_on_both_backends(location, engine, cache_home):
    deck_file = cache_home.with_name("deck.yaml")
    deck_file.write_text(DECK, encoding="utf-8")
    storage.import_decks(engine, load_decks([deck_file]))
    runner = CliRunner()
    from quiz.cli.main import cli

    result = runner.invoke(cli, ["--db", location, "due", "--json"])
    assert result.exit_code == 0, result.output
    bundled = json.loads(runner.invoke(cli, ["--db", location, "decks", "--json"]).output)
    total = sum(deck["due"] for deck in bundled)
    assert json.loads(result.output) == {"due": 0, "new": total, "total": total}
    assert runner.invoke(cli, ["--db", location, "due", "--format", "{new}"]).output == f"{total}\n"
    assert cached(cache_home) == f"0 due, {total} new\n"


def test_the_command_is_in_the_learners_language(db_path, cache_home, monkeypatch, capsys):
    make_collection(db_path)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    i18n.use(None)
    assert due.run(["--db", str(db_path), "due"]) == 0
    assert capsys.readouterr().out == "到期 0，新卡 3\n"
    assert cached(cache_home) == "到期 0，新卡 3\n"
    assert due.run(["--db", str(db_path / "none"), "due"]) == 1
    assert (
        capsys.readouterr().err
        == f"错误：{db_path / 'none'} 还没有卡片库：quiz import DECK.yaml（或 quiz review）会创建一个\n"
    )
    assert due.run(["--db", str(db_path), "due", "--format", "{x}"]) == 1
    assert capsys.readouterr().err == "错误：--format 中没有占位符 {x}（可用的占位符：{due}, {new}, {total}）\n"
    helped = quiz("due", "--help", LANG="zh_CN.UTF-8")
    assert helped.returncode == 0 and "打印今天要复习的卡片数" in helped.stdout
    flat = "".join(helped.stdout.split())  # as read: the help wraps at 80 cells, between CJK characters too
    assert "默认：'到期{due}，新卡{new}'" in flat and has_chinese(helped.stdout)


@pytest.mark.parametrize("where", ["environment", "QUIZ_CONFIG", "XDG_CONFIG_HOME", "home"])
def test_the_configuration_names_the_language(db_path, tmp_path, monkeypatch, capsys, where):
    make_collection(db_path)
    if where == "QUIZ_CONFIG":
        monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "mine.toml"))
    elif where == "home":
        monkeypatch.delenv("XDG_CONFIG_HOME")
    assert due.config_file() == str(config.path())  # quiz.config's, without importing it
    if where != "environment":
        config.path().parent.mkdir(parents=True, exist_ok=True)
        config.path().write_text('language = "zh"\n')
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if where == "environment" else "C.UTF-8")
    config.values.cache_clear()
    i18n.use(None)
    assert due.run(["--db", str(db_path), "due"]) == 0
    assert capsys.readouterr().out == "到期 0，新卡 3\n"


def test_quiz_due_imports_none_of_the_heavy_libraries(db_path):
    make_collection(db_path)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "quiz", "--db", str(db_path), "due", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and json.loads(done.stdout) == {"due": 0, "new": 3, "total": 3}
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert {"quiz.due", "sqlite3"} <= imported  # the fast path did run
    heavy = {"sqlalchemy", "prompt_toolkit", "yaml", "fsrs", "click", "alembic", "platformdirs", "wcwidth", "typing"}
    assert {name.split(".")[0] for name in imported} & heavy == set()
    assert not {"quiz.cli.main", "quiz.cli.env", "quiz.storage", "quiz.scheduling"} & imported


def test_quiz_cli_main_stays_the_entry_point():
    # Importing the submodule quiz.cli.main (every test of the click commands does) would make
    # the package's `main` that module, and `from quiz.cli import main` a module to call.
    importlib.import_module("quiz.cli.main")
    import quiz.cli
    from quiz.cli import cli as lazily
    from quiz.cli import main

    assert callable(main) and main.__module__ == "quiz.cli" and quiz.cli.main is main
    assert lazily is sys.modules["quiz.cli.main"].cli


# -- the cache, refreshed after an answer -----------------------------------------------------


def test_refresh_writes_the_cache_and_never_fails(db_path, cache_home, tmp_path):
    make_collection(db_path)
    due.refresh(db_path, datetime.now(timezone.utc))
    assert cached(cache_home) == "0 due, 3 new\n"
    make_due(db_path, ["a", "b", "c"])
    due.refresh(str(db_path), datetime.now(timezone.utc))
    assert cached(cache_home) == "3 due, 0 new\n"  # c's two sides are one note: one of them today
    due.refresh(tmp_path / "none.db", datetime.now(timezone.utc))  # nothing to read: left as it was
    due.refresh(None, datetime.now(timezone.utc))
    assert cached(cache_home) == "3 due, 0 new\n"
    (cache_home / "quiz" / "due").unlink()
    (cache_home / "quiz").rmdir()
    (cache_home / "quiz").write_text("a file where the folder should be")
    due.refresh(db_path, datetime.now(timezone.utc))  # OSError: swallowed
    assert [p.name for p in cache_home.iterdir()] == ["quiz"]


def test_the_cache_follows_each_answer_suspend_and_undo_of_a_review(db_path, cache_home):
    from quiz.cli.daily import due_cache_follows
    from quiz.session import ReviewSession

    make_collection(db_path)
    engine = app.open_collection(str(db_path), with_bundled=False)
    session = ReviewSession.open(engine, None, ZoneInfo("UTC"), 4, "en")

    def shows(line: str) -> bool:  # the refresh is a thread's: wait for it (at most 30 s)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (cache_home / "quiz" / "due").exists() and cached(cache_home) == line:
                return True
            time.sleep(0.01)
        return False

    with due_cache_follows(engine) as refresh:
        session.changed = refresh
        session.answer(session.current(), Rating.AGAIN)  # back in a minute: learning, due today
        assert shows("1 due, 2 new\n")
        session.suspend(session.current())  # a new card: the learning one waits its minute
        assert shows("1 due, 1 new\n")
        session.undo()
        assert shows("1 due, 2 new\n")
        session.undo()
        assert shows("0 due, 3 new\n")
    engine.dispose()


# -- the counts are the queue's -----------------------------------------------------------------


def test_the_copies_are_in_step_with_what_they_copy():
    assert due.HEAD_REVISION == schema.HEAD_REVISION
    assert due.DEFAULT_ROLLOVER_HOUR == scheduling.DEFAULT_ROLLOVER_HOUR == getattr(cli_env, "ROLLOVER_HOUR", 4)
    assert {name: getattr(DeckSettings(), name) for name in due.LIMITS} == due.LIMITS
    assert all(SETTING_LIMITS[name] == due.LIMIT_RANGE for name in due.LIMITS)
    assert tuple(State) == (due.NEW, due.LEARNING, due.REVIEW, due.RELEARNING)
    assert due.stamp(utc(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05.000000"
    assert str(due.learner_zone()) == str(cli_env.learner_zone())


ZONES = ["UTC", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "Pacific/Chatham"]
AROUND = [utc(2026, 3, 8, 7), utc(2026, 11, 1, 6), utc(2026, 4, 5, 15), utc(2026, 11, 28, 9)]  # DST changes


@given(st.sampled_from(AROUND), st.integers(-40 * 3600, 40 * 3600), st.sampled_from(ZONES), st.integers(0, 23))
def test_the_day_is_the_schedulers(base, seconds, zone_name, hour):
    now, zone = base + timedelta(seconds=seconds), ZoneInfo(zone_name)
    assert due.day_bounds(now, zone, hour) == (
        scheduling.day_start(now, zone, hour),
        scheduling.next_day_start(now, zone, hour),
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("due") / "empty.db"
    app.open_collection(str(path), with_bundled=False).dispose()
    return path


def instants(draw, now: datetime, start: datetime, end: datetime) -> datetime:
    """An instant on one of the day's edges (start, end, now), a microsecond away, or
    anywhere within three days."""
    edge = draw(st.sampled_from([start, end, now]))
    choice = draw(st.sampled_from(["edge", "edge", "edge", "before", "after", "anywhere"]))
    if choice == "anywhere":
        return now + timedelta(seconds=draw(st.integers(-3 * 86400, 3 * 86400)))
    return edge + {"edge": 0, "before": -1, "after": 1}[choice] * timedelta(microseconds=1)


def build(draw, path: Path) -> tuple[datetime, ZoneInfo]:
    """A random collection at `path` (decks, limits, states, dues, buried, suspended,
    retired cards, siblings, today's answers); returns its (now, zone)."""
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    now = draw(st.sampled_from(AROUND)) + timedelta(seconds=draw(st.integers(-30 * 3600, 30 * 3600)))
    rollover = draw(st.sampled_from([None, "", "0", "4", "23", "7"]))
    start, end = due.day_bounds(now, zone, int(rollover or 4))
    engine = database.create(f"sqlite:///{path}")
    cards_t = storage.cards_t
    with storage.writing(engine) as conn:
        for key, value in (("rollover_hour", rollover), *((name, draw(LIMIT_TEXT)) for name in due.LIMITS)):
            if value is not None:
                conn.execute(insert(storage.settings_t).values(key=key, value=value))
        card_ids = []
        for number in range(draw(st.integers(0, 3))):
            deck_id = database.inserted_id(
                conn.execute(insert(storage.decks_t).values(name=f"d{number}", title='"D"', lang="en"))
            )
            if draw(st.booleans()):
                limits = {name: draw(st.sampled_from([None, None, 0, 1, 2, 3, 6])) for name in due.LIMITS}
                conn.execute(insert(storage.deck_settings_t).values(deck_id=deck_id, **limits))
            rows = []
            for note in range(draw(st.integers(0, 9))):
                for ord_ in range(draw(st.integers(1, 3))):
                    state = draw(STATES)
                    rows.append(
                        {
                            "deck_id": deck_id,
                            "note_key": f"n{note}",
                            "ord": ord_,
                            "kind": "basic",
                            "content": "{}",
                            "tags": "",
                            "position": draw(st.integers(0, 20)),
                            "retired": draw(st.booleans()) and draw(st.booleans()),
                            "suspended": draw(st.booleans()) and draw(st.booleans()),
                            "buried_until": None if draw(st.booleans()) else instants(draw, now, start, end),
                            "state": state,
                            "due": None if state == State.NEW else instants(draw, now, start, end),
                        }
                    )
            for row in rows:
                card_ids.append(database.inserted_id(conn.execute(insert(cards_t).values(**row))))
        for _ in range(draw(st.integers(0, 10)) if card_ids else 0):
            before = draw(STATES)
            answer = {"card_id": draw(st.sampled_from(card_ids)), "reviewed_at": instants(draw, now, start, end)}
            answer |= {"rating": 3, "state_before": before, "reps_before": 0, "lapses_before": 0, "state_after": 2}
            conn.execute(insert(storage.reviews_t).values(**answer))
    engine.dispose()
    return now, zone


STATES = st.sampled_from([State.NEW, State.NEW, State.LEARNING, State.REVIEW, State.REVIEW, State.RELEARNING])
LIMIT_TEXT = st.sampled_from([None, None, "0", "1", "3", "abc", "99999", "-1", " 2 "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_counts_are_the_full_queues(template, data):
    folder = Path(tempfile.mkdtemp(dir=template.parent))
    try:
        path = folder / "quiz.db"
        shutil.copyfile(template, path)
        now, zone = build(data.draw, path)
        engine = database.create(f"sqlite:///{path}")
        with engine.connect() as conn:
            hour = int(storage.get_setting(conn, "rollover_hour") or 4)
            queue = storage.load_queue(conn, storage.select_decks(conn, None), storage.Day.of(now, zone, hour))
        engine.dispose()
        new, learning, reviews = queue.counts()
        assert due.count(path, now, zone) == due.Counts(learning + reviews, new)
        assert due.count(path, now, zone).total == len(queue)
    finally:
        shutil.rmtree(folder)
