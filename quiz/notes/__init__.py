"""Decks from Markdown notes (and tldr pages): `quiz generate` and `quiz new`.

A note becomes cards:

- comment + command (above it, or after it: `cmd  # comment`) -> command card
- a prompt (`$ cmd`, `user@host:~$ cmd`, root's `# cmd`) -> command card; its output: none
- a cheat-sheet table (| command | meaning |, either order)  -> a command card per row
- a list item `- `tmux ls` — list sessions`                  -> command card
- key sequences (a table of keys, ```vim blocks, `Ctrl-b d`) -> key card
- heading + prose          -> basic "concept" card (front: a question, back: the prose)
- blockquote               -> basic "warning" card
- `term  description` list -> reversed card
- comment + Dockerfile line -> basic card whose back is the snippet
- a tldr page              -> a command card per example, its variants in `tools:`

Config snippets (```ini, `Host web1`...) make no cards. Everything left out is reported
with its line number, never dropped silently. Pure functions over the text; the only
I/O is the caller's.

blocks.py reads the Markdown (markdown-it-py); parse.py walks its blocks; code.py and
commands.py read code, tables and list items; tldr.py reads tldr pages; cards.py holds
the cards and their ids; write.py writes the deck YAML and files; merge.py merges cards
into a deck file the learner keeps (--update).
"""

from quiz.notes.merge import update
from quiz.notes.parse import generate
from quiz.notes.write import (
    check_and_write,
    deck_name_for,
    deck_yaml,
    report_json,
    report_lines,
    starter_deck,
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
