"""Export to Anki: export.py writes the package (notes, cards, FSRS state, review log);
layout.py its frame and deck presets (genanki); clock.py the learner's days as Anki counts
them; fields.py the note types, the fields as HTML and the stable ids."""

from quiz.anki.clock import Clock
from quiz.anki.export import ExportReport, export_decks
from quiz.anki.fields import note_guid

__all__ = ["Clock", "ExportReport", "export_decks", "note_guid"]
