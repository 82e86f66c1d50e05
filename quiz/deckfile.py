"""One deck file read and checked: libyaml's events as small located nodes
(quiz.plumbing.yamlread: no Python objects from tags, no aliases), checked node by node,
so each problem points at a line and column; every problem is collected instead of
stopping at the first. Cards are checked as they are read."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

from quiz import __version__
from quiz.errors import Problem
from quiz.model import CLOZE, SETTING_NAMES, CardKind, CardSpec, DeckSpec, Text
from quiz.plumbing.gcpause import collector_paused
from quiz.plumbing.yamlread import Map, Node, Refused, Reported, Scalar, Seq, YamlError, plain, read

DECK_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CARD_ID = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*\Z")
LANG_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
DURATION = re.compile(r"([0-9]+)([smhd])\Z")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KIND_NAMES = {"int": "a number", "float": "a number", "bool": "true/false", "null": "empty"}

TOP_KEYS = ("deck", "title", "lang", "description", "settings", "tools", "cards")
CARD_KEYS = ("id", "type", "front", "back", "text", "note", "tags", "source")
TEXT_FIELDS = ("front", "back", "text", "note")
TYPED = (CardKind.COMMAND, CardKind.KEYS)  # answered by typing; the back may list accepted answers
REQUIRED = {
    CardKind.BASIC: ("front", "back"),
    CardKind.REVERSED: ("front", "back"),
    CardKind.COMMAND: ("front", "back"),
    CardKind.KEYS: ("front", "back"),
    CardKind.CLOZE: ("text",),
}


def fingerprint(raw: bytes) -> str:
    """Identifies a deck file's content as this version of quiz reads it."""
    return hashlib.sha256(__version__.encode() + b"\0" + raw).hexdigest()


def parse_duration(text: str) -> int | None:
    """'10m' -> 600 seconds; None if it is not a duration."""
    match = DURATION.match(text)
    return int(match[1]) * SECONDS[match[2]] if match else None


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(m[1]) for m in CLOZE.finditer(text)})


