"""Custom study, as Anki's: what `quiz review`'s options change in the day's queue. The
cards themselves are chosen in quiz.storage.queue (a tag, new cards beyond the day's limit,
reviews due within days ahead, or the cards to cram); the order and the limit are set here,
on the queue built."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quiz.model import DeckSettings, State

if TYPE_CHECKING:
    from quiz.dailyqueue import DailyQueue, QueueCard

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Study:
    tag: str | None = None  # only cards with this tag
    new: int = 0  # new cards beyond today's limit, in each deck
    ahead: int = 0  # days: the reviews due within them too, answered early (FSRS counts the days)
    limit: int | None = None  # at most this many cards in the session
    order: str | None = None  # of the reviews, and of the new cards but for due; None: each deck's review_order
    cram: bool = False  # practice: the schedule untouched, each answer logged as a cram answer
    failed_today: bool = False  # cram the cards answered Again today

    @property
    def custom(self) -> bool:
        return self != Study()


def session_order(study: Study, settings: Iterable[DeckSettings]) -> str:
    """The order of the session's reviews: the one asked for, else the decks' own when they
    share one, else by due date."""
    if study.order is not None:
        return study.order
    orders = {deck.review_order for deck in settings}
    return orders.pop() if len(orders) == 1 else "due"


def arrange(
    queue: DailyQueue, study: Study, now: datetime, settings: dict[str, DeckSettings], day_start: datetime
) -> None:
    """Put the queue's reviews (and new cards, when an order other than due is asked for) in
    the session's order, then keep at most `study.limit` cards: learning ones first."""
    order = session_order(study, settings.values())
    queue.reviews = ordered(queue.reviews, order, now, settings, day_start)
    if study.order not in (None, "due"):
        queue.new = ordered(queue.new, order, now, settings, day_start)
    if study.limit is not None:
        room = max(0, study.limit - len(queue.learning))
        queue.reviews = queue.reviews[:room]
        queue.new = queue.new[: max(0, room - len(queue.reviews))]


def ordered(
    cards: list[QueueCard], order: str, now: datetime, settings: dict[str, DeckSettings], day_start: datetime
) -> list[QueueCard]:
    """The cards in one of REVIEW_ORDERS: by due day, in random order within a day (Anki's
    default; the new cards last, as they came); by retrievability now, the least likely
    recalled first; in random order; the latest added first. Random is a shuffle seeded by
    each card and the day, as Anki's: the same all day, through every rebuild of the queue."""
    from quiz import scheduling

    today = day_start.date().toordinal()
    if order == "random":
        return sorted(cards, key=lambda card: _draw(card.id, today))
    if order == "added":
        return sorted(cards, key=lambda card: -card.id)
    if order == "retrievability":

        def chance(card: QueueCard) -> float:  # a new card has none: last (a chance is at most 1)
            if card.schedule.state == State.NEW:
                return 2.0
            return scheduling.retrievability(card.schedule, now, settings[card.deck])

        return sorted(cards, key=chance)

    def due_day(card: QueueCard) -> tuple[bool, int, int]:
        due = card.schedule.due
        if due is None:
            return True, 0, 0
        day = (due - day_start) // DAY
        return False, day, _draw(card.id, today + day)

    return sorted(cards, key=due_day)


def _draw(card_id: int, day: int) -> int:
    """A number for the card on that day, spread evenly: the same in every process."""
    return zlib.crc32(f"{card_id}:{day}".encode())
