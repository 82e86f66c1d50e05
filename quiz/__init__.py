"""quiz: spaced repetition in the terminal, for command-line tools."""

__version__ = "0.1.0"
