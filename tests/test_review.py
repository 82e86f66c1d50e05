"""The review screen driven key by key through a pipe, with a pinned clock."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.utils import get_cwidth
from sqlalchemy import select, update

from quiz import app, review, scheduling, storage
from quiz.cli import cli
from quiz.decks import load_deck
from quiz.model import DeckSettings, Rating, Schedule, State
from quiz.review.words import words_for
from quiz.session import ReviewSession
from quiz.storage import cards_t, reviews_t
from tests.conftest import utc

UTC = ZoneInfo("UTC")
MORNING = utc(2026, 5, 4, 8, 0)
ENTER, CTRL_C, CTRL_D = "\r", "\x03", "\x04"

DECK = """
deck: t
title: Test deck
cards:
  - {id: ps-l, type: command, front: Show the latest container, back: docker ps -l, note: -l is --latest}
  - {id: lxc, front: What is LXC?, back: Linux Containers, tags: [concepts]}
  - {id: alpine, type: reversed, front: alpine, back: a tiny base image}
  - {id: rm-v, type: cloze, text: "docker rm {{c1::-v::flag}} also removes anonymous volumes"}
"""


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def deck(engine, write_deck):
    storage.import_decks(engine, [load_deck(write_deck(DECK))])
    return engine


def session_for(engine, clock=None, names=None, lang="en") -> ReviewSession:
    return ReviewSession.open(engine, names, UTC, 4, lang, clock=clock or Clock(MORNING))


def drive(session: ReviewSession, keys: str, wait: bool = False):
    """Run the screen on these keystrokes; Ctrl-D at the end so it cannot hang (with
    `wait`, the summary's key is among `keys`)."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys + CTRL_D)
        with create_app_session(input=pipe, output=DummyOutput()):
            summary, transcript = review.run(session, wait=wait)
    return summary, "".join(transcript)


def only(engine, key: str) -> None:
    """Suspend every card but `key`, so the screen shows just that one."""
    with storage.writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.note_key != key).values(suspended=True))


