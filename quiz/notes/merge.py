"""Cards merged into a deck file's text as the learner keeps it: `quiz generate --update`
(a note generated again: its cards matched to the deck's, new ones appended, edits kept)
and `quiz import anki` (the notes added in Anki to a deck, appended to its file). The
text around the cards stays as it is: comments, order, the other keys."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.i18n import _, ngettext
from quiz.notes.cards import Card, Note, assign_ids, fingerprint, first_answer
from quiz.notes.write import card_yaml, marker
from quiz.plumbing.yamlnodes import Map, Scalar, Seq
from quiz.plumbing.yamlread import compose, plain

MARK = re.compile(r"\[([0-9a-f]{8})\]")  # in the comment after `- id: ...`: the generated card(s) it stands for


@dataclass
class _Entry:
    """A card already in the deck file, with where its text is."""

    data: dict
    first: int  # 0-based first line of the item
    end: int  # 0-based line after it
    marks: list[str]  # fingerprints of the generated cards it stands for: one, or several merged
    claimed: bool = False

    @property
    def edited(self) -> bool:
        content = {k: v for k, v in self.data.items() if k != "id"}
        return self.marks != [fingerprint(content)]


def _texts(value) -> set[str]:
    values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return {" ".join(str(v).split()) for v in values if v is not None}


def _entries(deck_text: str) -> tuple[list[_Entry], int, list[str]]:
    """The deck's cards with their line spans, the indent of its `- ` items, and the text's
    lines (_LINES). YamlError if the deck does not read (an alias, a tag, a syntax error)."""
    items, lines = _cards(deck_text)
    entries, indent = [], 2
    for item in items:
        if not isinstance(item, Map) or item.flow:
            raise ValueError(_("line {line}: each card must be a block mapping").format(line=item.line))
        first, end, indent = _span(lines, item)
        comment = lines[first].partition("#")[2]
        entries.append(_Entry(plain(item), first, end, MARK.findall(comment)))
    return entries, indent, lines


def _cards(deck_text: str) -> tuple[list, list[str]]:
    """The items of the deck's `cards:` list, and the text's lines."""
    root = compose(deck_text)
    pairs = root.pairs if isinstance(root, Map) else []
    cards = next((value for key, value in pairs if isinstance(key, Scalar) and key.value == "cards"), None)
    if not isinstance(cards, Seq) or cards.flow or not cards.items:
        raise ValueError(_("its `cards:` must be a non-empty block list (one `- id: ...` per card)"))
    return cards.items, _LINES.findall(deck_text)


# A line with its end, as quiz.plumbing.yamlread counts lines (at \r\n, \n or \r): the marks'
# line numbers index these, and joined they are the text again, each line ending as it did
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")


def _block(yaml_text: str, lines: list[str]) -> str:
    """Lines of YAML that quiz wrote, ended as the text's lines end (its first line's way)."""
    first = lines[0] if lines else ""
    newline = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
    return yaml_text.replace("\n", newline) + newline


def _span(lines: list[str], item) -> tuple[int, int, int]:
    """A card item's first line, the line after it (0-based), and the indent of its `- `."""
    first = item.mark.line
    indent = lines[first].index("-") if "-" in lines[first][: item.mark.column] else item.mark.column
    end_mark = _last_end(item)
    return first, end_mark.line if end_mark.column == 0 else end_mark.line + 1, indent


def _last_end(node):
    """The mark after the node's last character (a block collection ends with its last item)."""
    if isinstance(node, Map) and node.pairs and not node.flow:
        return _last_end(node.pairs[-1][1])
    if isinstance(node, Seq) and node.items and not node.flow:
        return _last_end(node.items[-1])
    return node.end


def _matches(cards: list[Card], entries: list[_Entry]) -> list[_Entry | None]:
    """The deck card each generated card is (None: a new one), found in passes over all the
    cards, so that a closer match anywhere comes first: the one that carries the card's mark
    (a card rewritten, or several merged into one, by hand), then the same front and back,
    then the same answer for a command or keys card (one is its answer more than its
    question) and the same front for any other, then the other of the two, then a command
    answer that accepts the note's command, then the same id. So a note whose comments were
    once read against the wrong commands, read right now, keeps each command's card."""
    found = [next((e for e in entries if fingerprint(card.content()) in e.marks), None) for card in cards]
    marked = [entry for entry in found if entry is not None]  # free for the tests still: one may stand for several
    tests = [_tests(card) for card in cards]
    for step in range(len(tests[0]) if tests else 0):
        for at, card in enumerate(cards):
            if found[at] is None:
                test, kind = tests[at][step], card.type
                free = (e for e in entries if not e.claimed and e.data.get("type", "basic") == kind)
                entry = next((e for e in free if test(e)), None)
                if entry is not None:
                    entry.claimed, found[at] = True, entry
    for entry in marked:
        entry.claimed = True
    return found


