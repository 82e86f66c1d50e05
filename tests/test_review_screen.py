"""The review screen around the cards: the first screens' hint, the keys of each prompt,
the note before the rating, wrapping, narrow terminals, the summary's last key, counts."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from sqlalchemy import func, select, update

from quiz import review, storage
from quiz.decks import load_deck
from quiz.model import Rating
from quiz.plumbing.textwidth import ESCAPE, display_width
from quiz.review import render
from quiz.review.words import words_for
from quiz.session import FIRST_REVIEWS, ReviewSession
from quiz.storage import cards_t, deck_settings_t, reviews_t
from tests.test_review import CTRL_D, ENTER, MORNING, UTC, Clock
from tests.test_terminal_text import Terminal

LONG = (
    "Show the logs of a running container and keep following them as new lines arrive, "
    "with a timestamp in front of every line"
)
CHINESE = "容器是镜像的运行实例，docker run 命令会基于镜像创建一个新的容器并启动它，使用 docker ps 查看正在运行的容器"
DECK = f"""
deck: s
title: Screen deck
cards:
  - id: ps-l
    type: command
    front: Show the latest container
    back: docker ps -l
    note: -l is --latest; it shows the most recently created container, stopped ones included, and nothing else
    source: https://docs.docker.com/reference/cli/docker/container/ls/
  - {{id: lxc, front: What is LXC?, back: Linux Containers, note: a kernel feature set, tags: [concepts]}}
  - {{id: logs, type: command, front: "{LONG}", back: docker logs -f -t web}}
  - {{id: zh, front: "{CHINESE}", back: 容器}}
  - {{id: detach, type: keys, front: Detach from tmux, back: Ctrl-b d}}
