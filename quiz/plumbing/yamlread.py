"""Safe, lean YAML reading: libyaml's event stream composed into small located nodes.

Why not yaml.compose: on a 100k-card deck it takes ~3 s and 400 MB, while the
event stream takes ~1 s and stays small. Items of one top-level list (the
cards) are handed to a callback as they are read and then dropped, so memory
does not grow with the deck. Aliases are refused outright (no alias bombs) and
only the standard tags are accepted, so no Python object is ever built.
"""

from __future__ import annotations

from collections.abc import Callable

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

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {"str", "int", "float", "bool", "null"}
_resolve = yaml.resolver.Resolver().resolve
_RESOLVABLE_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


class Node:
    __slots__ = ("mark",)  # libyaml's mark; line and column are read only for messages

    def __init__(self, mark):
        self.mark = mark

    @property
    def line(self) -> int:
        return self.mark.line + 1

    @property
    def column(self) -> int:
        return self.mark.column + 1


class Scalar(Node):
    __slots__ = ("value", "kind")  # kind: str, int, float, bool or null

    def __init__(self, mark, value: str, kind: str):
        # The hottest constructor of a large deck: no super() call.
        self.mark, self.value, self.kind = mark, value, kind


class Seq(Node):
    __slots__ = ("items",)

    def __init__(self, mark, items: list):
        super().__init__(mark)
        self.items = items


class Map(Node):
    __slots__ = ("pairs",)

    def __init__(self, mark, pairs: list):
        super().__init__(mark)
        self.pairs = pairs


class Refused(Node):
    """Where an alias or an unsafe tag stood: reported once, then skipped."""

    __slots__ = ()


class Reported(Exception):
    """The stream cannot be read further; the problem has been reported."""


Report = Callable[[int, int, str], None]  # line, column, message


def read(text: str, report: Report, stream_key: str, on_item: Callable[[Node, int], None]) -> Node | None:
    """The document's root node, or None for an empty file.

    If the root is a mapping whose `stream_key` holds a list, each item goes to
    `on_item(node, index)` instead of being kept: the root keeps an empty Seq.
    """
    try:
        events = _Events(text, report)
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
            report(second.start_mark.line + 1, 1, "one deck per file: remove the second document (---)")
        return root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        report(mark.line + 1, mark.column + 1, f"YAML syntax error: {error.problem or error.context}")
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        report(line, column, f"character {error.character!r} is not allowed in YAML")
    raise Reported


class _Events:
    def __init__(self, text: str, report: Report):
        self.loader = Loader(text)
        self.next = self.loader.get_event
        self.report = report

    def expect(self, kind) -> None:
        event = self.next()
        assert isinstance(event, kind), event  # libyaml guarantees the stream's shape

    def node(self, event) -> Node:
        if type(event) is ScalarEvent:
            return self.scalar(event)
        if isinstance(event, SequenceStartEvent):
            refused = self.unsafe(event, "seq")
            items = []
            while not isinstance(child := self.next(), SequenceEndEvent):
                items.append(self.node(child))
            return refused or Seq(event.start_mark, items)
        if isinstance(event, MappingStartEvent):
            return self.mapping(event, None, None)
        assert isinstance(event, AliasEvent), event
        self.report(event.start_mark.line + 1, event.start_mark.column + 1,
                    "YAML aliases (*name) are not allowed in decks: write the value out")
        return Refused(event.start_mark)

    def mapping(self, event, stream_key: str | None, on_item) -> Node:
        refused = self.unsafe(event, "map")
        pairs = []
        while type(key_event := self.next()) is not MappingEndEvent:
            # Keys are looked up as strings: `1:` or `true:` is simply an unknown key.
            if type(key_event) is ScalarEvent and key_event.tag is None:
                key = Scalar(key_event.start_mark, key_event.value, "str")
            else:
                key = self.node(key_event)
            value_event = self.next()
            if type(value_event) is ScalarEvent:
                value = self.scalar(value_event)
            elif (stream_key and isinstance(key, Scalar) and key.value == stream_key
                    and type(value_event) is SequenceStartEvent):
                value = self.stream(value_event, on_item)
            else:
                value = self.node(value_event)
            pairs.append((key, value))
        return refused or Map(event.start_mark, pairs)

    def stream(self, event, on_item) -> Node:
        index = 0
        while type(child := self.next()) is not SequenceEndEvent:
            on_item(self.node(child), index)
            index += 1
        return self.unsafe(event, "seq") or Seq(event.start_mark, [None] * index)

    def scalar(self, event) -> Node:
        value = event.value
        if event.tag is None or event.tag == "!":
            # Only plain scalars starting with a resolver's first character can be non-text.
            if event.implicit[0] and (value[:1] in _RESOLVABLE_FIRST or not value):
                kind = _resolve(yaml.ScalarNode, value, event.implicit).removeprefix(YAML_TAG)
            else:
                kind = "str"
            return Scalar(event.start_mark, value, kind)
        return self.unsafe(event, None) or Scalar(event.start_mark, value, event.tag.removeprefix(YAML_TAG))

    def unsafe(self, event, expected: str | None) -> Refused | None:
        """A Refused node if the event carries a tag decks may not use."""
        tag = event.tag
        if tag is None or tag == "!" or tag == YAML_TAG + (expected or "") or (
                expected is None and tag.removeprefix(YAML_TAG) in SCALAR_TAGS):
            return None
        self.report(event.start_mark.line + 1, event.start_mark.column + 1, f"tag {tag!r} is not allowed in decks")
        return Refused(event.start_mark)
