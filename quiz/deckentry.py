"""What one entry of a deck's `cards:` is: its keys, the kinds of card it may be and what
each needs, the cards it makes; and those cards made at once from an entry quiz wrote
(known_cards, for quiz.anki.decktext.known_deck and quiz.deckfile.Reader.known_card).
quiz.deckfile.Reader checks an entry value by value and words each problem; known_cards
makes the same cards where there is none to word."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quiz.deckvalues import MAX_NAME, MAX_TEXT
from quiz.model import CLOZE, LANG_CODE, CardKind, CardSpec, Text

if TYPE_CHECKING:
    from quiz.deckfile import Reader

CARD_ID = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*\Z")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
CARD_KEYS = ("id", "type", "front", "back", "text", "note", "tags", "source", "guid")
GUID = re.compile(r"[!-~]{1,64}\Z")  # an Anki note's GUID: printable ASCII, no spaces
TEXT_FIELDS = ("front", "back", "text", "note")
KINDS = {kind.value: kind for kind in CardKind}  # a dict: CardKind(name) raises for a wrong one
TYPED = (CardKind.COMMAND, CardKind.KEYS)  # answered by typing; the back may list accepted answers
REQUIRED = {
    CardKind.BASIC: ("front", "back"),
    CardKind.REVERSED: ("front", "back"),
    CardKind.COMMAND: ("front", "back"),
    CardKind.KEYS: ("front", "back"),
    CardKind.CLOZE: ("text",),
}
_CONTENT_KEYS = frozenset(CARD_KEYS) - {"id"}


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(m[1]) for m in CLOZE.finditer(text)})


def card_ords(kind: CardKind, text: Text | None = None) -> list[int]:
    """The cards an entry makes, by ord: a cloze's deletion numbers (its text checked apart,
    Reader.cloze_ords), a reversed card's two sides, else one."""
    if kind is CardKind.CLOZE:
        return cloze_numbers(text if isinstance(text, str) else next(iter((text or {}).values()), ""))
    return [0, 1] if kind is CardKind.REVERSED else [0]


def held_by(spec: CardSpec) -> int:
    """The characters one card holds in the collection: every text of its entry, and its tags."""
    size = len(" ".join(spec.tags))
    for value in spec.content.values():
        values = value.values() if isinstance(value, dict) else [value] if isinstance(value, str) else value
        size += sum(map(len, values))
    return size


def known_cards(key: str, content: dict, position: int, line: int, checks: Reader) -> list[CardSpec] | None:
    """The cards that quiz.deckfile.Reader.card_specs makes of the entry `key` with `content`
    (its other keys: strings and lists of strings, as quiz.anki.cards makes them), where its checks
    would find no problem in it; else None, and the entry is left to them. `checks`: a
    Reader of its own, whose problems are thrown away (a cloze's deletions are checked by
    Reader.cloze_ords): which problem, and where, is for the deck's Reader to say."""
    name = content.get("type", "basic")
    kind = KINDS.get(name) if type(name) is str else None
    if kind is None or not content.keys() <= _CONTENT_KEYS or not CARD_ID.match(key) or len(key) > MAX_NAME["id"]:
        return None
    texts = {name: content[name] for name in TEXT_FIELDS if name in content}
    for name, value in texts.items():  # a text, or the accepted answers a typed card's back lists
        answers = name == "back" and kind in TYPED and type(value) is list and value
        if not (_text(value) or (answers and all(map(_string, value)))):
            return None
    cloze = kind is CardKind.CLOZE
    if any(name not in texts for name in REQUIRED[kind]) or ("text" in texts) != cloze or (cloze and "front" in texts):
        return None
    tags = content.get("tags", [])  # a list, each one word (no space, not empty), none twice
    if type(tags) is not list or (
        tags
        and (
            not all(type(tag) is str for tag in tags)
            or " ".join(tags).split() != tags
            or len(set(tags)) != len(tags)
            or max(map(len, tags)) > MAX_TEXT
        )
    ):
        return None
    for name, pattern in (("source", URL), ("guid", GUID)):
        if name in content:
            value = content[name]
            if not (type(value) is str and len(value) <= MAX_TEXT and pattern.match(value)):
                return None
            texts[name] = value
    ords = checks.cloze_ords(None, texts["text"], "") if cloze else card_ords(kind)
    if checks.problems:  # the cloze's deletions have one: the entry is left to the checks
        checks.problems.clear()
        return None
    return [CardSpec(key, number, kind, texts, tuple(tags), position, line) for number in ords]


def _text(value: object) -> bool:
    """A text as ValueChecks.text takes it: a string, or a mapping of language codes to strings,
    each not empty, not blank, within MAX_TEXT."""
    if type(value) is dict:
        return bool(value) and all(
            type(lang) is str and len(lang) <= MAX_NAME["lang"] and LANG_CODE.match(lang) and _string(text)
            for lang, text in value.items()
        )
    return _string(value)


def _string(value: object) -> bool:
    return type(value) is str and 0 < len(value) <= MAX_TEXT and not value.isspace()
