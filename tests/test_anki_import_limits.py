"""quiz import anki of a deck that makes more cards than a quiz deck holds (quiz.deckfile's
MAX_CARDS, made small here: a real one would take 100,000 notes): one line naming the Anki deck,
and nothing changed or written."""

from __future__ import annotations

import pytest

from quiz import deckfile
from quiz.errors import QuizError
from tests import ankipackages
from tests.test_anki_import import run_import, snapshot


@pytest.fixture
def package(tmp_path):
    """Three notes of Basic (and reversed card) in one deck: six cards."""
    collection = ankipackages.new_collection(tmp_path / "anki" / "collection.anki2")
    with ankipackages.opened(collection) as col:
        for front in ("uno", "dos", "tres"):
            note = col.new_note(col.models.by_name("Basic (and reversed card)"))
            note.fields[0], note.fields[1] = front, f"the back of {front}"
            col.add_note(note, col.decks.id("Big Words", create=True))
    return ankipackages.export_apkg(collection, tmp_path / "big.apkg")


def test_a_deck_of_more_cards_than_a_deck_holds_is_one_line_naming_it(engine, package, tmp_path, monkeypatch):
    monkeypatch.setattr(deckfile, "MAX_CARDS", 5)
    before = snapshot(engine)
    with pytest.raises(QuizError) as raised:
        run_import(engine, package, tmp_path / "decks")
    assert str(raised.value) == (
        'Anki deck "Big Words" makes 6 cards, more than the 5 a quiz deck holds: '
        "split it into subdecks in Anki and export it again"
    )
    assert snapshot(engine) == before and not (tmp_path / "decks").exists()


@pytest.mark.parametrize("limit", [6, 7])
def test_a_deck_within_the_limit_imports(engine, package, tmp_path, monkeypatch, limit):
    monkeypatch.setattr(deckfile, "MAX_CARDS", limit)
    assert run_import(engine, package, tmp_path / "decks").new_cards == 6