"""


@pytest.fixture
def deck(engine, write_deck):
    storage.import_decks(engine, [load_deck(write_deck(DECK))])
    return engine


def only(engine, *keys: str) -> None:
    with storage.writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.note_key.not_in(keys)).values(suspended=True))


def session_for(engine, lang="en") -> ReviewSession:
    return ReviewSession.open(engine, None, UTC, 4, lang, clock=Clock(MORNING))


def screen(
    session: ReviewSession, keys: str | list[str], columns: int = 80, wait: bool = False
) -> tuple[str, list[str]]:
    """Everything written to a real VT100 output of that width (prompts, hint and status bar
    included), and the screen's transcript of what it printed. Keys given as a list arrive
    one item at a time, as typed, each after the screen has drawn its prompt (keys already
    waiting are read before a prompt is drawn)."""
    terminal = Terminal(columns=columns)
    steps = [keys] if isinstance(keys, str) else keys
    with create_pipe_input() as pipe:

        def typist() -> None:
            for step in steps:
                time.sleep(0.3)
                pipe.send_text(step)
            pipe.send_text(CTRL_D)

        sender = threading.Thread(target=typist)
        sender.start()
        with create_app_session(input=pipe, output=terminal):
            _summary, transcript = review.run(session, wait=wait)
        sender.join()
    return "".join(terminal.text).replace("\r\n", "\n"), transcript


def answers(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(reviews_t)).scalar_one()


EN = words_for("en")


# -- the first screens teach ---------------------------------------------------------------


def test_a_new_learners_cards_say_how_to_answer(deck):
    only(deck, "ps-l", "lxc")
    printed, _ = screen(session_for(deck), [ENTER, ENTER, " ", "3"])
    first, second = printed.split("── Screen deck")[1:3]
    assert EN.hint_typed in first and EN.hint_reveal not in first
    assert EN.hint_reveal in second and EN.hint_typed not in second


def test_a_key_cards_hint_says_to_type_the_keys(deck):
    only(deck, "detach")
    printed, _ = screen(session_for(deck), [ENTER])
    assert EN.hint_keys in printed and EN.hint_typed not in printed and "type the keys" in EN.hint_keys


def test_after_twenty_answers_only_a_sessions_first_card_has_the_hint(deck):
    session = session_for(deck)
    for _ in range(FIRST_REVIEWS):
        card = session.current()
        assert card is not None
        session.answer(card, Rating.AGAIN)
    printed, _ = screen(session_for(deck), [ENTER, ENTER, ENTER, ENTER])
    cards = printed.split("── Screen deck")[1:]
    assert len(cards) >= 2
    assert EN.hint_typed in cards[0] or EN.hint_reveal in cards[0]
    assert not any(EN.hint_typed in card or EN.hint_reveal in card for card in cards[1:])


# -- the keys of each prompt ---------------------------------------------------------------


def test_keys_typed_on_a_revealed_card_are_not_echoed(deck):
    only(deck, "lxc")
    printed, transcript = screen(session_for(deck), "xyzzy" + ENTER + "3")
    assert "xyzzy" not in printed
    assert "Linux Containers" in "".join(transcript) and answers(deck) == 1


def test_something_else_typed_at_the_rating_prompt_says_what_it_takes(deck):
    only(deck, "lxc")
    printed, _ = screen(session_for(deck), [" ", "x" + ENTER, "3"])
    rate_prompt = printed.split("Linux Containers", 1)[1]
    assert EN.hint_rate in rate_prompt and answers(deck) == 1
    clean, _ = screen(session_for(deck), [" ", "3"])
    assert EN.hint_rate not in clean


def test_a_colon_still_starts_a_command_on_a_revealed_card(deck):
    only(deck, "lxc")
    _, transcript = screen(session_for(deck), ":bury" + ENTER)
    assert EN.buried in "".join(transcript)


@pytest.mark.parametrize("undo", ["u", "u" + ENTER], ids=["reveal card", "command card"])
def test_u_on_the_next_cards_question_undoes_the_last_answer(deck, undo):
    only(deck, "lxc", "ps-l")
    first_key, first = ("lxc", ENTER + "3") if undo == "u" + ENTER else ("ps-l", "docker ps -l" + ENTER + ENTER)
    with storage.writing(deck) as conn:  # the other card (the one undone on) comes next
        conn.execute(update(cards_t).where(cards_t.c.note_key == first_key).values(position=-1))
    _, transcript = screen(session_for(deck), first + undo)
    shown = "".join(transcript)
    assert EN.undone.format(EN.actions["answer"]) in shown
    assert answers(deck) == 0
    fronts = [line for line in shown.splitlines() if line in ("What is LXC?", "Show the latest container")]
    assert fronts[0] == fronts[-1] and len(fronts) == 3  # the first card, the next, the first again


def test_esc_is_bound_to_clear_the_input(deck):
    only(deck, "ps-l")
    # Esc, then a pause longer than the screen's wait for a following key, clears "docker"
    # (in the real terminal: tests/test_review_terminal.py); here, the binding exists.
    from quiz.review import keys

    bindings = keys.common_bindings(keys.QuitGuard())
    assert any(b.keys == ("escape",) for b in bindings.bindings)


# -- the answer, the note, the rating ---------------------------------------------------------


def test_the_note_and_the_source_come_before_the_rating(deck):
    only(deck, "ps-l")
    _, transcript = screen(session_for(deck), "docker ps -l" + ENTER + ENTER)
    shown = "".join(transcript)
    note = shown.index("-l is --latest")
    source = shown.index("https://docs.docker.com/reference/cli/docker/container/ls/")
    assert shown.index("✓ right") < note < source < shown.index("[3 Good") < shown.index("→ Good")
    assert "source: https://docs.docker.com" in shown


def card_with(source: str):
    from quiz.dailyqueue import QueueCard
    from quiz.model import CardKind, Schedule

    content = json.dumps({"front": "f", "back": "b", "source": source})
    return QueueCard(1, "s", "k", 0, CardKind.BASIC, content, "", Schedule())


def test_a_source_is_a_hyperlink_where_the_terminal_shows_them():
    card = card_with("https://x.example/a")
    linked = render.note(card, "en", "en", EN, links=True)
    plain = render.note(card, "en", "en", EN, links=False)
    assert [t for s, t in linked if ESCAPE in s] == ["\x1b]8;;https://x.example/a\x1b\\", "\x1b]8;;\x1b\\"]
    assert not [t for s, t in plain if ESCAPE in s]
    assert render.plain(linked) == render.plain(plain) == "  source: https://x.example/a\n"


def test_a_source_that_could_end_the_sequence_is_never_linked():
    from quiz.dailyqueue import QueueCard

    card = QueueCard(
        1, "s", "k", 0, "basic", '{"front": "f", "back": "b", "source": "https://x.example/\\u001b]0;t"}', "", None
    )  # type: ignore[arg-type]
    assert not [t for s, t in render.note(card, "en", "en", EN, links=True) if ESCAPE in s]


@pytest.mark.parametrize(
    ("environ", "terminal", "expected"),
    [
        ({"TERM_PROGRAM": "WezTerm"}, True, True),
        ({"TERM": "xterm-kitty"}, True, True),
        ({"VTE_VERSION": "7600"}, True, True),
        ({"TERM_PROGRAM": "WezTerm"}, False, False),  # a pipe
        ({"TERM_PROGRAM": "WezTerm", "TMUX": "/tmp/tmux-0/default,1,0"}, True, False),
        ({"TERM": "xterm-256color"}, True, False),
        ({"TERM": "linux"}, True, False),
    ],
)
def test_which_terminals_get_hyperlinks(environ, terminal, expected):
    assert render.shows_links(environ, terminal) is expected


def test_after_revealing_a_basic_card_good_is_marked(deck):
    only(deck, "lxc")
    _, transcript = screen(session_for(deck), ENTER + ENTER)
    shown = "".join(transcript)
    assert re.search(r"\[3 Good [^\]]+\]", shown) and "→ Good" in shown


# -- widths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 57, 80, 100])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nothing_breaks_mid_word_and_every_line_fits(deck, columns, lang):
    only(deck, "logs", "zh", "ps-l")
    _, transcript = screen(session_for(deck, lang), ENTER + ENTER + " " + ENTER + ENTER + ENTER, columns)
    shown = "".join(transcript)
    lines = shown.splitlines()
    assert all(display_width(line) <= columns for line in lines), [
        line for line in lines if display_width(line) > columns
    ]
    words = {w for line in lines for w in line.split()}
    for word in LONG.split() + ["docker", "run", "命令会基于镜像创建一个新的容器并启动它，使用", "docker", "ps"]:
        if re.fullmatch(r"[a-z,]+", word):
            assert word in words, word  # a Latin word stays whole
    flat = "".join(shown.split())
    assert "".join(CHINESE.split()) in flat and "".join(LONG.split()) in flat  # nothing lost


def test_a_notes_continuation_lines_hang_further_in(deck):
    only(deck, "ps-l")
    _, transcript = screen(session_for(deck), "docker ps -l" + ENTER + ENTER, 40)
    lines = "".join(transcript).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  -l is --latest"))
    assert lines[start + 1].startswith("    ") and not lines[start + 1].startswith("     ")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_help_lines_continue_under_their_indent(deck, lang):
    only(deck, "lxc")
    _, transcript = screen(session_for(deck, lang), "?" + ENTER, 40)
    words = words_for(lang)
    shown = "".join(transcript)
    start = shown.index(words.help_sections[0])
    last = words.help_lines[-1].rstrip()[-5:]  # the help's last characters: on its last line
    lines = shown[start : shown.index(last, start) + len(last)].splitlines()
    headings = {section.strip() for section in words.help_sections}
    # Each line of the help but its headings is indented, one wrapped at 40 columns too
    body = [line for line in lines if line.strip() not in headings]
    assert len(body) > sum(text.count("\n") for text in words.help_lines)  # some did wrap
    assert all(line.startswith("  ") for line in body), lines


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_40_columns_the_status_bar_keeps_done_left_time_and_the_quit_warning(lang):
    # (prompt_toolkit draws its bottom toolbar only where it knows the terminal's height:
    # tests/test_review_terminal.py looks at it in tmux)
    from quiz.review import keys

    words, guard = words_for(lang), keys.QuitGuard()
    bar = keys.toolbar(lambda: (3, 1, 16), lambda: 12, lambda: "1h02m", guard, words, lambda: 40)
    guard.armed = True
    lines = render.plain(bar()).splitlines()
    assert lines == [words.quit_warning, words.toolbar_narrow.format(12, 20, "1h02m")]
    assert all(display_width(line) <= 40 for line in lines)
    wide = render.plain(keys.toolbar(lambda: (3, 1, 16), lambda: 12, lambda: "1h02m", guard, words, lambda: 80)())
    assert wide == words.toolbar.format(3, 1, 16, 12, "1h02m") + words.quit_warning


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_at_40_columns_the_rating_row_fits(deck, lang):
    only(deck, "lxc")
    _, transcript = screen(session_for(deck, lang), ENTER + ENTER, columns=40)
    row = next(line for line in "".join(transcript).splitlines() if line.lstrip().startswith(("[1", "1")))
    assert display_width(row) <= 40 and "[3 " in row and all(f"{n} " in row for n in "1234")


# -- the end ----------------------------------------------------------------------------------


def test_the_summary_waits_for_u_which_undoes_the_last_answer(deck):
    only(deck, "lxc")
    _, transcript = screen(session_for(deck), ENTER + "4" + "u" + ENTER + "4" + "x", wait=True)
    shown = "".join(transcript)
    assert shown.count("What is LXC?") == 2 and shown.count("Reviewed 1 card") == 2
    with deck.connect() as conn:
        assert conn.execute(select(reviews_t.c.rating)).scalars().all() == [Rating.EASY]


def test_without_waiting_the_summary_ends_the_session(deck):
    only(deck, "lxc")
    screen(session_for(deck), ENTER + "4" + "u", wait=False)
    assert answers(deck) == 1


# -- counts agree ---------------------------------------------------------------------------


def test_the_status_counts_after_an_undo_are_those_before_the_answer(deck):
    session = session_for(deck)
    before = session.counts()
    card = session.current()
    assert card is not None
    session.answer(card, Rating.GOOD)
    session.undo()
    assert session.counts() == before


def test_left_for_today_after_bury_and_suspend_is_what_the_next_session_shows(deck):
    with storage.writing(deck) as conn:
        conn.execute(update(deck_settings_t).values(new_per_day=2))
    session = session_for(deck)
    assert sum(session.counts()) == 2
    first = session.current()
    assert first is not None
    session.bury(first)
    second = session.current()
    assert second is not None
    session.suspend(second)
    left = session.summary().left
    assert left == len(session_for(deck).queue) == sum(session.counts()) == 2


# -- colours ------------------------------------------------------------------------------------


def test_the_screens_colours_are_the_terminals_own_palette():
    # a fixed grey is unreadable on one of a light and a dark background; the palette suits both
    fixed = [(name, rule) for name, rule in render.STYLE.style_rules if re.search(r"#[0-9a-fA-F]{3,6}", rule)]
    assert fixed == []


@pytest.mark.parametrize("no_color", [False, True])
def test_no_color_leaves_the_colours_out(deck, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    only(deck, "ps-l")
    terminal = Terminal()
    with create_pipe_input() as pipe:
        pipe.send_text("docker ps -a" + ENTER + ENTER + CTRL_D)
        with create_app_session(input=pipe, output=terminal):
            review.run(session_for(deck), wait=False)
    written = terminal.stdout.getvalue()
    colours = re.findall(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7])[;m]", written)  # a foreground colour of the palette
    assert bool(colours) is not no_color
