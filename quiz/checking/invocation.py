"""A command line read the way its tool reads it: the tool and its command (aliases
resolved), the options in their canonical names with their values, the arguments in
order, and the command a wrapper (sudo) runs. Tools without a table, and lines a
table rejects, stay words compared one by one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from quiz.checking.shell import Word, make_word, tokenise
from quiz.checking.tables import Command, Option, Tool


class Given(NamedTuple):
    """An option as given: its canonical name, its value, and how it was written."""

    name: str
    value: Word | None
    raw: str

    def accepts(self, typed: Given) -> bool:
        if self.name != typed.name or (self.value is None) != (typed.value is None):
            return False
        return self.value is None or (typed.value is not None and self.value.accepts(typed.value))


@dataclass(frozen=True)
class WordByWord:
    """Words compared one by one: no table for the tool, or the table rejects them."""

    words: tuple[Word, ...]
    problem: str | None = None  # why a known tool's table rejected them


@dataclass(frozen=True)
class Invocation:
    words: tuple[Word, ...]
    head: tuple[str, ...]  # tool and canonical command path: ("docker", "ps")
    path_raw: str  # the command path as written: "container ls"
    global_options: tuple[Given, ...]
    options: tuple[Given, ...]
    args: tuple[Word, ...]
    inner: Segment | None  # the command a wrapper runs


Segment = WordByWord | Invocation
Parsed = tuple[list[Segment], list[Word]]  # simple commands, and the operators between them


class _Unparsable(Exception):
    pass


def _parse_segment(words: Sequence[Word], tools: Mapping[str, Tool]) -> Segment:
    tool = tools.get(words[0].text) if words else None
    if tool is None:
        return WordByWord(tuple(words))
    try:
        return _invocation(tuple(words), tool, tools)
    except _Unparsable as problem:
        return WordByWord(tuple(words), str(problem))


def _invocation(words: tuple[Word, ...], tool: Tool, tools: Mapping[str, Tool]) -> Invocation:
    name = words[0].text
    if tool.wrapper:
        own, _, end = _read_options(words, 1, tool.own, stop_at_arg=True, where=name)
        return Invocation(words, (name,), "", (), own, (), _parse_segment(words[end:], tools))
    if not tool.commands:
        options, args, _ = _read_options(words, 1, tool.own, stop_at_arg=False, where=name)
        return Invocation(words, (name,), "", (), options, args, None)
    global_options, _, start = _read_options(words, 1, tool.own, stop_at_arg=True, where=name)
    path, command, end = _find_command(words, start, tool)
    path_raw = " ".join(word.raw for word in words[start:end])
    options, args, _ = _read_options(words, end, command, stop_at_arg=False, where=f"{name} {path_raw}")
    return Invocation(words, (name, *path), path_raw, global_options, options, args, None)


def _find_command(words: tuple[Word, ...], start: int, tool: Tool) -> tuple[tuple[str, ...], Command, int]:
    if start == len(words):  # the bare tool: `docker --version`
        return (), Command({}), start
    for end in range(min(len(words), start + tool.longest_path), start, -1):
        path = tuple(word.text for word in words[start:end])
        path = tool.aliases.get(path, path)
        if path in tool.commands:
            return path, tool.commands[path], end
    raise _Unparsable(f'{words[0].text}: unknown command "{words[start].raw}"')


def _read_options(
    words: tuple[Word, ...], start: int, command: Command, stop_at_arg: bool, where: str
) -> tuple[tuple[Given, ...], tuple[Word, ...], int]:
    """Read options and arguments from ``start``, as GNU getopt and Go's pflag do.

    With ``stop_at_arg``, stop before the first argument (global options, wrappers).
    """
    options: list[Given] = []
    args: list[Word] = []
    only_args = False
    i = start
    while i < len(words):
        text = words[i].text
        if text == "--" and not only_args:
            only_args, i = True, i + 1
            if stop_at_arg:
                break
        elif only_args or text == "-" or not text.startswith("-"):
            if stop_at_arg:
                break
            args.append(words[i])
            only_args, i = only_args or command.options_first, i + 1
        else:
            i = _read_option(words, i, command.options, options, where)
    return tuple(options), tuple(args), i


def _read_option(words: tuple[Word, ...], i: int, spec: Mapping[str, Option], out: list[Given], where: str) -> int:
    """Read the option (or cluster of short ones) at ``words[i]``; return the next index."""
    text = words[i].text
    if text.startswith("--"):
        spelling, equals, value = text.partition("=")
        option = _known(spec, spelling, where)
        if equals:  # kept as given even for a flag: --rm=true is not simplified
            out.append(Given(option.name, make_word(value), words[i].raw))
            return i + 1
        if not option.takes_value:
            out.append(Given(option.name, None, words[i].raw))
            return i + 1
        return _read_value(words, i, option, spelling, out, where)
    for k in range(1, len(text)):  # -ft = -f -t; -aG docker = -a -G docker; -n5 = -n 5
        spelling = "-" + text[k]
        option = _known(spec, spelling, where)
        if option.takes_value:
            attached = text[k + 1 :]
            if attached:
                out.append(Given(option.name, make_word(attached), spelling + attached))
                return i + 1
            return _read_value(words, i, option, spelling, out, where)
        out.append(Given(option.name, None, spelling))
    return i + 1


def _read_value(words, i, option: Option, spelling: str, out: list[Given], where: str) -> int:
    if i + 1 == len(words):
        raise _Unparsable(f"{where}: {spelling} needs a value")
    out.append(Given(option.name, words[i + 1], f"{spelling} {words[i + 1].raw}"))
    return i + 2


def _known(spec: Mapping[str, Option], spelling: str, where: str) -> Option:
    option = spec.get(spelling)
    if option is None:
        raise _Unparsable(f"{where}: unknown option {spelling}")
    return option


def parse_answer(line: str, tools: Mapping[str, Tool]) -> Parsed:
    """Split at shell operators (|, &&, >, ...) and parse each simple command."""
    runs: list[list[Word]] = [[]]
    operators = []
    for word in tokenise(line):
        if word.operator:
            operators.append(word)
            runs.append([])
        else:
            runs[-1].append(word)
    return [_parse_segment(run, tools) for run in runs], operators
