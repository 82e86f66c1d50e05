"""Every command through click's CliRunner, on a real database file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from quiz.cli import cli
from quiz.plumbing import resources
from quiz.plumbing.textwidth import display_width
from quiz.storage import database

DECK = """
deck: git
title: {en: Git basics, zh: Git 基础}
cards:
  - {id: status, type: command, front: Show the working tree status, back: git status}
  - {id: log, type: command, front: Show history on one line each, back: git log --oneline}
  - {id: head, front: What is HEAD?, back: The commit you have checked out}
"""


def dump(db_path) -> dict:
    engine = database.create(database.database_url(str(db_path)))
    with engine.connect() as conn:
        return {
            t: conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all()
            for t in ("decks", "cards", "reviews", "deck_settings")
        }


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.output and f"quiz {name}" in result.output, name


def test_help_does_not_import_heavy_libraries():
    probe = (
        "import sys; from quiz.cli import main; sys.argv = ['quiz', '--help']\n"
        "try: main()\nexcept SystemExit: pass\n"
        "heavy = ('sqlalchemy', 'prompt_toolkit', 'alembic', 'genanki', 'fsrs', 'yaml')\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("LOADED []")


def test_python_m_quiz_runs():
    result = subprocess.run([sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip()) == (0, "quiz, version 0.1.0")


def test_a_new_collection_starts_with_the_bundled_decks(run):
    result = run("decks", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    bundled = {path.stem for path in resources.bundled_decks()}
    assert {row["deck"] for row in rows} == bundled
    for row in rows:
        assert set(row) >= {"deck", "title", "cards", "new", "learning", "review", "due", "suspended"}
        assert row["cards"] == row["new"] > 0 and 0 < row["due"] <= 20


def test_lint_reports_ok_and_problems(run, tmp_path):
    good = tmp_path / "git.yaml"
    good.write_text(DECK, encoding="utf-8")
    result = run("lint", str(good))
    assert (result.exit_code, result.output) == (0, "ok: 1 deck, 3 cards\n")

    bad = tmp_path / "bad.yaml"
    bad.write_text("deck: x\ncards:\n  - {id: a, front: f}\n", encoding="utf-8")
    result = run("lint", str(good), str(bad))
    assert result.exit_code == 1
    assert result.stderr == f'{bad}:3:5: card "a": missing "back"\n1 problem; nothing was changed\n'
    assert "Traceback" not in result.output


def test_import_then_reimport_is_a_no_op(run, db_path, tmp_path):
    path = tmp_path / "git.yaml"
    path.write_text(DECK, encoding="utf-8")
    assert run("import", str(path)).output == "git: new deck, 3 added\n"
    before = dump(db_path)
    assert run("import", str(path)).output == "git: unchanged\n"
    assert dump(db_path) == before

    path.write_text(
        DECK.replace("What is HEAD?", "What does HEAD point to?").replace("  - {id: log", "  # - {id: log"),
        encoding="utf-8",
    )
    assert run("import", str(path)).output == "git: 1 updated, 1 retired\n"


def test_a_failing_file_changes_nothing(run, db_path, tmp_path):
    good = tmp_path / "git.yaml"
    good.write_text(DECK, encoding="utf-8")
    run("decks")  # create the collection
    before = dump(db_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("deck: bad\ncards:\n  - {id: a, type: cloze, text: no deletion}\n", encoding="utf-8")
    result = run("import", str(good), str(bad))
    assert result.exit_code == 1
    assert 'bad.yaml:3:32: card "a": a cloze needs at least one deletion' in result.stderr
    assert dump(db_path) == before


def test_decks_table_and_filters(run, tmp_path):
    path = tmp_path / "git.yaml"
    path.write_text(DECK, encoding="utf-8")
    run("import", str(path))
    lines = run("decks", "git").output.splitlines()
    assert lines[0].split() == ["deck", "title", "cards", "new", "learning", "review", "due", "suspended"]
    assert lines[1].split() == ["git", "Git", "basics", "3", "3", "0", "0", "3", "0"]
    result = run()  # plain `quiz` is the review, which needs a terminal
    assert result.exit_code == 1 and "quiz review needs a terminal" in result.stderr


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_the_decks_table_fits_the_terminal_cutting_the_title(run, tmp_path, monkeypatch, lang):
    monkeypatch.setenv("LANG", lang)
    title = "Docker commands and concepts, with every correction of the note"
    path = tmp_path / "long.yaml"
    path.write_text(DECK.replace("title: {en: Git basics, zh: Git 基础}", f"title: {title}"), encoding="utf-8")
    run("import", str(path))
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run("decks").output.splitlines()
    assert max(display_width(line) for line in narrow) <= 80
    assert any(line.startswith("git ") and "…" in line for line in narrow)
    monkeypatch.setenv("COLUMNS", "200")
    assert title in run("decks").output


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
@pytest.mark.parametrize("columns", [40, 30])
def test_on_a_narrow_terminal_the_decks_table_leaves_out_the_counts_looked_at_least(
    run, tmp_path, monkeypatch, lang, columns
):
    (tmp_path / "git.yaml").write_text(DECK, encoding="utf-8")
    run("import", str(tmp_path / "git.yaml"))
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("COLUMNS", str(columns))
    header, *lines = run("decks").output.splitlines()
    assert max(display_width(line) for line in [header, *lines]) <= columns
    git = next(line.split() for line in lines if line.startswith("git "))
    assert (git[0], git[-2:]) == ("git", ["3", "3"])  # the deck, its new cards and what is due today


def test_unknown_deck_is_a_clear_error(run):
    result = run("decks", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown deck nope (decks: ")


def test_a_file_that_is_not_a_database_is_a_clear_error(db_path):
    db_path.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "decks"])
    assert result.exit_code == 1
    why = "it is not an SQLite database; nothing was written to it"
    assert result.stderr == f"Error: {db_path} is not a quiz collection: {why}\n"
    assert db_path.read_bytes() == b"this is not sqlite" * 100


def test_quiz_db_environment_variable_picks_the_collection(tmp_path, monkeypatch):
    location = tmp_path / "mine.db"
    monkeypatch.setenv("QUIZ_DB", str(location))
    assert CliRunner().invoke(cli, ["decks"]).exit_code == 0
    assert location.exists()


@pytest.mark.parametrize("command", [["decks"], ["lint", str(resources.bundled_decks()[0])], ["new", "x", "-o", "NEW"]])
def test_the_collector_is_back_on_once_the_command_runs(db_path, command):
    # quiz starts with it off (start-up makes only long-lived objects); a long review must not leak cycles,
    # and commands that never open the collection collect too.
    command = [str(db_path.with_name("x.yaml")) if word == "NEW" else word for word in command]
    probe = (
        "import gc, sys; from quiz.cli import main\n"
        f"sys.argv = ['quiz', '--db', {str(db_path)!r}, *{command!r}]\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print('COLLECTING', gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("COLLECTING True True")