def reviews(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(
            select(cards_t.c.note_key, cards_t.c.ord, reviews_t.c.rating, reviews_t.c.answer)
            .join(reviews_t)
            .order_by(reviews_t.c.id)
        ).all()


def test_a_right_command_is_preselected_good_and_enter_accepts(deck):
    only(deck, "ps-l")
    summary, shown = drive(session_for(deck), "docker ps --latest" + ENTER + ENTER)
    assert "✓ right" in shown and "expected  docker ps -l" in shown
    assert "[3 Good 10m]" in shown
    assert reviews(deck) == [("ps-l", 0, 3, "docker ps --latest")]
    assert "-l is --latest" in shown  # the note, after rating
    assert summary.reviewed == 1 and summary.again == 0


def test_a_wrong_command_shows_the_difference_and_preselects_again(deck):
    only(deck, "ps-l")
    _summary, shown = drive(session_for(deck), "docker ps -a" + ENTER + ENTER)
    assert "✗ not quite" in shown
    assert "you typed docker ps -a" in shown and "expected  docker ps -l" in shown
    assert "[1 Again 1m]" in shown
    assert reviews(deck)[0][2] == 1


def test_a_digit_overrides_the_preselected_rating(deck):
    only(deck, "ps-l")
    drive(session_for(deck), "docker ps -a" + ENTER + "2")
    assert [r.rating for r in reviews(deck)] == [2]


def test_an_empty_answer_reveals_it_with_again(deck):
    only(deck, "ps-l")
    _, shown = drive(session_for(deck), ENTER + ENTER)
    assert "answer    docker ps -l" in shown
    assert reviews(deck) == [("ps-l", 0, 1, "")]


@pytest.mark.parametrize("reveal", [ENTER, " "])
def test_a_basic_card_is_revealed_then_rated_with_one_key(deck, reveal):
    only(deck, "lxc")
    _, shown = drive(session_for(deck), reveal + "4")
    assert shown.index("What is LXC?") < shown.index("Linux Containers")
    assert "concepts" in shown  # the tags, as a breadcrumb
    assert reviews(deck) == [("lxc", 0, 4, None)]


def test_cloze_hides_its_deletion_with_the_hint(deck):
    only(deck, "rm-v")
    _, shown = drive(session_for(deck), ENTER + "3")
    assert "docker rm [flag] also removes" in shown
    assert "docker rm -v also removes" in shown


def test_a_reversed_card_asks_both_ways_on_different_days(deck):
    only(deck, "alpine")
    _, shown = drive(session_for(deck), ENTER + "4")
    assert shown.index("alpine") < shown.index("a tiny base image")
    later = Clock(MORNING + timedelta(days=1))
    _, shown = drive(session_for(deck, later), ENTER + "3")
    assert shown.index("a tiny base image") < shown.rindex("alpine")
    assert [(r.ord, r.rating) for r in reviews(deck)] == [(0, 4), (1, 3)]


def test_learning_cards_come_back_in_the_same_session(deck):
    only(deck, "lxc")
    clock = Clock(MORNING)
    summary, shown = drive(session_for(deck, clock), ENTER + "1" + ENTER + "3")
    # Again: back in 1m; Good: the next step, 10m; both within the 20-minute learn-ahead.
    assert shown.count("What is LXC?") == 3
    assert shown.endswith("1 card left for today: quiz review to go on.\n")
    assert [r.rating for r in reviews(deck)] == [1, 3]
    assert summary.reviewed == 2 and summary.again == 1 and summary.retention == 0.5


def test_u_at_the_rating_step_undoes_the_previous_answer(deck):
    only(deck, "lxc")
    with storage.writing(deck) as conn:
        conn.execute(update(cards_t).where(cards_t.c.note_key == "alpine", cards_t.c.ord == 0).values(suspended=False))
    # lxc first (Good), then alpine: at its rating step, `u` brings lxc back.
    _, shown = drive(session_for(deck), ENTER + "3" + ENTER + "u" + ENTER + "4")
    assert "undone: answer of the previous card" in shown
    assert [(r.note_key, r.rating) for r in reviews(deck)] == [("lxc", 4)]


def test_undo_command_restores_the_card_exactly(deck):
    only(deck, "lxc")
    with deck.connect() as conn:
        before = conn.execute(select(cards_t).where(cards_t.c.note_key == "lxc")).one()
    drive(session_for(deck), ENTER + "3" + ":undo" + ENTER)
    with deck.connect() as conn:
        assert conn.execute(select(cards_t).where(cards_t.c.note_key == "lxc")).one() == before
    assert reviews(deck) == []


def test_suspend_bury_and_skip(deck):
    session = session_for(deck)
    first = session.current()
    _, shown = drive(session, ":suspend" + ENTER + ":bury" + ENTER + ":skip" + ENTER)
    with deck.connect() as conn:
        rows = {r.note_key: r for r in conn.execute(select(cards_t).where(cards_t.c.ord == 0))}
    assert rows[first.key].suspended
    buried = [key for key, row in rows.items() if row.buried_until is not None]
    assert len(buried) == 1 and rows[buried[0]].buried_until == storage.Day.of(MORNING, UTC, 4).end
    assert "buried until tomorrow" in shown and reviews(deck) == []


def test_each_change_of_todays_queue_is_told(deck):
    clock = Clock(MORNING)
    session, told = session_for(deck, clock), []
    session.changed = lambda: told.append(len(reviews(deck)))  # what the collection holds by then
    session.answer(session.current(), Rating.GOOD)
    session.suspend(session.current())
    session.bury(session.current())
    session.skip(session.current())  # nothing written: nothing told
    session.undo()
    assert told == [1, 1, 1, 1]
    session.current()  # the same day: nothing new
    clock.now = storage.Day.of(MORNING, UTC, 4).end  # the rollover
    session.current()
    assert told == [1, 1, 1, 1, 1]


def test_skip_shows_another_card_first(deck):
    session = session_for(deck)
    first = session.current()
    drive(session, ":skip" + ENTER)
    assert session.current().key != first.key


def test_help_and_unknown_commands(deck):
    _, shown = drive(session_for(deck), "?" + ENTER + ":help" + ENTER + ":frobnicate" + ENTER)
    assert shown.count("1 Again  2 Hard  3 Good  4 Easy") == 2
    assert "unknown command :frobnicate" in shown


def test_quit_command_and_ctrl_d_end_with_the_summary(deck):
    for keys in (":quit" + ENTER, ":q" + ENTER, CTRL_D):
        summary, shown = drive(session_for(deck), keys)
        assert (summary.reviewed, summary.left) == (0, 4)
        assert shown.endswith("\n4 cards left for today: quiz review to go on.\n")


def test_ctrl_c_clears_the_input_and_a_second_one_quits(deck):
    only(deck, "ps-l")
    drive(session_for(deck), "docker rm" + CTRL_C + "docker ps -l" + ENTER + ENTER)
    assert reviews(deck) == [("ps-l", 0, 3, "docker ps -l")]
    with storage.writing(deck) as conn:
        conn.execute(update(cards_t).values(suspended=False))
    drive(session_for(deck, Clock(MORNING + timedelta(days=1))), CTRL_C + CTRL_C + "docker ps -l" + ENTER)
    assert len(reviews(deck)) == 1  # quit before answering anything


def leech_state(engine, key: str) -> tuple:
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                select(cards_t.c.leech, cards_t.c.suspended)
                .join(storage.decks_t)
                .where(storage.decks_t.c.name == "t", cards_t.c.note_key == key)
            ).one()
        )


