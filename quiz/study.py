"""Custom study, as Anki's: what `quiz review`'s options change in the day's queue. The
cards themselves are chosen in quiz.storage.queue (a tag, new cards beyond the day's limit,
reviews due within days ahead, or the cards to cram); the order and the limit are set here,
on the queue built."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from quiz.model import DeckSettings, State

if TYPE_CHECKING:
    from quiz.scheduling import DailyQueue, QueueCard

ORDERS = ("due", "retrievability", "random", "added")


@dataclass(frozen=True)
class Study:
    tag: str | None = None  # only cards with this tag
    new: int = 0  # new cards beyond today's limit, in each deck
    ahead: int = 0  # days: the reviews due within them too, answered early (FSRS counts the days)
    limit: int | None = None  # at most this many cards in the session
    order: str = "due"  # of the reviews, and of the new cards but for due
    cram: bool = False  # practice: the schedule untouched, each answer logged as a cram answer
    failed_today: bool = False  # cram the cards answered Again today

    @property
    def custom(self) -> bool:
        return self != Study()


def arrange(queue: DailyQueue, study: Study, now: datetime, settings: dict[str, DeckSettings]) -> None:
    """Put the queue's reviews (and new cards, but for the due order, which keeps the deck's)
    in the order asked for, then keep at most `study.limit` cards: learning ones first."""
    queue.reviews = ordered(queue.reviews, study.order, now, settings)
    if study.order != "due":
        queue.new = ordered(queue.new, study.order, now, settings)
    if study.limit is not None:
        room = max(0, study.limit - len(queue.learning))
        queue.reviews = queue.reviews[:room]
        queue.new = queue.new[: max(0, room - len(queue.reviews))]


def ordered(cards: list[QueueCard], order: str, now: datetime, settings: dict[str, DeckSettings]) -> list[QueueCard]:
    """The cards by due time (the new ones last, as they came), by retrievability now (the
    least likely recalled first), shuffled, or the latest added first."""
    from quiz import scheduling

    if order == "random":
        return random.sample(cards, len(cards))
    if order == "added":
        return sorted(cards, key=lambda card: -card.id)
    if order == "retrievability":

        def chance(card: QueueCard) -> float:  # a new card has none: last (a chance is at most 1)
            if card.schedule.state == State.NEW:
                return 2.0
            return scheduling.retrievability(card.schedule, now, settings[card.deck])

        return sorted(cards, key=chance)
    return sorted(cards, key=lambda card: (card.schedule.due is None, card.schedule.due or now))
