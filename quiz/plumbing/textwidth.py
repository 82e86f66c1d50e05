"""Text measured in terminal cells: CJK characters take two (for tables that line up)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, width: int) -> str:
    """At most `width` cells, with an ellipsis where it was cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        cells = display_width(ch)
        if used + cells > width - 1:
            break
        kept.append(ch)
        used += cells
    return "".join(kept) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled out to `width` cells, on the left when `right`."""
    space = " " * (width - display_width(text))
    return space + text if right else text + space
