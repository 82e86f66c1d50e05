"""The day's queue: the cards of today's review as the screen needs them, in the order they
come, and the daily limits of new cards and reviews (quiz.storage.queue reads them)."""

from __future__ import annotations

import bisect
import functools
import json
from dataclasses import dataclass, field, replace
from datetime import datetime

from quiz.model import CardKind, DeckSettings, Schedule, State


@dataclass
class QueueCard:
    """A card as the review screen needs it."""

    id: int
    deck: str
    key: str
    ord: int
    kind: CardKind
    content_json: str  # decoded on first use: most queued cards are not shown today
    tags: str  # space-separated
    schedule: Schedule

    @property
    def note_id(self) -> tuple[str, str]:
        return (self.deck, self.key)

    @functools.cached_property
    def content(self) -> dict:
        return json.loads(self.content_json)


@dataclass
class Limits:
    """How many more new cards and reviews a deck may show today."""

    new: int
    reviews: int


def limits_left(settings: DeckSettings, new_done: int, reviews_done: int) -> Limits:
    return Limits(
        new=max(0, settings.new_per_day - new_done),
        reviews=max(0, settings.reviews_per_day - reviews_done),
    )


@dataclass
class DailyQueue:
    """Today's cards, built once and updated after each answer.

    Order: cards put back by undo, then learning cards that are due (by due
    time), then reviews due today, then new cards. A learning card due later
    today waits in `learning`.
    """

    learning: list[QueueCard] = field(default_factory=list)  # sorted by due
    reviews: list[QueueCard] = field(default_factory=list)
    new: list[QueueCard] = field(default_factory=list)
    undone: list[QueueCard] = field(default_factory=list)  # the last one comes first

    def __len__(self) -> int:
        return len(self.undone) + len(self.learning) + len(self.reviews) + len(self.new)

    def next_card(self, now: datetime) -> QueueCard | None:
        """The card to show at `now`, or None when only later learning cards remain."""
        if self.undone:
            return self.undone[-1]
        if self.learning and due_of(self.learning[0]) <= now:
            return self.learning[0]
        if self.reviews:
            return self.reviews[0]
        if self.new:
            return self.new[0]
        return None

    def next_due(self) -> datetime | None:
        return due_of(self.learning[0]) if self.learning else None

    def counts(self) -> tuple[int, int, int]:
        """New, learning and review cards left, an undone card counted by its state."""
        new, learning, reviews = len(self.new), len(self.learning), len(self.reviews)
        for card in self.undone:
            state = card.schedule.state
            new += state == State.NEW
            reviews += state == State.REVIEW
            learning += state in (State.LEARNING, State.RELEARNING)
        return new, learning, reviews

    def find(self, card_id: int) -> QueueCard | None:
        return next(
            (c for cards in (self.undone, self.learning, self.reviews, self.new) for c in cards if c.id == card_id),
            None,
        )

    def answered(self, card: QueueCard, schedule: Schedule, day_end: datetime) -> None:
        """Take the card out; put it back if it is due again today; bury its siblings."""
        self.remove(card.id)
        self.reviews = [c for c in self.reviews if c.note_id != card.note_id]
        self.new = [c for c in self.new if c.note_id != card.note_id]
        moved = replace(card, schedule=schedule)
        if schedule.state in (State.LEARNING, State.RELEARNING) and due_of(moved) < day_end:
            bisect.insort(self.learning, moved, key=due_of)

    def put_back(self, card: QueueCard) -> None:
        """Show this card (as it was) before any other: what undo does."""
        self.remove(card.id)
        self.undone.append(card)

    def postpone(self, card: QueueCard) -> None:
        """Show this card after the others of its kind."""
        self.remove(card.id)
        if card.schedule.state == State.NEW:
            self.new.append(card)
        elif card.schedule.state == State.REVIEW:
            self.reviews.append(card)
        else:
            bisect.insort(self.learning, card, key=due_of)

    def remove(self, card_id: int) -> None:
        for cards in (self.undone, self.learning, self.reviews, self.new):
            cards[:] = [c for c in cards if c.id != card_id]


def due_of(card: QueueCard) -> datetime:
    """When a queued card in learning or review is due (a new card has no due time)."""
    assert card.schedule.due is not None, card
    return card.schedule.due
