"""A command line split into words as a shell does: the one tokenizer of quiz.

The answer checker compares these words; the review's highlighter colours them as
they are typed (`spans`), so the two always agree on what a word is (`2>&1` is one
redirection, `'a b'` one word, `<name>` a placeholder).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

PLACEHOLDER = r"<[^\s<>|&;()'\"\\]+>"
# $(cmd), $((1+2)) and `cmd` are one word, whatever they hold (one level of parentheses inside)
_SUBSTITUTION = r"\$\((?:[^()]+|\([^()]*\))*\)?|`[^`]*`?"
_PLAIN = r"(?:[^\s<>|&;()'\"\\`$]+|\$(?!\())+"  # runs, not one character at a time: 2x faster
_REDIRECT = r"&>>?|>>|>&\d*-?|<&\d*-?|>\||<<<|<<-?|<>|>|<"
_TOKEN = re.compile(
    rf"(?P<fd_redirect>\d+(?!{PLACEHOLDER})(?:{_REDIRECT}))"  # 2>&1, 2>file
    rf"|(?P<word>(?:{PLACEHOLDER}|{_SUBSTITUTION}|'[^']*'?|\"(?:[^\"\\]+|\\.)*\"?|\\.?|{_PLAIN})+)"
    rf"|(?P<redirect>{_REDIRECT})"
    rf"|(?P<operator>&&|\|\||\|&|;;|[|&;()])",
    re.DOTALL,
)
_QUOTED_PART = re.compile(
    rf"({_SUBSTITUTION})|'([^']*)'?|\"((?:[^\"\\]+|\\.)*)\"?|\\(.?)|((?:[^'\"\\`$]+|\$(?!\())+)", re.DOTALL
)
_DOUBLE_QUOTE_ESCAPE = re.compile(r"\\([$`\"\\])")
_QUOTING = re.compile(r"['\"\\`]")
_PLACEHOLDER_IN_TEXT = re.compile(PLACEHOLDER)
_REST = re.compile(rf"{PLACEHOLDER}\.\.\.|\[{PLACEHOLDER}\.\.\.\]")
_ANYTHING = re.compile(".+", re.DOTALL)
_GLOB = re.compile(r"[*?\[]")
_LITERAL = re.compile(r"[*?\[$`]")
_BACKTICKS = re.compile(r"`([^`]*)`?")
_SHELL_SYNTAX = re.compile(r"['\"\\<>|&;()`]")  # without any, words are split by spaces

SpanKind = Literal["space", "word", "redirect", "operator"]


class Word(NamedTuple):  # a named tuple: made by the thousand, cheap to build
    text: str  # what the program receives: quotes removed
    raw: str  # as written, for the diff
    pattern: re.Pattern | None = None  # set when the text has <placeholders>
    operator: bool = False  # a control operator (|, &&, ;) or a redirection (>, 2>&1)
    rest: bool = False  # <name>... : stands for the rest of the command, one word or more
    start: int = -1  # where it starts in the line, for the diff
    optional: bool = False  # [<name>...] : the rest of the command, zero words or more

    def accepts(self, typed: Word) -> bool:
        if typed.operator != self.operator:
            return False
        if self.pattern is None:
            return typed.text == self.text
        return self.pattern.fullmatch(typed.text) is not None


_new = tuple.__new__


def make_word(text: str, raw: str | None = None, start: int = -1) -> Word:
    pattern = None
    if text.endswith((">...", ">...]")) and _REST.fullmatch(text):
        optional = text.startswith("[")
        return Word(text, text if raw is None else raw, _ANYTHING, rest=True, start=start, optional=optional)
    if "<" in text:
        pieces = _PLACEHOLDER_IN_TEXT.split(text)
        if len(pieces) > 1:  # each placeholder stands for some non-empty text
            pattern = re.compile(".+".join(map(re.escape, pieces)), re.DOTALL)
    return Word(text, text if raw is None else raw, pattern, start=start)


def tokenise(line: str) -> list[Word]:
    """The words of `line`, operators and redirections among them."""
    if not _SHELL_SYNTAX.search(line):
        words, position, find = [], 0, line.find
        for text in line.split():  # split and find, and tuple.__new__ (Word's own __new__ is Python
            position = find(text, position)  # code): 2.5x faster than finditer and Word() (measured)
            words.append(_new(Word, (text, text, None, False, False, position, False)))
            position += len(text)
        return words
    words = []
    for match in _TOKEN.finditer(line):
        raw = match.group()
        if match.lastgroup == "word":
            words.append(make_word(unquote(raw), raw, match.start()))
        else:
            words.append(Word(raw, raw, operator=True, start=match.start()))
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
    for substitution, single, double, escaped, plain in _QUOTED_PART.findall(raw):
        if substitution:  # `cmd` is $(cmd)
            out.append(_BACKTICKS.sub(r"$(\1)", substitution))
        elif plain:
            out.append(plain)
        elif double:  # "$HOME" still expands, "*" does not: a quoted glob character is marked
            out.append(_GLOB.sub(r"\\\g<0>", _BACKTICKS.sub(r"$(\1)", _DOUBLE_QUOTE_ESCAPE.sub(r"\1", double))))
        else:  # '$HOME' and \$HOME do not expand either
            out.append(_LITERAL.sub(r"\\\g<0>", single or escaped))
    return "".join(out)