def test_a_leech_is_suspended_the_learner_told_and_it_can_come_back(deck, location):
    only(deck, "lxc")
    with storage.writing(deck) as conn:
        conn.execute(
            update(cards_t)
            .where(cards_t.c.note_key == "lxc")
            .values(
                state=State.REVIEW,
                due=MORNING - timedelta(days=1),
                stability=3.0,
                difficulty=8.0,
                last_review=MORNING - timedelta(days=4),
                reps=20,
                lapses=7,
            )
        )
    _, shown = drive(session_for(deck), ENTER + "1")
    shown = " ".join(shown.split())  # as read: the message wraps at 80 columns
    assert "Leech: this card lapsed 8 times" in shown and "quiz unsuspend t lxc" in shown
    assert leech_state(deck, "lxc") == (True, True)

    listed = CliRunner().invoke(cli, ["--db", location, "suspended", "t", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(c["id"], c["leech"]) for c in json.loads(listed.output)] == [
        ("ps-l", False),
        ("lxc", True),
        ("alpine", False),
        ("alpine", False),
        ("rm-v", False),
    ]  # deck order
    refused = CliRunner().invoke(cli, ["--db", location, "unsuspend", "t", "lxc", "no-such-card"])
    assert refused.exit_code == 1 and "no card no-such-card" in refused.output
    assert leech_state(deck, "lxc") == (True, True)  # all or nothing
    back = CliRunner().invoke(cli, ["--db", location, "unsuspend", "t", "lxc"])
    assert back.exit_code == 0 and "1 card back in reviews" in back.output
    assert leech_state(deck, "lxc") == (False, False)
    assert session_for(deck, Clock(MORNING + timedelta(days=1))).current().key == "lxc"


def test_nothing_due_says_when_to_come_back(deck):
    with storage.writing(deck) as conn:
        conn.execute(
            update(cards_t).values(
                state=State.REVIEW,
                due=MORNING + timedelta(days=2, hours=3),
                stability=5.0,
                difficulty=5.0,
                last_review=MORNING,
                reps=1,
            )
        )
    summary, shown = drive(session_for(deck), "")
    assert "Nothing due right now." in shown
    assert "Next card due in 2d (Wed 6 May)." in shown
    assert summary.next_due == MORNING + timedelta(days=2, hours=3)


def test_the_deck_filter(deck, write_deck):
    storage.import_decks(
        deck, [load_deck(write_deck("deck: other\ncards: [{id: x, front: Other card, back: y}]\n", "o.yaml"))]
    )
    _, shown = drive(session_for(deck, names=["other"]), ENTER + "3")
    assert "Other card" in shown and "What is LXC?" not in shown


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(list("123u4 :?qhelpundosk\r\x03\x7f\t-ab") + [":undo\r", ":bury\r", ":skip\r", ":suspend\r"]),
        max_size=40,
    ).map("".join)
)
def test_no_keystrokes_crash_the_screen(deck, keys):
    """Whatever is typed, the screen ends normally and stores exactly the answers it counts."""
    stored_before = len(reviews(deck))
    summary, _ = drive(session_for(deck), keys)
    assert len(reviews(deck)) - stored_before == summary.reviewed


def test_a_command_given_per_language_is_checked_in_the_learners(engine, write_deck):
    storage.import_decks(
        engine,
        [
            load_deck(
                write_deck("""
        deck: l
        cards:
          - {id: a, type: command, front: List files, back: {en: ls -l, zh: ls -la}}
          - {id: b, type: command, front: Show the date, back: {en: date -u, zh: date -R}}
    """)
            )
        ],
    )
    _, shown = drive(session_for(engine, lang="zh"), "ls -la" + ENTER + ENTER + ENTER + ENTER)
    assert "✓ 正确" in shown and "答案     date -R" in shown
    assert [(r.note_key, r.rating) for r in reviews(engine)] == [("a", 3), ("b", 1)]


