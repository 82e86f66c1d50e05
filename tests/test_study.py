"""Custom study (quiz review's options) and the review's card actions, on a pinned clock and
both databases: a tag, new cards beyond the limit, reviews ahead, a limit, an order; cram
(the schedule untouched, the answers logged apart from the reviews: stats and the optimizer
never see them); flag, forget and reschedule from the review, each undone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from quiz import storage
from quiz.cli.main import cli
from quiz.decks import load_deck
from quiz.errors import DeckError, QuizError
from quiz.model import CardKind, Rating, Schedule, State
from quiz.session import ReviewSession
from quiz.storage import cards_t, deck_settings_t, reviews_t
from quiz.storage.reports import review_history
from quiz.storage.schema import events_t
from quiz.study import Study
from tests.test_review import MORNING, UTC, Clock

DECK = """
deck: s
title: Study deck
cards:
  - {id: a, front: A?, back: a, tags: [logs]}
  - {id: b, front: B?, back: b}
  - {id: c, front: C?, back: c, tags: [logs]}
  - {id: d, front: D?, back: d}
  - {id: e, front: E?, back: e}
  - {id: f, front: F?, back: f, tags: [logs]}
  - {id: g, front: G?, back: g}
  - {id: h, front: H?, back: h}
"""
# a, b, c reviewed: a due yesterday (low stability), b due today (high), c due in 2 days;
# the others new, two a day
REVIEWED = {
    "a": dict(due=MORNING - timedelta(days=1), last_review=MORNING - timedelta(days=3), stability=2.0),
    "b": dict(due=MORNING + timedelta(hours=2), last_review=MORNING - timedelta(days=3), stability=30.0),
    "c": dict(due=MORNING + timedelta(days=2), last_review=MORNING - timedelta(days=3), stability=8.0),
}


@pytest.fixture
def deck(engine, write_deck):
    storage.import_decks(engine, [load_deck(write_deck(DECK))])
    with storage.writing(engine) as conn:
        conn.execute(update(deck_settings_t).values(new_per_day=2))
        for key, values in REVIEWED.items():
            schedule = dict(state=int(State.REVIEW), difficulty=5.0, reps=3, **values)
            conn.execute(update(cards_t).where(cards_t.c.note_key == key).values(**schedule))
    return engine


def session(engine, **study) -> ReviewSession:
    return ReviewSession.open(engine, ["s"], UTC, 4, "en", clock=Clock(MORNING), study=Study(**study))


def queued(session: ReviewSession) -> list[str]:
    queue = session.queue
    return [card.key for part in (queue.learning, queue.reviews, queue.new) for card in part]


def rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(cards_t).order_by(cards_t.c.id))]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_days_queue_without_options(deck):
    assert queued(session(deck)) == ["a", "b", "d", "e"]


def test_a_tag_keeps_its_cards_only(deck):
    assert queued(session(deck, tag="logs")) == ["a", "f"]  # c is not due; f is the first tagged new card


def test_new_cards_beyond_the_days_limit(deck):
    assert queued(session(deck, new=3)) == ["a", "b", "d", "e", "f", "g", "h"]


def test_reviews_ahead_come_in_and_are_answered_early(deck):
    ahead = session(deck, ahead=3)
    assert queued(ahead) == ["a", "b", "c", "d", "e"]
    c = ahead.queue.find(next(card.id for card in ahead.queue.reviews if card.key == "c"))
    assert c is not None
    answered = ahead.answer(c, Rating.GOOD)
    assert answered.schedule.due > REVIEWED["c"]["due"]  # from today, as FSRS counts the days
    with deck.connect() as conn:
        assert conn.execute(select(reviews_t.c.rating).where(reviews_t.c.card_id == c.id)).scalars().all() == [3]


def test_a_limit_keeps_the_first_cards(deck):
    assert queued(session(deck, limit=3)) == ["a", "b", "d"]
    assert queued(session(deck, limit=1)) == ["a"]


def test_orders(deck):
    assert queued(session(deck, order="retrievability")) == ["a", "b", "d", "e"]  # a: the lowest stability
    by_chance = session(deck, order="retrievability", ahead=3)
    assert [card.key for card in by_chance.queue.reviews] == ["a", "c", "b"]  # stability 2, 8, 30; same last review
    assert queued(session(deck, order="added")) == ["b", "a", "e", "d"]  # the latest added first: b after a
    shuffled = {tuple(queued(session(deck, order="random", new=4))) for _ in range(3)}
    assert len(shuffled) == 1  # the same all day, as Anki's: a queue built again keeps its order
    assert sorted(next(iter(shuffled))) == list("abdefgh")


def test_random_orders_change_with_the_day():
    from quiz.dailyqueue import QueueCard
    from quiz.study import ordered

    cards = [QueueCard(n, "s", f"k{n}", 0, CardKind.BASIC, "{}", "", Schedule()) for n in range(1, 41)]
    days = [ordered(cards, "random", MORNING, {}, MORNING + timedelta(days=n)) for n in range(3)]
    keys = [[card.id for card in day] for day in days]
    assert len({tuple(day) for day in keys}) == 3 and all(sorted(day) == list(range(1, 41)) for day in keys)
    assert all(day != sorted(day) for day in keys)


BACKLOG = """
deck: b
title: A backlog
settings: {{reviews_per_day: 2, review_order: {order}}}
cards:
  - {{id: x, front: X?, back: x}}
  - {{id: y, front: Y?, back: y}}
  - {{id: z, front: Z?, back: z}}
  - {{id: w, front: W?, back: w}}
