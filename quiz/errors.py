"""Exceptions for mistakes a user can make; quiz.cli turns them into one-line errors."""

from __future__ import annotations

from typing import NamedTuple

from quiz.plumbing.textwidth import visible  # stdlib only (re) at import


class QuizError(Exception):
    """A user-facing error: its message is shown as is, with a non-zero exit."""


class Problem(NamedTuple):
    """One thing wrong in a deck file, located like a compiler error."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # The message echoes the deck (a bad key, a bad value) and the path may be a shared
        # file's name: both are someone else's text.
        return visible(f"{self.path}:{self.line}:{self.column}: {self.message}")


class DeckError(QuizError):
    """Every problem found in one or more deck files."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def told(self) -> list[str]:
        """As the learner is told it (quiz import, the review's edit): each problem on its
        line, then how many, and that nothing was changed."""
        from quiz.i18n import _, ngettext

        count = len(self.problems)
        problems = ngettext("{} problem", "{} problems", count).format(count)
        return [*map(str, self.problems), _("{problems}; nothing was changed").format(problems=problems)]


class UnknownDeck(QuizError):
    def __init__(self, names: list[str], known: list[str]):
        from quiz.i18n import _

        known_text = ", ".join(known) or _("none imported yet")
        super().__init__(_("unknown deck {names} (decks: {known})").format(names=", ".join(names), known=known_text))
