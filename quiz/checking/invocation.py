"""A command line read the way its tool reads it: the tool and its command (aliases
resolved), the options in their canonical names with their values, the arguments in
order (synonyms, image references and ``./`` made canonical), and the command a
wrapper (sudo) runs.

A tool without a table is read by the generic rule (:func:`generic_pair`), which knows
only what the expected answer itself shows. Lines a table rejects stay words compared
one by one."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from quiz.checking.shell import PLACEHOLDER, Word, make_word, tokenise
from quiz.checking.tables import Command, Option, Tool


class ToolLookup(Protocol):
    def get(self, name: str) -> Tool | None: ...


class Given(NamedTuple):
    """An option as given: its canonical name, its value, and how it was written."""

    name: str
    value: Word | None
    raw: str
    at: int = -1  # where the word it was read from starts in the line

    def accepts(self, typed: Given) -> bool:
        if self.name != typed.name or (self.value is None) != (typed.value is None):
            return False
        return self.value is None or (typed.value is not None and self.value.accepts(typed.value))


@dataclass(frozen=True)
class WordByWord:
    """Words compared one by one: the table rejects them (``problem`` says why), or the
    generic rule does not apply."""

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
    implied: frozenset[str] = frozenset()  # options its options turn on (docker ps -l: --all)
    incidental: frozenset[str] = frozenset()  # options an answer may add (its command's incidental)


Segment = WordByWord | Invocation
Parsed = tuple[list[Segment], list[Word]]  # simple commands, and the operators between them


class _Unparsable(Exception):
    pass


_DASH_VALUE = re.compile(r"-([0-9]+|[A-Z][A-Z0-9+-]*)")
_NO_COMMAND = Command({})
_ONE_PLACEHOLDER = re.compile(rf"{PLACEHOLDER}(?:\.\.\.)?|\[{PLACEHOLDER}\.\.\.\]")


def _parse_segment(words: Sequence[Word], tools: ToolLookup) -> Segment:
    tool = tools.get(words[0].text) if words else None
    if tool is None:
        return WordByWord(tuple(words))
    try:
        return _invocation(tuple(words), tool, tools)
    except _Unparsable as problem:
        return WordByWord(tuple(words), str(problem))


def _invocation(words: tuple[Word, ...], tool: Tool, tools: ToolLookup) -> Invocation:
    name = words[0].text
    if tool.wrapper:
        own, _, end = _read_options(words, 1, tool.own, where=name, stop_at_arg=True)
        return Invocation(words, (name,), "", (), own, (), _parse_segment(words[end:], tools))
    if not tool.commands:
        first: list[Given] = []
        start = _old_style(words, tool.own, first, name) if tool.old_style else 1
        options, args, _ = _read_options(words, start, tool.own, where=name, equals=tool.equals)
        options = (*first, *options)
        return Invocation(words, (name,), "", (), options, args, None, *_meaning(options, tool.own))
    global_options, _, start = _read_options(words, 1, tool.own, where=name, stop_at_arg=True, equals=tool.equals)
    path, command, end = _find_command(words, start, tool)
    path_raw = " ".join(word.raw for word in words[start:end])
    options, args, _ = _read_options(words, end, command, where=f"{name} {path_raw}", equals=tool.equals)
    if tool.options_everywhere:  # one set of options, wherever they stand
        global_options, options = (), (*global_options, *options)
    return Invocation(words, (name, *path), path_raw, global_options, options, args, None, *_meaning(options, command))


def _meaning(options: Sequence[Given], command: Command) -> tuple[frozenset[str], frozenset[str]]:
    """What the options turn on, and what an answer may add (Invocation.implied, .incidental)."""
    implied = frozenset(name for given in options for name in command.implies.get(given.name, ()))
    return implied, command.incidental


def _find_command(words: tuple[Word, ...], start: int, tool: Tool) -> tuple[tuple[str, ...], Command, int]:
    if start == len(words):  # the bare tool: `docker --version`
        return (), _NO_COMMAND, start
    for end in range(min(len(words), start + tool.longest_path), start, -1):
        path = tuple(word.text for word in words[start:end])
        path = tool.aliases.get(path, path)
        if path in tool.commands:
            return path, tool.command(path), end
    raise _Unparsable(f'{words[0].text}: unknown command "{words[start].raw}"')


def _old_style(words: tuple[Word, ...], command: Command, out: list[Given], where: str) -> int:
    """``tar xzf a.tgz``: a first word without a dash is a cluster of short options, whose
    values follow it in order. Returns where the rest starts."""
    if len(words) < 2 or words[1].text.startswith("-") or not words[1].text.isalpha():
        return 1
    spellings = ["-" + letter for letter in words[1].text]
    if not all(spelling in command.options for spelling in spellings):
        return 1
    i = 2
    for spelling in spellings:
        option = command.options[spelling]
        if option.takes_value:
            if i == len(words):
                raise _Unparsable(f"{where}: {spelling} needs a value")
            out.append(
                Given(
                    option.name,
                    _canonical(words[i], command, option.image),
                    f"{spelling[1:]} {words[i].raw}",
                    words[1].start,
                )
            )
            i += 1
        else:
            out.append(Given(option.name, None, spelling[1:], words[1].start))
    return i


def _read_options(
    words: tuple[Word, ...],
    start: int,
    command: Command,
    where: str,
    stop_at_arg: bool = False,
    equals: bool = True,
    lenient: bool = False,
) -> tuple[tuple[Given, ...], tuple[Word, ...], int]:
    """Read options and arguments from ``start``, as GNU getopt and Go's pflag do.

    With ``stop_at_arg``, stop before the first argument (global options, wrappers).
    ``equals``: --opt=value is read. ``lenient`` takes an unknown option for a flag
    instead of rejecting the line.
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
            only_args, i = only_args or len(args) == command.options_first, i + 1
        else:
            i = _read_option(words, i, command, options, where, equals, lenient)
    if command.same:  # -n 1 is -l; --signal KILL is what kill sends anyway
        options = [meant for given in options if (meant := _same(given, command)) is not None]
    first_image = command.images == "first" and bool(args)
    canonical = tuple(_canonical(word, command, image=first_image and k == 0) for k, word in enumerate(args))
    return tuple(options), canonical, i