def _tests(card: Card) -> list:
    """The ways a deck card may be this one, the closest first (_matches)."""
    front, back = _texts(card.front), _texts(card.back)

    def same_front(entry: _Entry) -> bool:
        return bool(front & _texts(entry.data.get("front")))

    def same_back(entry: _Entry) -> bool:
        return bool(back & _texts(entry.data.get("back")))

    typed = card.type in ("command", "keys")
    return [
        lambda e: same_front(e) and same_back(e),
        same_back if typed else same_front,
        same_front if typed else same_back,
        lambda e: card.type == "command" and _accepts(e.data.get("back"), back),
        lambda e: e.data.get("id") == card.id,
    ]


def _accepts(expected, commands: set[str]) -> bool:
    """Would the deck card's answer accept the note's command (placeholders, flag order...)?"""
    from quiz.checking.compare import compare

    if not expected or not isinstance(expected, (str, list)):
        return False
    try:
        return any(compare(expected, command, kind="command").correct for command in commands)
    except ValueError:
        return False


def update(deck_text: str, note: Note, note_name: str) -> tuple[str, list[str]]:
    """Merge a freshly generated note into an existing deck's text; returns (new text, report).

    Ids of matched cards are kept; cards still as generated are refreshed; edited
    ones are left as they are; new cards are appended; nothing is removed.
    """
    entries, indent, lines = _entries(deck_text)
    report: list[str] = []
    replace: dict[int, tuple[int, str]] = {}
    new: list[Card] = []
    for card, entry in zip(note.cards, _matches(note.cards, entries)):
        if entry is None:
            new.append(card)
            continue
        card.id = entry.data["id"]
        content = {k: v for k, v in entry.data.items() if k != "id"}
        if content == card.content():
            continue
        if entry.edited:
            version = " ".join(first_answer(card.back).split())[:60]  # on one line
            kept = _("kept your edits: {id} (the note's version, line {line}: {version})")
            report.append(kept.format(id=card.id, line=card.line, version=version))
        else:
            replace[entry.first] = (entry.end, card_yaml(card.id, card.content(), marker(note_name, card), indent))
            report.append(_("updated from the note: {id}").format(id=card.id))
    for card in new:
        card.id = ""  # ids given at generation may be taken in this deck
    assign_ids(new, {str(e.data.get("id")) for e in entries})
    report += [_("added: {id} ({note}:{line})").format(id=card.id, note=note_name, line=card.line) for card in new]
    gone = _("no longer in the note, kept (delete it by hand to retire it): {id}")
    report += [gone.format(id=e.data["id"]) for e in entries if not e.claimed and e.marks]
    hand = sum(1 for e in entries if not e.claimed and not e.marks)
    if hand:
        report.append(
            _("kept {cards} written by hand").format(cards=ngettext("{} card", "{} cards", hand).format(hand))
        )
    added = [(card.id, card.content(), marker(note_name, card)) for card in new]
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replace:
            end, text = replace[index]
            out.append(_block(text, lines))
            index = end
        else:
            out.append(lines[index])
            index += 1
        if index == entries[-1].end:  # after the last card
            out = _with_added(out, added, indent, lines)
    return "".join(out), report


def appended(deck_text: str, cards: list[tuple[str, dict, str]]) -> str:
    """The deck's text with these cards (id, content, the comment after the id) after its
    last card, a blank line before each, at the indent of its items; what follows the cards
    (comments, other keys) stays after them. ValueError when its `cards:` is not a non-empty
    block list; YamlError when the text does not read."""
    items, lines = _cards(deck_text)
    _first, end, indent = _span(lines, items[-1])
    return "".join(_with_added(lines[:end], cards, indent, lines) + lines[end:])


def _with_added(before: list[str], cards: list[tuple[str, dict, str]], indent: int, lines: list[str]) -> list[str]:
    """The text's lines up to its last card, then these cards (appended's), a blank line
    before each, ended as the text's lines are."""
    if not cards:
        return before
    if before and not before[-1].endswith(("\n", "\r")):  # the text ends there, without a line end
        before = [*before[:-1], before[-1] + _block("", lines)]
    return [*before, *(_block("\n" + card_yaml(*card, indent), lines) for card in cards)]
