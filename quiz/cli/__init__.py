"""The `quiz` command line (click): main.py has the group and the entry point."""

from quiz.cli.main import cli, main

__all__ = ["cli", "main"]