def _read_option(
    words: tuple[Word, ...], i: int, command: Command, out: list[Given], where: str, equals, lenient
) -> int:
    """Read the option (or cluster of short ones) at ``words[i]``; return the next index."""
    text, spec = words[i].text, command.options
    whole = spec.get(text)
    if whole is not None:  # the whole word is a spelling: -p, --rm, -name, -np
        return _take(words, i, whole, text, out, where, command)
    if text[1] == "-":
        spelling, has_value, value = text.partition("=") if equals else (text, "", "")
        option = _known(spec, spelling, where, lenient)
        if has_value:  # kept as given even for a flag: --rm=true is not simplified
            value_word = _canonical(make_word(value), command, option.image)
            out.append(Given(option.name, value_word, words[i].raw, words[i].start))
            return i + 1
        return _take(words, i, option, spelling, out, where, command)
    if command.dash_value is not None and _DASH_VALUE.fullmatch(text) and not _is_cluster(text, spec):
        out.append(
            Given(command.dash_value.name, _canonical(make_word(text[1:]), command), words[i].raw, words[i].start)
        )
        return i + 1
    for k in range(1, len(text)):  # -ft = -f -t; -aG docker = -a -G docker; -n5 = -n 5
        spelling = "-" + text[k]
        option = spec.get(spelling) or _known(spec, spelling, where, lenient)
        if option.takes_value:
            attached = text[k + 1 :]
            if attached or option.optional:  # -n5; -i.bak or a bare -i for an optional value
                given = _canonical(make_word(attached), command, option.image) if attached else None
                out.append(Given(option.name, given, spelling + attached, words[i].start))
                return i + 1
            return _take(words, i, option, spelling, out, where, command)
        out.append(Given(option.name, None, spelling, words[i].start))
    return i + 1


def _same(given: Given, command: Command) -> Given | None:
    """The option as the table's ``same`` says it: another option, or None for a default."""
    key = (given.name, None if given.value is None else given.value.text)
    if key not in command.same:
        return given
    meaning = command.same[key]
    if meaning is None:
        return None
    name, value = meaning
    return Given(name, None if value is None else make_word(value), given.raw, given.at)


def _is_cluster(text: str, spec: Mapping[str, Option]) -> bool:
    """Whether ``-abc`` reads as short options of ``spec`` (up to one that takes the rest)."""
    for letter in text[1:]:
        option = spec.get("-" + letter)
        if option is None:
            return False
        if option.takes_value:
            return True
    return True


