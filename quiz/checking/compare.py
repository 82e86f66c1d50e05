"""Answer checking: does a typed answer say the same as the expected one?

Two kinds of answers:

- commands (``docker logs -f web``) are split into words as a shell does. A tool
  described by a table (``quiz/checking/command_tables/*.yaml``, or a deck's own ``tools:``) is
  compared as an invocation: the same command (aliases allowed), the same options
  in any order and spelling, the same arguments in the same order. Any other
  tool is compared word by word.
- text is compared ignoring case and surrounding whitespace, optionally accents.

Pure: no I/O except reading the bundled tables once, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from quiz.checking.shell import Word, make_word, tokenise
from quiz.checking.tables import Command, Option, Tool, ToolTable, as_tables, tool_index

__all__ = ["DiffPart", "Verdict", "compare", "lint_command"]

PartKind = Literal["same", "missing", "extra", "wrong"]


class DiffPart(NamedTuple):
    """One piece of the diff: a word, an option with its value, or a command path.

    ``expected`` is empty for an extra part, ``typed`` for a missing one.
    """

    kind: PartKind
    expected: str
    typed: str


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`compare`.

    For a command, ``diff`` follows its structure: tool, global options, command
    path, options (in the typed order, then the missing ones), arguments in order,
    then the command a wrapper (sudo) runs; shell operators in between. Where a
    tool has no table, and for text, one part per word.
    """

    correct: bool
    expected: str  # the accepted answer compared against: the matching or closest one
    diff: tuple[DiffPart, ...]

    @property
    def mistakes(self) -> int:
        return sum(part.kind != "same" for part in self.diff)


_SHORT_CLUSTER = re.compile(r"-[A-Za-z]{2,}")


# -------------------------------------------------------------- invocations


class _Given(NamedTuple):
    """An option as given: its canonical name, its value, and how it was written."""

    name: str
    value: Word | None
    raw: str

    def accepts(self, typed: _Given) -> bool:
        if self.name != typed.name or (self.value is None) != (typed.value is None):
            return False
        return self.value is None or typed.value is not None and self.value.accepts(typed.value)


@dataclass(frozen=True)
class _Literal:
    """Words compared one by one: no table for the tool, or the table rejects them."""

    words: tuple[Word, ...]
    problem: str | None = None  # why a known tool's table rejected them


@dataclass(frozen=True)
class _Invocation:
    words: tuple[Word, ...]
    head: tuple[str, ...]  # tool and canonical command path: ("docker", "ps")
    path_raw: str  # the command path as written: "container ls"
    global_options: tuple[_Given, ...]
    options: tuple[_Given, ...]
    args: tuple[Word, ...]
    inner: _Segment | None  # the command a wrapper runs


_Segment = _Literal | _Invocation
_Parsed = tuple[list[_Segment], list[Word]]  # simple commands, and the operators between them


class _Unparsable(Exception):
    pass


def _parse_segment(words: Sequence[Word], tools: Mapping[str, Tool]) -> _Segment:
    tool = tools.get(words[0].text) if words else None
    if tool is None:
        return _Literal(tuple(words))
    try:
        return _invocation(tuple(words), tool, tools)
    except _Unparsable as problem:
        return _Literal(tuple(words), str(problem))


def _invocation(words: tuple[Word, ...], tool: Tool, tools: Mapping[str, Tool]) -> _Invocation:
    name = words[0].text
    if tool.wrapper:
        own, _, end = _read_options(words, 1, tool.own, stop_at_arg=True, where=name)
        return _Invocation(words, (name,), "", (), own, (), _parse_segment(words[end:], tools))
    if not tool.commands:
        options, args, _ = _read_options(words, 1, tool.own, stop_at_arg=False, where=name)
        return _Invocation(words, (name,), "", (), options, args, None)
    global_options, _, start = _read_options(words, 1, tool.own, stop_at_arg=True, where=name)
    path, command, end = _find_command(words, start, tool)
    path_raw = " ".join(word.raw for word in words[start:end])
    options, args, _ = _read_options(words, end, command, stop_at_arg=False, where=f"{name} {path_raw}")
    return _Invocation(words, (name, *path), path_raw, global_options, options, args, None)


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
) -> tuple[tuple[_Given, ...], tuple[Word, ...], int]:
    """Read options and arguments from ``start``, as GNU getopt and Go's pflag do.

    With ``stop_at_arg``, stop before the first argument (global options, wrappers).
    """
    options: list[_Given] = []
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


