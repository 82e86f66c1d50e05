"""The tables the commands print: columns aligned by display width (CJK characters take two
cells), each cell visible and on one line, cut or left out to fit the terminal's width."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import NamedTuple

from quiz.plumbing.textwidth import clip, display_width, visible


def format_table(
    rows: Sequence[Mapping[str, object]],
    columns: tuple[str, ...],
    headers: tuple[str, ...] | None = None,
    shrink: str | None = None,
    drop: tuple[str, ...] = (),
    room: int | None = None,
) -> str:
    """The rows' `columns` as a table: a deck's title may hold escape sequences and newlines.
    The header line is `headers` (the learner's words for the columns), else the columns'
    keys. So that the lines fit `room` cells (the terminal's width by default), the column
    `shrink` is cut (with an ellipsis), then the columns `drop` names are left out, in turn,
    while they are still too wide."""
    values = [[row[c] for row in rows] for c in columns]
    fit = [("cut", columns.index(shrink))] if shrink is not None else []
    fit += [("drop", columns.index(name)) for name in drop]
    return format_columns(values, headers or columns, fit, room)


def format_columns(
    values: Sequence[Sequence[object]],
    headers: Sequence[str],
    fit: Sequence[tuple[str, int]] = (),
    room: int | None = None,
) -> str:
    """format_table's table from its columns' values. To fit `room` (the terminal's width), `fit`'s
    steps are taken in turn while the lines are too wide: ("cut", i) cuts column i down to
    8 cells (or its header's width), ("drop", i) leaves it out; the room a later step frees
    goes back to the cut columns. Numbers are aligned right, the last column is not filled.

    Made for `quiz cards`' 100k lines (benchmarks/bench_cards.py, "format_table alone": 0.27 s
    -> 0.17 s, medians of 5 alternating): a column of plain text is checked at once, its cells
    kept as two lists, texts and widths (Cells), and filled by str.ljust."""
    cells = [_measured(column) for column in values]
    texts, sizes, plain = [c.texts for c in cells], [c.sizes for c in cells], [c.plain for c in cells]
    heads = [display_width(text) for text in headers]
    widths = [max(head, max(column, default=0)) for head, column in zip(heads, sizes)]
    if room is None:
        room = shutil.get_terminal_size().columns
    shown, natural, cut = list(range(len(values))), widths[:], []
    for step, at in fit:
        over = sum(widths[i] for i in shown) + 2 * (len(shown) - 1) - room
        if over <= 0:
            break
        if step == "drop":
            shown.remove(at)
        else:
            widths[at] = min(widths[at], max(heads[at], 8, widths[at] - over))  # never wider
            cut.append(at)
    spare = room - sum(widths[i] for i in shown) - 2 * (len(shown) - 1)  # what a later drop freed
    for at in cut:
        grown = max(0, min(spare, natural[at] - widths[at]))
        widths[at], spare = widths[at] + grown, spare - grown
        for i, size in enumerate(sizes[at]):
            if size > widths[at]:  # plain text cut is a character a cell still, its ellipsis too
                texts[at][i] = clip(texts[at][i], widths[at])
                sizes[at][i] = len(texts[at][i]) if plain[at] else display_width(texts[at][i])
    filled = []
    for at in shown:
        column, right = [headers[at], *texts[at]], _numbers(values[at])
        if at == shown[-1] and not right:  # the line's end
            filled.append(column)
            continue
        if plain[at] and heads[at] == len(headers[at]):
            lengths: Iterable[int] = repeat(widths[at])
        else:  # str.ljust and rjust fill by characters: a CJK character's second cell is one less
            lengths = [widths[at] - size + len(text) for text, size in zip(column, [heads[at], *sizes[at]])]
        filled.append(list(map(str.rjust if right else str.ljust, column, lengths)))
    return "\n".join(map(str.rstrip, map("  ".join, zip(*filled))))


def _numbers(values: Sequence[object]) -> bool:
    return bool(values) and all(isinstance(v, int) for v in values)


class Cells(NamedTuple):
    texts: list[str]
    sizes: list[int]  # each text's width in cells
    plain: bool  # a character a cell: every text printable ASCII


def _measured(values: Sequence[object]) -> Cells:
    """Each value's cell, visible and on one line (its spaces single), and its width. A column
    of plain text is checked whole (_plain) and measured by len; else each distinct text is
    made a cell once (a deck or a date repeats; by its text: True and 1 are one key of a dict,
    not one cell), and only a text that needs it is rewritten."""
    raw = list(map(str, values))
    if _plain(raw):
        return Cells(raw, list(map(len, raw)), True)
    cells: dict[str, tuple[str, int]] = {}
    for value in dict.fromkeys(raw):
        single = value.isprintable() and "  " not in value and not value.startswith(" ") and not value.endswith(" ")
        text = value if single else " ".join(visible(value).split())
        cells[value] = (text, display_width(text))
    texts, sizes = zip(*map(cells.__getitem__, raw)) if raw else ((), ())
    return Cells(list(texts), list(sizes), False)


def _plain(texts: list[str]) -> bool:
    """Whether every text is printable ASCII on one line, with no space at its ends nor two
    together: a cell as it is, a character a cell. Checked on the texts joined by a space, in C:
    a newline is not printable, and a space at a text's end meets the joining one (so does an
    empty text's neighbour: such a column is measured text by text). 100k cards' six columns:
    0.043 s -> 0.022 s."""
    joined = " ".join(texts)
    return joined.isascii() and joined.isprintable() and "  " not in joined and joined[:1] != " " and joined[-1:] != " "
