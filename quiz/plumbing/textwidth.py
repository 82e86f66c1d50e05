"""Text measured in terminal cells, by wcwidth alone (the one width function of quiz):
CJK characters take two cells, accents and zero-width characters none.

wcwidth takes 30-60 ms to import, so it is imported on first use, not by `quiz --help`."""

from __future__ import annotations


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
