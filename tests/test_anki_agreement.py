"""quiz schedules as Anki does (issue #21): 120 simulated days of answers through Anki's own
scheduler (the official `anki` package, FSRS on, tests/ankipackages.py), each answer replayed
through quiz.scheduling.review with the same deck options, at the same instant, from the
card as Anki had it.

For every answer: the memory state is Anki's within 1%, the state (learning or review) is
Anki's, and a review's interval is one quiz could have given it: one of the days quiz gives
that answer over the whole range of fuzz draws (the two draw from different generators,
so only the range can agree). The agreement is printed; it must hold for at least 99%.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone, tzinfo

import pytest

from quiz import intervals, scheduling
from quiz.model import DeckSettings, Rating, Schedule, State
from quiz.plumbing.localzone import learner_zone
from tests import ankipackages

DAYS = 120
SETTINGS = DeckSettings(  # the sample preset's options (ankipackages.add_sample_notes)
    desired_retention=ankipackages.DESIRED_RETENTION,
    learning_steps=(60, 600),
    relearning_steps=(600,),
    parameters=tuple(ankipackages.FSRS_PARAMS),
)
DRAWS = [n / 200 for n in range(200)]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[list[tuple[int, list[tuple], list]], tzinfo, int]:
    """(card id, its revlog rows (id, ease, ivl, type) oldest first, Anki's memory state after
    each) for each card; and the time zone and rollover hour of Anki's days."""
    zone = learner_zone()  # the process's, as Anki's (the tests' own is UTC, set after this)
    collection = ankipackages.new_collection(tmp_path_factory.mktemp("agreement") / "collection.anki2")
    ankipackages.add_sample_notes(collection, per_type=12)
    ankipackages.simulate_reviews(collection, DAYS)
    cards = []
    with ankipackages.opened(collection) as col:
        assert col.db is not None
        rollover = col.get_config("rollover", 4)
        for card_id in ankipackages._card_ids(col):
            rows = col.db.all("SELECT id, ease, ivl, type FROM revlog WHERE cid = ? ORDER BY id", card_id)
            # Anki's Card Info: each answer's memory state, computed from the log (newest first)
            memory = [entry.memory_state for entry in reversed(col.card_stats_data(card_id).revlog)]
            assert len(memory) == len(rows)
            cards.append((card_id, rows, memory))
    return cards, zone, rollover


def possible_days(monkeypatch, card_id: int, before: Schedule, rating: Rating, now: datetime, next_day) -> set[int]:
    """The days quiz gives this answer, for each fuzz draw."""
    days = set()
    with monkeypatch.context() as patched:
        for draw in DRAWS:
            patched.setattr(intervals, "fuzz_factor", lambda _card, _reps, draw=draw: draw)
            due = scheduling.review(card_id, before, rating, now, SETTINGS, next_day=next_day).due
            assert due is not None
            days.add((due - now).days)
    return days


def test_the_same_answers_give_ankis_memory_states_states_and_intervals(history, monkeypatch, capsys):
    answers = memory_agrees = state_agrees = reviews = days_agree = 0
    cards, zone, rollover = history
    for card_id, rows, memory in cards:
        card = Schedule()
        for (revlog_id, ease, interval, kind), theirs in zip(rows, memory):
            if kind not in (0, 1, 2):  # learning, review, relearning: what the scheduler answers
                continue
            now = datetime.fromtimestamp(revlog_id / 1000, timezone.utc)
            # the days since the last review counted as Anki counts them: by its days' boundaries
            next_day = scheduling.next_day_start(now, zone, rollover)
            ours = scheduling.review(card_id, card, Rating(ease), now, SETTINGS, next_day=next_day)
            assert ours.stability is not None and ours.difficulty is not None
            answers += 1
            memory_agrees += ours.stability == pytest.approx(
                theirs.stability, rel=0.01
            ) and ours.difficulty == pytest.approx(theirs.difficulty, rel=0.01)
            state_agrees += (interval > 0) == (ours.state == State.REVIEW)  # Anki logs a step as -seconds
            if interval > 0 and ours.state == State.REVIEW:
                reviews += 1
                days_agree += interval in possible_days(monkeypatch, card_id, card, Rating(ease), now, next_day)
                ours = replace(ours, due=now + timedelta(days=interval))  # the card as Anki left it
            card = ours
    with capsys.disabled():
        print(
            f"\n{DAYS} days, {len(cards)} cards, {answers} answers: memory states within 1% {memory_agrees},"
            f" states {state_agrees}; review intervals in quiz's fuzz range {days_agree} of {reviews}"
        )
    assert answers > 150 and reviews > 100  # a real history: steps, reviews, lapses
    assert memory_agrees >= 0.99 * answers and state_agrees >= 0.99 * answers
    assert days_agree >= 0.99 * reviews
