"""Card actions from the shell: quiz flag, forget and reschedule on several cards at once
(all or nothing), logged as Anki logs its manual changes, undone exactly, seen by quiz card,
quiz cards --flagged and quiz check; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from quiz import app, backups, scheduling, storage
from quiz.cli.main import cli
from quiz.dailyqueue import QueueCard
from quiz.model import CardKind, Rating, State
from quiz.storage import cards_t, decks_t, reviews_t
from quiz.storage.schema import events_t

DECK = """\
deck: t
title: T
cards:
  - {id: ps, front: List containers, back: docker ps}
  - {id: img, type: reversed, front: image, back: a read-only template}
  - {id: rm, front: Remove a container, back: docker rm web}
"""
SCHEDULE = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


@pytest.fixture
def quiz(location, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    (tmp_path / "t.yaml").write_text(DECK)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--db", location, *args])

    assert run("import", str(tmp_path / "t.yaml")).exit_code == 0
    return run


@pytest.fixture
def engine(quiz, location):
    """The collection with ps and both cards of img answered Good a minute ago (learning now)."""
    engine = app.open_collection(location, with_bundled=False)
    for key, ord_ in (("ps", 0), ("img", 0), ("img", 1)):
        answer(engine, key, ord_, Rating.GOOD, datetime.now(timezone.utc) - timedelta(minutes=1))
    yield engine
    engine.dispose()


def answer(engine, key: str, ord_: int, rating: Rating, at: datetime) -> None:
    with engine.connect() as conn:
        row = conn.execute(select(cards_t).join(decks_t).where(*mine(key, ord_))).one()
        schedule, settings = storage.schedule_of(conn, row.id), storage.deck_settings(conn, row.deck_id)
    card = QueueCard(row.id, "t", key, ord_, CardKind(row.kind), row.content, row.tags, schedule)
    storage.answer(engine, card, rating, at, settings)


def mine(key: str, ord_: int) -> tuple:
    """Deck t's card `key`, `ord_` (the bundled decks are in the collection too)."""
    return decks_t.c.name == "t", cards_t.c.note_key == key, cards_t.c.ord == ord_


def card(engine, key: str, ord_: int = 0) -> dict:
    c = cards_t.c
    with engine.connect() as conn:
        query = select(*(c[name] for name in (*SCHEDULE, "flag"))).join(decks_t).where(*mine(key, ord_))
        return dict(conn.execute(query).one()._mapping)


def events(engine) -> list[tuple]:
    with engine.connect() as conn:
        query = select(cards_t.c.note_key, events_t.c.kind).join(cards_t).order_by(events_t.c.id)
        return [tuple(row) for row in conn.execute(query)]


def reviews(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(reviews_t.c.id)).all())


def test_flag_every_card_of_the_notes_list_them_and_clear_them(engine, quiz):
    result = quiz("flag", "t", "img", "ps")
    assert result.exit_code == 0, result.output
    assert "t: 3 cards flagged red" in result.output
    assert [card(engine, *key)["flag"] for key in (("ps",), ("img", 0), ("img", 1), ("rm",))] == [1, 1, 1, 0]
    flagged = json.loads(quiz("cards", "--flagged", "--json").stdout)
    assert sorted((row["id"], row["card"], row["flag"]) for row in flagged) == [
        ("img", 1, "red"),
        ("img", 2, "red"),
        ("ps", 1, "red"),
    ]
    assert quiz("flag", "t", "ps", "--colour", "green").exit_code == 0
    assert json.loads(quiz("card", "t", "ps", "--json").stdout)["cards"][0]["flag"] == "green"
    assert "flag" in quiz("card", "t", "ps").output and "green" in quiz("card", "t", "ps").output
    assert "no longer flagged" in quiz("flag", "t", "ps", "img", "--clear").output
    assert json.loads(quiz("cards", "--flagged", "--json").stdout) == []


