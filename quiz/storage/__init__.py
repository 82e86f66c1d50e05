"""The collection in a database (the only SQLAlchemy user besides app.py, migrate.py and
migrations/): schema.py has the Core tables and the engine; collection.py the decks and
settings and the import of deck files; queue.py the day's queue; answers.py answers, undo
and card actions; reports.py the scans of stats, optimize and the Anki export.

Writes go through Core statements in short transactions; SQLite runs in WAL mode and a
writer takes its lock up front (BEGIN IMMEDIATE), so two processes wait for each other
instead of failing halfway.
"""

from quiz.storage.answers import (
    Answered,
    CardChanged,
    SuspendedCard,
    answer,
    has_new_cards,
    next_due,
    schedule_of,
    set_buried,
    set_suspended,
    suspended_cards,
    undo_review,
    unsuspend,
)
from quiz.storage.collection import (
    SyncReport,
    cached_tool_names,
    cached_tool_table,
    deck_names,
    deck_settings,
    deck_tools,
    decks_by_fingerprint,
    get_setting,
    import_decks,
    save_parameters,
    save_tool_table,
    select_decks,
    set_setting,
    sync_deck,
)
from quiz.storage.queue import Day, deck_counts, load_queue, reviews_up_to
from quiz.storage.schema import (
    SCHEDULE_COLUMNS,
    Locked,
    cards_t,
    deck_settings_t,
    decks_t,
    reviews_t,
    settings_t,
    writing,
)

__all__ = [
    "SCHEDULE_COLUMNS",
    "Answered",
    "CardChanged",
    "Day",
    "Locked",
    "SuspendedCard",
    "SyncReport",
    "answer",
    "cached_tool_names",
    "cached_tool_table",
    "cards_t",
    "deck_counts",
    "deck_names",
    "deck_settings",
    "deck_settings_t",
    "deck_tools",
    "decks_by_fingerprint",
    "decks_t",
    "get_setting",
    "has_new_cards",
    "import_decks",
    "load_queue",
    "next_due",
    "reviews_t",
    "reviews_up_to",
    "save_parameters",
    "save_tool_table",
    "schedule_of",
    "select_decks",
    "set_buried",
    "set_setting",
    "set_suspended",
    "settings_t",
    "suspended_cards",
    "sync_deck",
    "undo_review",
    "unsuspend",
    "writing",
]