def _read_option(words: tuple[Word, ...], i: int, spec: Mapping[str, Option], out: list[_Given], where: str) -> int:
    """Read the option (or cluster of short ones) at ``words[i]``; return the next index."""
    text = words[i].text
    if text.startswith("--"):
        spelling, equals, value = text.partition("=")
        option = _known(spec, spelling, where)
        if equals:  # kept as given even for a flag: --rm=true is not simplified
            out.append(_Given(option.name, make_word(value), words[i].raw))
            return i + 1
        if not option.takes_value:
            out.append(_Given(option.name, None, words[i].raw))
            return i + 1
        return _read_value(words, i, option, spelling, out, where)
    for k in range(1, len(text)):  # -ft = -f -t; -aG docker = -a -G docker; -n5 = -n 5
        spelling = "-" + text[k]
        option = _known(spec, spelling, where)
        if option.takes_value:
            attached = text[k + 1:]
            if attached:
                out.append(_Given(option.name, make_word(attached), spelling + attached))
                return i + 1
            return _read_value(words, i, option, spelling, out, where)
        out.append(_Given(option.name, None, spelling))
    return i + 1


def _read_value(words, i, option: Option, spelling: str, out: list[_Given], where: str) -> int:
    if i + 1 == len(words):
        raise _Unparsable(f"{where}: {spelling} needs a value")
    out.append(_Given(option.name, words[i + 1], f"{spelling} {words[i + 1].raw}"))
    return i + 2


def _known(spec: Mapping[str, Option], spelling: str, where: str) -> Option:
    option = spec.get(spelling)
    if option is None:
        raise _Unparsable(f"{where}: unknown option {spelling}")
    return option


def _parse_answer(line: str, tools: Mapping[str, Tool]) -> _Parsed:
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


# --------------------------------------------------------------------- diffs


def _diff_segment(expected: _Segment, typed: _Segment) -> list[DiffPart]:
    if not (isinstance(expected, _Invocation) and isinstance(typed, _Invocation)):
        return _diff_sequence(_literal_words(expected.words), _literal_words(typed.words))
    parts = [_pair(expected.head[0] == typed.head[0], expected.words[0].raw, typed.words[0].raw)]
    parts += _diff_options(expected.global_options, typed.global_options)
    if expected.path_raw or typed.path_raw:
        parts.append(_pair(expected.head[1:] == typed.head[1:], expected.path_raw, typed.path_raw))
    parts += _diff_options(expected.options, typed.options)
    parts += _diff_sequence(expected.args, typed.args)
    if expected.inner is not None or typed.inner is not None:
        parts += _diff_segment(expected.inner or _Literal(()), typed.inner or _Literal(()))
    return parts


def _pair(same: bool, expected: str, typed: str) -> DiffPart:
    if not expected or not typed:
        return DiffPart("missing" if expected else "extra", expected, typed)
    return DiffPart("same" if same else "wrong", expected, typed)


def _diff_options(expected: Sequence[_Given], typed: Sequence[_Given]) -> list[DiffPart]:
    """Options match in any order; the same option with another value is "wrong"."""
    found: dict[int, DiffPart] = {}  # index in typed -> its part
    # placeholder values last, so they do not take an option a literal value needs
    ordered = sorted(expected, key=lambda option: option.value is not None and option.value.pattern is not None)
    passes: tuple[tuple[PartKind, Callable[[_Given, _Given], bool]], ...] = (
        ("same", _Given.accepts), ("wrong", lambda e, t: e.name == t.name))
    for kind, matches in passes:
        unmatched = []
        for option in ordered:
            j = next((j for j, given in enumerate(typed) if j not in found and matches(option, given)), None)
            if j is None:
                unmatched.append(option)
            else:
                found[j] = DiffPart(kind, option.raw, typed[j].raw)
        ordered = unmatched
    missing = [DiffPart("missing", option.raw, "") for option in ordered]
    return [found.get(j) or DiffPart("extra", "", given.raw) for j, given in enumerate(typed)] + missing


def _diff_sequence(expected: Sequence[Word], typed: Sequence[Word]) -> list[DiffPart]:
    """Words in order (longest common subsequence); a replaced word is "wrong"."""
    n, m = len(expected), len(typed)
    if n == m and all(e.accepts(t) for e, t in zip(expected, typed)):
        return [DiffPart("same", e.raw, t.raw) for e, t in zip(expected, typed)]
    # common[i][j]: length of the longest common subsequence of expected[i:] and typed[j:]
    common = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if expected[i].accepts(typed[j]):
                common[i][j] = common[i + 1][j + 1] + 1
            else:
                common[i][j] = max(common[i + 1][j], common[i][j + 1])
    parts: list[DiffPart] = []
    missing: list[Word] = []
    extra: list[Word] = []

    def settle_unmatched() -> None:
        parts.extend(DiffPart("wrong", e.raw, t.raw) for e, t in zip(missing, extra))
        parts.extend(DiffPart("missing", e.raw, "") for e in missing[len(extra):])
        parts.extend(DiffPart("extra", "", t.raw) for t in extra[len(missing):])
        missing.clear()
        extra.clear()

    i = j = 0
    while i < n or j < m:
        if i < n and j < m and expected[i].accepts(typed[j]) and common[i][j] == common[i + 1][j + 1] + 1:
            settle_unmatched()
            parts.append(DiffPart("same", expected[i].raw, typed[j].raw))
            i, j = i + 1, j + 1
        elif j < m and (i == n or common[i][j + 1] >= common[i + 1][j]):
            extra.append(typed[j])
            j += 1
        else:
            missing.append(expected[i])
            i += 1
    settle_unmatched()
    return parts


