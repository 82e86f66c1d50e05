"""Opening the collection at its edges: another program's file, bad locations, a full disk,
a read-only file, an unknown revision, and several processes at once. One line each, and
nothing written where nothing should be."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from quiz import app
from quiz.cli.main import cli
from quiz.decks import import_files
from quiz.errors import QuizError
from quiz.storage import database

DECK = "deck: mini\ntitle: Mini\ncards:\n  - {id: a, front: 'one?', back: '1'}\n"


def run(location: str, *args: str):
    return CliRunner().invoke(cli, ["--db", location, *args])


def one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_another_programs_database_is_refused_untouched(tmp_path):
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('mine')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    for args in (["decks"], ["import", "x.yaml"], ["review"]):
        line = one_line_error(run(str(other), *args))
        assert "is not a quiz collection" in line and "notes" in line
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no backups


def test_an_anki_collection_is_refused_and_stays_out_of_wal_mode(tmp_path):
    from anki.collection import Collection

    path = tmp_path / "collection.anki2"
    Collection(str(path)).close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    before = path.read_bytes()

    line = one_line_error(run(str(path), "decks"))

    assert "Anki collection" in line and ".apkg" in line
    assert path.read_bytes() == before
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == mode


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("foo://somewhere/x", "quiz keeps a collection in SQLite or PostgreSQL, not foo://"),
        ("sqlite:/x.db", "is neither a file path nor a URL"),
        ("postgresql+psycopg://me:hunter2@[::1", "not a database URL"),
    ],
)
def test_a_bad_location_is_one_line(tmp_path, monkeypatch, location, expected):
    monkeypatch.chdir(tmp_path)
    line = one_line_error(run(location, "decks"))
    assert expected in line and "hunter2" not in line
    assert list(tmp_path.iterdir()) == []  # no folder "sqlite:" made


def test_a_typo_in_the_folder_makes_no_new_collection(tmp_path):
    line = one_line_error(run(str(tmp_path / "qiuz" / "quiz.db"), "decks"))
    assert "no folder" in line
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_like_a_urls_parts_holds_the_collection(tmp_path):
    folder = tmp_path / "notes?v=1#top%20"  # a query, a fragment and an escape in a URL
    folder.mkdir()
    (tmp_path / "mini.yaml").write_text(DECK)
    assert run(str(folder / "quiz.db"), "import", str(tmp_path / "mini.yaml")).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("notes")] == [folder.name]  # no "notes" beside
    assert {p.name for p in folder.iterdir()} >= {"quiz.db", "backups"}
    assert '"deck": "mini"' in run(str(folder / "quiz.db"), "decks", "--json").output


def test_a_password_is_never_printed(postgres_server):
    url = f"postgresql+psycopg://quiz:hunter2@/no_such_database?host={postgres_server.folder}"
    line = one_line_error(run(url, "decks"))
    assert "hunter2" not in line and "***" in line and "cannot open the collection" in line


def test_a_missing_driver_says_which_install_fixes_it(tmp_path):
    probe = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from quiz.cli.main import main\n"
        "sys.argv = ['quiz', '--db', 'postgresql+psycopg://u:pw@h/db', 'decks']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == "Error: the database driver psycopg is not installed: pip install 'quiz[postgres]'\n"


@pytest.mark.parametrize("revision", ["", "abc123", None])
def test_an_unknown_or_empty_schema_revision_is_refused(db_path, revision):
    app.open_collection(str(db_path), with_bundled=False).dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM alembic_version")
    if revision is not None:
        conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    conn.commit()
    conn.close()
    line = one_line_error(run(str(db_path), "decks"))
    assert "schema revision" in line
    assert not list(db_path.parent.glob("*.bak"))


def test_a_full_disk_is_one_line_and_loses_nothing(db_path, tmp_path, monkeypatch):
    # SQLite's max_page_count gives the very error a full disk does (SQLITE_FULL).
    assert run(str(db_path), "decks").exit_code == 0
    pages = sqlite3.connect(db_path).execute("PRAGMA page_count").fetchone()[0]
    connect = database._sqlite_on_connect

    def small_disk(dbapi_connection, record):
        connect(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")

    monkeypatch.setattr(database, "_sqlite_on_connect", small_disk)
    rows = "".join(f"  - {{id: c{i}, front: 'q{i} {'x' * 200}', back: a}}\n" for i in range(2000))
    big = "deck: big\ntitle: Big\ncards:\n" + rows
    (tmp_path / "big.yaml").write_text(big)
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM cards").fetchone()

    line = one_line_error(run(str(db_path), "import", str(tmp_path / "big.yaml")))

    assert "disk is full" in line
    monkeypatch.setattr(database, "_sqlite_on_connect", connect)
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM cards").fetchone() == before


def test_a_read_only_collection_is_refused_before_the_review_starts(tmp_path):
    """A file and folder its user may read but not write. Root may write anything: there the
    command runs in a user namespace of its own, where root's files obey their modes."""
    db = tmp_path / "quiz.db"
    app.open_collection(str(db)).dispose()
    before = db.read_bytes()
    db.chmod(0o444)
    tmp_path.chmod(0o555)
    as_user = ["unshare", "--user"] if os.geteuid() == 0 else []
    try:
        done = subprocess.run(
            [*as_user, sys.executable, "-m", "quiz", "--db", str(db), "review"], capture_output=True, text=True
        )
    finally:
        tmp_path.chmod(0o755)
    assert done.returncode == 1, done.stderr
    why = f"its folder {tmp_path} is read-only (quiz saves each answer as it is given)"
    assert done.stderr == f"Error: cannot use {db}: {why}\n"
    assert db.read_bytes() == before


def test_two_first_uses_and_two_imports_at_once_both_succeed(location, tmp_path):
    """Two processes' worth of engines on one new database, at the same moment."""
    (tmp_path / "mini.yaml").write_text(DECK)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    reports: list[str] = []

    def use() -> None:
        try:
            barrier.wait()
            engine = app.open_collection(location, with_bundled=False)
            barrier.wait()
            (report,) = import_files(engine, [tmp_path / "mini.yaml"])
            reports.append("created" if report.created else "unchanged" if report.unchanged else "updated")
            engine.dispose()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(reports) == ["created", "unchanged"]
    engine = app.open_collection(location, with_bundled=False)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM cards").scalar() == 1
    engine.dispose()


def test_open_collection_in_python_refuses_too(tmp_path):
    path = tmp_path / "x.db"
    path.write_text("hello")
    with pytest.raises(QuizError, match="not a quiz collection"):
        app.open_collection(str(path))


def test_on_postgresql_check_looks_at_the_rows_and_backups_are_the_servers(postgres_database):
    assert run(postgres_database, "decks").exit_code == 0
    checked = run(postgres_database, "check")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines() == ["pages: checked by the database server", "links: ok", "review log: ok"]
    for args in (["backup"], ["backups"], ["restore", "x.db"]):
        assert "pg_dump" in one_line_error(run(postgres_database, *args))


def test_first_uses_of_a_new_file_at_once_never_meet_a_lock(tmp_path):
    """Switching a new file to WAL mode is outside SQLite's busy handler: 20 races of two."""
    errors: list[BaseException] = []
    for attempt in range(20):
        location = str(tmp_path / f"race-{attempt}.db")
        barrier = threading.Barrier(2)

        def use(location: str, barrier: threading.Barrier) -> None:
            try:
                barrier.wait()
                app.open_collection(location, with_bundled=False).dispose()
            except BaseException as error:  # the test reports it
                errors.append(error)

        threads = [threading.Thread(target=use, args=(location, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
