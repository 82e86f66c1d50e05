"""Anki's load balancer (rslib scheduler/states/load_balancer.rs): a review's day chosen in
its fuzz range, the days with fewer cards of its deck due weighing more, a day that holds a
card of the same note much less, and the deck's easy days making some weekdays lighter.
The draw is the fuzz's (the same card and review count give the same day), so the
intervals the buttons show are the ones given.

DayLoads is built from the collection once a queue (quiz.storage.due_ahead) and follows
the session's answers (`moved`); scheduling.review asks it through a Balance."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from quiz import intervals
from quiz.model import EASY_DAY_LOADS

# (FSRS's interval in days, unrounded; minimum; maximum; the card's draw in [0, 1)) -> the
# day chosen, or None where balancing does not apply (scheduling.review fuzzes those)
Balance = Callable[[float, int, int, float], "int | None"]

BALANCED_UP_TO = 90  # days: a card sent further needs no balancing (Anki's threshold)
DAYS = 99  # the days from today counted: a fuzz range around 90 days ends before day 99
SIBLING_WEIGHT = 0.001  # a day with a card of the same note, against one without
# A minimum easy day's weight: almost none, not none, so that days all minimum still balance
MINIMUM_WEIGHT = 0.0001
REDUCED = EASY_DAY_LOADS["reduced"]


class DayLoads:
    """The cards due on each of the next DAYS days (today is day 0) of each deck, and the
    notes they belong to; `starts` are the days' starts in epoch ms (DAYS + 1 of them)."""

    def __init__(self, today: date, starts: list[int], rows: Iterable[tuple[int, str, int]]):
        self.today, self.starts = today, starts
        self.counts: dict[int, list[int]] = {}
        self.notes: dict[int, list[Counter[str]]] = {}
        for deck_id, key, due in rows:  # (deck id, note key, due in epoch ms)
            self._add(deck_id, key, self.day_of(due))

    def day_of(self, due_ms: int) -> int | None:
        """The day from today that an instant falls in, or None outside the days counted."""
        day = bisect.bisect_right(self.starts, due_ms) - 1
        return day if 0 <= day < DAYS else None

    def _add(self, deck_id: int, key: str, day: int | None, count: int = 1) -> None:
        if day is None:
            return
        if deck_id not in self.counts:
            self.counts[deck_id], self.notes[deck_id] = [0] * DAYS, [Counter() for _ in range(DAYS)]
        self.counts[deck_id][day] += count
        self.notes[deck_id][day][key] += count

    def moved(self, deck_id: int, key: str, before: datetime | None, after: datetime | None) -> None:
        """A card of the deck's note `key` answered: no longer due at `before` (None: it was new),
        due at `after` now."""
        day = None if before is None else self.day_of(_ms(before))
        if day is not None and deck_id in self.notes and self.notes[deck_id][day][key] > 0:  # it was counted
            self._add(deck_id, key, day, -1)
        if after is not None:
            self._add(deck_id, key, self.day_of(_ms(after)))

    def balance(self, deck_id: int, key: str, easy_days: tuple[str, ...]) -> Balance:
        """The balancing of a card of this deck and note, with the deck's easy days."""

        def chosen(interval: float, minimum: int, maximum: int, factor: float) -> int | None:
            if int(interval) > BALANCED_UP_TO or minimum > BALANCED_UP_TO:
                return None
            lower, upper = intervals.fuzz_bounds(interval, minimum, maximum)
            days = range(lower, min(upper, DAYS - 1) + 1)
            counts = self.counts.get(deck_id, [0] * DAYS)
            notes = self.notes.get(deck_id)
            weekdays = [(self.today + timedelta(days=day)).weekday() for day in days]
            loads = easy_day_weights([easy_days[weekday] for weekday in weekdays], counts, days)
            weights = []
            for day, load in zip(days, loads):
                due = counts[day]
                # Anki's weight: (1 / cards due)^2 * (1 / days), so that a tie leans to the
                # earlier day; an empty day weighs 1
                weight = 1.0 if due == 0 else 1 / (due * due * day)
                if notes is not None and notes[day][key] > 0:
                    weight *= SIBLING_WEIGHT
                weights.append(weight * load)
            return days[_drawn(weights, factor)]

        return chosen


def easy_day_weights(loads: list[str], counts: list[int], days: range) -> list[float]:
    """Each day's easy-day weight, as Anki's calculate_easy_days_modifiers: a normal day 1, a
    minimum day almost 0, and a reduced day 1 while its cards (counted double) stay at most
    the other days' average, almost 0 beyond. Unlike Anki, an empty day is weighed too (Anki
    gives it 1 whatever its load), so that a minimum day takes no card while others are free."""
    shares = [MINIMUM_WEIGHT if load == "minimum" else EASY_DAY_LOADS[load] for load in loads]
    total, total_share = sum(counts[day] for day in days), sum(shares)
    weights = []
    for load, share, day in zip(loads, shares, days):
        if load == "reduced":
            others, other_share = total - counts[day], total_share - REDUCED
            over = other_share > 0 and counts[day] / REDUCED > others / other_share
            weights.append(MINIMUM_WEIGHT if over else 1.0)
        else:
            weights.append(share)
    return weights


def _drawn(weights: list[float], factor: float) -> int:
    """The place that the draw `factor` (in [0, 1)) falls on, each place as wide as its weight."""
    target, running = factor * sum(weights), 0.0
    for at, weight in enumerate(weights):
        running += weight
        if target < running:
            return at
    return len(weights) - 1  # rounding at the very end


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)
