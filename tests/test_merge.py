"""quiz.notes.merge on deck files as learners keep them: written on Windows (\\r\\n), on an old
Mac (\\r), without a line end at the end. The cards merged in end their lines as the file's
own lines do, and the file reads back with every card."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from quiz.cli import cli
from quiz.decks import load_deck
from quiz.notes.merge import appended
from quiz.plumbing.yamlread import load

ENDINGS = {"windows": "\r\n", "old mac": "\r", "unix": "\n"}
NOTE = "# Git\n\n```\n# Show the status\ngit status\n```\n"
MORE = NOTE + "\n```\n# List the branches\ngit branch\n```\n"


def line_ends(text: str) -> set[str]:
    return {"\r\n" if part.endswith("\r") else "\n" for part in text.split("\n")[:-1]} | (
        {"\r"} if "\r" in text.replace("\r\n", "") else set()
    )


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_generate_update_writes_the_decks_own_line_ends(tmp_path, ending):
    note, deck = tmp_path / "git.md", tmp_path / "git.yaml"
    note.write_text(NOTE, encoding="utf-8")
    assert CliRunner().invoke(cli, ["generate", str(note), "-o", str(deck)]).exit_code == 0
    deck.write_bytes(deck.read_bytes().replace(b"\n", ending.encode()))
    note.write_text(MORE, encoding="utf-8")
    done = CliRunner().invoke(cli, ["generate", str(note), "--update", str(deck)])
    assert done.exit_code == 0, done.output
    text = deck.read_bytes().decode("utf-8")
    assert line_ends(text) == {ending}
    assert [card.key for card in load_deck(deck).cards] == ["git-status", "git-branch"]


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
@pytest.mark.parametrize("last_line_ended", [True, False])
def test_cards_appended_end_their_lines_as_the_file_does(ending, last_line_ended):
    text = "deck: git\ncards:\n    - {id: st, front: Status, back: git status}\n"
    text += "    - id: br\n      front: Branches\n      back: git branch"
    text = (text + ("\n" if last_line_ended else "")).replace("\n", ending)
    merged = appended(text, [("lg", {"front": "Log", "back": "git log\nor git lg"}, ""), ("df", {"front": "Diff"}, "")])
    assert merged.startswith(text.rstrip("\r\n") + ending + ending + "    - id: lg" + ending)
    assert line_ends(merged) == {ending} and merged.endswith(ending)
    deck = load(merged)
    assert [card["id"] for card in deck["cards"]] == ["st", "br", "lg", "df"]
    assert deck["cards"][2]["back"] == "git log\nor git lg"
