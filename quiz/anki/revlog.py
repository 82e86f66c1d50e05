"""Anki's review log: quiz's answers and events as its revlog rows (the export), and the
FSRS difficulty as Anki keeps it in the ease column, both ways (the import reads it back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from quiz.model import State

if TYPE_CHECKING:
    from quiz.anki.clock import Clock
    from quiz.storage.reports import ExportReview

MAX_ANSWER_MS = 60_000  # Anki's own cap on a review's time
# Anki's revlog types: an answer's by the state it was in (learn, review, relearn), an event's by its kind
REVLOG_KIND = {int(State.NEW): 0, int(State.LEARNING): 0, int(State.REVIEW): 1, int(State.RELEARNING): 2}
EVENT_REVLOG_KIND = {"cram": 3, "forget": 4, "reschedule": 4}  # Filtered, Manual
REVIEW = int(State.REVIEW)
REVLOG_COLUMNS = "id, cid, usn, ease, ivl, lastIvl, factor, time, type"  # as genanki creates the table


def revlog_rows(reviews: list[ExportReview], card_ids: dict[int, int], clock: Clock) -> Iterator[tuple]:
    """Anki revlog rows, oldest first. The interval before an answer is the one the card's
    previous answer gave: days for a review, negative seconds for a learning step. Ids are
    answer times in ms, a clash moved on by 1 ms. A cram answer is Anki's Filtered entry
    that rescheduled nothing (ease factor 0, no interval); forget and reschedule are Manual
    entries with no button, a forget's ease factor 0 (Anki's mark of a reset)."""
    intervals: dict[int, int] = {}
    last_id = 0
    # Stable: answers in the same ms stay in the order they were written. Rows in id order
    # also go into the revlog table's B-tree as plain appends.
    for review in sorted(reviews, key=lambda review: review.reviewed_at):
        reviewed_at, due = review.reviewed_at, review.due_after
        last_id = revlog_id = reviewed_at if reviewed_at > last_id else last_id + 1
        if due is None or review.kind == "cram":
            interval = 0
        elif review.state_after == REVIEW:
            interval = max(1, clock.day(due) - clock.day(reviewed_at))
        else:
            interval = -max(1, (due - reviewed_at) // 1000)
        kind = EVENT_REVLOG_KIND[review.kind] if review.kind != "review" else REVLOG_KIND[review.state_before]
        yield (
            revlog_id,
            card_ids[review.card_id],
            -1,
            review.rating or 0,
            interval,
            0 if review.kind == "cram" else intervals.get(review.card_id, 0),
            0 if review.kind in ("cram", "forget") else ease(review.difficulty_after),
            min(review.duration_ms or 0, MAX_ANSWER_MS),
            kind,
        )
        if review.kind != "cram":
            intervals[review.card_id] = interval


def ease(difficulty: float | None) -> int:
    # With FSRS, Anki keeps the difficulty in the ease column, shifted to 100..1100.
    if difficulty is None:
        return 0
    return round(((difficulty - 1) / 9 + 0.1) * 1000)


def difficulty(factor: int) -> float | None:
    """FSRS keeps the difficulty in the ease column, as 100..1100 (ease's inverse)."""
    return round((factor / 1000 - 0.1) * 9 + 1, 4) if 100 <= factor <= 1100 else None
