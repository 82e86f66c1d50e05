"""Anki's review log: quiz's answers and events as its revlog rows (the export), and the
FSRS memory as Anki keeps it: the difficulty in the ease column, both ways (the import
reads it back), and a card's state in its `data` JSON."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    """Anki revlog rows, oldest first (numbered). The interval an answer gives is in days
    for a review, negative seconds for a learning step. A cram answer is Anki's Filtered
    entry that rescheduled nothing (ease factor 0, no interval); forget and reschedule are
    Manual entries with no button, a forget's ease factor 0 (Anki's mark of a reset).
    quiz.anki.sqlrows says the same in SQL."""

    def values(review: ExportReview) -> tuple:
        reviewed_at, due = review.reviewed_at, review.due_after
        if due is None or review.kind == "cram":
            interval = 0
        elif review.state_after == REVIEW:
            interval = max(1, clock.day(due) - clock.day(reviewed_at))
        else:
            interval = -max(1, (due - reviewed_at) // 1000)
        kind = EVENT_REVLOG_KIND[review.kind] if review.kind != "review" else REVLOG_KIND[review.state_before]
        return (
            reviewed_at,
            card_ids[review.card_id],
            review.rating or 0,
            interval,
            0 if review.kind in ("cram", "forget") else ease(review.difficulty_after),
            min(review.duration_ms or 0, MAX_ANSWER_MS),
            kind,
            review.kind == "cram",
        )

    # Stable: answers in the same ms stay in the order they were written.
    return numbered(map(values, sorted(reviews, key=lambda review: review.reviewed_at)))


def numbered(answers: Iterable[tuple]) -> Iterator[tuple]:
    """Revlog rows (REVLOG_COLUMNS) of (answered at in ms, cid, button, interval, ease
    factor, time, type, cram) in the order they were written: ids are answer times, a
    clash moved on by 1 ms; the interval before an answer is the one the card's previous
    answer gave (none before a cram answer, which changes nothing). Rows in id order go
    into the revlog table's B-tree as plain appends."""
    intervals: dict[int, int] = {}
    last_id = 0
    for answered_at, card_id, button, interval, factor, time, kind, cram in answers:
        last_id = answered_at if answered_at > last_id else last_id + 1
        yield (last_id, card_id, -1, button, interval, 0 if cram else intervals.get(card_id, 0), factor, time, kind)
        if not cram:
            intervals[card_id] = interval


def ease(difficulty: float | None) -> int:
    # With FSRS, Anki keeps the difficulty in the ease column, shifted to 100..1100, rounded
    # half up as Anki's Rust and SQLite's round() do (quiz.anki.sqlrows).
    if difficulty is None:
        return 0
    return int(((difficulty - 1) / 9 + 0.1) * 1000 + 0.5)


def memory_data(stability: float | None, difficulty: float | None, retention: str, last_review: int, decay: str) -> str:
    """A studied card's `data`: its FSRS memory state, with the desired retention and the
    decay as JSON members (export._memory_settings) and the last review in epoch ms."""
    return (
        f'{{"s":{float(stability or 0)!r},"d":{float(difficulty or 0)!r},{retention},'
        f'"lrt":{last_review // 1000}{decay}}}'
    )


def difficulty(factor: int) -> float | None:
    """FSRS keeps the difficulty in the ease column, as 100..1100 (ease's inverse)."""
    return round((factor / 1000 - 0.1) * 9 + 1, 4) if 100 <= factor <= 1100 else None
