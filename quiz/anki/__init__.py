"""Export to Anki: export.py writes the package (notes, cards, FSRS state, review log);
fields.py holds the note types, the fields as HTML and the stable ids."""

from quiz.anki.export import Clock, ExportReport, export_decks
from quiz.anki.fields import note_guid

__all__ = ["Clock", "ExportReport", "export_decks", "note_guid"]
