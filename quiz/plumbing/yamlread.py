"""Safe, lean YAML reading: libyaml's event stream composed into small located nodes.

The one module of quiz that imports PyYAML. `read` gives the nodes (decks check them
node by node; a card, as plain data first), `compose` the same stopping at the first
problem, `load` a whole document as plain data and `plain` one node as plain data;
every problem is a YamlError at a line and column.

Why not yaml.compose: on a 100k-card deck it takes ~3 s and 400 MB, while the event
stream takes ~1 s and stays small. Items of one top-level list (the cards) are handed
to a callback as they are read and then dropped, so memory does not grow with the deck.
Aliases are refused outright (no alias bombs) and only the standard tags are accepted,
so no Python object is ever built; collections nest at most MAX_DEPTH levels.

Lines and columns are the editor's: columns count characters (libyaml's marks do too, but
the C reader's errors give a byte offset), and lines end at \n, \r\n or \r only. libyaml
also ends lines at NEL, LS and PS (U+0085, U+2028, U+2029), which editors show inside a
line; where the text has any, marks are recomputed from their character index.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from typing import overload

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from quiz.i18n import _  # stdlib only; called only where a problem is reported
from quiz.plumbing.yamlnodes import Map, Node, Refused, Scalar, Seq, YamlError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {"str", "int", "float", "bool", "null"}
_resolve = yaml.resolver.Resolver().resolve
RESOLVABLE_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)
MAX_DEPTH = 50  # a deck nests 6 levels deep (tools: tool, commands, command, options, option)
_BYTE_OFFSETS = Loader is not yaml.SafeLoader  # libyaml's reader errors count bytes of UTF-8
_LINE_BREAK = re.compile("\r\n|\r|\n")


class Reported(Exception):
    """The stream cannot be read further; the problem has been reported."""


class _Unplain(Exception):
    """An item read as plain data holds what only nodes say: an alias, a tag, a value that is
    not text, a key given twice. Nothing is reported: the item is read as a node."""


Report = Callable[[int, int, str], None]  # line, column, message


def _raise(line: int, column: int, message: str) -> None:
    raise YamlError(line, column, message)


def compose(text: str) -> Node | None:
    """The document's root node (None for an empty one); YamlError at the first problem,
    aliases and non-standard tags included."""
    return read(text, _raise, None, None)


def load(text: str) -> object:
    """The document as plain data (dicts, lists, str, int, float, bool, None; a date for a
    timestamp), None for an empty one. As decks read them, mapping keys are always text.
    YamlError at the first problem: no alias is ever expanded, no Python object built."""
    root = compose(text)
    return None if root is None else plain(root)


_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    kind: yaml.constructor.SafeConstructor.yaml_constructors[YAML_TAG + kind]
    for kind in ("int", "float", "bool", "null", "timestamp")
}


@overload
def plain(node: Map) -> dict: ...
@overload
def plain(node: Node | None) -> object: ...


def plain(node):
    """A node as plain data, as `load` gives it; a Refused node (reported already) is None."""
    if isinstance(node, Scalar):
        if node.kind == "str":
            return node.value
        construct = _CONSTRUCT.get(node.kind)  # None for `=` and `<<`, as yaml.safe_load refuses them
        try:
            if construct is not None:
                return construct(_constructor, yaml.ScalarNode(YAML_TAG + node.kind, node.value))
        except (yaml.YAMLError, ValueError, KeyError):  # such as `!!int x` or `!!bool maybe`
            pass
        message = _("{value} cannot be read as {kind}: put it in quotes")
        raise YamlError(node.line, node.column, message.format(value=repr(node.value), kind=node.kind))
    if isinstance(node, Map):
        data = {}
        for key, value in node.pairs:
            if isinstance(key, Scalar):
                data[key.value] = plain(value)
            elif not isinstance(key, Refused):
                message = _("a mapping key must be a plain value, not a list or mapping")
                raise YamlError(key.line, key.column, message)
        return data
    if isinstance(node, Seq):
        return [plain(item) for item in node.items]
    return None


def read(
    text: str,
    report: Report,
    stream_key: str | None,
    on_item: Callable | None,
    on_plain: Callable | None = None,
    first_index: int = 0,
) -> Node | None:
    """The document's root node, or None for an empty file.

    If the root is a mapping whose `stream_key` holds a list, each item goes to
    `on_item(node, index)` instead of being kept: the root keeps a Seq of Nones.
    Each problem goes to `report`, which may raise to stop at the first.
    With `on_plain`, each item goes first as plain data, `on_plain(value, index, line, id_line)`
    (texts, and lists and mappings of texts: `id_line`, the line of its `id`); where it holds
    anything else, or on_plain returns False, it goes to on_item as a node after all.
    The items are counted from `first_index` (the rest of a list read in part before).
    """
    lines = _Lines(text) if unicode_breaks(text) else None
    where = lines.where if lines else _where
    try:
        events = _Events(text, report, lines, on_plain, first_index)
        events.expect(StreamStartEvent)
        first = events.next()
        if isinstance(first, StreamEndEvent):
            return None
        root_event = events.next()
        if isinstance(root_event, MappingStartEvent):
            root = events.mapping(root_event, stream_key, on_item)
        else:
            root = events.node(root_event)
        events.expect(DocumentEndEvent)
        second = events.next()
        if isinstance(second, DocumentStartEvent):
            report(where(second.start_mark)[0], 1, _("one deck per file: remove the second document (---)"))
        return root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # PyYAML's own words (error.problem) stay in English: only the sentence around them is ours
        report(*where(mark), _("YAML syntax error: {problem}").format(problem=error.problem or error.context))
    except yaml.reader.ReaderError as error:
        position = error.position
        if _BYTE_OFFSETS:
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        line, column = _Lines(text).at(position)
        # libyaml gives the character's code point, PyYAML's reader the character: shown as U+0001
        code = error.character if isinstance(error.character, int) else ord(error.character)
        message = _("character {character} is not allowed in YAML")
        report(line + 1, column + 1, message.format(character=f"U+{code:04X}"))
    raise Reported


def unicode_breaks(text: str) -> bool:
    """Whether the text has a line break that libyaml counts and editors do not (NEL, LS, PS).
    Three `in` tests: 2 ms over a 12 MB deck with CJK in it, where one regular expression took 29."""
    return "\x85" in text or "\u2028" in text or "\u2029" in text


def _implicit_kind(event) -> str:
    """What a scalar without a tag is: str, int, bool, null... (only a plain one whose first
    character starts a resolver's pattern can be other than text)."""
    value = event.value
    if event.implicit[0] and (value[:1] in RESOLVABLE_FIRST or not value):
        return _resolve(yaml.ScalarNode, value, event.implicit).removeprefix(YAML_TAG)
    return "str"


def _text(event) -> bool:
    """Whether a scalar's event is text as the nodes read it."""
    return (event.tag is None or event.tag == "!") and _implicit_kind(event) == "str"


def _surely_text(event) -> bool:
    """Whether an untagged scalar is text without asking the resolvers: quoted, or plain and
    not starting with what they read (where _text would ask them)."""
    value = event.value
    return not event.implicit[0] or (value != "" and value[0] not in RESOLVABLE_FIRST)


def _where(mark) -> tuple[int, int]:
    """A libyaml mark as (line, column), 1-based."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Lines:
    """Marks as an editor counts lines, from their character index (see the module's doc)."""

    def __init__(self, text: str):
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def at(self, index: int) -> tuple[int, int]:
        """The 0-based line and column of a character index."""
        line = bisect.bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]

    def mark(self, mark):
        return yaml.Mark(mark.name, mark.index, *self.at(mark.index), None, 0)

    def where(self, mark) -> tuple[int, int]:
        return _where(self.mark(mark) if mark is not None else None)


class _Events:
    def __init__(
        self,
        text: str,
        report: Report,
        lines: _Lines | None = None,
        on_plain: Callable | None = None,
        first_index: int = 0,
    ):
        self.loader = Loader(text)
        self.next = self.live = self.loader.get_event if lines is None else self.remarked
        self.lines = lines
        self.report = report
        self.depth = 0
        self.on_plain = on_plain
        self.first_index = first_index  # the number of the stream's first item
        self.kept: list = []  # the events of the item read as plain data, to read it as a node
        self.id_line = 0

    def remarked(self):
        """The next event, its marks recomputed (only for a text with NEL, LS or PS)."""
        assert self.lines is not None
        event = self.loader.get_event()
        event.start_mark, event.end_mark = self.lines.mark(event.start_mark), self.lines.mark(event.end_mark)
        return event

    def deeper(self, event) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = _("nested more than {depth} levels deep: a deck needs far fewer")
            self.report(*_where(event.start_mark), message.format(depth=MAX_DEPTH))
            raise Reported

    def expect(self, kind) -> None:
        event = self.next()
        assert isinstance(event, kind), event  # libyaml guarantees the stream's shape

    def node(self, event) -> Node:
        if type(event) is ScalarEvent:
            return self.scalar(event)
        if isinstance(event, SequenceStartEvent):
            refused = self.unsafe(event, "seq")
            self.deeper(event)
            items = []
            while not isinstance(child := self.next(), SequenceEndEvent):
                items.append(self.node(child))
            self.depth -= 1
            return refused or Seq(event.start_mark, items, bool(event.flow_style), child.end_mark)
        if isinstance(event, MappingStartEvent):
            return self.mapping(event, None, None)
        assert isinstance(event, AliasEvent), event
        message = _("YAML aliases (*name) are not allowed in decks: write the value out")
        self.report(*_where(event.start_mark), message)
        return Refused(event.start_mark)

    def mapping(self, event, stream_key: str | None, on_item) -> Node:
        refused = self.unsafe(event, "map")
        self.deeper(event)
        pairs = []
        while type(key_event := self.next()) is not MappingEndEvent:
            # Keys are looked up as strings: `1:` or `true:` is simply an unknown key.
            if type(key_event) is ScalarEvent and key_event.tag is None:
                key: Node = Scalar(key_event.start_mark, key_event.value, "str", key_event.end_mark)
            else:
                key = self.node(key_event)
            value_event = self.next()
            if type(value_event) is ScalarEvent:
                value = self.scalar(value_event)
            elif (
                stream_key
                and isinstance(key, Scalar)
                and key.value == stream_key
                and type(value_event) is SequenceStartEvent
            ):
                value = self.stream(value_event, on_item)
            else:
                value = self.node(value_event)
            pairs.append((key, value))
        self.depth -= 1
        return refused or Map(event.start_mark, pairs, bool(event.flow_style), key_event.end_mark)

    def stream(self, event, on_item) -> Node:
        self.deeper(event)
        index = self.first_index
        while type(child := self.next()) is not SequenceEndEvent:
            if self.on_plain is None or not self.plain_item(child, index):
                on_item(self.node(child), index)
                self.next = self.live
            index += 1
        self.depth -= 1
        return self.unsafe(event, "seq") or Seq(
            event.start_mark, [None] * (index - self.first_index), bool(event.flow_style), child.end_mark
        )

    def scalar(self, event) -> Node:
        if event.tag is None or event.tag == "!":
            return Scalar(event.start_mark, event.value, _implicit_kind(event), event.end_mark)
        return self.unsafe(event, None) or Scalar(
            event.start_mark, event.value, event.tag.removeprefix(YAML_TAG), event.end_mark
        )

    def plain_item(self, event, index: int) -> bool:
        """Whether on_plain took the item `event` starts, as plain data; if not, its events
        read so far are read again as nodes, then the rest of it."""
        on_plain, depth = self.on_plain, self.depth
        assert on_plain is not None  # stream() asks only then
        self.kept = []
        try:
            if on_plain(self.value(event, top=True), index, event.start_mark.line + 1, self.id_line):
                return True
        except _Unplain:
            self.depth = depth
        self.next = itertools.chain(self.kept[1:], iter(self.live, None)).__next__  # until stream() is back
        return False

    def value(self, event, top: bool = False) -> str | list | dict:
        """An item as `plain` makes its node, where the node holds texts only (no tag, no alias,
        no key twice), else _Unplain; each event kept, for the node it may be read as after
        all. A mapping's value or a list's item that is text for certain (quoted, or plain and
        starting with what no resolver reads) is taken here, not by a call of its own:
        benchmarks/run.py's 100k-card deck loaded in 1.55 s, not 1.61 (medians of 9, alternating)."""
        kept, next_event = self.kept, self.next
        kept.append(event)
        kind = type(event)
        if kind is ScalarEvent:
            if _text(event):
                return event.value
        elif kind is MappingStartEvent and event.tag is None and self.depth < MAX_DEPTH:
            self.depth += 1
            data: dict = {}
            while type(key := next_event()) is not MappingEndEvent:
                kept.append(key)
                if type(key) is not ScalarEvent or key.tag is not None or key.value in data:
                    raise _Unplain
                value = next_event()
                if top and key.value == "id":
                    self.id_line = value.start_mark.line + 1
                if type(value) is ScalarEvent and value.tag is None and _surely_text(value):
                    kept.append(value)
                    data[key.value] = value.value
                else:
                    data[key.value] = self.value(value)
            kept.append(key)
            self.depth -= 1
            return data
        elif kind is SequenceStartEvent and event.tag is None and self.depth < MAX_DEPTH:
            self.depth += 1
            items: list = []
            while type(item := next_event()) is not SequenceEndEvent:
                if type(item) is ScalarEvent and item.tag is None and _surely_text(item):
                    kept.append(item)
                    items.append(item.value)
                else:
                    items.append(self.value(item))
            kept.append(item)
            self.depth -= 1
            return items
        raise _Unplain

    def unsafe(self, event, expected: str | None) -> Refused | None:
        """A Refused node if the event carries a tag decks may not use."""
        tag = event.tag
        if (
            tag is None
            or tag == "!"
            or tag == YAML_TAG + (expected or "")
            or (expected is None and tag.removeprefix(YAML_TAG) in SCALAR_TAGS)
        ):
            return None
        self.report(*_where(event.start_mark), _("tag {tag} is not allowed in decks").format(tag=repr(tag)))
        return Refused(event.start_mark)
