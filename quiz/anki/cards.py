"""Anki notes as the cards of quiz deck files.

Basic, Basic (and reversed card), Cloze and type-in-answer notes become basic, reversed,
cloze and command cards; "Basic (optional reversed card)" is reversed where the note has
its reverse card. Any other note type becomes basic cards from the fields its first
template shows (front) and answers with (back), its other fields kept as the card's
note, and the report says so. quiz's own note types (its exports) come back as they were.
Image occlusion needs a picture: those notes are left out, and said to be.

Each card keeps its note's GUID (`guid:` in the deck file), so that a later export
updates the same Anki note.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from quiz.anki.fields import MODEL_IDS
from quiz.anki.package import Card, Collection, NoteType
from quiz.anki.plaintext import plain
from quiz.deckvalues import MAX_TEXT
from quiz.model import CLOZE, CardKind

FIELD_REF = re.compile(r"\{\{([^{}#/^!]+?)\}\}")  # {{Front}}, {{text:Front}}, {{type:Back}}
SPECIAL = frozenset({"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"})
QUIZ_TYPES = {model_id: kind for kind, model_id in MODEL_IDS.items()}
STOCK = ("Basic", "Basic (and reversed card)", "Basic (optional reversed card)", "Basic (type in the answer)", "Cloze")


@dataclass
class Entry:
    """One deck file entry: its content as deck YAML data (without the id), and its note's
    Anki cards by their ord (a cloze's from 0, where quiz counts its deletions from 1)."""

    guid: str
    kind: CardKind
    content: dict
    anki_cards: dict[int, int]
    deck_id: int  # the Anki deck of the note's first card
    key: str = ""


@dataclass
class Conversion:
    entries: list[Entry] = field(default_factory=list)
    simplified: Counter = field(default_factory=Counter)  # note type name -> notes made basic
    left_out: Counter = field(default_factory=Counter)  # reason -> notes
    media: int = 0  # pictures and sounds the fields showed, left out
    cut: int = 0  # notes with a field longer than a deck file holds (MAX_TEXT): cut there


def convert(collection: Collection) -> Conversion:
    """Every note with at least one card, as an entry; what could not be kept, counted."""
    cards_of: dict[int, list[Card]] = {}
    for card in collection.cards:
        cards_of.setdefault(card.nid, []).append(card)
    out = Conversion()
    for note_id, guid, type_id, tags, joined in collection.notes:
        cards = cards_of.get(note_id)
        note_type = collection.note_types.get(type_id)
        if not cards or note_type is None:
            continue
        values = []
        for text in joined.split("\x1f"):
            value, media = plain(text)
            values.append(value)
            out.media += media
        entry = _entry(note_type, values, {card.ord for card in cards}, out)
        if entry is None:
            continue
        kind, content = entry
        kept_tags = [tag for tag in tags.split() if tag.lower() != "leech"]
        if kept_tags:
            content["tags"] = kept_tags
        content["guid"] = guid
        out.cut += _cut(content)
        anki_cards = {card.ord: card.id for card in cards}
        home = min(cards, key=lambda card: card.ord)
        out.entries.append(Entry(guid, kind, content, anki_cards, home.odid or home.did))  # a filtered deck's: home
    return out


def _cut(content: dict) -> bool:
    """Cut each text longer than a deck file holds (MAX_TEXT characters) there; whether one was."""
    cut = False
    for name in ("front", "back", "text", "note"):
        value = content.get(name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            content[name], cut = value[:MAX_TEXT], True
        elif isinstance(value, list) and any(len(item) > MAX_TEXT for item in value):
            content[name], cut = [item[:MAX_TEXT] for item in value], True
    return cut


def _entry(note_type: NoteType, values: list[str], ords: set[int], out: Conversion) -> tuple[CardKind, dict] | None:
    named = dict(zip(note_type.fields, values))
    if note_type.id in QUIZ_TYPES and note_type.name.startswith("quiz: "):
        return _quiz_entry(QUIZ_TYPES[note_type.id], values)
    if note_type.cloze:
        text = values[0] if values else ""
        if "image-occlusion:" in text or "Occlusion" in note_type.fields[:1]:
            out.left_out["image occlusion"] += 1
            return None
        if not CLOZE.search(text):
            out.left_out["cloze without deletion"] += 1
            return None
        return CardKind.CLOZE, _with_note({"type": "cloze", "text": text}, [v for v in values[1:] if v])
    front_name, back_name, typed = _sides(note_type)
    front, back = named.get(front_name, ""), named.get(back_name, "")
    if not front.strip() or not back.strip():
        out.left_out["empty front or back"] += 1
        return None
    rest = [value for name, value in named.items() if name not in (front_name, back_name) and value]
    if typed and "\n" not in back:
        kind = CardKind.COMMAND
    elif len(note_type.templates) == 2 and 1 in ords:
        kind = CardKind.REVERSED
    else:
        kind = CardKind.BASIC
    if note_type.name not in STOCK and (len(note_type.templates) > 2 or rest or (not typed and kind is CardKind.BASIC)):
        out.simplified[note_type.name] += 1
    return kind, _with_note(_sided(kind, front, back), rest)


def _sides(note_type: NoteType) -> tuple[str, str, bool]:
    """(the front's field, the back's field, whether the answer is typed), as the first
    template shows them; the first two fields when it names none."""
    fields = note_type.fields + ["", ""]
    question, answer = note_type.templates[0][1:] if note_type.templates else ("", "")
    typed = [name.split(":", 1)[1] for name in FIELD_REF.findall(question) if name.startswith("type:")]
    shown = [_field_name(name) for name in FIELD_REF.findall(question) if not name.startswith("type:")]
    front = next((name for name in shown if name in note_type.fields), fields[0])
    answered = [_field_name(name) for name in FIELD_REF.findall(answer) if not name.startswith("type:")]
    back = typed[0] if typed and typed[0] in note_type.fields else None
    back = back or next((name for name in answered if name in note_type.fields and name != front), None)
    return front, back or next((name for name in fields if name != front), ""), bool(typed)


def _field_name(reference: str) -> str:
    name = reference.rsplit(":", 1)[-1].strip()
    return "" if name in SPECIAL else name


def _with_note(content: dict, rest: list[str]) -> dict:
    if rest:
        content["note"] = "\n".join(rest)
    return content


def _quiz_entry(kind: CardKind, values: list[str]) -> tuple[CardKind, dict]:
    """A note quiz exported: its fields as quiz.anki.fields wrote them."""
    values = values + [""] * 4
    if kind is CardKind.CLOZE:
        return kind, _with_note({"type": "cloze", "text": values[0]}, [values[1]] if values[1] else [])
    if kind in (CardKind.COMMAND, CardKind.KEYS):
        answers = [values[1]] + [line for line in values[2].split("\n") if line.strip()]
        back: str | list[str] = answers if len(answers) > 1 else answers[0]
        return kind, _with_note(_sided(kind, values[0], back), [values[3]] if values[3] else [])
    return kind, _with_note(_sided(kind, values[0], values[1]), [values[2]] if values[2] else [])


def _sided(kind: CardKind, front: str, back: str | list[str]) -> dict:
    """A card with a front and a back as deck YAML data: its type unless basic (the default)."""
    typed = {} if kind is CardKind.BASIC else {"type": kind.value}
    return typed | {"front": front, "back": back}