def _literal_words(words: Iterable[Word]) -> list[Word]:
    """Words as written, but a cluster of letters (-la) split in place: -l -a."""
    out: list[Word] = []
    for word in words:
        if word.pattern is None and not word.operator and _SHORT_CLUSTER.fullmatch(word.text):
            out.extend(Word("-" + letter, "-" + letter) for letter in word.text[1:])
        else:
            out.append(word)
    return out


def _diff_command(expected: _Parsed, typed: _Parsed) -> list[DiffPart]:
    (expected_segments, expected_operators), (typed_segments, typed_operators) = expected, typed
    if [op.text for op in expected_operators] != [op.text for op in typed_operators]:
        # another pipeline or redirection: compare everything word by word
        return _diff_sequence(_flatten(expected_segments, expected_operators), _flatten(typed_segments, typed_operators))
    parts = _diff_segment(expected_segments[0], typed_segments[0])
    for operator, e, t in zip(expected_operators, expected_segments[1:], typed_segments[1:]):
        parts.append(DiffPart("same", operator.raw, operator.raw))
        parts += _diff_segment(e, t)
    return parts


def _flatten(segments: list[_Segment], operators: list[Word]) -> list[Word]:
    words = _literal_words(segments[0].words)
    for operator, segment in zip(operators, segments[1:]):
        words += [operator, *_literal_words(segment.words)]
    return words


def _fold(word: str, ignore_accents: bool) -> str:
    if not ignore_accents:
        return unicodedata.normalize("NFKC", word).casefold()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _diff_text(expected: str, typed: str, ignore_accents: bool) -> list[DiffPart]:
    def words(text: str) -> list[Word]:
        return [Word(_fold(word, ignore_accents), word) for word in text.split()]

    return _diff_sequence(words(expected), words(typed))


# ------------------------------------------------------------------- public


def _is_command(answer: str, tools: Mapping[str, Tool]) -> bool:
    words = answer.split()
    return bool(words) and (words[0] in tools or any(re.match(r"--?[A-Za-z]", word) for word in words))


def compare(
    expected: str | Sequence[str],
    typed: str,
    *,
    kind: Literal["auto", "command", "text"] = "auto",
    tools: ToolTable | Iterable[ToolTable] | None = None,
    ignore_accents: bool = False,
) -> Verdict:
    """Check ``typed`` against the expected answer, or any of a list of answers.

    ``kind``: "command" compares as shell commands (see the module docstring);
    "text" ignores case, repeated and surrounding whitespace, and with
    ``ignore_accents`` accents too (é = e); "auto" (default) takes an answer as a
    command when its first word is a known tool or one of its words is an option
    (-x, --name), else as text.

    ``tools``: extra tables from :func:`parse_tools` (a deck's ``tools:``), merged
    command by command over the bundled ones.

    In an expected command, ``<name>`` stands for any text: ``<container>`` accepts
    any one argument. With several answers the verdict is correct if any matches;
    otherwise its diff is against the closest one (fewest mistakes).
    """
    answers = [expected] if isinstance(expected, str) else list(expected)
    if not answers:
        raise ValueError("no expected answer to compare with")
    if kind not in ("auto", "command", "text"):
        raise ValueError(f'kind must be "auto", "command" or "text", not {kind!r}')
    index = tool_index(as_tables(tools))
    typed_command = None  # parsed once, for all the answers
    best: Verdict | None = None
    for answer in answers:
        if kind == "command" or (kind == "auto" and _is_command(answer, index)):
            typed_command = typed_command or _parse_answer(typed, index)
            parts = _diff_command(_parse_answer(answer, index), typed_command)
        else:
            parts = _diff_text(answer, typed, ignore_accents)
        verdict = Verdict(all(part.kind == "same" for part in parts), answer, tuple(parts))
        if verdict.correct:
            return verdict
        if best is None or verdict.mistakes < best.mistakes:
            best = verdict
    assert best is not None  # there was an answer
    return best


def lint_command(answer: str, tools: ToolTable | Iterable[ToolTable] | None = None) -> list[str]:
    """Why the tables cannot read a command answer (unknown option, unknown command...).

    An empty list means every known tool in it is compared by its table. Tools
    without a table are not problems: they are compared word by word.
    """
    segments, _ = _parse_answer(answer, tool_index(as_tables(tools)))
    problems = []
    for segment in segments:
        while isinstance(segment, _Invocation) and segment.inner is not None:
            segment = segment.inner  # the command a wrapper (sudo) runs
        if isinstance(segment, _Literal) and segment.problem:
            problems.append(segment.problem)
    return problems
