"""Typed answers in the review: vim's :wq as an answer, key-sequence cards, the diff of
what was typed, the dash hint, and tools known from the learner's fish completions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quiz import storage
from quiz.decks import load_deck
from quiz.storage.schema import tool_tables_t
from tests.test_review import ENTER, drive, only, reviews, session_for

DECK = """
deck: v
title: Vim and friends
cards:
  - {id: save-quit, type: command, front: Save and quit vim, back: ":wq"}
  - {id: change-word, type: keys, front: Change the word under the cursor, back: ciw}
  - {id: detach, type: keys, front: Detach from tmux, back: Ctrl-b d}
  - {id: run, type: command, front: Run ubuntu, back: docker run --rm -it ubuntu bash}
"""


def deck_with(engine, write_deck, key: str, text: str = DECK):
    storage.import_decks(engine, [load_deck(write_deck(text))])
    only(engine, key)
    return engine


@pytest.mark.parametrize(
    "key, typed",
    [
        ("save-quit", ":wq"),  # an answer that starts with a colon is an answer
        ("detach", "C-b d"),  # a key card compares keys, not shell words: Ctrl-b d
    ],
)
def test_typed_answers_that_are_not_shell_commands(engine, write_deck, key, typed):
    deck_with(engine, write_deck, key)
    _, shown = drive(session_for(engine), typed + ENTER + ENTER)
    assert "✓ right" in shown
    assert reviews(engine) == [(key, 0, 3, typed)]


def test_on_such_a_card_only_full_command_names_are_commands(engine, write_deck):
    deck_with(engine, write_deck, "save-quit")
    _, shown = drive(session_for(engine), ":q" + ENTER + ENTER)  # vim's :q, not the review's :quit
    assert "✗ not quite" in shown and reviews(engine)[0][3] == ":q"
    _, shown = drive(session_for(engine), ":quit" + ENTER)
    assert "left for today" in shown and len(reviews(engine)) == 1  # :quit still quits, answering nothing


def test_a_wrong_key_sequence_shows_its_keys(engine, write_deck):
    deck_with(engine, write_deck, "change-word")
    _, shown = drive(session_for(engine), "caw" + ENTER + ENTER)
    assert "✗ not quite" in shown and "you typed c a (wrong) w" in shown and "expected  c i w" in shown


def test_the_diff_shows_the_words_as_typed_and_names_each_mark_once(engine, write_deck):
    deck_with(engine, write_deck, "run")
    _, shown = drive(session_for(engine), "docker run -rm -it ubuntu bash" + ENTER + ENTER)
    typed_line = next(line for line in shown.splitlines() if "you typed" in line)
    assert "-rm (wrong)" in typed_line or "-rm (extra)" in typed_line  # as typed, not as -r -m
    assert "-r -m" not in typed_line


def test_a_typed_dash_gets_a_hint(engine, write_deck):
    deck_with(engine, write_deck, "run")
    _, shown = drive(session_for(engine), "docker run —rm -it ubuntu bash" + ENTER + ENTER)
    assert "– and — are dashes, not hyphens" in shown


FROB_FISH = """\
complete -c frob -f
complete -c frob -n __fish_use_subcommand -a push -d 'Send it'
complete -c frob -n '__fish_seen_subcommand_from push' -s f -l force -d 'Force it'
complete -c frob -n '__fish_seen_subcommand_from push' -s r -l remote -r -d 'Where to'
"""
FROB_DECK = """
deck: f
title: Frob
cards:
  - {id: push, type: command, front: Force a push to origin, back: frob push -f -r origin}
"""


def test_a_tool_without_a_table_is_read_with_the_learners_fish_completions(engine, write_deck, tmp_path, monkeypatch):
    completions = tmp_path / "config" / "fish" / "completions"
    completions.mkdir(parents=True)
    (completions / "frob.fish").write_text(FROB_FISH, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "none"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "none"))
    deck_with(engine, write_deck, "push", FROB_DECK)
    _, shown = drive(session_for(engine), "frob push --remote=origin --force" + ENTER + ENTER)
    assert "✓ right" in shown  # the generic rule alone would not know --force is -f
    with engine.connect() as conn:
        cached = conn.execute(select(tool_tables_t.c.name, tool_tables_t.c.path)).all()
    assert cached == [("frob", str(completions / "frob.fish"))]


def test_the_expected_line_is_the_answer_as_written(engine, write_deck):
    deck_with(engine, write_deck, "run")
    _, shown = drive(session_for(engine), "docker run -it ubuntu bash" + ENTER + ENTER)
    expected_line = next(line for line in shown.splitlines() if line.startswith("  expected"))
    assert expected_line.split() == ["expected", "docker", "run", "--rm", "(missing)", "-it", "ubuntu", "bash"]
