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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from quiz.checking.invocation import (
    Given,
    Invocation,
    Parsed,
    Segment,
    WordByWord,
    generic_pair,
    parse_answer,
    runs,
)
from quiz.checking.keys import key_words
from quiz.checking.knowledge import Tools, as_tables, tool_index
from quiz.checking.shell import Word
from quiz.checking.tables import ToolTable

__all__ = ["DiffPart", "Verdict", "compare", "lint_command"]

PartKind = Literal["same", "missing", "extra", "wrong"]


class DiffPart(NamedTuple):
    """One piece of the diff: a word, an option with its value, or a command path.

    ``expected`` is empty for an extra part, ``typed`` for a missing one.
    """

    kind: PartKind
    expected: str
    typed: str
    at: int = -1  # where the typed word it comes from starts in the typed line
    expected_at: int = -1  # where the expected word it comes from starts in the answer


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
    hint: Literal["dash"] | None = None  # "dash": an en or em dash typed where -- was meant

    @property
    def mistakes(self) -> int:
        return sum(part.kind != "same" for part in self.diff)


_DASHES = re.compile("[\u2012-\u2015\u2212]")  # figure, en and em dashes, the minus sign
Kind = Literal["auto", "command", "text", "keys"]
KINDS: tuple[Kind, ...] = ("auto", "command", "text", "keys")


# --------------------------------------------------------------------- diffs


def _diff_segment(expected: Segment, typed: Segment) -> list[DiffPart]:
    if isinstance(expected, WordByWord) and isinstance(typed, WordByWord) and not expected.problem:
        pair = generic_pair(expected, typed)  # a tool without a table
        if pair is not None:
            expected, typed = pair
    if not (isinstance(expected, Invocation) and isinstance(typed, Invocation)):
        return _diff_sequence(list(expected.words), list(typed.words))
    open_ended = bool(expected.args) and expected.args[-1].rest  # <args>... takes any options too
    parts = [_pair(expected.head[0] == typed.head[0], expected.words[0], typed.words[0])]
    parts += _diff_options(expected.global_options, typed.global_options, open_ended)  # (no meanings)
    if expected.path_raw or typed.path_raw:
        parts.append(_pair(expected.head[1:] == typed.head[1:], _path_word(expected), _path_word(typed)))
    parts += _diff_options(expected.options, typed.options, open_ended, typed)
    parts += _diff_sequence(expected.args, typed.args)
    if expected.inner is not None or typed.inner is not None:
        parts += _diff_segment(expected.inner or WordByWord(()), typed.inner or WordByWord(()))
    return parts


def _path_word(invocation: Invocation) -> Word:
    """The command path as one word, where its first word stands (after any global options)."""
    first = invocation.path_raw.split(" ", 1)[0]
    start = next((w.start for w in invocation.words[1:] if first and w.raw == first), -1)
    return Word(invocation.path_raw, invocation.path_raw, start=start)


def _pair(same: bool, expected: Word, typed: Word) -> DiffPart:
    if not expected.raw or not typed.raw:
        kind: PartKind = "missing" if expected.raw else "extra"
        return DiffPart(kind, expected.raw, typed.raw, typed.start, expected.start)
    return DiffPart("same" if same else "wrong", expected.raw, typed.raw, typed.start, expected.start)


def _diff_options(
    expected: Sequence[Given], typed: Sequence[Given], open_ended: bool = False, line: Invocation | None = None
) -> list[DiffPart]:
    """Options match in any order; the same option with another value is "wrong".
    ``open_ended``: the answer ends in <args>..., so other typed options are fine. ``line``
    (the typed one) may add options its options imply or its command finds incidental, and
    need not give those its options imply."""
    found: dict[int, DiffPart] = {}  # index in typed -> its part
    # placeholder values last, so they do not take an option a literal value needs
    ordered = sorted(expected, key=lambda option: option.value is not None and option.value.pattern is not None)
    passes: tuple[tuple[PartKind, Callable[[Given, Given], bool]], ...] = (
        ("same", Given.accepts),
        ("wrong", lambda e, t: e.name == t.name),
    )
    for kind, matches in passes:
        unmatched = []
        for option in ordered:
            j = next((j for j, given in enumerate(typed) if j not in found and matches(option, given)), None)
            if j is None:
                unmatched.append(option)
            else:
                value = typed[j].value  # another value: the value is what is wrong
                at = value.start if kind == "wrong" and value is not None and value.start >= 0 else typed[j].at
                found[j] = DiffPart(kind, option.raw, typed[j].raw, at, option.at)
        ordered = unmatched
    implied = line.implied if line is not None else frozenset()
    allowed = implied | line.incidental if line is not None else frozenset()
    missing = [DiffPart("missing", option.raw, "", -1, option.at) for option in ordered if option.name not in implied]

    def extra(given: Given) -> DiffPart:
        return DiffPart("same" if open_ended or given.name in allowed else "extra", "", given.raw, given.at)

    return [found.get(j) or extra(t) for j, t in enumerate(typed)] + missing


