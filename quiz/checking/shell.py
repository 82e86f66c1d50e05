"""A command line split into words as a shell does: the one tokenizer of quiz.

The answer checker compares these words; the review's highlighter colours them as
they are typed (`spans`), so the two always agree on what a word is (`2>&1` is one
redirection, `'a b'` one word, `<name>` a placeholder).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

PLACEHOLDER = r"<[^\s<>|&;()'\"\\]+>"
_REDIRECT = r"&>>?|>>|>&\d*-?|<&\d*-?|>\||<<<|<<-?|<>|>|<"
_TOKEN = re.compile(
    rf"(?P<fd_redirect>\d+(?!{PLACEHOLDER})(?:{_REDIRECT}))"  # 2>&1, 2>file
    rf"|(?P<word>(?:{PLACEHOLDER}|'[^']*'?|\"(?:[^\"\\]|\\.)*\"?|\\.?|[^\s<>|&;()'\"\\]+)+)"
    rf"|(?P<redirect>{_REDIRECT})"
    rf"|(?P<operator>&&|\|\||\|&|;;|[|&;()])",
    re.DOTALL,
)
_QUOTED_PART = re.compile(r"'([^']*)'?|\"((?:[^\"\\]|\\.)*)\"?|\\(.?)|([^'\"\\]+)", re.DOTALL)
_DOUBLE_QUOTE_ESCAPE = re.compile(r"\\([$`\"\\])")
_QUOTING = re.compile(r"['\"\\]")
_PLACEHOLDER_IN_TEXT = re.compile(PLACEHOLDER)
_SHELL_SYNTAX = re.compile(r"['\"\\<>|&;()]")  # without any, words are split by spaces

SpanKind = Literal["space", "word", "redirect", "operator"]


class Word(NamedTuple):  # a named tuple: made by the thousand, cheap to build
    text: str  # what the program receives: quotes removed
    raw: str  # as written, for the diff
    pattern: re.Pattern | None = None  # set when the text has <placeholders>
    operator: bool = False  # a control operator (|, &&, ;) or a redirection (>, 2>&1)

    def accepts(self, typed: Word) -> bool:
        if typed.operator != self.operator:
            return False
        if self.pattern is None:
            return typed.text == self.text
        return self.pattern.fullmatch(typed.text) is not None


def make_word(text: str, raw: str | None = None) -> Word:
    pattern = None
    if "<" in text:
        pieces = _PLACEHOLDER_IN_TEXT.split(text)
        if len(pieces) > 1:  # each placeholder stands for some non-empty text
            pattern = re.compile(".+".join(map(re.escape, pieces)), re.DOTALL)
    return Word(text, text if raw is None else raw, pattern)


def tokenise(line: str) -> list[Word]:
    """The words of `line`, operators and redirections among them."""
    if not _SHELL_SYNTAX.search(line):
        return [Word(word, word) for word in line.split()]
    words = []
    for match in _TOKEN.finditer(line):
        raw = match.group()
        if match.lastgroup == "word":
            words.append(make_word(unquote(raw), raw))
        else:
            words.append(Word(raw, raw, operator=True))
    return words


def spans(line: str) -> list[tuple[SpanKind, str]]:
    """All of `line` in pieces, each with what it is: the words of `tokenise` (a redirection
    such as 2>&1 apart from the control operators) and the space between them."""
    pieces: list[tuple[SpanKind, str]] = []
    position = 0
    for match in _TOKEN.finditer(line):
        if match.start() > position:
            pieces.append(("space", line[position : match.start()]))
        kind = match.lastgroup
        pieces.append(("redirect" if kind == "fd_redirect" else kind, match.group()))  # type: ignore[arg-type]
        position = match.end()
    if position < len(line):
        pieces.append(("space", line[position:]))
    return pieces


def unquote(raw: str) -> str:
    if not _QUOTING.search(raw):
        return raw
    out = []
    for single, double, escaped, plain in _QUOTED_PART.findall(raw):
        out.append(single or _DOUBLE_QUOTE_ESCAPE.sub(r"\1", double) or escaped or plain)
    return "".join(out)
