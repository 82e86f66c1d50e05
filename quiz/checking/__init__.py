"""Answer checking: does a typed answer say the same as the expected one?

compare.py compares and marks the differences (pure); invocation.py reads a command
line as its tool does; shell.py splits it into words as a shell does (the review's
highlighter colours the same words); tables.py reads the command tables
(command_tables/*.yaml, or a deck's own `tools:`).

Nothing is imported here: the review's highlighter takes shell.py alone, and the checker
loads on the first typed answer, not before the first card.
"""
