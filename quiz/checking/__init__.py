"""Answer checking: does a typed answer say the same as the expected one?

compare.py compares and marks the differences (pure); invocation.py reads a command
line as its tool does; shell.py splits it into words as a shell does (the review's
highlighter colours the same words); tables.py reads the command tables
(command_tables/*.yaml, or a deck's own `tools:`).
"""

from quiz.checking.compare import DiffPart, Verdict, compare, lint_command
from quiz.checking.tables import ToolTable, parse_tools

__all__ = ["DiffPart", "ToolTable", "Verdict", "compare", "lint_command", "parse_tools"]
