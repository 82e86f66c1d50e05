"""The progress bar of long work (quiz export anki, quiz import anki), on stderr: drawn on a
terminal, the label alone elsewhere (click's), and only for work of some size."""

from __future__ import annotations

import shutil
from typing import Any

import click

from quiz.plumbing.textwidth import display_width

_CLUTTER = "  []  100%  00:00:00"  # what click's line holds beside the label and the bar
MIN_STEPS = 10_000  # an export of about 5000 cards (a note and a card each), an import of 1700 notes (6 stages)


class ProgressBar:
    """`update(done, total)` as the work reports its steps; shown once `total` is large."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.bar: Any = None  # click's bar once shown (its class is click's private one), False if none fits
        self.shown = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None and total >= MIN_STEPS:
            # The bar fits on one line: redrawn with \r, a wrapped line would leave a copy of itself on
            # each redraw. click measures the label in characters, not in cells (a CJK label is two a
            # character): the bar's width is what the terminal leaves beside the label and the figures,
            # and a terminal too narrow for any gets no bar.
            room = shutil.get_terminal_size().columns - display_width(self.label) - len(_CLUTTER) - 1
            self.bar = (
                click.progressbar(length=total, label=self.label, file=self.stream, width=min(36, room)).__enter__()
                if room > 0
                else False
            )
        if self.bar:
            self.bar.update(done - self.shown)
            self.shown = done

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.__exit__(*exc)
