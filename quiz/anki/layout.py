"""The package's frame, as genanki lays it out (schema, collection row, note types,
decks), then quiz's own: day 0 at the learner's today, and a deck options preset per
deck with its scheduler settings (FSRS parameters too)."""

from __future__ import annotations

import json
import sqlite3

from quiz.anki.clock import Clock
from quiz.anki.fields import anki_deck_id, note_type, preset_id
from quiz.model import ANKI_REVIEW_ORDERS, EASY_DAY_LOADS, CardKind, DeckRow, DeckSettings, localize


def write_layout(
    db: sqlite3.Connection,
    decks: list[DeckRow],
    settings: dict[int, DeckSettings],
    lang: str,
    clock: Clock,
    timestamp: float,
) -> None:
    """genanki's schema, collection row, note types and decks; then our day 0 and presets."""
    import itertools

    import genanki

    models = [note_type(kind) for kind in CardKind]
    anki_decks = []
    for deck in decks:
        title = localize(deck.title, lang, deck.lang)
        anki_deck = genanki.Deck(anki_deck_id(deck.name), title)
        for model in models:
            anki_deck.add_model(model)
        anki_decks.append(anki_deck)
    cursor = db.cursor()
    genanki.Package(anki_decks).write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
    conf_json, decks_json, presets_json = cursor.execute("SELECT conf, decks, dconf FROM col").fetchone()
    conf, anki_deck_json, presets = json.loads(conf_json), json.loads(decks_json), json.loads(presets_json)
    # The v2 scheduler's numbering of answers (v1 would read a learning step's Good as Easy)
    # and the learner's rollover hour, so day 0 is the learner's today.
    conf.update(schedVer=2, rollover=clock.rollover_hour)
    for deck in decks:
        preset = _preset(presets["1"], deck.name, settings[deck.id], int(timestamp))
        presets[str(preset["id"])] = preset
        anki_deck_json[str(anki_deck_id(deck.name))]["conf"] = preset["id"]
        anki_deck_json[str(anki_deck_id(deck.name))]["mod"] = int(timestamp)
    cursor.execute(
        "UPDATE col SET crt = ?, mod = ?, conf = ?, decks = ?, dconf = ?",
        (
            clock.collection_start,
            int(timestamp * 1000),
            json.dumps(conf),
            json.dumps(anki_deck_json),
            json.dumps(presets),
        ),
    )


def _preset(default: dict, deck: str, settings: DeckSettings, mtime: int) -> dict:
    """An Anki deck options preset with the deck's scheduler settings (FSRS parameters too)."""
    preset = json.loads(json.dumps(default))
    preset.update(
        id=preset_id(deck), name=f"quiz: {deck}", mod=mtime, usn=-1, desiredRetention=settings.desired_retention
    )
    preset["new"].update(perDay=settings.new_per_day, delays=[s / 60 for s in settings.learning_steps])
    preset["lapse"].update(delays=[s / 60 for s in settings.relearning_steps], leechFails=settings.leech_threshold)
    preset["rev"].update(perDay=settings.reviews_per_day, maxIvl=settings.maximum_interval)
    preset["reviewOrder"] = ANKI_REVIEW_ORDERS[settings.review_order]
    preset["easyDaysPercentages"] = [EASY_DAY_LOADS[load] for load in settings.easy_days]
    if settings.parameters:
        preset["fsrsParams6"] = list(settings.parameters)
    return preset