def test_a_typed_answer_may_start_with_a_rating_key(engine, write_deck):
    storage.import_decks(
        engine,
        [
            load_deck(
                write_deck("""
        deck: u
        cards:
          - {id: a, type: command, front: First, back: docker ps}
          - {id: b, type: command, front: Add me to the docker group, back: sudo usermod -aG docker <user>}
          - {id: c, type: command, front: Show the first lines, back: 1 head}
    """)
            )
        ],
    )
    drive(
        session_for(engine),
        "docker ps" + ENTER + ENTER + "usermod -aG docker me" + ENTER + "3" + "1 head" + ENTER + ENTER,
    )
    assert [r.answer for r in reviews(engine)] == ["docker ps", "usermod -aG docker me", "1 head"]


def test_two_sessions_never_count_a_card_twice(deck):
    only(deck, "lxc")
    first, second = session_for(deck), session_for(deck)
    drive(first, ENTER + "3")
    summary, shown = drive(second, ENTER + "3")
    assert "answered elsewhere" in shown and summary.reviewed == 0
    assert [r.rating for r in reviews(deck)] == [3]


def test_undo_of_a_card_answered_since_elsewhere_is_refused_and_the_review_goes_on(deck):
    only(deck, "lxc")
    session = session_for(deck)
    drive(session, ENTER + "3")
    with storage.writing(deck) as conn:  # another process answers it meanwhile
        conn.execute(update(cards_t).where(cards_t.c.note_key == "lxc").values(reps=cards_t.c.reps + 1))
    summary, shown = drive(session, ":undo" + ENTER)
    assert "answered elsewhere" in shown and "Reviewed 1 card" in shown  # the summary: the session went on
    assert [r.rating for r in reviews(deck)] == [3] and summary.reviewed == 1


def test_the_card_rule_fits_the_width_with_chinese_text():
    from prompt_toolkit.utils import get_cwidth

    from quiz.review import render

    line = render.plain(render.rule("Docker 命令与概念", "容器 basics", 80)).rstrip("\n")
    assert get_cwidth(line) == 80


def test_the_way_to_the_first_card_leaves_slow_modules_unimported(db_path):
    # The first card is due within 350 ms of start: the ORM alone would take ~45 ms of it.
    app.open_collection(str(db_path)).dispose()  # new: creates it and imports the bundled decks
    probe = (
        "import sys; from zoneinfo import ZoneInfo; import quiz.review; from quiz import app\n"
        "from quiz.session import ReviewSession\n"
        f"session = ReviewSession.open(app.open_collection({str(db_path)!r}), None, ZoneInfo('UTC'), 4, 'en')\n"
        "assert session.current() is not None\n"
        "slow = ('sqlalchemy.orm', 'alembic', 'genanki', 'yaml')\n"
        "print(sorted({m for m in sys.modules if m.startswith(slow)}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_chinese_learner_sees_the_screen_in_chinese(deck):
    only(deck, "ps-l")
    _summary, shown = drive(session_for(deck, lang="zh-CN"), "docker ps -a" + ENTER + ENTER + ":undo" + ENTER)
    assert "✗ 不太对" in shown
    assert "你输入的 docker ps -a" in shown and "标准答案 docker ps -l" in shown
    assert "[1 重来 1分钟]" in shown and "→ 重来 · 1分钟后再见" in shown
    assert "已撤销上一张卡片的评分" in shown
    for english in ("not quite", "expected", "Again", "undone", "Reviewed", "card"):
        assert english not in shown, english


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_before_a_command_line_up_in_both_languages(lang):
    words = words_for(lang)
    assert get_cwidth(words.you_typed) == get_cwidth(words.expected) == get_cwidth(words.answer)


def test_an_answer_a_day_on_but_under_24_hours_is_scheduled_as_a_day_on(deck):
    # Answered yesterday at 08:30, today at 08:00 (UTC, rollover 04:00): a day on, as Anki
    # counts it. The buttons show what the answer then does.
    only(deck, "lxc")
    last = MORNING - timedelta(hours=23, minutes=30)
    card = Schedule(State.REVIEW, 0, 2.0, 5.0, MORNING - timedelta(hours=1), last, reps=3)
    with storage.writing(deck) as conn:
        conn.execute(
            update(cards_t)
            .where(cards_t.c.note_key == "lxc")
            .values(state=card.state, due=card.due, stability=2.0, difficulty=5.0, last_review=last, reps=3)
        )
    session = session_for(deck)
    queued = session.current()
    assert queued is not None and queued.key == "lxc"
    a_day_on = scheduling.review(queued.id, card, Rating.GOOD, last + timedelta(days=1), DeckSettings())
    good = session.intervals(queued)[Rating.GOOD]
    answered = session.answer(queued, Rating.GOOD)
    assert answered.schedule.stability == a_day_on.stability
    assert good == scheduling.format_interval(answered.schedule.due - MORNING)
