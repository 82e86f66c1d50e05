"""quiz optimize --reschedule: Anki's "Reschedule cards on change" (the deck options' switch
beside the optimizer). Each review card's memory state is computed again from its answers
with its deck's parameters (a card whose log does not start from new keeps its own), and its
due date set from that state and the deck's desired retention (quiz.scheduling.rescheduled_due).
Each card that changes is logged as a reschedule, the log's manual entries that stats and the
optimizer leave out, all in one transaction after a backup (quiz restore brings it back)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from quiz import optimize, scheduling, storage
from quiz.model import DeckRow, State
from quiz.storage import reports

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class Rescheduled:
    cards: int  # review cards looked at
    sooner: int
    later: int


def reschedule(engine: Engine, decks: list[DeckRow], zone: tzinfo, rollover_hour: int, now: datetime) -> Rescheduled:
    ids = [deck.id for deck in decks]
    with engine.connect() as conn:
        settings = {deck.id: storage.deck_settings(conn, deck.id) for deck in decks}
        cards = storage.review_schedules(conn, ids)
        answers = _answers(reports.review_history(conn, ids), zone, rollover_hour)
    changes = []
    for card_id, deck_id, before in cards:
        deck = settings[deck_id]
        after = before
        if card_id in answers:
            stability, difficulty = optimize.memory_state(deck.parameters or (), answers[card_id])
            after = replace(after, stability=stability, difficulty=difficulty)
        after = replace(after, due=scheduling.rescheduled_due(card_id, after, deck))
        if after != before:
            changes.append((card_id, before, after))
    if changes:
        from quiz import backups

        backups.before_change(engine, "reschedule", now, zone)
        storage.reschedule_all(engine, changes, now)
    sooner = sum(1 for _id, before, after in changes if before.due and after.due and after.due < before.due)
    later = sum(1 for _id, before, after in changes if before.due and after.due and after.due > before.due)
    return Rescheduled(len(cards), sooner, later)


def _answers(history, zone: tzinfo, rollover_hour: int) -> dict[int, list[tuple[int, int]]]:
    """Each card's answers since it was last new, as (rating, days since the answer before)."""
    found: dict[int, list[tuple[int, int]]] = {}
    previous: dict[int, date | None] = {}
    for card_id, reviewed_at, rating, state_before in history:
        day = scheduling.learner_date(reviewed_at, zone, rollover_hour)
        if state_before == State.NEW:
            found[card_id], previous[card_id] = [], None
        if card_id in found:
            before = previous[card_id]
            found[card_id].append((int(rating), (day - before).days if before else 0))
            previous[card_id] = day
    return found
