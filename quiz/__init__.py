"""quiz: spaced repetition in the terminal, for command-line tools."""

from quiz.version import __version__

__all__ = ["__version__"]
