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
    import wcwidth

    return wcwidth.width(text)


def clip(text: str, width: int) -> str:
    """At most `width` cells, with an ellipsis where it was cut."""
    import wcwidth

    if wcwidth.width(text) <= width:
        return text
    return wcwidth.clip(text, 0, width - 1).rstrip() + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled out to `width` cells, on the left when `right`."""
    import wcwidth

    return wcwidth.rjust(text, width) if right else wcwidth.ljust(text, width)
