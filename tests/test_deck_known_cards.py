"""Each card of a deck file is read first as plain data, its cards made by
quiz.deckentry.known_cards (quiz.deckfile.Reader.known_card), and only where those rules do
not vouch for it checked node by node, each problem worded at its line and column. Whatever
the file holds, that reading and the one node by node alone give the same deck, or the same
problems."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.deckfile import Reader

HEAD = "deck: odd\ntitle: {en: Odd, zh: 奇怪}\nlang: en\ncards:\n"
# What may follow `key: ` in a deck, as a learner may write it: texts plain and quoted, a
# language's texts, lists, what YAML reads as no text (a number, a bool, null), tags, aliases
VALUES = [
    "a front",
    "tar -xf a.tar",
    "docker ps -l",
    "yes",
    "1",
    "0x1F",
    "1.5",
    "~",
    "null",
    "''",
    '" "',
    "'  '",
    "'it''s'",
    '"tab\\there"',
    '"bell \\x07"',
    "x\u2028y",
    "!!str 1",
    "!!int 1",
    "! plain",
    "!odd x",
    "&a anchored",
    "*a",
    "[a, b]",
    "[]",
    "[a, a]",
    "['a b']",
    "[ls, 'ls -l']",
    "[ls, '']",
    "[[nested]]",
    "{en: x, zh: 中文}",
    "{en: x, en: y}",
    "{e1: x}",
    "{en: ''}",
    "{}",
    "{en: [x]}",
    "{pt-BR: x}",
    "a {{c1::b}} {{c2::c}}",
    "'{{c1::never closed'",
    "'{{c0::zero}}'",
    "'{{c501::big}}'",
    "{en: 'a {{c1::b}}', zh: 'b {{c1::c}}'}",
    "{en: 'a {{c1::b}}', zh: 'b {{c2::c}}'}",
    "https://example.org/page",
    "no url",
    "Xy1!~",
    "has space",
    "|-\n      a block\n      of text",
    ">\n      folded\n      text",
]
KEYS = ["type", "front", "back", "text", "note", "tags", "source", "guid", "extra"]
TYPES = ["basic", "reversed", "command", "keys", "cloze", "odd", "1"]
# an id, now and then on the line under its key (a duplicate's message names the id's line)
ID = st.sampled_from(["a", "b", "c", "ps-l", "A", "a b", "x" * 201, "'1'", "1", "~", "[a]", "\n      a"])
ENTRY = st.tuples(
    ID,
    st.one_of(st.none(), st.sampled_from(TYPES)),
    st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)), max_size=5),
    st.booleans(),  # written as a flow mapping {id: ..., ...} when it has no block texts
    st.integers(0, 3),  # where the id is among the keys
)


def entry_text(key: str, kind: str | None, fields: list[tuple[str, str]], flow: bool, at: int = 0) -> str:
    pairs = [*([("type", kind)] if kind else []), *fields]
    pairs.insert(min(at, len(pairs)), ("id", key))
    if flow and not any("\n" in value for _name, value in pairs):
        return "  - {" + ", ".join(f"{name}: {value}" for name, value in pairs) + "}\n"
    lines = [f"{name}: {value}" for name, value in pairs]
    return "  - " + "\n    ".join(lines) + "\n"


def both_ways(raw: bytes):
    """The deck and problems of the reading as it is, and of the node by node one alone."""
    path = Path("odd.yaml")
    first = Reader(str(path))
    deck = first.read(path, raw)
    with mock.patch.object(Reader, "known_card", lambda self, *entry: False):
        checked = Reader(str(path))
        checked_deck = checked.read(path, raw)
    return (deck, first.problems), (checked_deck, checked.problems)


@example(entries=[("a", None, [("front", "x"), ("back", "[[nested]]")], False, 0)])
@example(
    entries=[("a", None, [("front", "x"), ("back", "y")], False, 2), ("\n      a", None, [("front", "x")], False, 1)]
)
@example(entries=[("a", None, [("front", "x"), ("back", "y"), ("tags", "[[nested]]")], False, 0)])
@example(entries=[("a", "command", [("front", "{en: x, zh: 中文}"), ("back", "[ls, 'ls -l']")], True, 0)])
@example(entries=[("a", None, [("front", "x"), ("back", "y")], False, 0), ("a", None, [("front", "x")], False, 0)])
@given(entries=st.lists(ENTRY, min_size=1, max_size=4))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_deck_read_from_plain_data_is_the_one_the_checks_read(entries):
    raw = (HEAD + "".join(entry_text(*entry) for entry in entries)).encode()
    known, checked = both_ways(raw)
    assert known == checked, raw.decode()


def test_a_valid_deck_of_every_kind_is_read_from_plain_data():
    text = HEAD + (
        "  - id: a\n    front: {en: What is a?, zh: 什么是 a？}\n    back: 'It is a.'\n    tags: [x, y]\n"
        "  - {id: b, type: command, front: list files, back: [ls, 'ls -1'], source: 'https://example.org/ls'}\n"
        "  - id: c\n    type: cloze\n    text: a {{c1::b}} {{c2::c}}\n    note: |-\n      two lines\n      of note\n"
        "  - id: d\n    type: reversed\n    front: image\n    back: 镜像\n    guid: Xy1!~\n"
    )
    # read from plain data: no card is checked node by node
    reader = Reader("odd.yaml")
    with mock.patch.object(Reader, "card", side_effect=AssertionError("a card was checked node by node")):
        deck = reader.read(Path("odd.yaml"), text.encode())
    problems, checked = reader.problems, both_ways(text.encode())[1]
    assert deck is not None and problems == []
    assert [(card.key, card.ord, card.line) for card in deck.cards] == [
        ("a", 0, 5),
        ("b", 0, 9),
        ("c", 1, 10),
        ("c", 2, 10),
        ("d", 0, 16),
        ("d", 1, 16),
    ]
    assert (deck, problems) == checked


def test_a_card_with_a_problem_is_the_only_one_checked_node_by_node():
    text = HEAD + "".join(f"  - {{id: c{n}, front: f, back: b}}\n" for n in range(3)) + "  - {id: bad, front: f}\n"
    with mock.patch.object(Reader, "card", autospec=True, side_effect=Reader.card) as card:
        reader = Reader("odd.yaml")
        reader.read(Path("odd.yaml"), text.encode())
    assert card.call_count == 1  # the cards before it were read once, as plain data
    assert [(p.line, p.message) for p in reader.problems] == [(8, 'card "bad": missing "back"')]
