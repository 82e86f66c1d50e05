"""FSRS adapter and the learner's day: pure functions with a pinned clock."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.model import DeckSettings, Rating, Schedule, State
from quiz.scheduling import day_start, format_interval, next_day_elapsed, next_day_start, preview, review
from tests.conftest import utc

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULTS = DeckSettings()


def test_day_starts_at_the_rollover_hour_in_local_time():
    # 02:30 in Shanghai (18:30 UTC the day before) still belongs to the previous day.
    now = utc(2026, 3, 9, 18, 30)
    assert day_start(now, SHANGHAI) == utc(2026, 3, 8, 20, 0)  # 04:00 local on the 9th
    assert next_day_start(now, SHANGHAI) == utc(2026, 3, 9, 20, 0)
    # At 04:00 local sharp a new day has begun.
    assert day_start(utc(2026, 3, 9, 20, 0), SHANGHAI) == utc(2026, 3, 9, 20, 0)


def test_rollover_hour_is_configurable():
    now = utc(2026, 6, 1, 5, 0)  # 07:00 in Berlin (summer time)
    assert day_start(now, BERLIN, rollover_hour=8) == utc(2026, 5, 31, 6, 0)
    assert day_start(now, BERLIN, rollover_hour=0) == utc(2026, 5, 31, 22, 0)


def test_days_across_dst_changes_are_23_and_25_hours():
    # Europe/Berlin springs forward in the night to 2026-03-29 and falls back in the night to 2026-10-25.
    spring = utc(2026, 3, 28, 12, 0)
    assert day_start(spring, BERLIN) == utc(2026, 3, 28, 3, 0)  # 04:00 CET
    assert next_day_start(spring, BERLIN) == utc(2026, 3, 29, 2, 0)  # 04:00 CEST
    # 03:30 summer time, just after the change, still belongs to the short day.
    assert next_day_start(utc(2026, 3, 29, 1, 30), BERLIN) == utc(2026, 3, 29, 2, 0)
    autumn = utc(2026, 10, 24, 12, 0)
    assert next_day_start(autumn, BERLIN) - day_start(autumn, BERLIN) == timedelta(hours=25)
    ordinary = utc(2026, 10, 26, 12, 0)
    assert next_day_start(ordinary, BERLIN) - day_start(ordinary, BERLIN) == timedelta(hours=24)


def test_the_days_since_the_last_review_are_the_learners_days_passed_as_anki_counts_them():
    # A young card answered at 22:00 and again at 21:00 the next day (Berlin, rollover 04:00):
    # 23 hours, and a day on for Anki (rslib counts days back from the next day's start), so
    # FSRS takes the review's formula, not the same day's. py-fsrs alone counts whole 24 hours.
    last = utc(2026, 5, 4, 20)  # 22:00 summer time
    card = Schedule(State.REVIEW, None, 2.0, 5.0, last + timedelta(days=1), last, reps=3)
    now = utc(2026, 5, 5, 19)  # 21:00 the next day
    counted = review(5, card, Rating.GOOD, now, DEFAULTS, next_day=next_day_start(now, BERLIN))
    a_day_on = review(5, card, Rating.GOOD, last + timedelta(days=1), DEFAULTS)  # py-fsrs: one day
    same_day = review(5, card, Rating.GOOD, now, DEFAULTS)  # py-fsrs: 0 days
    assert counted.stability == a_day_on.stability != same_day.stability
    assert counted.difficulty == a_day_on.difficulty
    # and at 05:00 after an answer at 04:30 (both after the rollover), the same day for both
    early = utc(2026, 5, 5, 2, 30)
    again = replace(card, last_review=early)
    assert review(
        5, again, Rating.GOOD, utc(2026, 5, 5, 3), DEFAULTS, next_day=next_day_start(utc(2026, 5, 5, 3), BERLIN)
    ) == (review(5, again, Rating.GOOD, utc(2026, 5, 5, 3), DEFAULTS))
    assert [
        next_day_elapsed(last, next_day_start(at, BERLIN)) for at in (now, utc(2026, 5, 5, 1), utc(2026, 5, 6, 3))
    ] == [
        1,
        0,  # 03:00 the next morning: before the rollover, still the day of the last review
        2,
    ]


def test_new_card_goes_through_the_learning_steps():
    now = utc(2026, 1, 1, 9)
    again = review(1, Schedule(), Rating.AGAIN, now, DEFAULTS)
    good = review(1, Schedule(), Rating.GOOD, now, DEFAULTS)
    easy = review(1, Schedule(), Rating.EASY, now, DEFAULTS)
    assert (again.state, again.due - now) == (State.LEARNING, timedelta(minutes=1))
    assert (good.state, good.step, good.due - now) == (State.LEARNING, 1, timedelta(minutes=10))
    assert easy.state == State.REVIEW and easy.due - now >= timedelta(days=1)
    assert (good.reps, good.lapses, good.last_review) == (1, 0, now)


def test_settings_change_the_schedule():
    now = utc(2026, 1, 1, 9)
    quick = DeckSettings(learning_steps=(30,))
    after = review(1, Schedule(), Rating.AGAIN, now, quick)
    assert after.due - now == timedelta(seconds=30)


def test_a_lapse_counts_and_relearns():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 10.0, 5.0, now, now - timedelta(days=10), reps=4, lapses=1)
    after = review(7, card, Rating.AGAIN, now, DEFAULTS)
    assert (after.state, after.lapses, after.reps) == (State.RELEARNING, 2, 5)
    assert after.due - now == timedelta(minutes=10)
    assert after.stability < card.stability


def test_preview_shows_what_each_rating_will_do():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 30.0, 5.0, now, now - timedelta(days=30), reps=5)
    intervals = preview(42, card, now, DEFAULTS)
    for rating, interval in intervals.items():
        assert review(42, card, rating, now, DEFAULTS).due - now == interval
    assert intervals[Rating.AGAIN] < intervals[Rating.HARD] < intervals[Rating.GOOD] < intervals[Rating.EASY]


def test_fuzz_spreads_cards_but_is_stable_per_card():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 60.0, 5.0, now, now - timedelta(days=60), reps=6)
    dues = {review(card_id, card, Rating.GOOD, now, DEFAULTS).due for card_id in range(40)}
    assert len(dues) > 3  # not every card lands on the same day
    assert review(5, card, Rating.GOOD, now, DEFAULTS) == review(5, card, Rating.GOOD, now, DEFAULTS)


def fsrs_days(card: Schedule, now, settings: DeckSettings) -> int:
    """The interval py-fsrs itself gives (no fuzz), in days: where the fuzz is centred."""
    scheduler = fsrs.Scheduler(
        desired_retention=settings.desired_retention, enable_fuzzing=False, maximum_interval=settings.maximum_interval
    )
    plain = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    return (scheduler.review_card(plain, fsrs.Rating.Good, now)[0].due - now).days


def fuzz_range(days: float, maximum: int) -> tuple[int, int]:
    """FSRS's (and Anki's) fuzz: 15% of the part of the interval from 2.5 to 7 days, 10% from 7
    to 20, 5% beyond, plus one day; never under 2 days or over the maximum interval. Rounded
    half up, as Rust rounds."""
    days = min(days, maximum)
    delta = 1 + 0.15 * max(min(days, 7) - 2.5, 0) + 0.1 * max(min(days, 20) - 7, 0) + 0.05 * max(days - 20, 0)
    high = min(math.floor(days + delta + 0.5), maximum)
    return min(max(2, math.floor(days - delta + 0.5)), high), high


@settings(max_examples=300, deadline=None)
@given(
    card_id=st.integers(1, 10**9),
    reps=st.integers(1, 10_000),
    stability=st.floats(3, 2000),
    maximum=st.sampled_from([36500, 30]),
)
def test_the_seeded_fuzz_stays_in_range_for_any_review_count(card_id, reps, stability, maximum):
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, stability, 5.0, now, now - timedelta(days=max(1, round(stability))), reps=reps)
    settings_ = DeckSettings(maximum_interval=maximum)
    after = review(card_id, card, Rating.GOOD, now, settings_)
    # Anki fuzzes a review's interval unrounded; at retention 0.9 FSRS's interval is the
    # stability itself (its retrievability after S days is 0.9, by definition)
    assert after.stability is not None
    low, high = fuzz_range(after.stability, maximum)
    assert low <= (after.due - now).days <= high
    assert preview(card_id, card, now, settings_)[Rating.GOOD] == after.due - now  # the screen shows what it gets


# Anki's own table (rslib scheduler/states/fuzz.rs, test with_review_fuzz): interval, minimum,
# maximum, then the interval at fuzz factors 0, 0.5 and 0.99
ANKI_FUZZ = [
    (1.0, 1, 1000, 1, 1, 1),
    (2.49, 1, 1000, 2, 2, 2),
    (2.5, 1, 1000, 2, 3, 4),
    (7.0, 1, 1000, 5, 7, 9),
    (17.0, 1, 1000, 14, 17, 20),
    (37.0, 1, 1000, 33, 37, 41),
    (2.0, 2, 1000, 2, 2, 2),
    (2.0, 3, 1000, 3, 4, 4),
    (2.0, 3, 3, 3, 3, 3),
    (6.9, 3, 1000, 5, 7, 9),
    (7.1, 3, 1000, 5, 7, 9),
    (19.9, 3, 1000, 17, 20, 23),
    (20.1, 3, 1000, 17, 20, 23),
    (100.0, 101, 1000, 101, 105, 108),
    (100.0, 1, 99, 92, 96, 99),
    (100.0, 97, 103, 97, 100, 103),
]


@pytest.mark.parametrize(("interval", "minimum", "maximum", "lower", "middle", "upper"), ANKI_FUZZ)
def test_the_fuzz_is_ankis(interval, minimum, maximum, lower, middle, upper):
    from quiz import intervals

    drawn = [intervals.fuzzed(interval, minimum, maximum, factor) for factor in (0.0, 0.5, 0.99)]
    assert drawn == [lower, middle, upper]


review_cards = st.builds(
    lambda stability, difficulty, elapsed, last, reps: Schedule(
        State.REVIEW,
        None,
        stability,
        difficulty,
        utc(2026, 1, 1, 9) - timedelta(days=elapsed - last),
        utc(2026, 1, 1, 9) - timedelta(days=elapsed),
        reps=reps,
    ),
    stability=st.floats(0.5, 3000),
    difficulty=st.floats(1, 10),
    elapsed=st.integers(1, 4000),
    last=st.integers(1, 4000),
    reps=st.integers(1, 500),
)


@settings(max_examples=300, deadline=None)
@given(card_id=st.integers(1, 10**9), card=review_cards)
def test_hard_good_and_easy_stay_a_day_apart_after_the_fuzz(card_id, card):
    """As Anki: Good at least a day longer than Hard, Easy than Good, whatever the fuzz draws."""
    now = utc(2026, 1, 1, 9)
    shown = {rating: interval.days for rating, interval in preview(card_id, card, now, DEFAULTS).items()}
    assert 1 <= shown[Rating.HARD] < shown[Rating.GOOD] < shown[Rating.EASY] <= DEFAULTS.maximum_interval


def test_a_good_review_never_comes_back_to_its_last_interval_when_fsrs_makes_it_longer():
    """A 50-day interval reviewed a day early: FSRS makes it 51 days, and the fuzz (47 to 55 days)
    may not take it back to 50 or under (Anki 26.08); it still spreads the cards over the days above."""
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 50.0, 9.0, now + timedelta(days=49), now - timedelta(days=1), reps=5)
    assert fsrs_days(card, now, DEFAULTS) == 51
    goods = {(review(card_id, card, Rating.GOOD, now, DEFAULTS).due - now).days for card_id in range(1, 201)}
    assert min(goods) == 51 and max(goods) > 53


def test_the_fuzz_changes_with_the_review_count_not_only_the_card():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 60.0, 5.0, now, now - timedelta(days=60), reps=6)
    dues = {review(5, replace(card, reps=reps), Rating.GOOD, now, DEFAULTS).due for reps in range(1, 41)}
    assert len(dues) > 3  # one card lands on other days as its review count grows


def test_maximum_interval_caps_reviews():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 5000.0, 2.0, now, now - timedelta(days=4000), reps=20)
    capped = review(3, card, Rating.EASY, now, DeckSettings(maximum_interval=30))
    assert capped.due - now <= timedelta(days=30)


@pytest.mark.parametrize(
    "interval, text",
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=63), "2.1mo"),
        (timedelta(days=474), "1.3y"),
    ],
)
def test_format_interval(interval, text):
    assert format_interval(interval) == text


@given(
    ratings=st.lists(st.sampled_from(list(Rating)), min_size=1, max_size=12),
    gaps=st.lists(st.integers(min_value=0, max_value=200 * 86400), min_size=12, max_size=12),
)
def test_schedule_invariants(ratings, gaps):
    """Whatever the answers, time moves forward and FSRS stays in its bounds."""
    now = utc(2026, 1, 1, 9)
    card = Schedule()
    for rating, gap in zip(ratings, gaps):
        after = review(99, card, rating, now, DEFAULTS)
        assert after.due > now
        assert after.due - now <= timedelta(days=DEFAULTS.maximum_interval)
        assert 1.0 <= after.difficulty <= 10.0 and after.stability > 0
        assert after.reps == card.reps + 1
        assert after.lapses == card.lapses + (card.state == State.REVIEW and rating == Rating.AGAIN)
        card = after
        now = max(now + timedelta(seconds=gap), now + timedelta(seconds=1))


# -- FSRS short-term scheduling: empty learning steps ---------------------------------------------

NO_STEPS = DeckSettings(learning_steps=(), relearning_steps=())


def test_without_learning_steps_fsrs_brings_a_forgotten_new_card_back_the_same_day():
    now = utc(2026, 1, 1, 9)
    again = review(1, Schedule(), Rating.AGAIN, now, NO_STEPS)
    # FSRS's first stability for Again is w0 = 0.212 days; at retention 0.9 the interval is the stability
    assert again.state == State.LEARNING and again.stability == pytest.approx(0.212)
    assert again.due - now == timedelta(seconds=int(0.212 * 86_400))
    later = review(1, again, Rating.GOOD, again.due, NO_STEPS)
    assert later.state == State.LEARNING and later.stability < 0.5  # short-term stability: still under half a day
    assert later.due - again.due == timedelta(seconds=int(later.stability * 86_400))


def test_without_learning_steps_a_passing_answer_of_half_a_day_or_more_graduates():
    now = utc(2026, 1, 1, 9)
    for rating, days in ((Rating.HARD, 1), (Rating.GOOD, 2)):  # w1 = 1.29 and w2 = 2.31 days, rounded
        after = review(1, Schedule(), rating, now, NO_STEPS)
        assert (after.state, after.due - now) == (State.REVIEW, timedelta(days=days))


def test_without_relearning_steps_a_lapse_relearns_for_fsrss_hours():
    now = utc(2026, 1, 1, 9)
    card = Schedule(State.REVIEW, None, 0.6, 9.0, now, now - timedelta(days=20), reps=4, lapses=1)  # a weak one
    lapsed = review(7, card, Rating.AGAIN, now, NO_STEPS)
    assert lapsed.stability < 0.5 and (lapsed.state, lapsed.lapses) == (State.RELEARNING, 2)
    assert lapsed.due - now == timedelta(seconds=int(lapsed.stability * 86_400))
    assert review(7, card, Rating.GOOD, now, NO_STEPS).state == State.REVIEW  # a passing review stays one
    with_steps = review(7, card, Rating.AGAIN, now, replace(NO_STEPS, relearning_steps=(600,)))
    assert with_steps.due - now == timedelta(minutes=10)  # the steps decide where there are any


def test_without_the_short_term_weights_fsrs_schedules_days_only():
    weights = list(fsrs.Scheduler().parameters)
    weights[17] = weights[18] = 0.0  # Anki allows the short term only with both
    after = review(1, Schedule(), Rating.AGAIN, utc(2026, 1, 1, 9), replace(NO_STEPS, parameters=tuple(weights)))
    assert after.state == State.REVIEW