def test_an_unknown_id_changes_nothing(engine, quiz):
    before = [card(engine, key) for key in ("ps", "rm")]
    for command in (("flag",), ("forget",), ("reschedule", "--due", "+3d")):
        result = quiz(*command, "t", "ps", "nope")
        assert result.exit_code == 1
        assert "deck t has no card nope; nothing was changed" in result.output
    assert [card(engine, key) for key in ("ps", "rm")] == before and events(engine) == []


def test_forget_makes_a_card_new_its_reviews_kept_logged_and_shown(engine, quiz, location):
    answered = card(engine, "ps")
    assert answered["state"] != State.NEW
    count = reviews(engine)
    result = quiz("forget", "t", "ps")
    assert result.exit_code == 0, result.output
    assert "t: 1 card new again" in result.output
    forgotten = card(engine, "ps")
    assert forgotten["state"] == State.NEW and forgotten["due"] is None and forgotten["stability"] is None
    assert (forgotten["reps"], forgotten["lapses"]) == (answered["reps"], answered["lapses"])
    assert reviews(engine) == count and events(engine) == [("ps", "forget")]
    log = json.loads(quiz("card", "t", "ps", "--json").stdout)["cards"][0]["reviews"]
    assert [entry["kind"] for entry in log] == ["review", "forget"] and log[-1]["rating"] is None
    assert "forgotten" in quiz("card", "t", "ps").output
    assert quiz("check").exit_code == 0, quiz("check").output
    if location.endswith(".db"):  # a backup of the collection as it was, made first
        assert [b.reason for b in backups.listing(Path(location))] == ["forget"]


def test_forget_refuses_a_note_that_is_new_and_changes_nothing(engine, quiz):
    result = quiz("forget", "t", "ps", "rm")
    assert result.exit_code == 1
    assert "rm: new already; nothing was changed" in result.output
    assert card(engine, "ps")["state"] != State.NEW and events(engine) == []


def test_reschedule_sets_the_learners_day_and_a_learning_card_becomes_a_review(engine, quiz):
    before = card(engine, "img", 0)
    assert before["state"] == State.LEARNING
    result = quiz("reschedule", "t", "img", "--due", "+3d")
    assert result.exit_code == 0, result.output
    today = scheduling.learner_date(datetime.now(timezone.utc), timezone.utc, 4)
    assert f"t: 2 cards due {(today + timedelta(days=3)).isoformat()}" in result.output
    moved = card(engine, "img", 0)
    assert moved["state"] == State.REVIEW and moved["step"] is None
    assert moved["due"] == scheduling.day_begins(today + timedelta(days=3), timezone.utc, 4)
    assert (moved["stability"], moved["difficulty"], moved["reps"]) == (
        before["stability"],
        before["difficulty"],
        before["reps"],
    )
    assert events(engine) == [("img", "reschedule"), ("img", "reschedule")]
    assert quiz("check").exit_code == 0, quiz("check").output
    on_date = quiz("reschedule", "t", "ps", "--due", (today + timedelta(days=9)).isoformat())
    assert on_date.exit_code == 0 and card(engine, "ps")["due"] == scheduling.day_begins(
        today + timedelta(days=9), timezone.utc, 4
    )


@pytest.mark.parametrize("due", ["tomorrow", "3d", "2026-02-30", "+-1d", "2000-01-01", "+99999999d", "9999-12-31"])
def test_reschedule_refuses_what_is_no_due_date(engine, quiz, due):
    result = quiz("reschedule", "t", "ps", "--due", due)
    assert result.exit_code == 2
    assert f"Invalid value for '--due': {due} is not a date like" in result.output
    assert events(engine) == []


def test_reschedule_refuses_a_new_card(engine, quiz):
    result = quiz("reschedule", "t", "rm", "--due", "+1")
    assert result.exit_code == 1 and "rm: new, with nothing to reschedule" in result.output
    assert card(engine, "rm")["state"] == State.NEW and events(engine) == []