class Reader:
    """Validates one file's nodes, collecting problems instead of stopping at the first."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.lang = "en"
        self.cards: list[CardSpec] = []
        self.first_line: dict[str, int] = {}  # card id -> line, to name duplicates
        self.sha256 = ""

    def problem(self, node: Node | None, message: str) -> None:
        line, column = (node.line, node.column) if node else (1, 1)
        self.problems.append(Problem(self.path, line, column, message))

    def report(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, column, message))

    # -- file and YAML ------------------------------------------------------

    def read(self, path: Path, raw: bytes | None = None) -> DeckSpec | None:
        text = self.text_of(path, raw)
        if text is None:
            return None
        try:
            with collector_paused():
                root = read(text, self.report, "cards", self.card)
        except Reported:
            return None
        if root is None or (isinstance(root, Scalar) and root.value == ""):
            self.report(1, 1, "empty file: a deck needs `deck:` and `cards:`")
            return None
        return self.deck(root)

    def text_of(self, path: Path, raw: bytes | None) -> str | None:
        if raw is None:
            try:
                raw = path.read_bytes()
            except OSError as error:
                self.report(1, 1, f"cannot read: {error.strerror or error}")
                return None
        self.sha256 = fingerprint(raw)
        try:
            return raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            self.report(line, column, "not UTF-8 text: save the file as UTF-8")
            return None

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, tuple]:
        """Key name -> (key node, value node), reporting unknown and repeated keys."""
        if isinstance(node, Refused):
            return {}
        if not isinstance(node, Map):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return {}
        entries: dict[str, tuple] = {}
        for key_node, value_node in node.pairs:
            key = key_node.value if isinstance(key_node, Scalar) else None
            if key is None or key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f' (did you mean "{hint[0]}"?)' if hint else ""
                self.problem(key_node, f'{what}: unknown key "{key}"{suggestion}')
            elif key in entries:
                self.problem(key_node, f'{what}: "{key}" is given twice')
            else:
                entries[key] = (key_node, value_node)
        return entries

    def string(self, node: Node, what: str) -> str | None:
        if isinstance(node, Scalar) and node.kind == "str":
            return node.value
        if isinstance(node, Scalar):
            kind = KIND_NAMES.get(node.kind, node.kind)
            quote = " (put it in quotes)" if node.kind != "null" else ""
            self.problem(node, f"{what} must be text, not {kind}{quote}")
        elif not isinstance(node, Refused):
            self.problem(node, f"{what} must be text, not {'a list' if isinstance(node, Seq) else 'a mapping'}")
        return None

    def text(self, node: Node, what: str) -> Text | None:
        """A string, or a mapping of language codes to strings."""
        if not isinstance(node, Map):
            value = self.string(node, what)
            if value is not None and not value.strip():
                self.problem(node, f"{what} must not be empty")
            return value or None
        by_lang = {}
        for lang, (key_node, value_node) in self.mapping(node, what, _AnyKey()).items():
            if not LANG_CODE.match(lang):
                self.problem(key_node, f'{what}: "{lang}" is not a language code (like en, zh, pt-BR)')
            value = self.string(value_node, f"{what}.{lang}")
            if value is not None and not value.strip():
                self.problem(value_node, f"{what}.{lang} must not be empty")
            elif value is not None:
                by_lang[lang] = value
        if not node.pairs:
            self.problem(node, f"{what} must not be empty")
        return by_lang or None

    # -- deck ------------------------------------------------------------

    def deck(self, root: Node) -> DeckSpec | None:
        top = self.mapping(root, "deck file", TOP_KEYS)
        if not top:
            if not self.problems:
                self.problem(root, "a deck needs `deck:` and `cards:`")
            return None
        name = self.deck_name(top, root)
        if "lang" in top:
            lang = self.string(top["lang"][1], "lang")
            if lang is not None and not LANG_CODE.match(lang):
                self.problem(top["lang"][1], f'lang: "{lang}" is not a language code (like en, zh, pt-BR)')
            self.lang = lang or self.lang
        title = self.text(top["title"][1], "title") if "title" in top else name
        description = self.text(top["description"][1], "description") if "description" in top else None
        settings = self.settings(top["settings"][1]) if "settings" in top else {}
        tools = self.tools(top["tools"][1]) if "tools" in top else None
        if "cards" not in top:
            self.problem(root, "no `cards:` in this deck")
        elif not isinstance(top["cards"][1], Seq) or not top["cards"][1].items:
            # A list of cards was checked card by card while it was read.
            self.problem(top["cards"][1], "cards must be a non-empty list of cards")
        return DeckSpec(
            name or "", title or name or "", self.lang, self.path, description, settings, tools, self.cards, self.sha256
        )

    def deck_name(self, top: dict, root: Node) -> str | None:
        if "deck" not in top:
            self.problem(root, "missing `deck:` (the deck's name, like docker or git-basics)")
            return None
        node = top["deck"][1]
        name = self.string(node, "deck")
        if name is not None and not DECK_NAME.match(name):
            self.problem(node, f'deck name "{name}" must be lowercase letters, digits and dashes')
        return name

    def settings(self, node: Node) -> dict:
        settings = {}
        for key, (_, value) in self.mapping(node, "settings", SETTING_NAMES).items():
            parsed = self.setting(key, value)
            if parsed is not None:
                settings[key] = parsed
        return settings

    def setting(self, key: str, node: Node):
        if key in ("learning_steps", "relearning_steps"):
            steps = [parse_duration(s) for s in self.strings(node, f"settings.{key}")]
            if None in steps:
                self.problem(node, f"settings.{key}: steps are durations like 30s, 10m, 1h, 1d")
                return None
            return tuple(steps)
        if key == "parameters":
            if not isinstance(node, Seq):
                self.problem(node, "settings.parameters must be a list of 21 numbers")
                return None
            numbers = [self.number(item, "settings.parameters") for item in node.items]
            if None in numbers or len(numbers) != 21:
                self.problem(node, f"settings.parameters must be a list of 21 numbers (got {len(numbers)})")
                return None
            return tuple(numbers)
        value = self.number(node, f"settings.{key}")
        if value is None:
            return None
        if key == "desired_retention":
            if not 0.7 <= value <= 0.99:
                self.problem(node, "settings.desired_retention must be between 0.7 and 0.99")
                return None
            return float(value)
        minimum = 1 if key in ("maximum_interval", "leech_threshold") else 0
        if value != int(value) or value < minimum:
            self.problem(node, f"settings.{key} must be a whole number >= {minimum}")
            return None
        return int(value)

    def number(self, node: Node, what: str) -> float | None:
        if isinstance(node, Scalar) and node.kind in ("int", "float"):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                pass
        self.problem(node, f"{what} must be a number")
        return None

    def strings(self, node: Node, what: str) -> list[str]:
        if isinstance(node, Refused):
            return []
        if not isinstance(node, Seq):
            self.problem(node, f"{what} must be a list")
            return []
        values = [self.string(item, what) for item in node.items]
        return [v for v in values if v is not None]

    def tools(self, node: Node) -> dict | None:
        if not isinstance(node, Map):
            self.problem(node, "tools must be a mapping of tool names to their tables")
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
        return tools

    # -- cards -------------------------------------------------------------

    def card(self, node: Node, position: int) -> None:
        """Check one entry of `cards:` and keep the cards it makes."""
        self.cards.extend(self.card_specs(node, position))

    def card_specs(self, node: Node, position: int) -> list[CardSpec]:
        if not isinstance(node, Map):
            self.mapping(node, f"card #{position + 1}", CARD_KEYS)  # reports the problem
            return []
        label = _card_label(node, position)
        fields = self.mapping(node, label, CARD_KEYS)
        key = self.card_id(fields, node, position)
        kind = self.card_kind(fields, label)
        content: dict = {}
        for name in TEXT_FIELDS:
            if name in fields:
                value_node = fields[name][1]
                value: Text | list[str] | None
                if name == "back" and kind in TYPED and isinstance(value_node, Seq):
                    answers = self.strings(value_node, f"{label}: back")
                    value = answers or None
                else:
                    value = self.text(value_node, f"{label}: {name}")
                if value is not None:
                    content[name] = value
        if "source" in fields:
            source = self.string(fields["source"][1], f"{label}: source")
            if source is not None:
                content["source"] = source
        tags = self.tags(fields["tags"][1], label) if "tags" in fields else ()
        if kind is None or key is None:
            return []
        return self.expand(node, fields, key, kind, content, tags, position, label)

    def card_id(self, fields: dict, node: Node, position: int) -> str | None:
        if "id" not in fields:
            self.problem(node, f'card #{position + 1}: missing "id" (progress follows it: keep it stable)')
            return None
        id_node = fields["id"][1]
        key = self.string(id_node, f"card #{position + 1}: id")
        if key is None:
            return None
        if not CARD_ID.match(key):
            self.problem(id_node, f'card "{key}": id must be lowercase letters, digits and - _ .')
            return None
        if key in self.first_line:
            self.problem(id_node, f'card "{key}": duplicate id (first used on line {self.first_line[key]})')
            return None
        self.first_line[key] = id_node.line
        return key

    def card_kind(self, fields: dict, label: str) -> CardKind | None:
        if "type" not in fields:
            return CardKind.BASIC
        type_node = fields["type"][1]
        name = self.string(type_node, f"{label}: type")
        try:
            return CardKind(name)
        except ValueError:
            if name is not None:
                choices = ", ".join(k.value for k in CardKind)
                self.problem(type_node, f'{label}: unknown type "{name}" (one of {choices})')
            return None

    def tags(self, node: Node, label: str) -> tuple[str, ...]:
        tags = self.strings(node, f"{label}: tags")
        bad = [t for t in tags if not t or any(c.isspace() for c in t)]
        if bad:
            self.problem(node, f'{label}: tag "{bad[0]}" must be one word (no spaces)')
        return tuple(t for t in tags if t not in bad)

    def expand(self, node, fields, key, kind, content, tags, position, label) -> list[CardSpec]:
        """The reviewable cards of one deck entry: siblings share the key."""
        missing = [name for name in REQUIRED[kind] if name not in fields]
        for name in missing:
            self.problem(node, f'{label}: missing "{name}"')
        if kind is not CardKind.CLOZE and "text" in fields:
            self.problem(fields["text"][0], f'{label}: "text" is for cloze cards; use front and back')
        if kind is CardKind.CLOZE and "front" in fields:
            self.problem(fields["front"][0], f'{label}: a cloze card has "text" with {{{{c1::...}}}}, not "front"')
        if missing or ("text" in REQUIRED[kind] and "text" not in content):
            return []
        if kind is CardKind.CLOZE:
            ords = self.cloze_ords(fields["text"][1], content["text"], label)
        elif kind is CardKind.REVERSED:
            ords = [0, 1]
        else:
            ords = [0]
        return [CardSpec(key, o, kind, content, tags, position) for o in ords]

    def cloze_ords(self, node: Node, text: Text, label: str) -> list[int]:
        variants = [text] if isinstance(text, str) else list(text.values())
        numbers = [cloze_numbers(v) for v in variants]
        if not numbers[0]:
            self.problem(node, f"{label}: a cloze needs at least one deletion like {{{{c1::answer}}}}")
            return []
        if any(n != numbers[0] for n in numbers):
            self.problem(node, f"{label}: every language must have the same deletions (c1, c2, ...)")
            return []
        return numbers[0]


class _AnyKey(tuple):
    """Allowed-keys stand-in that accepts every key (language codes are checked apart)."""

    def __contains__(self, key) -> bool:
        return isinstance(key, str)


def _card_label(node: Map, position: int) -> str:
    for key_node, value_node in node.pairs:
        if (
            isinstance(key_node, Scalar)
            and key_node.value == "id"
            and isinstance(value_node, Scalar)
            and value_node.value
        ):
            return f'card "{value_node.value}"'
    return f"card #{position + 1}"
