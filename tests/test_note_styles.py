"""Notes in six styles (tests/data/notes/, each with the command and key cards it must give,
written apart from the parser): tables, bullets with inline code, trailing comments and
config snippets, terminal transcripts, vim keys and indented code, the Docker note's style."""

from pathlib import Path

import pytest
import yaml

from quiz.decks import load_deck
from quiz.notes import deck_yaml, generate

NOTES = sorted((Path(__file__).parent / "data" / "notes").glob("*.md"))


def typed_cards(note):
    return [
        (card.line, card.type, card.front, card.back if isinstance(card.back, str) else card.back[0])
        for card in note.cards
        if card.type in ("command", "keys")
    ]


@pytest.mark.parametrize("path", NOTES, ids=[path.stem for path in NOTES])
def test_every_command_and_only_those(path):
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    made = typed_cards(generate(path.read_text(encoding="utf-8"), path.stem))
    assert made == [(e["line"], e["type"], e["front"], e["back"]) for e in expected]


@pytest.mark.parametrize("path", NOTES, ids=[path.stem for path in NOTES])
def test_the_deck_passes_lint(path, tmp_path):
    note = generate(path.read_text(encoding="utf-8"), path.stem)
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(note, "styles", path.name), encoding="utf-8")
    assert len(load_deck(deck).cards) >= len(note.cards)


def test_six_styles_at_least():
    assert len(NOTES) >= 6
