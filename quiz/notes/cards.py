"""What a note generates: its cards (as the deck file will hold them), what was left out,
and the cards' readable, stable ids."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class Card:
    kind: str  # command, keys, concept, warning, term, snippet
    line: int
    front: str
    back: str | list[str]
    source: str | None = None
    slug_from: str = ""  # text the id is derived from
    id: str = ""
    note: str = ""  # shown with the answer: a remark of the note's on it

    @property
    def type(self) -> str:
        return {"command": "command", "keys": "keys", "term": "reversed"}.get(self.kind, "basic")

    def content(self) -> dict:
        """The card as deck YAML data, without its id."""
        data: dict = {}
        if self.type != "basic":
            data["type"] = self.type
        data["front"] = self.front
        data["back"] = self.back
        if self.note:
            data["note"] = self.note
        data["tags"] = [self.kind]
        if self.source:
            data["source"] = self.source
        return data


@dataclass
class Skipped:
    """A part of the note left out, or a remark on one kept: why in English (`reason`, for
    `quiz generate --json`: scripts read it) and in the learner's language (`shown`)."""

    line: int
    reason: str
    lines: int = 1  # how many lines of the note it covers
    shown: str = ""  # the report's words; the reason when empty

    def __post_init__(self) -> None:
        self.shown = self.shown or self.reason

    @classmethod
    def saying(cls, line: int, message: str, lines: int = 1, **values: object) -> Skipped:
        """`message` is marked N_() where it is written; its {names} are filled with `values`
        (the note's own text, never translated)."""
        from quiz.i18n import _

        return cls(line, message.format(**values), lines, _(message).format(**values))

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Note:
    """What a note generates: the deck's title and language, its cards, and what was left out."""

    title: str
    lang: str
    cards: list[Card] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    remarks: list[Skipped] = field(default_factory=list)  # kept, but worth a look
    tools: dict = field(default_factory=dict)  # command tables for the deck's `tools:` (from tldr pages)


def first_answer(back: str | list[str]) -> str:
    return back[0] if isinstance(back, list) else back


# ---- ids ----------------------------------------------------------------------


# A value, not a word: a path or URL, an option's value, a hash. Compiled once, not looked up in re's
# cache at each call: 80k slugs of 11-word lines (a 100k-card Anki import's ids) 0.47 -> 0.22 s
_VALUE_SIGN, _HASH, _WORD = re.compile(r"[/:~.<>=]"), re.compile(r"(?=.*\d)[0-9a-f]{6,}"), re.compile(r"[a-z0-9]+")


def slug(text: str, limit: int = 5, fold: bool = True) -> str:
    """A readable id part: the first few ASCII words, without values such as hashes and paths.
    With `fold`, letters with accents count as theirs without (español: espanol, not espa-ol)."""
    words: list[str] = []
    if fold and not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    for token in text.lower().split():
        token = token.lstrip("-")
        if words and (_VALUE_SIGN.search(token) or _HASH.fullmatch(token)):
            continue
        part = "-".join(_WORD.findall(token))
        if part:
            words.append(part)
        if len(words) == limit:
            break
    return "-".join(words)[:48].strip("-")


def assign_ids(cards: list[Card], taken: set[str]) -> None:
    """Give each card without an id a readable slug, unique among `taken` and each other."""
    next_number: dict[str, int] = {}  # per slug, the number its next copy may take
    for card in cards:
        if card.id:
            continue
        base = slug(card.slug_from)
        if card.kind in ("concept", "warning", "snippet") and len(re.sub(r"[^a-z]", "", base)) < 3:
            base = f"{card.kind}-{base}" if base else f"{card.kind}-{_digest(card.front)[:6]}"
        base = base or f"{card.kind}-{_digest(card.front)[:6]}"
        candidate, number = base, next_number.get(base, 2)
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        next_number[base] = number  # 50,000 cards of one slug: linear, not quadratic
        card.id = candidate
        taken.add(candidate)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fingerprint(content: dict) -> str:
    """Marks a card as the generator wrote it; a hand edit changes it."""
    return _digest(content)[:8]
