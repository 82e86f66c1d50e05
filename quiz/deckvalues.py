"""The values of one deck file, checked where they stand: mappings and their keys,
strings and texts (one string, or one per language), numbers and the deck's settings, each
problem collected at its line and column (quiz.deckfile reads the deck and its cards with
these checks). Every value that passes is within what the scheduler, the database and
Anki take."""

from __future__ import annotations

import difflib
import math
import re

from quiz.errors import Problem
from quiz.model import MAX_STEPS, SETTING_LIMITS, SETTING_NAMES, Text
from quiz.plumbing.yamlread import Map, Node, Refused, Scalar, Seq, YamlError, plain

LANG_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
DURATION = re.compile(r"([1-9][0-9]{0,11})([smhd])\Z")  # 12 digits: more is past any limit
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KIND_NAMES = {"int": "a number", "float": "a number", "bool": "true/false", "null": "empty"}
MAX_TEXT = 10_000  # characters in one string: a front, one language of it, an answer, a tag...
MAX_PROBLEMS = 100  # problems listed per file; the rest are counted
MAX_NAME = {"deck": 100, "id": 200, "lang": 35}  # the database's columns
INT64 = 2**63


def parse_duration(text: str) -> int | None:
    """'10m' -> 600 seconds; None if it is not a duration."""
    match = DURATION.match(text)
    return int(match[1]) * SECONDS[match[2]] if match else None


def shown(value: object, limit: int = 60) -> str:
    """A value of the file as a message quotes it: a long one is cut (it may be megabytes)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AnyKey(tuple):
    """Allowed-keys stand-in that accepts every key (language codes are checked apart)."""

    def __contains__(self, key) -> bool:
        return isinstance(key, str)


class ValueChecks:
    """The checks of values, collecting problems instead of stopping at the first."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.unlisted = 0  # problems past MAX_PROBLEMS
        self.unlisted_at = (1, 1)

    def problem(self, node: Node | None, message: str) -> None:
        self.report(*((node.line, node.column) if node else (1, 1)), message)

    def report(self, line: int, column: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, column, message))
            return
        self.unlisted_at = self.unlisted_at if self.unlisted else (line, column)
        self.unlisted += 1

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
                hint = difflib.get_close_matches(str(key)[:100], allowed, n=1)
                suggestion = f' (did you mean "{hint[0]}"?)' if hint else ""
                self.problem(key_node, f'{what}: unknown key "{shown(key)}"{suggestion}')
            elif key in entries:
                self.problem(key_node, f'{what}: "{key}" is given twice')
            else:
                entries[key] = (key_node, value_node)
        return entries

    def string(self, node: Node, what: str) -> str | None:
        if isinstance(node, Scalar) and node.kind == "str":
            if len(node.value) > MAX_TEXT:
                self.problem(node, f"{what} is {len(node.value):,} characters long: at most {MAX_TEXT:,}")
                return None
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
        for lang, (key_node, value_node) in self.mapping(node, what, AnyKey()).items():
            if not LANG_CODE.match(lang) or len(lang) > MAX_NAME["lang"]:
                self.problem(key_node, f'{what}: "{shown(lang)}" is not a language code (like en, zh, pt-BR)')
            label = f"{what}.{lang}" if len(lang) <= 60 else f"{what}.{shown(lang)}"
            value = self.string(value_node, label)
            if value is not None and not value.strip():
                self.problem(value_node, f"{label} must not be empty")
            elif value is not None:
                by_lang[lang] = value
        if not node.pairs:
            self.problem(node, f"{what} must not be empty")
        return by_lang or None

    def settings(self, node: Node) -> dict:
        settings = {}
        for key, (_, value) in self.mapping(node, "settings", SETTING_NAMES).items():
            parsed = self.setting(key, value)
            if parsed is not None:
                settings[key] = parsed
        return settings

    def setting(self, key: str, node: Node):
        low, high = SETTING_LIMITS.get(key, (0, 0))
        if key in ("learning_steps", "relearning_steps"):
            steps = [parse_duration(s) for s in self.strings(node, f"settings.{key}")]
            if isinstance(node, Seq) and len(node.items) > MAX_STEPS:
                self.problem(node, f"settings.{key}: at most {MAX_STEPS} steps")
            elif any(step is None or not low <= step <= high for step in steps):
                self.problem(node, f"settings.{key}: steps are durations from 1s to 365d, like 30s, 10m, 1h, 1d")
            else:
                return tuple(steps)
            return None
        if key == "parameters":
            return self.parameters(node)
        value = self.number(node)
        if key == "desired_retention":
            if value is None or not low <= value <= high:
                self.problem(node, f"settings.desired_retention must be between {low} and {high}")
                return None
            return float(value)
        if value is None or value != int(value) or not low <= value <= high:
            self.problem(node, f"settings.{key} must be a whole number from {low} to {high}")
            return None
        return int(value)

    def parameters(self, node: Node) -> tuple[float, ...] | None:
        """FSRS's parameters, each within the scheduler's own bounds."""
        from quiz.scheduling import parameter_bounds  # fsrs: imported only for a deck that sets them

        lowest, highest = parameter_bounds()
        if not isinstance(node, Seq) or len(node.items) != len(lowest):
            got = f" (got {len(node.items)})" if isinstance(node, Seq) else ""
            self.problem(node, f"settings.parameters must be a list of {len(lowest)} numbers{got}")
            return None
        values = []
        for index, (item, low, high) in enumerate(zip(node.items, lowest, highest)):
            value = self.number(item)
            if value is None or not low <= value <= high:
                where = f"settings.parameters[{index}]"
                self.problem(item, f"{where} must be a number from {low:g} to {high:g} (FSRS's bounds)")
            else:
                values.append(float(value))
        return tuple(values) if len(values) == len(lowest) else None

    def number(self, node: Node | None) -> float | None:
        """The number YAML reads (0x1f and 1:20 too) if it is finite and, when whole, within
        64 bits; else None (NaN, infinity or a larger integer is no setting)."""
        if not (isinstance(node, Scalar) and node.kind in ("int", "float")):
            return None
        try:
            value = plain(node)
        except YamlError:  # `!!int x`, or more digits than Python reads
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value if -INT64 <= value < INT64 else None
        return value if isinstance(value, float) and math.isfinite(value) else None

    def numbers_in(self, node: Node | None, what: str) -> None:
        """Report each number that is no usable value: NaN, infinity, beyond 64 bits."""
        if isinstance(node, Scalar) and node.kind in ("int", "float") and self.number(node) is None:
            self.problem(node, f"{what}: {shown(node.value)} is no usable number (finite, and within 64 bits)")
        children = node.items if isinstance(node, Seq) else node.pairs if isinstance(node, Map) else []
        for child in children:
            for item in child if isinstance(child, tuple) else (child,):
                self.numbers_in(item, what)

    def strings(self, node: Node, what: str) -> list[str]:
        if isinstance(node, Refused):
            return []
        if not isinstance(node, Seq):
            self.problem(node, f"{what} must be a list")
            return []
        values = [self.string(item, what) for item in node.items]
        return [v for v in values if v is not None]
