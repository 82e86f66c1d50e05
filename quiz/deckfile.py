"""One deck file read and checked: libyaml's events as small located nodes
(quiz.plumbing.yamlread: no Python objects from tags, no aliases), checked node by node,
so each problem points at a line and column; every problem is collected instead of
stopping at the first. Cards are checked as they are read.

A deck that passes these checks can be reviewed, imported and exported: every value is
within what the scheduler, the database and Anki take, and the limits below keep each
command's time and memory in proportion to the file (decks/README.md lists them)."""

from __future__ import annotations

import collections
import hashlib
import re
from pathlib import Path

from quiz import __version__, deckhalves
from quiz.deckentry import (
    CARD_ID,
    CARD_KEYS,
    GUID,
    KINDS,
    REQUIRED,
    TEXT_FIELDS,
    TYPED,
    URL,
    card_ords,
    cloze_numbers,
    held_by,
    known_cards,
)
from quiz.deckvalues import (
    DECK_FILE,
    MAX_NAME,
    ValueChecks,
    What,
    Words,
    card_label,
    named,
    not_a_language,
    numbered,
    of,
    plain_text,
    shown,
    too_long,
)
from quiz.errors import Problem
from quiz.i18n import _, ngettext
from quiz.model import CLOZE_OPENING, LANG_CODE, CardKind, CardSpec, DeckSpec, Text
from quiz.plumbing.files import os_reason
from quiz.plumbing.gcpause import collector_paused
from quiz.plumbing.yamlnodes import Map, Node, Scalar, Seq, YamlError
from quiz.plumbing.yamlread import Reported, plain

DECK_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")

# Limits (decks/README.md, decks/schema.json). A cloze card keeps its whole text once per
# deletion, so one entry of 10,000 deletions once made a 1.3 GB collection: the number of
# cards and the text they hold together are bounded per deck, not only per card.
MAX_CARDS = 100_000  # reviewable cards in one deck
MAX_HELD = 10_000_000  # characters held by the deck's cards together (see held_by)
MAX_CLOZE = 500  # cloze numbers go from c1 to c500 (Anki cannot import c0)

TOP_KEYS = ("deck", "title", "lang", "description", "settings", "tools", "cards")


def fingerprint(raw: bytes) -> str:
    """Identifies a deck file's content as this version of quiz reads it."""
    return hashlib.sha256(__version__.encode() + b"\0" + raw).hexdigest()