def test_undo_of_a_change_restores_the_card_exactly(engine):
    with engine.connect() as conn:
        (deck,) = storage.select_decks(conn, ["t"])
        targets = storage.targets(conn, deck, ["ps"])
    before = card(engine, "ps")
    now = datetime.now(timezone.utc)
    for change in (
        lambda: storage.forget(engine, targets, now),
        lambda: storage.reschedule(engine, targets, now + timedelta(days=5), now),
    ):
        (event,) = change()
        assert card(engine, "ps") != before
        storage.undo_event(engine, event)
        assert card(engine, "ps") == before and events(engine) == []


def test_an_undo_after_the_card_changed_again_is_refused(engine):
    with engine.connect() as conn:
        (deck,) = storage.select_decks(conn, ["t"])
        targets = storage.targets(conn, deck, ["ps"])
    now = datetime.now(timezone.utc)
    (first,) = storage.reschedule(engine, targets, now + timedelta(days=5), now)
    storage.reschedule(engine, targets, now + timedelta(days=8), now)
    with pytest.raises(storage.CardChanged):
        storage.undo_event(engine, first)
    assert card(engine, "ps")["due"] == now + timedelta(days=8)


def test_an_answer_cannot_be_undone_over_a_later_change(engine):
    with engine.connect() as conn:
        (deck,) = storage.select_decks(conn, ["t"])
        targets = storage.targets(conn, deck, ["ps"])
        (review_id,) = conn.execute(
            select(reviews_t.c.id).select_from(reviews_t.join(cards_t).join(decks_t)).where(*mine("ps", 0))
        ).scalars()
    now = datetime.now(timezone.utc) + timedelta(seconds=1)
    storage.reschedule(engine, targets, now + timedelta(days=5), now)
    with pytest.raises(storage.CardChanged):
        storage.undo_review(engine, review_id)
    assert card(engine, "ps")["due"] == now + timedelta(days=5)


def test_check_finds_a_card_that_is_not_what_its_change_left(engine, quiz):
    assert quiz("forget", "t", "ps").exit_code == 0
    with storage.writing(engine) as conn:
        ps = select(cards_t.c.id).join(decks_t).where(*mine("ps", 0)).scalar_subquery()
        conn.execute(cards_t.update().where(cards_t.c.id == ps).values(state=int(State.REVIEW)))
    result = quiz("check")
    assert result.exit_code != 0 and "t ps" in result.output and "its last change" in result.output


def test_an_answer_given_where_the_card_was_forgotten_meanwhile_is_refused(engine, quiz):
    with engine.connect() as conn:
        row = conn.execute(select(cards_t).join(decks_t).where(*mine("ps", 0))).one()
        stale = QueueCard(
            row.id, "t", "ps", 0, CardKind(row.kind), row.content, row.tags, storage.schedule_of(conn, row.id)
        )
        settings = storage.deck_settings(conn, row.deck_id)
    assert quiz("forget", "t", "ps").exit_code == 0  # in another process, while a review shows ps
    with pytest.raises(storage.CardChanged):
        storage.answer(engine, stale, Rating.GOOD, datetime.now(timezone.utc), settings)
    assert card(engine, "ps")["state"] == State.NEW and reviews(engine) == 3


def test_an_answer_is_committed_when_it_returns_and_another_connection_reads_it(engine, location):
    """Before the next card is shown: another connection (as another process has) sees the
    answer's card and log row, and on SQLite the commit that returned was synced (FULL)."""
    before = card(engine, "rm")
    answer(engine, "rm", 0, Rating.AGAIN, datetime.now(timezone.utc))
    other = app.open_collection(location, with_bundled=False)
    try:
        seen = card(other, "rm")
        with other.connect() as conn:
            logged = conn.execute(
                select(reviews_t.c.rating, reviews_t.c.reps_before, reviews_t.c.state_after)
                .select_from(reviews_t.join(cards_t).join(decks_t))
                .where(*mine("rm", 0))
            ).all()
            if other.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        other.dispose()
    assert before["state"] == State.NEW and seen["state"] == State.LEARNING and seen["reps"] == before["reps"] + 1
    assert logged == [(int(Rating.AGAIN), before["reps"], int(State.LEARNING))]
