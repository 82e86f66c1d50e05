"""The load balancer and easy days (quiz.balance, Anki's rslib load_balancer.rs): which day a
review goes to inside its fuzz range, and the review session that uses it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from quiz import intervals, scheduling, storage
from quiz.balance import DAYS, DayLoads
from quiz.decks import load_deck
from quiz.errors import DeckError
from quiz.model import DeckSettings, Rating, State
from quiz.session import ReviewSession
from quiz.storage import cards_t
from tests.conftest import utc

MONDAY = date(2026, 5, 4)
DRAWS = [n / 1000 for n in range(1000)]  # the draws of 1000 cards, evenly spread
NORMAL = ("normal",) * 7
DECK = 1


def workload(due: dict[int, int], notes: dict[int, str] | None = None) -> DayLoads:
    """A workload of deck 1 from today (a Monday): due[day] cards on each day, of notes of
    their own but for notes[day], one card of that note there."""
    starts = [day * 86_400_000 for day in range(DAYS + 1)]
    rows = [(DECK, f"n{day}-{n}", starts[day]) for day, count in due.items() for n in range(count)]
    rows += [(DECK, key, starts[day]) for day, key in (notes or {}).items()]
    return DayLoads(MONDAY, starts, rows)


def days_chosen(load: DayLoads, interval: int, easy_days=NORMAL, key: str = "card") -> Counter[int]:
    balance = load.balance(DECK, key, easy_days)
    chosen = Counter()
    for draw in DRAWS:
        day = balance(interval, 1, 36500, draw)
        assert day is not None
        chosen[day] += 1
    return chosen


def test_the_range_is_the_fuzzs():
    assert intervals.fuzz_bounds(10, 1, 36500) == (8, 12)  # the days the tests below weigh


def test_the_day_with_the_fewest_cards_takes_most_reviews():
    # Anki's weights, (1/due)^2 / day: 4 cards on day 11 weigh 100 times 40 on the others
    chosen = days_chosen(workload({8: 40, 9: 40, 10: 40, 11: 4, 12: 40}), 10)
    assert set(chosen) <= {8, 9, 10, 11, 12}
    assert chosen[11] >= 900


def test_equal_days_lean_to_the_earlier_one():
    chosen = days_chosen(workload(dict.fromkeys(range(8, 13), 10)), 10)
    assert chosen[8] > chosen[10] > chosen[12] > 0  # 1/day: 8 weighs 12/8 of 12


def test_a_day_with_a_card_of_the_same_note_is_avoided():
    load = workload(dict.fromkeys(range(8, 13), 5), notes={8: "card", 9: "card", 11: "card", 12: "card"})
    assert days_chosen(load, 10)[10] >= 990  # the only day without a sibling


def test_a_minimum_easy_day_takes_no_review_while_others_can():
    sunday = {day: "minimum" if day == 6 else "normal" for day in range(7)}
    # days 8 to 12 from Monday 2026-05-04: Tuesday 12th to Saturday 16th; day 13 is a Sunday
    chosen = days_chosen(workload({}), 12, tuple(sunday.values()))
    assert (MONDAY + timedelta(days=13)).weekday() == 6 and 13 in range(10, 15)
    assert chosen[13] <= 1 and sum(chosen.values()) == len(DRAWS)  # it weighs 1/10^4 of another day


def test_a_reduced_easy_day_takes_reviews_only_while_it_has_fewer_than_the_others():
    saturday = tuple("reduced" if day == 5 else "normal" for day in range(7))
    assert (MONDAY + timedelta(days=12)).weekday() == 5  # day 12 is a Saturday
    even = days_chosen(workload(dict.fromkeys(range(8, 13), 10)), 10, saturday)
    assert even[12] == 0  # as full as the other days: counted double, it is over their average
    light = days_chosen(workload({8: 10, 9: 10, 10: 10, 11: 10, 12: 1}), 10, saturday)
    assert light[12] >= 900  # under half the others' average: a normal day, of weight 1/12 against 1/800..1/1100


@given(
    st.integers(min_value=1, max_value=90),
    st.integers(min_value=1, max_value=90),
    st.dictionaries(st.integers(min_value=0, max_value=DAYS - 1), st.integers(min_value=0, max_value=50)),
    st.floats(min_value=0, max_value=1, exclude_max=True),
    st.lists(st.sampled_from(["normal", "reduced", "minimum"]), min_size=7, max_size=7),
)
def test_the_day_chosen_is_always_inside_the_fuzz_range(interval, minimum, due, draw, easy_days):
    day = workload(due).balance(DECK, "card", tuple(easy_days))(interval, minimum, 36500, draw)
    lower, upper = intervals.fuzz_bounds(interval, minimum, 36500)
    assert day is not None and lower <= day <= upper


def test_a_card_sent_beyond_90_days_is_fuzzed_not_balanced():
    balance = workload({}).balance(DECK, "card", NORMAL)
    assert balance(91, 1, 36500, 0.5) is None
    assert balance(60, 91, 36500, 0.5) is None  # its minimum beyond 90 days too
    assert balance(90, 1, 36500, 0.5) is not None


# -- in a review session ------------------------------------------------------------------

MORNING = utc(2026, 5, 4, 8, 0)  # a Monday


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def many_reviews(engine, write_deck, count: int, easy_days: str = "") -> None:
    """A deck of `count` basic cards, all review cards due this morning, reviewed 10 days ago."""
    cards = "\n".join(f"  - {{id: c{n}, front: q{n}, back: a{n}}}" for n in range(count))
    settings = f"settings: {{reviews_per_day: 9999{easy_days}}}\n"
    storage.import_decks(engine, [load_deck(write_deck(f"deck: many\n{settings}cards:\n{cards}\n"))])
    with storage.writing(engine) as conn:
        conn.execute(
            update(cards_t).values(
                state=int(State.REVIEW),
                stability=12.0,
                difficulty=5.0,
                due=MORNING - timedelta(hours=1),
                last_review=MORNING - timedelta(days=10),
                reps=3,
            )
        )


def answer_all(engine, clock: Clock) -> tuple[list[timedelta], list[timedelta]]:
    """Each card answered Good: the interval its button showed, and the one it got."""
    session = ReviewSession.open(engine, None, timezone.utc, 4, "en", clock=clock)
    shown, given_ = [], []
    while (card := session.current()) is not None:
        preview = scheduling.preview(card.id, card.schedule, clock(), session.settings(card), session.balance(card))
        shown.append(preview[Rating.GOOD])
        answered = session.answer(card, Rating.GOOD)
        assert answered.schedule.due is not None
        given_.append(answered.schedule.due - clock())
        clock.now += timedelta(seconds=5)
    return shown, given_


def per_day(engine) -> Counter[date]:
    with engine.connect() as conn:
        return Counter(due.date() for due in conn.execute(select(cards_t.c.due)).scalars())


def test_the_intervals_shown_are_the_intervals_given(engine, write_deck):
    many_reviews(engine, write_deck, 60)
    shown, given_ = answer_all(engine, Clock(MORNING))
    assert len(shown) == 60 and shown == given_


def test_balanced_reviews_spread_more_evenly_than_fuzzed_ones(engine, write_deck):
    many_reviews(engine, write_deck, 150)
    answer_all(engine, Clock(MORNING))
    balanced = per_day(engine)
    with storage.writing(engine) as conn:
        conn.execute(storage.reviews_t.delete())
        storage.set_setting(conn, "load_balancer", "off")
    with storage.writing(engine) as conn:
        conn.execute(update(cards_t).values(due=MORNING - timedelta(hours=1), reps=3))
    answer_all(engine, Clock(MORNING))
    fuzzed = per_day(engine)
    assert sum(balanced.values()) == sum(fuzzed.values()) == 150
    assert max(balanced.values()) - min(balanced.values()) < max(fuzzed.values()) - min(fuzzed.values())


def test_turned_off_the_intervals_are_the_fuzzs(engine, write_deck):
    many_reviews(engine, write_deck, 20)
    with storage.writing(engine) as conn:
        storage.set_setting(conn, "load_balancer", "off")
    session = ReviewSession.open(engine, None, timezone.utc, 4, "en", clock=Clock(MORNING))
    card = session.current()
    assert card is not None and session.balance(card) is None
    fuzzed = scheduling.preview(card.id, card.schedule, MORNING, session.settings(card))
    assert session.intervals(card) == {r: scheduling.format_interval(i, "en") for r, i in fuzzed.items()}


def test_a_decks_easy_days_keep_its_reviews_off_those_weekdays(engine, write_deck):
    many_reviews(engine, write_deck, 80, ", easy_days: {saturday: minimum, sunday: minimum}")
    answer_all(engine, Clock(MORNING))
    days = per_day(engine)  # 80 cards over the 9 days from 30 to 38 days ahead
    weekend = [count for day, count in days.items() if day.weekday() >= 5]
    week = [count for day, count in days.items() if day.weekday() < 5]
    # a minimum day weighs 1/10^4 of another: it takes a card once the others hold ~17 (1/(17^2 * 35))
    assert max(weekend, default=0) <= 1 and min(week) >= 8 and sum(days.values()) == 80


# -- the setting in a deck file -------------------------------------------------------------


def test_easy_days_are_read_from_the_deck_file_and_stored(engine, write_deck):
    settings = "settings: {easy_days: {sunday: minimum, wednesday: reduced}}\n"
    path = write_deck(f"deck: e\n{settings}cards: [{{id: a, front: q, back: a}}]\n")
    storage.import_decks(engine, [load_deck(path)])
    with engine.connect() as conn:
        (deck,) = storage.select_decks(conn, ["e"])
        stored = storage.deck_settings(conn, deck.id)
    assert stored.easy_days == ("normal", "normal", "reduced", "normal", "normal", "normal", "minimum")
    assert DeckSettings().easy_days == NORMAL  # the default: every day normal


@pytest.mark.parametrize(
    ("value", "line", "column", "message"),
    [
        ("{sunday: none}", 3, 23, 'settings.easy_days.sunday: "none" is none of normal, reduced, minimum'),
        ("{sundae: minimum}", 3, 15, 'settings.easy_days: unknown key "sundae" (did you mean "sunday"?)'),
        ("[minimum]", 2, 23, "settings.easy_days must be a mapping of keys to values"),
    ],
)
def test_a_wrong_easy_day_is_a_located_problem(write_deck, value, line, column, message):
    flow = value.startswith("[")
    text = f"deck: e\nsettings: {{easy_days: {value}}}\n" if flow else f"deck: e\nsettings:\n  easy_days: {value}\n"
    with pytest.raises(DeckError) as raised:
        load_deck(write_deck(text + "cards: [{id: a, front: q, back: a}]\n"))
    assert [(p.line, p.column, p.message) for p in raised.value.problems] == [(line, column, message)]
