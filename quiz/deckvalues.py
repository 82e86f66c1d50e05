"""The values of one deck file, checked where they stand: mappings and their keys,
strings and texts (one string, or one per language), numbers and the deck's settings, each
problem collected at its line and column (quiz.deckfile reads the deck and its cards with
these checks). Every value that passes is within what the scheduler, the database and
Anki take."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable

from quiz.errors import Problem
from quiz.i18n import N_, _, ngettext, pgettext
from quiz.model import (
    EASY_DAY_LOADS,
    LANG_CODE,
    MAX_STEPS,
    REVIEW_ORDERS,
    SETTING_LIMITS,
    SETTING_NAMES,
    WEEKDAYS,
    Text,
)
from quiz.plumbing.yamlnodes import Map, Node, Refused, Scalar, Seq, YamlError
from quiz.plumbing.yamlread import plain

DURATION = re.compile(r"([1-9][0-9]{0,11})([smhd])\Z")  # 12 digits: more is past any limit
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
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


class Words:
    """A part of a message (a card's name, a key of it) put into words only when a problem
    is reported: every value has one, few have a problem, and the catalogs are read for those."""

    __slots__ = ("args", "compose")

    def __init__(self, compose: Callable[..., str], *args: object) -> None:
        self.compose, self.args = compose, args

    def __str__(self) -> str:
        return self.compose(*self.args)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


What = str | Words  # what a message is about: a key of the deck as written, or Words
DECK_FILE = Words(_, N_("deck file"))


def dotted(what: What, lang: str) -> str:
    """One language of a text: `front.zh`."""
    return f"{what}.{lang}" if len(lang) <= 60 else f"{what}.{shown(lang)}"


def kind_name(kind: str) -> str:
    """What a YAML value is, as a message names it: a number, true/false; another kind by its name."""
    if kind in ("int", "float"):
        return pgettext("a YAML value", "a number")
    if kind == "bool":
        return pgettext("a YAML value", "true/false")
    return pgettext("a YAML value", "timestamp") if kind == "timestamp" else kind


def too_long(what: What, length: object, limit: object) -> str:
    return _("{what} is {length} characters long: at most {limit}").format(what=what, length=length, limit=limit)


def not_a_language(what: What, value: str) -> str:
    message = _('{what}: "{value}" is not a language code (like en, zh, pt-BR)')
    return message.format(what=what, value=shown(value))


def plain_text(node: Node) -> str | None:
    """The node's string if it is one that ValueChecks.text takes as it is (most texts of a
    deck: checked here without the words a problem would need)."""
    if type(node) is Scalar and node.kind == "str" and len(node.value) <= MAX_TEXT and node.value.strip():
        return node.value
    return None


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

    def mapping(self, node: Node, what: What, allowed: tuple[str, ...]) -> dict[str, tuple]:
        """Key name -> (key node, value node), reporting unknown and repeated keys."""
        if isinstance(node, Refused):
            return {}
        if not isinstance(node, Map):
            self.problem(node, _("{what} must be a mapping of keys to values").format(what=what))
            return {}
        entries: dict[str, tuple] = {}
        for key_node, value_node in node.pairs:
            key = key_node.value if isinstance(key_node, Scalar) else None
            if key is None or key not in allowed:
                hint = difflib.get_close_matches(str(key)[:100], allowed, n=1)
                if hint:
                    message = _('{what}: unknown key "{key}" (did you mean "{hint}"?)')
                else:
                    message = _('{what}: unknown key "{key}"')
                self.problem(key_node, message.format(what=what, key=shown(key), hint=hint[0] if hint else ""))
            elif key in entries:
                self.problem(key_node, _('{what}: "{key}" is given twice').format(what=what, key=key))
            else:
                entries[key] = (key_node, value_node)
        return entries

    def string(self, node: Node, what: What) -> str | None:
        if isinstance(node, Scalar) and node.kind == "str":
            if len(node.value) > MAX_TEXT:
                self.problem(node, too_long(what, f"{len(node.value):,}", f"{MAX_TEXT:,}"))
                return None
            return node.value
        if isinstance(node, Scalar) and node.kind == "null":
            self.problem(node, _("{what} must be text, not empty").format(what=what))
        elif isinstance(node, Scalar):
            message = _("{what} must be text, not {kind} (put it in quotes)")
            self.problem(node, message.format(what=what, kind=kind_name(node.kind)))
        elif isinstance(node, Seq):
            self.problem(node, _("{what} must be text, not a list").format(what=what))
        elif not isinstance(node, Refused):
            self.problem(node, _("{what} must be text, not a mapping").format(what=what))
        return None

    def text(self, node: Node, what: What) -> Text | None:
        """A string, or a mapping of language codes to strings."""
        if not isinstance(node, Map):
            value = self.string(node, what)
            if value is not None and not value.strip():
                self.problem(node, _("{what} must not be empty").format(what=what))
            return value or None
        by_lang = {}
        for lang, (key_node, value_node) in self.mapping(node, what, AnyKey()).items():
            if not LANG_CODE.match(lang) or len(lang) > MAX_NAME["lang"]:
                self.problem(key_node, not_a_language(what, lang))
            label = Words(dotted, what, lang)
            value = self.string(value_node, label)
            if value is not None and not value.strip():
                self.problem(value_node, _("{what} must not be empty").format(what=label))
            elif value is not None:
                by_lang[lang] = value
        if not node.pairs:
            self.problem(node, _("{what} must not be empty").format(what=what))
        return by_lang or None

    def settings(self, node: Node) -> dict:
        settings = {}
        for key, (_key, value) in self.mapping(node, "settings", SETTING_NAMES).items():
            parsed = self.setting(key, value)
            if parsed is not None:
                settings[key] = parsed
        return settings

    def setting(self, key: str, node: Node):
        low, high = SETTING_LIMITS.get(key, (0, 0))
        what = f"settings.{key}"  # the deck's own words
        if key in ("learning_steps", "relearning_steps"):
            steps = [parse_duration(s) for s in self.strings(node, what)]
            if isinstance(node, Seq) and len(node.items) > MAX_STEPS:
                message = ngettext("{what}: at most {count} step", "{what}: at most {count} steps", MAX_STEPS)
                self.problem(node, message.format(what=what, count=MAX_STEPS))
            elif any(step is None or not low <= step <= high for step in steps):
                message = _("{what}: steps are durations from 1s to 365d, like 30s, 10m, 1h, 1d")
                self.problem(node, message.format(what=what))
            else:
                return tuple(steps)
            return None
        if key == "parameters":
            return self.parameters(node)
        if key == "review_order":
            return self.choice(node, what, REVIEW_ORDERS)
        if key == "easy_days":
            return self.easy_days(node, what)
        value = self.number(node)
        if key == "desired_retention":
            if value is None or not low <= value <= high:
                message = _("{what} must be between {low} and {high}")
                self.problem(node, message.format(what=what, low=low, high=high))
                return None
            return float(value)
        if value is None or value != int(value) or not low <= value <= high:
            message = _("{what} must be a whole number from {low} to {high}")
            self.problem(node, message.format(what=what, low=low, high=high))
            return None
        return int(value)

    def easy_days(self, node: Node, what: str) -> tuple[str, ...] | None:
        """A mapping of weekdays to their workload (`saturday: reduced`); the days it leaves
        out are normal."""
        loads = dict.fromkeys(WEEKDAYS, "normal")
        for day, (_key, value) in self.mapping(node, what, WEEKDAYS).items():
            load = self.choice(value, f"{what}.{day}", tuple(EASY_DAY_LOADS))
            if load is not None:
                loads[day] = load
        return tuple(loads.values())

    def choice(self, node: Node, what: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices`, or None with a problem that lists them."""
        value = self.string(node, what)
        if value is not None and value not in choices:
            message = _('{what}: "{value}" is none of {choices}')
            self.problem(node, message.format(what=what, value=shown(value), choices=", ".join(choices)))
            return None
        return value

    def parameters(self, node: Node) -> tuple[float, ...] | None:
        """FSRS's parameters, each within the scheduler's own bounds."""
        from quiz.scheduling import parameter_bounds  # fsrs: imported only for a deck that sets them

        lowest, highest = parameter_bounds()
        if not isinstance(node, Seq) or len(node.items) != len(lowest):
            if isinstance(node, Seq):
                message = _("{what} must be a list of {count} numbers (got {got})")
            else:
                message = _("{what} must be a list of {count} numbers")
            got = len(node.items) if isinstance(node, Seq) else 0
            self.problem(node, message.format(what="settings.parameters", count=len(lowest), got=got))
            return None
        values = []
        for index, (item, low, high) in enumerate(zip(node.items, lowest, highest)):
            value = self.number(item)
            if value is None or not low <= value <= high:
                message = _("{what} must be a number from {low} to {high} (FSRS's bounds)")
                where = f"settings.parameters[{index}]"
                self.problem(item, message.format(what=where, low=f"{low:g}", high=f"{high:g}"))
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

    def numbers_in(self, node: Node | None, what: What) -> None:
        """Report each number that is no usable value: NaN, infinity, beyond 64 bits."""
        if isinstance(node, Scalar) and node.kind in ("int", "float") and self.number(node) is None:
            message = _("{what}: {value} is no usable number (finite, and within 64 bits)")
            self.problem(node, message.format(what=what, value=shown(node.value)))
        children = node.items if isinstance(node, Seq) else node.pairs if isinstance(node, Map) else []
        for child in children:
            for item in child if isinstance(child, tuple) else (child,):
                self.numbers_in(item, what)

    def strings(self, node: Node, what: What) -> list[str]:
        if isinstance(node, Refused):
            return []
        if not isinstance(node, Seq):
            self.problem(node, _("{what} must be a list").format(what=what))
            return []
        values = [self.string(item, what) for item in node.items]
        return [v for v in values if v is not None]


# -- cards in messages -----------------------------------------------------------


def card_label(node: Map, position: int) -> str:
    """A card in messages: by its id where it has one, else by its place."""
    for key_node, value_node in node.pairs:
        if (
            isinstance(key_node, Scalar)
            and key_node.value == "id"
            and isinstance(value_node, Scalar)
            and value_node.value
        ):
            return _named(value_node.value, False)
    return _numbered(position)


# A card, and a key of it, as messages name them: Words, put together only for a problem.


def numbered(position: int) -> Words:
    """A card of the deck by its place, where it has no id to name it: card #3."""
    return Words(_numbered, position)


def named(key: str, whole: bool = False) -> Words:
    """A card of the deck by its id: card "ps-l" (the id as the deck spells it, a long one cut
    unless `whole`)."""
    return Words(_named, key, whole)


def of(owner: What, key: str) -> Words:
    """A key of a card, in messages: card "ps-l": front."""
    return Words(_of, owner, key)


def _numbered(position: int) -> str:
    return _("card #{number}").format(number=position + 1)


def _named(key: str, whole: bool) -> str:
    return _('card "{id}"').format(id=key if whole else shown(key))


def _of(owner: What, key: str) -> str:
    return _("{owner}: {key}").format(owner=owner, key=key)
