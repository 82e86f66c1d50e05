"""A large deck file is read in two halves at once, the second by a forked child
(quiz.deckhalves). Wherever the file is cut, whatever it holds, that reading gives the deck,
or the problems, of the file read whole."""

from __future__ import annotations

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz import deckhalves
from quiz.deckfile import Reader
from tests.test_deck_known_cards import ENTRY, HEAD, entry_text

# What a learner's deck may hold where the file is cut: a line at the items' indentation
# that starts with "- " inside quoted text, a flow list or a block text; comments; keys
# after the cards; an id given again in the other half
TRICKY = [
    '  - id: q\n    front: "two lines\n  - id: fake, the second"\n    back: b\n',
    "  - id: s\n    front: 'two lines\n  - id: fake'\n    back: b\n",
    "  - id: f\n    front: x\n    back: [ls,\n  - ps]\n",
    "  - id: m\n    front: {en: x,\n  - zh: y}\n    back: b\n",
    "  - id: t\n    front: x\n    back: |\n      a block\n      - with a dash\n",
    "  - id: p\n    front: a plain\n     text on two lines\n    back: b\n",
    "# a comment between cards\n  - id: c\n    front: x\n    back: y\n",
    "  - id: a\n    front: again\n    back: the id of another card\n",
    "  -\n    id: e\n    front: x\n    back: y\n",
    "  - id: k\n    front: x\n    back: y\nsettings: {new_per_day: 5}\n",
    "  - id: d\n    front: x\n    back: y\n---\ndeck: second\n",
    "  - id: v\n    front: x\n    back: y\n---\n",
    "  - id: w\n    front: x\n    back: y\n...\n",
]


def both_ways(text: str, share: float):
    """The deck and the problems of the file read with every cut allowed at `share`, and read whole."""
    path, raw = Path("big.yaml"), text.encode()
    halved = Reader(str(path))
    with mock.patch.object(deckhalves, "SPLIT_AT", 0), mock.patch.object(deckhalves, "HEAD_SHARE", share):
        deck = halved.read(path, raw)
    whole = Reader(str(path))
    with mock.patch.object(deckhalves, "SPLIT_AT", 10**12):
        whole_deck = whole.read(path, raw)
    return (deck, halved.problems), (whole_deck, whole.problems)


@example(entries=[("a", None, [("front", "x"), ("back", "y")], False, 0)] * 3, tricky=[7], share=0.5)
@example(entries=[("a", None, [("front", "x"), ("back", "y")], False, 0)], tricky=[0, 1, 2, 3, 4], share=0.3)
@given(
    entries=st.lists(ENTRY, min_size=1, max_size=6),
    tricky=st.lists(st.integers(0, len(TRICKY) - 1), max_size=3),
    share=st.floats(0, 1),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_deck_read_in_halves_is_the_deck_read_whole(entries, tricky, share):
    items = [entry_text(*entry) for entry in entries]
    for number, index in enumerate(tricky):
        items.insert(number * 2 % (len(items) + 1), TRICKY[index])
    text = HEAD + "".join(items)
    halved, whole = both_ways(text, share)
    assert halved == whole, text


@pytest.mark.parametrize("left", [False, True])  # the items indented, or at the left edge
@pytest.mark.parametrize("tricky", TRICKY)
def test_wherever_a_tricky_entry_falls_the_halves_read_what_the_whole_file_says(tricky, left):
    plain = [f"  - id: n{number}\n    front: front {number}\n    back: back {number}\n" for number in range(12)]
    for at in range(len(plain) + 1):
        items = "".join(plain[:at]) + tricky + "".join(plain[at:])
        text = HEAD + (re.sub("(?m)^  ", "", items) if left else items)
        for share in (0.2, 0.5, 0.8):
            halved, whole = both_ways(text, share)
            assert halved == whole, text


def test_a_large_valid_deck_is_read_in_halves_by_a_child(monkeypatch):
    entries = [
        f"  - id: n{number}\n    type: command\n    front: front {number}\n    back: [ls, 'ls -{number}']\n"
        for number in range(300)
    ]
    text = HEAD + "".join(entries)
    forks = []
    real_fork = os.fork

    def fork():
        forks.append(True)
        return real_fork()

    monkeypatch.setattr(deckhalves.os, "fork", fork)
    halved, whole = both_ways(text, 0.53)
    assert len(forks) == 1  # both_ways's whole reading forks none
    assert halved == whole and halved[1] == []
    deck = halved[0]
    assert [card.position for card in deck.cards] == list(range(300))
    assert [card.line for card in deck.cards] == [5 + 4 * number for number in range(300)]


def test_an_id_in_both_halves_is_named_as_the_whole_file_names_it():
    entries = [f"  - id: n{number}\n    front: front {number}\n    back: back {number}\n" for number in range(20)]
    text = HEAD + "".join(entries) + "  - id: n0\n    front: again\n    back: again\n"
    halved, whole = both_ways(text, 0.5)
    assert halved == whole
    assert [problem.line for problem in halved[1]] == [65]  # the second n0, whose message names the first's line


def test_a_cut_is_made_only_before_an_item_of_the_cards_and_with_nothing_after_them(monkeypatch):
    monkeypatch.setattr(deckhalves, "SPLIT_AT", 0)
    items = "".join(f"  - {{id: n{number}, front: x, back: y}}\n" for number in range(10))
    text = HEAD + items
    cut = deckhalves._cut(text)
    assert cut is not None and text[cut:].startswith("  - {id: n5,")
    assert deckhalves._cut(text + "settings: {new_per_day: 5}\n") is None  # a key after the cards
    assert deckhalves._cut(text.replace("\n", "\r\n")) is None  # line ends the child would count otherwise
    assert deckhalves._cut(text + "  - {id: z, front: \u2028, back: y}\n") is None
    assert deckhalves._cut("deck: x\ncards: [a,\n  b]\n" + items) is None  # no block list of cards
    monkeypatch.setattr(deckhalves, "SPLIT_AT", len(text) + 1)
    assert deckhalves._cut(text) is None  # a small file is read whole


BUNDLED = (Path(__file__).resolve().parent.parent / "decks" / "docker.yaml").read_text(encoding="utf-8")
# An edit: a piece put in, or so many characters taken out, at a share of the text
PIECES = ['"', "'", "[", "]", "{", "}", "\n  - ", "\n- ", "\n", "  ", ":", " #", "|\n", ">\n", "\t", "&a ", "*a"]
EDIT = st.tuples(st.floats(0, 1), st.one_of(st.sampled_from([*PIECES, "---\n"]), st.integers(1, 5)))


@given(edits=st.lists(EDIT, max_size=4), share=st.floats(0, 1))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_bundled_deck_edited_anyhow_reads_in_halves_as_whole(edits, share):
    text = BUNDLED
    for where, edit in edits:
        at = int(where * len(text))
        text = text[:at] + edit + text[at:] if isinstance(edit, str) else text[:at] + text[at + edit :]
    halved, whole = both_ways(text, share)
    assert halved == whole, text
