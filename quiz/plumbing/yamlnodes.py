"""The located nodes quiz.plumbing.yamlread composes a YAML document into, and the error it
raises at a line and column. No PyYAML here: the nodes hold libyaml's marks as they come."""

from __future__ import annotations


class Node:
    __slots__ = ("mark",)  # libyaml's mark at the start; line and column are read for messages and spans

    def __init__(self, mark):
        self.mark = mark

    @property
    def line(self) -> int:
        return self.mark.line + 1

    @property
    def column(self) -> int:
        return self.mark.column + 1


class Scalar(Node):
    __slots__ = ("end", "kind", "value")  # kind: str, int, float, bool, null, timestamp...; end: libyaml's mark

    def __init__(self, mark, value: str, kind: str, end):
        # The hottest constructor of a large deck: no super() call.
        self.mark, self.value, self.kind, self.end = mark, value, kind, end


class Seq(Node):
    __slots__ = ("end", "flow", "items")  # flow: written [a, b]; end: the mark after it

    def __init__(self, mark, items: list, flow: bool, end):
        self.mark, self.items, self.flow, self.end = mark, items, flow, end


class Map(Node):
    __slots__ = ("end", "flow", "pairs")  # flow: written {a: b}; end: the mark after it

    def __init__(self, mark, pairs: list, flow: bool, end):
        self.mark, self.pairs, self.flow, self.end = mark, pairs, flow, end


class Refused(Node):
    """Where an alias or an unsafe tag stood: reported once, then skipped."""

    __slots__ = ()


class YamlError(ValueError):
    """What `compose`, `load` and `plain` raise: a problem at a line and column (1-based)."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(f"{line}:{column}: {message}")
        self.line, self.column, self.message = line, column, message