class Reader(ValueChecks):
    """Validates one file's nodes, collecting problems instead of stopping at the first."""

    def __init__(self, path: str):
        super().__init__(path)
        self.lang = "en"
        self.cards: list[CardSpec] = []
        self.first_line: dict[str, int] = {}  # card id -> line, to name duplicates
        self.sha256 = ""
        self.held = 0  # characters held by the cards so far
        self.full = False  # over a deck limit: no more cards are kept
        self.scratch: Reader | None = None  # known_card's: the checks known_cards asks of a cloze

    # -- file and YAML ------------------------------------------------------

    def read(self, path: Path, raw: bytes | None = None) -> DeckSpec | None:
        deck = self.read_deck(path, raw)
        if self.unlisted:
            more = ngettext(
                "{count} more problem from here on is not listed: fix the ones above first",
                "{count} more problems from here on are not listed: fix the ones above first",
                self.unlisted,
            )
            self.problems.append(Problem(self.path, *self.unlisted_at, more.format(count=self.unlisted)))
        return deck

    def read_deck(self, path: Path, raw: bytes | None) -> DeckSpec | None:
        text = self.text_of(path, raw)
        if text is None:
            return None
        try:
            with collector_paused():
                root = deckhalves.read_deck(self, text)
        except Reported:
            return None
        if root is None or (isinstance(root, Scalar) and root.value == ""):
            self.report(1, 1, _("empty file: a deck needs `deck:` and `cards:`"))
            return None
        return self.deck(root)

    def known_card(self, entry: object, position: int, line: int, id_line: int) -> bool:
        """Whether one entry of `cards:`, read as plain data, makes cards that deckentry.known_cards
        vouches for (the checks of `card`, without the words of a problem); if so they are kept,
        else the entry goes to `card` as a node. benchmarks/run.py's 100k-card deck: read in
        1.4 s, not 2.0, each card read once."""
        if not isinstance(entry, dict) or self.full:
            return False
        key = entry.pop("id", None)
        if type(key) is not str or key in self.first_line:
            return False
        self.scratch = self.scratch or Reader(self.path)
        specs = known_cards(key, entry, position, line, self.scratch)
        if not specs:
            return False
        held = self.held + len(specs) * held_by(specs[0])
        if len(self.cards) + len(specs) > MAX_CARDS or held > MAX_HELD:
            return False  # `card` says so
        self.first_line[key], self.held = id_line, held
        self.cards.extend(specs)
        return True

    def text_of(self, path: Path, raw: bytes | None) -> str | None:
        if raw is None:
            try:
                raw = path.read_bytes()
            except OSError as error:
                self.report(1, 1, _("cannot read: {reason}").format(reason=os_reason(error)))
                return None
        self.sha256 = fingerprint(raw)
        try:
            return raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            line_start = raw.rfind(b"\n", 0, error.start) + 1
            column = len(raw[line_start : error.start].decode("utf-8")) + 1  # characters, not bytes
            self.report(line, column, _("not UTF-8 text: save the file as UTF-8"))
            return None

    # -- deck ------------------------------------------------------------

    def deck(self, root: Node) -> DeckSpec | None:
        top = self.mapping(root, DECK_FILE, TOP_KEYS)
        if not top:
            if not self.problems:
                self.problem(root, _("a deck needs `deck:` and `cards:`"))
            return None
        name = self.deck_name(top, root)
        if "lang" in top:
            lang = self.string(top["lang"][1], "lang")
            if lang is not None and (not LANG_CODE.match(lang) or len(lang) > MAX_NAME["lang"]):
                self.problem(top["lang"][1], not_a_language("lang", lang))
                lang = None
            self.lang = lang or self.lang
        title = self.text(top["title"][1], "title") if "title" in top else name
        description = self.text(top["description"][1], "description") if "description" in top else None
        settings = self.settings(top["settings"][1]) if "settings" in top else {}
        tools = self.tools(top["tools"][1]) if "tools" in top else None
        if "cards" not in top:
            self.problem(root, _("no `cards:` in this deck"))
        elif not isinstance(top["cards"][1], Seq) or not top["cards"][1].items:
            # A list of cards was checked card by card while it was read.
            self.problem(top["cards"][1], _("cards must be a non-empty list of cards"))
        return DeckSpec(
            name or "", title or name or "", self.lang, self.path, description, settings, tools, self.cards, self.sha256
        )

    def deck_name(self, top: dict, root: Node) -> str | None:
        if "deck" not in top:
            self.problem(root, _("missing `deck:` (the deck's name, like docker or git-basics)"))
            return None
        node = top["deck"][1]
        name = self.string(node, "deck")
        if name is not None and len(name) > MAX_NAME["deck"]:
            self.problem(node, too_long(_("deck name"), len(name), MAX_NAME["deck"]))
        elif name is not None and not DECK_NAME.match(name):
            message = _('deck name "{name}" must be lowercase letters, digits and dashes')
            self.problem(node, message.format(name=shown(name)))
        return name

    def tools(self, node: Node) -> dict | None:
        if not isinstance(node, Map):
            self.problem(node, _("tools must be a mapping of tool names to their tables"))
            return None
        from quiz.checking.tables import parse_tools

        try:
            tools = plain(node)
            parse_tools(tools)
        except YamlError as error:  # from plain: a complex key, or `!!int x`
            self.report(error.line, error.column, f"tools: {error.message}")
            return None
        except ValueError as error:
            self.problem(node, f"tools: {error}")
            return None
        self.numbers_in(node, "tools")
        return tools

    # -- cards -------------------------------------------------------------

    def card(self, node: Node, position: int) -> None:
        """Check one entry of `cards:` and keep the cards it makes, within the deck's limits."""
        specs = self.card_specs(node, position)
        if not specs or self.full:
            return
        self.held += len(specs) * held_by(specs[0])
        if len(self.cards) + len(specs) > MAX_CARDS:
            message = _("more than {limit} cards in one deck: split it into several decks")
            self.problem(node, message.format(limit=f"{MAX_CARDS:,}"))
        elif self.held > MAX_HELD:
            message = _(
                "the cards of this deck hold more than {limit} characters (a cloze card holds its "
                "whole text once per deletion, a reversed card twice): split it into several decks"
            )
            self.problem(node, message.format(limit=f"{MAX_HELD:,}"))
        else:
            self.cards.extend(specs)
            return
        self.full = True

    def card_specs(self, node: Node, position: int) -> list[CardSpec]:
        if not isinstance(node, Map):
            self.mapping(node, numbered(position), CARD_KEYS)  # reports the problem
            return []
        # How messages name the card, and each of its values (of): words made only for a problem.
        # That, a text checked plain first and the kinds in a dict: 80k Anki notes' cards checked
        # 1.39 -> 1.26 s (medians of 5 alternating); bench_anki_import.py's parse row 2.73 -> 2.61 s
        label = Words(card_label, node, position)
        fields = self.mapping(node, label, CARD_KEYS)
        key = self.card_id(fields, node, position)
        kind = self.card_kind(fields, label)
        content: dict = {}
        for name in TEXT_FIELDS:
            if name in fields:
                value_node = fields[name][1]
                value: Text | list[str] | None
                if name == "back" and kind in TYPED and isinstance(value_node, Seq):
                    answers = self.strings(value_node, of(label, "back"))
                    if not value_node.items or any(not answer.strip() for answer in answers):
                        message = _("{what} must list accepted answers, none of them empty")
                        self.problem(value_node, message.format(what=of(label, "back")))
                    value = answers or None
                else:
                    value = plain_text(value_node) or self.text(value_node, of(label, name))
                if value is not None:
                    content[name] = value
        if "source" in fields:
            source = self.string(fields["source"][1], of(label, "source"))
            if source is not None and not URL.match(source):
                message = _("{what} must be a URL, like https://example.org/page")
                self.problem(fields["source"][1], message.format(what=of(label, "source")))
            elif source is not None:
                content["source"] = source
        if "guid" in fields:
            guid = self.string(fields["guid"][1], of(label, "guid"))
            if guid is not None and not GUID.match(guid):
                message = _("{what} must be an Anki note's GUID: up to 64 printable ASCII characters, no spaces")
                self.problem(fields["guid"][1], message.format(what=of(label, "guid")))
            elif guid is not None:
                content["guid"] = guid
        tags = self.tags(fields["tags"][1], label) if "tags" in fields else ()
        if kind is None or key is None:
            return []
        return self.expand(node, fields, key, kind, content, tags, position, label)

    def card_id(self, fields: dict, node: Node, position: int) -> str | None:
        if "id" not in fields:
            message = _('{card}: missing "id" (progress follows it: keep it stable)')
            self.problem(node, message.format(card=numbered(position)))
            return None
        id_node = fields["id"][1]
        key = self.string(id_node, of(numbered(position), "id"))
        if key is None:
            return None
        if len(key) > MAX_NAME["id"]:
            self.problem(id_node, too_long(of(numbered(position), "id"), len(key), MAX_NAME["id"]))
            return None
        if not CARD_ID.match(key):
            message = _("{what} must be lowercase letters, digits and - _ .")
            self.problem(id_node, message.format(what=of(named(key), "id")))
            return None
        if key in self.first_line:
            message = _("{card}: duplicate id (first used on line {line})")
            self.problem(id_node, message.format(card=named(key, whole=True), line=self.first_line[key]))
            return None
        self.first_line[key] = id_node.line
        return key

    def card_kind(self, fields: dict, label: What) -> CardKind | None:
        if "type" not in fields:
            return CardKind.BASIC
        type_node = fields["type"][1]
        name = self.string(type_node, of(label, "type"))
        kind = KINDS.get(name or "")
        if kind is None and name is not None:
            choices = ", ".join(k.value for k in CardKind)
            message = _('{card}: unknown type "{type}" (one of {choices})')
            self.problem(type_node, message.format(card=label, type=shown(name), choices=choices))
        return kind

    def tags(self, node: Node, label: What) -> tuple[str, ...]:
        tags = self.strings(node, of(label, "tags"))
        bad = [t for t in tags if t.split() != [t]]  # empty, or with a space
        if bad:
            message = _('{card}: tag "{tag}" must be one word (no spaces)')
            self.problem(node, message.format(card=label, tag=shown(bad[0])))
        if len(set(tags)) != len(tags):
            twice = [tag for tag, count in collections.Counter(tags).items() if count > 1]
            self.problem(node, _('{card}: tag "{tag}" is given twice').format(card=label, tag=shown(twice[0])))
        return tuple(t for t in tags if t not in bad)

    def expand(self, node, fields, key, kind, content, tags, position, label) -> list[CardSpec]:
        """The reviewable cards of one deck entry: siblings share the key."""
        missing = [name for name in REQUIRED[kind] if name not in fields]
        for name in missing:
            self.problem(node, _('{card}: missing "{field}"').format(card=label, field=name))
        if kind is not CardKind.CLOZE and "text" in fields:
            message = _('{card}: "text" is for cloze cards; use front and back')
            self.problem(fields["text"][0], message.format(card=label))
        if kind is CardKind.CLOZE and "front" in fields:
            message = _('{card}: a cloze card has "text" with {example}, not "front"')
            self.problem(fields["front"][0], message.format(card=label, example="{{c1::...}}"))
        if missing or ("text" in REQUIRED[kind] and "text" not in content):
            return []
        ords = self.cloze_ords(fields["text"][1], content["text"], label) if kind is CardKind.CLOZE else card_ords(kind)
        return [CardSpec(key, o, kind, content, tags, position, node.line) for o in ords]

    def cloze_ords(self, node: Node | None, text: Text, label: What) -> list[int]:
        variants = [text] if isinstance(text, str) else list(text.values())
        for variant in variants:  # every {{cN:: counts, nested or not: Anki reads them all
            last = None
            for last in CLOZE_OPENING.finditer(variant):
                digits = last[1].lstrip("0")
                if not digits or len(digits) > 3 or int(digits) > MAX_CLOZE:
                    if digits:
                        message = _("{card}: {number}: cloze numbers go from c1 to {last}")
                    else:
                        message = _("{card}: {number}: cloze numbers go from c1 to {last} (Anki cannot import c0)")
                    number = f"c{shown(last[1])}"
                    self.problem(node, message.format(card=label, number=number, last=f"c{MAX_CLOZE}"))
                    return []
            # Closed, each of them: an opening never closed would cost CLOZE a scan to the
            # end of the text each time it is read (minutes for a text of 10,000 "{{c1::").
            if last is not None and variant.find("}}", last.end()) < 0:
                message = _("{card}: {opening} is not closed: end the deletion with {closing}")
                self.problem(node, message.format(card=label, opening=f"{{{{c{shown(last[1])}::", closing="}}"))
                return []
        numbers = [cloze_numbers(v) for v in variants]
        if not numbers[0]:
            message = _("{card}: a cloze needs at least one deletion like {example}")
            self.problem(node, message.format(card=label, example="{{c1::answer}}"))
            return []
        if any(n != numbers[0] for n in numbers):
            message = _("{card}: every language must have the same deletions (c1, c2, ...)")
            self.problem(node, message.format(card=label))
            return []
        return numbers[0]
