"""Anki's rules for a review's interval in days (rslib scheduler/states/fuzz.rs and
review.rs): the fuzz range around FSRS's interval, kept within a minimum and the maximum
interval, and a draw in it that is the same for a card and its review count (so the
intervals the buttons show are the ones given)."""

from __future__ import annotations

import math
import random

from fsrs.scheduler import FUZZ_RANGES  # Anki's three ranges: 15%, 10% and 5% of the days in each


def rounded(value: float) -> int:
    """Rust's f32::round for the positive values here: halves away from zero."""
    return math.floor(value + 0.5)


def fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Anki's constrained_fuzz_bounds: interval +- (1 day and a share of the days in each
    range; none below 2.5 days), within [minimum, maximum], at least two days wide when
    that is allowed and more than 2."""
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = 0.0
    if interval >= 2.5:
        delta = 1.0 + sum(r["factor"] * max(min(interval, r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
    lower = min(max(rounded(interval - delta), minimum), maximum)
    upper = min(max(rounded(interval + delta), minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def fuzz_factor(card_id: int, reps: int) -> float:
    """The card's draw for this review, in [0, 1): seeded by the card and its review count."""
    return random.Random(card_id * 1_000_003 + reps).random()


def fuzzed(interval: float, minimum: int, maximum: int, factor: float) -> int:
    """Anki's with_review_fuzz: the day at `factor` of the way through the fuzz range."""
    lower, upper = fuzz_bounds(interval, minimum, maximum)
    return math.floor(lower + factor * (1 + upper - lower))