def _take(words, i: int, option: Option, spelling: str, out: list[Given], where: str, command: Command) -> int:
    """The option at words[i], with the next word as its value if it takes one."""
    if not option.takes_value or option.optional:
        out.append(Given(option.name, None, words[i].raw, words[i].start))
        return i + 1
    if i + 1 == len(words):
        raise _Unparsable(f"{where}: {spelling} needs a value")
    value = _canonical(words[i + 1], command, option.image)
    out.append(Given(option.name, value, f"{spelling} {words[i + 1].raw}", words[i].start))
    return i + 2


def _known(spec: Mapping[str, Option], spelling: str, where: str, lenient: bool) -> Option:
    option = spec.get(spelling)
    if option is None:
        if lenient:
            return Option(spelling, False)
        raise _Unparsable(f"{where}: unknown option {spelling}")
    return option


# ---------------------------------------------------------------- canonical words


def _canonical(word: Word, command: Command, image: bool = False) -> Word:
    """The word as the tool means it: ``./`` is ``.`` and ``./x`` is ``x``; a synonym (``po``, also in
    ``po/web``) its canonical word; an image reference in full."""
    text = word.text
    if word.pattern is not None and _ONE_PLACEHOLDER.fullmatch(text):
        return word  # <image> stands for any image, however written
    if text.startswith("./"):  # ./ is ., ./x is x
        text = text[2:] or "."
    synonyms = command.synonyms
    if synonyms:
        kind, slash, name = text.partition("/")
        if kind in synonyms:
            text = synonyms[kind] + slash + name
    if image or command.images == "all":
        text = image_reference(text)
    if text == word.text:
        return word
    return make_word(text, word.raw, word.start)


def image_reference(text: str) -> str:
    """An image reference in full, as Docker resolves it: ``ubuntu`` is
    ``docker.io/library/ubuntu:latest``, ``me/app`` is ``docker.io/me/app:latest``, and so
    is ``docker.io/me/app``."""
    if not text or text.startswith("-") or any(c.isspace() or c.isupper() for c in text):
        return text  # not a reference: left alone
    name, at, digest = text.partition("@")
    first, slash, _ = name.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost" and "<" not in first):
        name = "docker.io/" + (name if slash else "library/" + name)
    elif first in ("docker.io", "index.docker.io"):  # docker.io/ubuntu is docker.io/library/ubuntu
        path = name[len(first) + 1 :]
        name = "docker.io/" + (path if "/" in path else "library/" + path)
    if not at and ":" not in name.rpartition("/")[2]:
        name += ":latest"
    return name + at + digest


# ---------------------------------------------------------------- the generic rule


def generic_pair(expected: WordByWord, typed: WordByWord) -> tuple[Invocation, Invocation] | None:
    """Both lines of a tool without a table, read with what the lines themselves show:
    their flags in any order before the first argument, short flags bundled in any order,
    ``--opt=value`` = ``--opt value`` where either line writes ``--opt=value``. Nothing
    after the first argument moves. None when the lines name different tools."""
    if not expected.words or not typed.words or expected.words[0].text != typed.words[0].text:
        return None
    takes_value = {
        word.text.partition("=")[0]
        for word in (*expected.words, *typed.words)
        if word.text.startswith("--") and "=" in word.text
    }
    command = Command({spelling: Option(spelling, True) for spelling in takes_value}, options_first=1)
    pair = []
    for line in (expected, typed):
        words = tuple(_split_equals(line.words))
        options, args, _ = _read_options(words, 1, command, where="", lenient=True)
        pair.append(Invocation(words, (words[0].text,), "", (), options, args, None))
    return pair[0], pair[1]


def runs(segment: Segment) -> list[Segment]:
    """The segment and the commands its wrappers run, outermost first: sudo -u x docker ps
    is [the sudo invocation, the docker one]."""
    chain = [segment]
    while isinstance(chain[-1], Invocation) and chain[-1].inner is not None:
        chain.append(chain[-1].inner)
    return chain


def _split_equals(words: Sequence[Word]) -> list[Word]:
    """--opt=value as the two words --opt value, so that the two spellings compare alike
    after the first argument too."""
    out = []
    for word in words:
        spelling, equals, value = word.text.partition("=")
        if equals and spelling.startswith("--") and len(spelling) > 2:
            out += [Word(spelling, spelling, start=word.start), make_word(value, value, word.start)]
        else:
            out.append(word)
    return out


def parse_answer(line: str, tools: ToolLookup) -> Parsed:
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