def _diff_sequence(expected: Sequence[Word], typed: Sequence[Word]) -> list[DiffPart]:
    """Words in order (longest common subsequence); a replaced word is "wrong".
    A last expected word <name>... takes all the typed words left, one or more; [<name>...]
    zero or more."""
    if expected and expected[-1].rest:
        head = _diff_sequence(expected[:-1], typed[: max(len(expected) - 1, 0)])
        rest = typed[len(expected) - 1 :]
        if not rest:
            return (
                head
                if expected[-1].optional
                else [*head, DiffPart("missing", expected[-1].raw, "", -1, expected[-1].start)]
            )
        last = expected[-1]
        return head + [
            DiffPart("same", last.raw if k == 0 else "", t.raw, t.start, last.start) for k, t in enumerate(rest)
        ]
    n, m = len(expected), len(typed)
    if n == m and all(e.accepts(t) for e, t in zip(expected, typed)):
        return [DiffPart("same", e.raw, t.raw, t.start, e.start) for e, t in zip(expected, typed)]
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
        parts.extend(DiffPart("wrong", e.raw, t.raw, t.start, e.start) for e, t in zip(missing, extra))
        parts.extend(DiffPart("missing", e.raw, "", -1, e.start) for e in missing[len(extra) :])
        parts.extend(DiffPart("extra", "", t.raw, t.start) for t in extra[len(missing) :])
        missing.clear()
        extra.clear()

    i = j = 0
    while i < n or j < m:
        if i < n and j < m and expected[i].accepts(typed[j]) and common[i][j] == common[i + 1][j + 1] + 1:
            settle_unmatched()
            parts.append(DiffPart("same", expected[i].raw, typed[j].raw, typed[j].start, expected[i].start))
            i, j = i + 1, j + 1
        elif j < m and (i == n or common[i][j + 1] >= common[i + 1][j]):
            extra.append(typed[j])
            j += 1
        else:
            missing.append(expected[i])
            i += 1
    settle_unmatched()
    return parts


def _diff_command(expected: Parsed, typed: Parsed) -> list[DiffPart]:
    (expected_segments, expected_operators), (typed_segments, typed_operators) = expected, typed
    if [op.text for op in expected_operators] != [op.text for op in typed_operators]:
        # another pipeline or redirection: compare everything word by word
        return _diff_sequence(
            _flatten(expected_segments, expected_operators), _flatten(typed_segments, typed_operators)
        )
    parts = _diff_segment(expected_segments[0], typed_segments[0])
    for operator, typed_operator, e, t in zip(
        expected_operators, typed_operators, expected_segments[1:], typed_segments[1:]
    ):
        parts.append(DiffPart("same", operator.raw, typed_operator.raw, typed_operator.start, operator.start))
        parts += _diff_segment(e, t)
    return parts


def _flatten(segments: list[Segment], operators: list[Word]) -> list[Word]:
    words = list(segments[0].words)
    for operator, segment in zip(operators, segments[1:]):
        words += [operator, *list(segment.words)]
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


def _is_command(answer: str, tools: Tools) -> bool:
    words = answer.split()
    return bool(words) and (words[0] in tools or any(re.match(r"--?[A-Za-z]", word) for word in words))


def compare(
    expected: str | Sequence[str],
    typed: str,
    *,
    kind: Kind = "auto",
    tools: ToolTable | Iterable[ToolTable] | None = None,
    ignore_accents: bool = False,
) -> Verdict:
    """Check ``typed`` against the expected answer, or any of a list of answers.

    ``kind``: "command" compares as shell commands (see the module docstring);
    "text" ignores case, repeated and surrounding whitespace, and with
    ``ignore_accents`` accents too (é = e); "keys" compares key sequences (vim's
    ``ciw``, tmux's ``Ctrl-b d``) key by key; "auto" (default) takes an answer as a
    command when its first word is a known tool or one of its words is an option
    (-x, --name), else as text.

    ``tools``: extra tables from :func:`parse_tools` (a deck's ``tools:``), merged
    command by command over the bundled ones.

    In an expected command, ``<name>`` stands for any text: ``<container>`` accepts
    any one argument, and a last ``<args>...`` the rest of the command, options
    included. With several answers the verdict is correct if any matches;
    otherwise its diff is against the closest one (fewest mistakes).
    """
    answers = [expected] if isinstance(expected, str) else list(expected)
    if not answers:
        raise ValueError("no expected answer to compare with")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    index = tool_index(as_tables(tools))
    typed_command = None  # parsed once, for all the answers
    best: Verdict | None = None
    for answer in answers:
        if kind == "keys":
            parts = _diff_sequence(key_words(answer), key_words(typed))
        elif kind == "command" or (kind == "auto" and _is_command(answer, index)):
            typed_command = typed_command or parse_answer(typed, index)
            parts = _diff_command(parse_answer(answer, index), typed_command)
        else:
            parts = _diff_text(answer, typed, ignore_accents)
        correct = all(part.kind == "same" for part in parts)
        hint: Literal["dash"] | None = (
            "dash" if not correct and _DASHES.search(typed) and not _DASHES.search(answer) else None
        )
        verdict = Verdict(correct, answer, tuple(parts), hint)
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
    segments, _ = parse_answer(answer, tool_index(as_tables(tools)))
    problems = []
    for segment in segments:
        run = runs(segment)[-1]  # the command a wrapper (sudo) runs
        if isinstance(run, WordByWord) and run.problem:
            problems.append(run.problem)
    return problems
