"""Export to Anki: export.py writes the package (notes, cards, FSRS state, review log);
layout.py its frame and deck presets (genanki); clock.py the learner's days as Anki counts
them; fields.py the note types, the fields as HTML and the stable ids; revlog.py the
review log as Anki's revlog rows, and the difficulty in its ease column both ways.

Import from Anki (quiz import anki): package.py reads a package without Anki (wire.py its
protobuf fields); cards.py makes deck entries of its notes (plaintext.py their HTML as
text) and decktext.py the deck files; progress.py the cards' schedules and review log in
quiz's terms; importing.py brings it all in one transaction, merging what quiz has."""

from quiz.anki.clock import Clock
from quiz.anki.export import ExportReport, export_decks
from quiz.anki.fields import note_guid

__all__ = ["Clock", "ExportReport", "export_decks", "note_guid"]
