"""Decks from Markdown notes: `quiz generate` and `quiz new`.

A note in the usual style (commands in fenced blocks with a `# comment` above
each, concepts under headings, warnings in blockquotes) becomes cards:

- comment + command        -> command card (front: the comment, back: the command)
- heading + prose          -> basic "concept" card (front: a question, back: the prose)
- blockquote               -> basic "warning" card
- `term  description` list -> reversed card
- comment + Dockerfile line -> basic card whose back is the snippet

Everything else is reported with its line number, never dropped silently.
Pure functions over the text; the only I/O is the caller's.

The parser (Markdown -> cards) is quiz.notes.parse, over the blocks of
quiz.notes.blocks; the cards and their ids are quiz.notes.cards; the writer (cards ->
deck YAML, --update, files) is quiz.notes.write.
"""

from quiz.notes.parse import generate
from quiz.notes.write import (
    check_and_write,
    deck_name_for,
    deck_yaml,
    report_json,
    report_lines,
    starter_deck,
    update,
)

__all__ = [
    "check_and_write",
    "deck_name_for",
    "deck_yaml",
    "generate",
    "report_json",
    "report_lines",
    "starter_deck",
    "update",
]
