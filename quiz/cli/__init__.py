"""The `quiz` command line (click): main.py has the group and its entry point. `quiz due`,
which a shell prompt runs at every line, is answered before click is even imported
(quiz.due: the standard library's sqlite3 only); all else, and what quiz.due leaves to
click, goes to main.py. `cli` (the click group) is imported on first use."""

from __future__ import annotations

import sys
import types  # imported by then: re's enum imports it

TYPE_CHECKING = False  # not typing's: `quiz due` imports nothing it does not need
if TYPE_CHECKING:
    from typing import Any


def main() -> None:
    """The `quiz` program (pyproject's entry point, and `python -m quiz`)."""
    argv = sys.argv[1:]
    if "due" in argv[:3]:  # quiz due, quiz --db=PATH due, quiz --db PATH due
        from quiz import due

        code = due.run(argv)
        if code is not None:
            sys.exit(code)
    from quiz.cli.main import main as click_main

    click_main()


def __getattr__(name: str) -> Any:
    if name == "cli":
        from quiz.cli.main import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """quiz.cli, whose `main` stays the function above: importing the submodule quiz.cli.main
    would make the package's `main` that module (it is in sys.modules all the same)."""

    def __setattr__(self, name: str, value: object) -> None:
        if not (name == "main" and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["cli", "main"]
