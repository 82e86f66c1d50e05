"""An Anki card's progress as quiz keeps it: the schedule from the card's row (type,
queue, due, ivl, left, the FSRS memory state in `data`), and the review log replayed into
quiz's log rows, each with the state before and after it as far as the revlog tells.

Anki's revlog types: 0 learn, 1 review, 2 relearn are answers (quiz's reviews); 3 is a
filtered deck's answer that rescheduled nothing (quiz's cram), 4 a manual change (a
reset when its ease factor is 0: quiz's forget; else a set due date: reschedule) and 5
an FSRS reschedule (reschedule). Anki's days are counted from the collection's `crt`;
they become the learner's dates, and a due date the start of that day (quiz.scheduling).
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime, timedelta, timezone, tzinfo

from quiz import scheduling
from quiz.anki.clock import Clock
from quiz.anki.package import Card, Collection, Preset, Revlog
from quiz.anki.revlog import difficulty
from quiz.model import Schedule, State

LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED = range(6)
ANSWERS = (LEARN, REVIEW, RELEARN)
QUEUE_SUSPENDED, QUEUE_LEARNING, QUEUE_DAY_LEARNING = -1, 1, 3
QUEUE_BURIED = (-2, -3)
UTC = timezone.utc


def _instant(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class Days:
    """Anki's day numbers as the learner's days (their starts as quiz.scheduling has them)."""

    def __init__(self, collection: Collection, zone: tzinfo, rollover_hour: int, now: datetime):
        self.zone, self.rollover_hour = zone, rollover_hour  # the learner's, for the start of a day
        self.clock = Clock(now, zone, rollover_hour)  # a day number per instant, fast
        start = datetime.fromtimestamp(collection.created, UTC)
        self.day_zero = scheduling.learner_date(start, zone, collection.rollover).toordinal()

    def start(self, day_number: int) -> datetime:
        return self._begins(self.day_zero + max(-36500, min(day_number, 36500 * 2)))

    def after(self, moment_ms: int, days: int) -> int:
        """The start of the learner's day `days` after the one of the instant (both epoch ms)."""
        return self._begins_ms(self.clock.day(moment_ms) + days)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (a few thousand days, for one import)
    def _begins(self, ordinal: int) -> datetime:
        return scheduling.day_begins(date.fromordinal(ordinal), self.zone, self.rollover_hour)

    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def _begins_ms(self, ordinal: int) -> int:
        return round(self._begins(ordinal).timestamp() * 1000)  # a whole second: exact


def memory(data: str) -> dict:
    """The card's `data` JSON (s, d, dr, decay, lrt), or nothing if it holds none."""
    try:
        found = json.loads(data) if data else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def last_answer_ms(card: Card, revlog: list[Revlog]) -> int | None:
    """When the card was last answered: its last answer in the revlog, else `lrt`."""
    answered = [row.id for row in revlog if row.type in ANSWERS or row.type == RESCHEDULED]
    if answered:
        return max(answered)
    lrt = memory(card.data).get("lrt")
    return int(lrt) * 1000 if isinstance(lrt, int | float) else None


def schedule(card: Card, revlog: list[Revlog], days: Days, preset: Preset, fsrs_state) -> Schedule:
    """The card's schedule in quiz's terms; `fsrs_state(revlog, card)` gives a memory state
    (stability, difficulty) when the card's data holds none."""
    _id, _nid, _did, _ord, ctype, queue, due, interval, _factor, reps, lapses, left, odue, odid, _flags, data = card
    if odid:  # in a filtered deck: its schedule at home
        due = odue
    if ctype == 0:
        return Schedule(reps=reps, lapses=lapses)
    state = State(ctype) if ctype in (1, 2, 3) else State.REVIEW
    found = memory(data)
    stability, difficulty = found.get("s"), found.get("d")
    if not isinstance(stability, int | float) or not isinstance(difficulty, int | float):
        stability, difficulty = fsrs_state(revlog, card)
    last_ms = last_answer_ms(card, revlog)
    if queue == QUEUE_LEARNING or (queue in QUEUE_BURIED + (QUEUE_SUSPENDED,) and ctype in (1, 3) and due > 10**9):
        due_at = datetime.fromtimestamp(due, UTC)  # intraday: epoch seconds
    else:
        due_at = days.start(due)
    last_review = _instant(last_ms) if last_ms is not None else due_at - timedelta(days=max(1, interval))
    step = None
    if state in (State.LEARNING, State.RELEARNING):
        steps = preset.learning_steps if state is State.LEARNING else preset.relearning_steps
        step = max(0, min(len(steps) - (left % 1000), max(len(steps) - 1, 0)))
    return Schedule(
        state=state,
        step=step,
        stability=float(stability),
        difficulty=float(difficulty),
        due=due_at,
        last_review=last_review,
        reps=reps,
        lapses=lapses,
    )


def replay(revlog: list[Revlog], days: Days) -> list[tuple[str, dict]]:
    """The card's revlog rows as quiz's log rows, oldest first: ("review", row) for the
    reviews table, (kind, row) for the events table (cram, forget, reschedule). Each row
    has its revlog id as `anki_id`; the stored columns are the tables', their instants in
    epoch ms (quiz.storage.history.write_progress)."""
    out: list[tuple[str, dict]] = []
    state, reps, lapses = State.NEW, 0, 0
    last: int | None = None
    due: int | None = None
    for revlog_id, _cid, ease, interval, _last_interval, factor, time_ms, kind in revlog:
        at = revlog_id
        before = {
            "card_id": None,
            "state_before": int(state),
            "due_before": due,
            "last_review_before": last,
            "reps_before": reps,
            "lapses_before": lapses,
            "anki_id": revlog_id,
        }
        if kind in ANSWERS and 1 <= ease <= 4:
            state_before = (
                State.NEW
                if state is State.NEW
                else {LEARN: State.LEARNING, REVIEW: State.REVIEW}.get(kind, State.RELEARNING)
            )
            if kind == REVIEW and ease == 1:
                lapses += 1
            reps += 1
            if interval > 0:
                state, due = State.REVIEW, days.after(revlog_id, interval)
            else:
                state = State.LEARNING if kind == LEARN else State.RELEARNING
                due = at - interval * 1000  # a learning step: -seconds
            last = at
            row = before | {
                "state_before": int(state_before),
                "reviewed_at": at,
                "rating": ease,
                "duration_ms": max(0, time_ms),
                "state_after": int(state),
                "difficulty_after": difficulty(factor),
                "due_after": due,
            }
            out.append(("review", row))
        elif kind == FILTERED and 1 <= ease <= 4:
            out.append(
                ("cram", before | {"at": at, "rating": ease, "duration_ms": max(0, time_ms)} | _same(state, due))
            )
        elif kind == MANUAL and factor == 0:
            state, due = State.NEW, None
            out.append(("forget", before | {"at": at, "state_after": int(State.NEW), "due_after": None}))
        elif kind in (MANUAL, RESCHEDULED):
            if interval > 0:
                state, due = State.REVIEW, days.after(revlog_id, interval)
            out.append(("reschedule", before | {"at": at} | _same(state, due)))
    return out


def _same(state: State, due: int | None) -> dict:
    return {"state_after": int(state), "due_after": due}
