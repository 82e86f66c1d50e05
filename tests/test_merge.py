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


def test_update_keeps_each_commands_card_when_the_notes_comments_are_read_against_other_commands():
    """A deck generated when the comments under each command were read as the next one's:
    with the note read right, each command keeps its own card (its id, so its progress) and
    takes its own comment; it is not the card whose front is its comment."""
    from quiz.notes import generate, update
    from quiz.notes.cards import fingerprint

    note = "# tar\n\n## Archives\n\n```sh\ntar -cf all.tar *.jpg\n# pack *.jpg into all.tar\n\n"
    note += "tar -rf all.tar *.gif\n# add *.gif to all.tar\n\ntar -tf all.tar\n# list all.tar\n```\n"
    before = [
        ("tar-rf", "pack *.jpg into all.tar", "tar -rf all.tar *.gif"),
        ("tar-tf", "add *.gif to all.tar", "tar -tf all.tar"),
    ]
    deck = "deck: tar\ncards:\n"
    for key, front, back in before:
        content = {"type": "command", "front": front, "back": back, "tags": ["command"]}
        deck += f"  - id: {key}  # tar.md:1 [{fingerprint(content)}]\n    type: command\n"
        deck += f'    front: "{front}"\n    back: {back}\n    tags: [command]\n\n'
    merged, _report = update(deck, generate(note, "tar"), "tar.md")
    cards = {card["id"]: (card["front"], card["back"]) for card in load(merged)["cards"]}
    assert cards == {
        "tar-rf": ("add *.gif to all.tar", "tar -rf all.tar *.gif"),
        "tar-tf": ("list all.tar", "tar -tf all.tar"),
        "tar-cf": ("pack *.jpg into all.tar", "tar -cf all.tar *.jpg"),
    }
