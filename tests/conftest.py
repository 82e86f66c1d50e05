"""Every test gets its own collection; the learner's real directories are never touched.

Tests that take `engine` run twice: on an SQLite file and on a real PostgreSQL
server (started once per run, in a temporary folder, one new database per test),
so the SQL stays portable. Without PostgreSQL's programs the PostgreSQL half is
skipped with a message saying so, unless QUIZ_TEST_POSTGRES=required (CI sets it).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz import app, config, i18n


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # quiz due's file
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.delenv("QUIZ_CONFIG", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    # English unless a test says otherwise (quiz.i18n looks the language up again).
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    config.values.cache_clear()
    i18n.use(None)


@pytest.fixture
def chinese(monkeypatch):
    """The learner reads Chinese (LANG=zh_CN.UTF-8, looked up again by quiz.i18n)."""
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    i18n.use(None)
    assert i18n.language() == "zh-CN"
    yield
    i18n.use(None)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, db_path) -> str:
    """Where the test's collection is (as `--db` takes it): an SQLite file, or a new
    database on the test PostgreSQL server."""
    return str(db_path) if request.param == "sqlite" else request.getfixturevalue("postgres_database")


@pytest.fixture
def engine(location):
    """A fresh collection at the current schema, without the bundled decks."""
    engine = app.open_collection(location, with_bundled=False)
    yield engine
    engine.dispose()


def missing(why: str) -> None:
    """No PostgreSQL server can be started: the PostgreSQL half of the suite is skipped, saying
    why, unless QUIZ_TEST_POSTGRES=required (as in .ci/run), where that is a failure."""
    if os.environ.get("QUIZ_TEST_POSTGRES") == "required":
        pytest.fail(f"{why} (QUIZ_TEST_POSTGRES=required)")
    pytest.skip(f"the PostgreSQL half is skipped: {why}; set QUIZ_TEST_POSTGRES=required to make this an error")


class PostgresServer:
    """A throwaway PostgreSQL server on a Unix socket; no network, no password."""

    def __init__(self) -> None:
        binaries = shutil.which("initdb", path=":".join(glob.glob("/usr/lib/postgresql/*/bin") + [os.environ["PATH"]]))
        if binaries is None:
            missing("no PostgreSQL server programs (initdb, pg_ctl) here: apt-get install postgresql")
        self.bin = Path(binaries).parent
        self.folder = Path(tempfile.mkdtemp(prefix="quiz-pg-"))
        # The server refuses to run as root: it runs as the postgres user there.
        self.user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.user:
            try:
                shutil.chown(self.folder, "postgres")
            except LookupError:
                missing(
                    "as root, the tests run PostgreSQL as the user postgres, and there is none "
                    "(apt-get install postgresql makes it)"
                )
        self.run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "quiz", "--no-sync")
        self.run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-w",
            "-l",
            str(self.folder / "log"),
            "start",
            "-o",
            f"-k {self.folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
        )
        self.names = (f"quiz_test_{n}" for n in itertools.count())

    def run(self, program: str, *args: str) -> None:
        subprocess.run([*self.user, str(self.bin / program), *args], check=True, capture_output=True)

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host={self.folder} user=quiz dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def postgres_database(postgres_server) -> str:
    """The URL of a new, empty database on the test server."""
    name = next(postgres_server.names)
    postgres_server.admin(f"CREATE DATABASE {name}")
    yield f"postgresql+psycopg://quiz@/{name}?host={postgres_server.folder}"
    postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def run(db_path):
    """`run("decks", "--json")`: quiz's command line on the test's collection, through click."""
    from click.testing import CliRunner

    from quiz.cli.main import cli

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)

    return run


MINI_DECK = """\
deck: mini
title: Mini
cards:
  - {id: a, front: "one?", back: "1"}
  - {id: b, front: "two?", back: "2"}
"""


@pytest.fixture
def collection(tmp_path, run, db_path) -> Path:
    """An SQLite collection with the two cards of MINI_DECK (its deck file: mini.yaml beside it)."""
    (tmp_path / "mini.yaml").write_text(MINI_DECK)
    assert run("import", str(tmp_path / "mini.yaml")).exit_code == 0
    return db_path


@pytest.fixture
def write_deck(tmp_path):
    """Write a deck file from an indented YAML string; returns its path."""

    def write(text: str, name: str = "deck.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


# For a test of SQLite itself (its pragmas, its query plans): the `engine` there is an SQLite file only.
sqlite_only = pytest.mark.parametrize("location", ["sqlite"], indirect=True)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
