"""quiz import anki knows the deck of each new deck file it writes without reading the file
back (quiz.anki.decktext.known_deck): that deck must be the very one the deck checks read
from the file, and where they would find a problem, it must not be known, so that the file
is read and the problem told as for any deck file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quiz.anki.cards import Entry, convert
from quiz.anki.decktext import deck_files, deck_names, known_deck
from quiz.anki.package import read_package
from quiz.decks import load_deck
from quiz.errors import DeckError
from quiz.model import CardKind
from quiz.notes.write import card_yaml
from tests.test_anki_import import reviewed  # noqa: F401  (the fixture: real packages made by Anki)

HEAD = "deck: odd\ntitle: Odd notes\nlang: en\nsettings:\n  new_per_day: 20\ncards:\n"
FIRST = Entry("first-guid", CardKind.BASIC, {"front": "a front", "back": "a back"}, {0: 1}, 1, "first")


@pytest.mark.parametrize("kind", ["apkg", "legacy", "colpkg"])
def test_the_decks_of_a_real_packages_files_are_the_ones_read_back(reviewed, tmp_path, kind):  # noqa: F811
    collection = read_package(reviewed[kind])
    entries = convert(collection).entries
    names = deck_names(collection, entries, None)
    texts, _placed, _copies, decks = deck_files(collection, entries, names, tmp_path, {}, "x.apkg")
    assert set(decks) == set(texts) and len(texts) > 1  # each note type's deck, every card known
    for path, raw in texts.items():
        assert decks[path] == load_deck(path, raw)


def _deck(tmp_path: Path, entries: list[Entry]):
    items = [card_yaml(entry.key, entry.content, "") for entry in entries]
    raw = (HEAD + "\n\n".join(items) + "\n").encode()
    target = tmp_path / "odd.yaml"
    return known_deck(target, HEAD, items, entries, raw), target, raw


def test_cards_after_the_first_are_known_with_their_lines_and_places(tmp_path):
    second = Entry("g2", CardKind.CLOZE, {"type": "cloze", "text": "a {{c1::b}} {{c2::c}}", "tags": ["x"]}, {}, 1, "b")
    third = Entry("g3", CardKind.COMMAND, {"type": "command", "front": "f", "back": ["ls -l", "ls -la"]}, {}, 1, "c")
    known, target, raw = _deck(tmp_path, [FIRST, second, third])
    read = load_deck(target, raw)
    assert known == read
    assert [(card.key, card.ord, card.position, card.line) for card in read.cards] == [
        ("first", 0, 0, 7),
        ("b", 1, 1, 11),
        ("b", 2, 1, 11),
        ("c", 0, 2, 16),
    ]


TEXT = st.one_of(
    st.sampled_from(["x", "", " ", "\t", "x\n", "x\n\n", " x", "- x", "#", "a: b", "yes", "1", "~", "\x85", "\u2028"]),
    st.text(max_size=30),
    st.builds(lambda a, b, n: f"{a}{{{{c{n}::{b}}}}}", st.text(max_size=8), st.text(max_size=8), st.integers(0, 600)),
    st.sampled_from(["{{c1::never closed", "x" * 10_001]),
)
# An entry as quiz.anki.cards makes one, of each kind, then changed a little: a value of any
# key made odd, or a key added (to a cloze, a front; to a basic card, a text...).
ENTRIES = {
    "basic": {"front": "a front", "back": "a back", "tags": ["a", "b"], "guid": "Xy1!~"},
    "reversed": {"type": "reversed", "front": "a front", "back": "a back"},
    "command": {"type": "command", "front": "list files", "back": ["ls", "ls -1"]},
    "keys": {"type": "keys", "front": "undo", "back": "C-_"},
    "cloze": {"type": "cloze", "text": "a {{c1::b}} {{c2::c}}", "note": "a note"},
}
VALUES = {
    "type": st.sampled_from([kind.value for kind in CardKind] + ["odd"]),
    "back": st.one_of(TEXT, st.lists(TEXT, max_size=3)),
    "tags": st.lists(st.sampled_from(["a", "b", "lang::es", "", " ", "a b", "x" * 10_001]), max_size=3),
    "guid": st.one_of(st.just("Xy1!~"), st.text(max_size=70)),
    "source": st.sampled_from(["https://example.org/page", "no url"]),
}
CHANGE = st.sampled_from(["type", "front", "back", "text", "note", "tags", "guid", "source"]).flatmap(
    lambda name: st.tuples(st.just(name), VALUES.get(name, TEXT))
)
ENTRY = st.builds(
    lambda kind, changes: dict(ENTRIES[kind], **dict(changes)),
    st.sampled_from(sorted(ENTRIES)),
    st.lists(CHANGE, max_size=2),
)
# an id as new_key makes one (None: k1, k2...), now and then an odd one
KEY = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(["first", "K", "a b", "x" * 201]), st.text(max_size=9))


# each a problem the deck checks tell, which known_deck must leave to them
@example(entries=[(None, {"front": "f", "back": "b", "tags": ["a", "a"]})])
@example(entries=[(None, {"front": "f", "back": "b", "tags": ["x" * 10_001]})])
@example(entries=[(None, {"front": "f", "back": "b", "tags": ["a b"]})])
@example(entries=[(None, {"type": "cloze", "text": "a {{c1::b}}", "front": "f"})])
@example(entries=[(None, {"front": "f", "back": "b", "text": "a {{c1::b}}"})])
@example(entries=[(None, {"front": "f", "back": "b", "source": "no url"})])
@example(entries=[(None, {"front": "f", "back": "b", "guid": "has space"})])
@example(entries=[(None, {"front": " ", "back": "b"})])
@example(entries=[(None, {"front": "f", "back": "x" * 10_001})])
@example(entries=[(None, {"front": "f", "back": ["ls", "ls -l"]})])
@example(entries=[(None, {"type": "command", "front": "f", "back": []})])
@example(entries=[(None, {"type": "command", "front": "f", "back": ["ls", " "]})])
@example(entries=[(None, {"type": "cloze", "text": "a {{c1::never closed"})])
@example(entries=[(None, {"type": "cloze", "text": "a {{c0::b}}"})])
@example(entries=[(None, {"type": "cloze", "text": "a {{c501::b}}"})])
@example(entries=[(None, {"type": "cloze", "text": "no deletion"})])
@example(entries=[(None, {"type": "odd", "front": "f", "back": "b"})])
@settings(max_examples=1000, deadline=None)
@given(entries=st.lists(st.tuples(KEY, ENTRY), min_size=1, max_size=2))
def test_a_known_deck_is_the_one_read_back_and_a_deck_with_a_problem_is_not_known(tmp_path_factory, entries):
    made = [FIRST] + [
        Entry("g", CardKind.BASIC, content, {}, 1, f"k{number}" if key is None else key)
        for number, (key, content) in enumerate(entries, 1)
    ]
    known, target, raw = _deck(tmp_path_factory.mktemp("odd"), made)
    try:
        read = load_deck(target, raw)
    except DeckError:
        assert known is None
    else:
        assert known is None or known == read