"""
# x and w due longest (a week), well remembered; y and z due since yesterday, likely forgotten
BACKLOGGED = {
    "x": dict(due=MORNING - timedelta(days=7), last_review=MORNING - timedelta(days=107), stability=300.0),
    "w": dict(due=MORNING - timedelta(days=7, hours=-1), last_review=MORNING - timedelta(days=107), stability=250.0),
    "y": dict(due=MORNING - timedelta(days=1), last_review=MORNING - timedelta(days=30), stability=2.0),
    "z": dict(due=MORNING - timedelta(days=1), last_review=MORNING - timedelta(days=30), stability=3.0),
}


def backlog(engine, write_deck, order: str) -> None:
    storage.import_decks(engine, [load_deck(write_deck(BACKLOG.format(order=order), name=f"{order}.yaml"))])
    with storage.writing(engine) as conn:
        for key, values in BACKLOGGED.items():
            schedule = dict(state=int(State.REVIEW), difficulty=5.0, reps=3, **values)
            conn.execute(update(cards_t).where(cards_t.c.note_key == key).values(**schedule))


@pytest.mark.parametrize(
    ("order", "expected"),
    [("due", ["x", "w"]), ("retrievability", ["y", "z"])],
)
def test_a_decks_review_order_decides_which_reviews_the_days_limit_takes(engine, write_deck, order, expected):
    backlog(engine, write_deck, order)
    queue = ReviewSession.open(engine, ["b"], UTC, 4, "en", clock=Clock(MORNING), study=Study()).queue
    assert [card.key for card in queue.reviews] == expected


def test_the_order_asked_for_goes_before_the_decks(engine, write_deck):
    backlog(engine, write_deck, "due")
    queue = session_of(engine, "b", Study(order="retrievability")).queue
    assert [card.key for card in queue.reviews] == ["y", "z"]


def test_by_due_date_the_reviews_of_one_day_come_in_random_order(engine, write_deck):
    """Anki's default, due date then random: the earlier day first, within a day not by the
    time of day the card was last answered (that would put a morning's cards always first)."""
    cards = "".join(f"  - {{id: r{n}, front: R{n}?, back: r}}\n" for n in range(12))
    deck = "deck: r\ntitle: Random days\nsettings: {reviews_per_day: 50}\ncards:\n" + cards
    storage.import_decks(engine, [load_deck(write_deck(deck, name="r.yaml"))])
    with storage.writing(engine) as conn:
        for n in range(12):
            due = MORNING - timedelta(days=1 if n < 6 else 0) + timedelta(minutes=n)  # in key order within a day
            schedule = dict(state=int(State.REVIEW), difficulty=5.0, reps=3, stability=10.0, due=due)
            values = schedule | {"last_review": due - timedelta(days=10)}
            conn.execute(update(cards_t).where(cards_t.c.note_key == f"r{n}").values(**values))
    keys = [card.key for card in session_of(engine, "r", Study()).queue.reviews]
    yesterday, today = keys[:6], keys[6:]
    assert sorted(yesterday) == [f"r{n}" for n in range(6)] and sorted(today) == sorted(f"r{n}" for n in range(6, 12))
    assert yesterday != sorted(yesterday, key=lambda key: int(key[1:]))  # not by the time of day
    assert [card.key for card in session_of(engine, "r", Study()).queue.reviews] == keys  # and the same all day


def session_of(engine, name: str, study: Study) -> ReviewSession:
    return ReviewSession.open(engine, [name], UTC, 4, "en", clock=Clock(MORNING), study=study)


def test_a_review_order_that_is_none_is_a_located_problem(write_deck):
    path = write_deck(BACKLOG.format(order="lapses"), name="bad.yaml")
    with pytest.raises(DeckError) as error:
        load_deck(path)
    problem = error.value.problems[0]
    assert problem.line == 3 and 'settings.review_order: "lapses" is none of due, retrievability, random, added' in (
        problem.message
    )


def test_cram_practises_any_card_and_changes_no_schedule(deck):
    cram = session(deck, cram=True)
    assert queued(cram) == list("abcdefgh")  # due or not, new too, in the deck's order
    before, reviews = rows(deck), count(deck, reviews_t)
    card = cram.current()
    assert card is not None and card.key == "a"
    cram.answer(card, Rating.AGAIN)
    second = cram.current()
    assert second is not None
    cram.answer(second, Rating.GOOD)
    assert rows(deck) == before and count(deck, reviews_t) == reviews
    with deck.connect() as conn:
        logged = conn.execute(select(events_t.c.kind, events_t.c.rating).order_by(events_t.c.id)).all()
    assert [tuple(row) for row in logged] == [("cram", 1), ("cram", 3)]
    assert queued(cram)[-1] == "a"  # Again: once more at the end
    assert cram.intervals(card) == {}
    cram.undo()
    assert count(deck, events_t) == 1 and cram.current() == second


def test_cram_the_cards_failed_today(deck):
    daily = session(deck)
    for rating in (Rating.AGAIN, Rating.GOOD):  # a failed, b passed
        card = daily.current()
        assert card is not None
        daily.answer(card, rating)
    assert queued(session(deck, cram=True, failed_today=True)) == ["a"]


def test_stats_and_the_optimizer_never_see_a_cram_answer(deck, location, monkeypatch):
    daily = session(deck)
    card = daily.current()
    assert card is not None
    daily.answer(card, Rating.GOOD)
    monkeypatch.setenv("TZ", "UTC")

    def stats() -> dict:
        result = CliRunner().invoke(cli, ["--db", location, "stats", "s", "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    with deck.connect() as conn:
        history = review_history(conn, None)
    shown = stats()
    cram = session(deck, cram=True)
    for _ in range(3):
        crammed = cram.current()
        assert crammed is not None
        cram.answer(crammed, Rating.AGAIN)
    assert count(deck, events_t) == 3
    with deck.connect() as conn:
        assert review_history(conn, None) == history
    assert stats() == shown


def test_the_reviews_card_actions_leave_the_queue_and_are_undone(deck):
    review = session(deck)
    a = review.current()
    assert a is not None and a.key == "a"
    before = rows(deck)
    review.reschedule(a, (MORNING + timedelta(days=4)).date())
    assert "a" not in queued(review)
    review.undo()
    assert rows(deck) == before and review.current() == a
    review.forget(a)
    assert [card.key for card in review.queue.reviews] == ["b"]
    review.undo()
    assert rows(deck) == before and review.current() == a and count(deck, events_t) == 0
    new = review.queue.new[0]
    with pytest.raises(QuizError):
        review.forget(new)
    with pytest.raises(QuizError):
        review.reschedule(new, MORNING.date())
    assert rows(deck) == before


def test_a_flag_is_set_toggled_and_undone(deck):
    review = session(deck)
    a = review.current()
    assert a is not None

    def flag() -> int:
        with deck.connect() as conn:
            return storage.flag_of(conn, a.id)

    assert review.flag(a, 3) == 3 and flag() == 3
    assert review.flag(a, 5) == 5 and flag() == 5
    assert review.flag(a, 5) == 0 and flag() == 0  # the same colour again takes it off
    review.undo()
    assert flag() == 5
    review.undo()
    review.undo()
    assert flag() == 0 and review.current() == a


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (["--failed-today"], "--failed-today goes with --cram"),
        (["--cram", "--new", "3"], "--cram takes no --new nor --ahead"),
        (["--cram", "--ahead", "2"], "--cram takes no --new nor --ahead"),
        (["--order", "lapses"], "Invalid value for '--order'"),
    ],
)
def test_options_that_do_not_go_together_are_a_usage_error(deck, location, args, told):
    result = CliRunner().invoke(cli, ["--db", location, "review", *args])
    assert result.exit_code == 2 and told in result.output
    assert count(deck, reviews_t) == count(deck, events_t) == 0


def test_quiz_card_shows_a_cram_answer_with_no_interval(deck, location, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    cram = session(deck, cram=True)
    card = cram.current()
    assert card is not None
    cram.answer(card, Rating.HARD, 2500)
    shown = CliRunner().invoke(cli, ["--db", location, "card", "s", card.key, "--json"])
    (entry,) = json.loads(shown.stdout)["cards"][0]["reviews"]
    assert entry == {
        "reviewed_at": MORNING.isoformat(),
        "kind": "cram",
        "rating": "hard",
        "interval_days": None,
        "duration_ms": 2500,
    }
    text = CliRunner().invoke(cli, ["--db", location, "card", "s", card.key]).stdout
    assert "Hard (cram)  -         2.5s" in text


@pytest.mark.parametrize("args", [["--ahead", "99999999"], ["--new", "99999999"], ["--limit", "0"]])
def test_numbers_beyond_what_a_session_can_take_are_a_usage_error(deck, location, args):
    result = CliRunner().invoke(cli, ["--db", location, "review", *args])
    assert result.exit_code == 2 and f"Invalid value for '{args[0]}'" in result.output


def test_a_cram_summary_says_what_is_left_to_cram_and_no_due_time(deck):
    from quiz.review import render
    from quiz.review.words import words_for

    words = words_for("en")
    cram = session(deck, cram=True, limit=2)
    card = cram.current()
    assert card is not None
    cram.answer(card, Rating.GOOD)
    shown = render.plain(render.summary(cram.summary(), MORNING, UTC, words))
    assert "Reviewed 1 card" in shown and "1 card left to cram." in shown and "due" not in shown
    empty = session(deck, cram=True, tag="nosuchtag")
    shown = render.plain(render.summary(empty.summary(), MORNING, UTC, words))
    assert shown.strip() == "No cards to cram with these options (suspended and buried cards stay out)."
