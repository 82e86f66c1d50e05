"""A deck file is read first as plain data, each card made by quiz.deckentry.known_cards
(quiz.deckfile.Reader.known_deck), and only where those rules do not vouch for every card
read again node by node, each problem worded at its line and column. Whatever the file
holds, both ways must give the same deck, or the same problems."""

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
ID = st.sampled_from(["a", "b", "c", "ps-l", "A", "a b", "x" * 201, "'1'", "1", "~", "[a]"])
ENTRY = st.tuples(
    ID,
    st.one_of(st.none(), st.sampled_from(TYPES)),
    st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)), max_size=5),
    st.booleans(),  # written as a flow mapping {id: ..., ...} when it has no block texts
)


def entry_text(key: str, kind: str | None, fields: list[tuple[str, str]], flow: bool) -> str:
    pairs = [("id", key), *([("type", kind)] if kind else []), *fields]
    if flow and not any("\n" in value for _name, value in pairs):
        return "  - {" + ", ".join(f"{name}: {value}" for name, value in pairs) + "}\n"
    lines = [f"{name}: {value}" for name, value in pairs]
    return "  - " + "\n    ".join(lines) + "\n"


def both_ways(raw: bytes):
    """The deck and problems of the reading as it is, and of the node by node one alone."""
    path = Path("odd.yaml")
    first = Reader(str(path))
    deck = first.read(path, raw)
    with mock.patch.object(Reader, "known_deck", lambda self, text: None):
        checked = Reader(str(path))
        checked_deck = checked.read(path, raw)
    return (deck, first.problems), (checked_deck, checked.problems)


@example(entries=[("a", None, [("front", "x"), ("back", "[[nested]]")], False)])
@example(entries=[("a", None, [("front", "x"), ("back", "y"), ("tags", "[[nested]]")], False)])
@example(entries=[("a", "command", [("front", "{en: x, zh: 中文}"), ("back", "[ls, 'ls -l']")], True)])
@example(entries=[("a", None, [("front", "x"), ("back", "y")], False), ("a", None, [("front", "x")], False)])
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
