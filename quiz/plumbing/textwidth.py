"""Text as the terminal shows it: measured in cells by wcwidth alone (the one width function
of quiz: CJK characters take two cells, accents and zero-width characters none), and made
`visible` (the one function that keeps deck text from driving the terminal).

wcwidth takes 30-60 ms to import, so it is imported on first use, not by `quiz --help`."""

from __future__ import annotations

import re

# What a terminal obeys instead of showing: C0 but tab and newline (ESC starts the sequences
# that retitle, clear or hyperlink; CR and BS overwrite what is shown), DEL, C1 (U+009B is
# CSI on its own), and the bidi overrides and isolates, which reorder what is shown (a
# command that reads as another).
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with each such character written as its escape, `\\u001b`: what a YAML double-
    quoted string reads back (so a deck's author sees how to write it) and a JSON escape too
    (so `visible(json.dumps(...))` stays the same JSON). Tab and newline stay; the result has
    nothing left to escape, so escaping twice changes nothing."""
    return _HIDDEN.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def display_width(text: str) -> int:
    if text.isascii() and text.isprintable():  # a cell a character: `quiz cards`' 100k lines
        return len(text)
    import wcwidth

    return wcwidth.width(text)


def clip(text: str, width: int) -> str:
    """At most `width` cells, with an ellipsis where it was cut."""
    if text.isascii() and text.isprintable():
        return text if len(text) <= width else text[: width - 1].rstrip() + "…"
    import wcwidth

    if wcwidth.width(text) <= width:
        return text
    return wcwidth.clip(text, 0, width - 1).rstrip() + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled out to `width` cells, on the left when `right`."""
    import wcwidth

    return wcwidth.rjust(text, width) if right else wcwidth.ljust(text, width)


# Where a line may break in text without spaces: around each CJK character (Han, kana,
# Hangul, fullwidth forms), but never before closing punctuation nor after opening.
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_ATOMS = f"\n|[ ]+|[{_CJK}]|[^ \n{_CJK}]+"  # compiled on first use: 7 ms, not for `quiz --help`
_CJK_CHAR = f"[{_CJK}]"
_CJK_PIECE = f"([{_CJK}][，。、；：？！）」』》】〉〕］｝…,.;:?!)]*)"


_NO_BREAK_BEFORE = set("，。、；：？！）」』》】〉〕］｝…,.;:?!)]}%")
_NO_BREAK_AFTER = set("（「『《【〈〔［｛([{")


def cjk_pieces(text: str) -> list[str]:
    """`text` cut before and after each CJK character: its closing punctuation kept with it,
    an opening bracket with what follows (a line never ends in "（")."""
    pieces: list[str] = []
    for piece in re.split(_CJK_PIECE, text):
        if pieces and pieces[-1][-1] in _NO_BREAK_AFTER:
            pieces[-1] += piece
        elif piece:
            pieces.append(piece)
    return pieces


ESCAPE = "[ZeroWidthEscape]"  # a fragment written raw, taking no cells (prompt_toolkit's own mark)


def wrap(parts: list[tuple[str, str]], width: int, hanging: int = 0) -> list[tuple[str, str]]:
    """Styled text (prompt_toolkit fragments) broken into lines of at most `width` cells: at
    spaces, and between CJK characters; a word longer than a line is cut where it must be.
    Continuation lines start with `hanging` spaces; the text's own newlines stay."""
    words: list[list[tuple[str, str]]] = []  # runs that may not break inside: text, spaces or newline
    for style, text in parts:
        if ESCAPE in style:
            (words[-1].append((style, text)) if words else words.append([(style, text)]))
            continue
        for atom in re.findall(_ATOMS, text):
            if words and atom[0] not in " \n" and _glued(words[-1], atom):
                words[-1].append((style, atom))
            else:
                words.append([(style, atom)])
    out: list[tuple[str, str]] = []
    pending: list[tuple[str, str]] = []  # the spaces before the next word, dropped at a break
    column = 0
    for word in words:
        text = "".join(t for s, t in word if ESCAPE not in s)
        if text == "\n":
            out.append(word[0])
            column, pending = 0, []
            continue
        if text.startswith(" "):
            pending += word
            continue
        size, gap = display_width(text), sum(display_width(t) for _, t in pending)
        if column and column + gap + size > width:
            out.append(("", "\n" + " " * hanging))
            column, pending = hanging, []
        out += pending
        column += gap
        pending = []
        for style, piece in word:
            if ESCAPE in style:
                out.append((style, piece))
                continue
            for char in piece if column + display_width(piece) > width else (piece,):
                cells = display_width(char)
                if column + cells > width and column > hanging:  # longer than a line: cut
                    out.append(("", "\n" + " " * hanging))
                    column = hanging
                out.append((style, char))
                column += cells
    return out + pending


def wrap_text(text: str, width: int) -> list[str]:
    """Plain text as the lines `wrap` breaks it into."""
    return "".join(piece for _style, piece in wrap([("", text)], width)).split("\n")


def _glued(word: list[tuple[str, str]], atom: str) -> bool:
    """Whether `atom` continues `word` (no break between them)."""
    last = next((t for s, t in reversed(word) if ESCAPE not in s), "")
    if not last or last[0] in " \n":
        return False
    cjk_before, cjk_after = bool(re.match(_CJK_CHAR, last[-1])), bool(re.match(_CJK_CHAR, atom[0]))
    if not (cjk_before or cjk_after):
        return True
    return atom[0] in _NO_BREAK_BEFORE or last[-1] in _NO_BREAK_AFTER
