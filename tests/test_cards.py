"""`quiz cards` and `quiz card` (issue #18) through click's CliRunner, on SQLite and
PostgreSQL: every filter and order on a hand-set deck (the expected cards written out
below), the text and --json shapes, the fit to the terminal, Chinese, the errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from quiz import scheduling, storage
from quiz.cli import cards as cards_cli
from quiz.cli import cli
from quiz.dailyqueue import QueueCard
from quiz.model import CardKind, DeckSettings, Rating, Schedule, State
from quiz.plumbing.textwidth import display_width
from quiz.scheduling import format_interval
from tests.conftest import has_chinese, utc

NOW = utc(2026, 5, 10, 10, 0)  # in UTC with the rollover at 4: the day is 05-10 04:00 to 05-11 04:00
DECK = """\
deck: t
title: {en: Test, zh: 测试}
cards:
  - id: ps
    type: command
    front: {en: List running containers, zh: 列出正在运行的容器}
    back: docker ps
    note: Add -a for all of them
    source: https://docs.docker.com/
    tags: [docker, ps]
  - {id: img, type: reversed, front: image, back: a read-only template, tags: [docker]}
  - {id: rm, type: cloze, text: "docker rm {{c1::-v}} removes {{c2::volumes::what}}"}
  - {id: head, front: What is HEAD?, back: 'The "commit" you have checked out', note: Über café, tags: [git]}
  - {id: log, front: Show history, back: git log --oneline, tags: [git]}
"""
REVIEW, LEARNING = int(State.REVIEW), int(State.LEARNING)
SET = {  # (id, ord): the card's row; the others stay new
    ("ps", 0): dict(state=REVIEW, due=utc(2026, 5, 8, 10), last_review=utc(2026, 4, 28, 10), stability=10.0),
    ("rm", 2): dict(
        state=LEARNING, step=1, due=utc(2026, 5, 10, 10, 30), last_review=utc(2026, 5, 10, 9), stability=0.5
    ),
    ("head", 0): dict(state=REVIEW, due=utc(2026, 5, 10, 20), last_review=utc(2026, 4, 20, 10), stability=30.0),
    ("log", 0): dict(state=REVIEW, due=utc(2026, 5, 15, 10), last_review=utc(2026, 5, 5, 10), stability=2.0, lapses=3),
    ("img", 0): dict(suspended=True, leech=True),
    ("img", 1): dict(buried_until=utc(2026, 5, 11, 4)),
}
LOG_LINE = DECK.splitlines().index("  - {id: log, front: Show history, back: git log --oneline, tags: [git]}") + 1
DUE_ORDER = [("ps", 1), ("rm", 2), ("head", 1), ("log", 1), ("img", 1), ("img", 2), ("rm", 1)]


def recall(key: str, ord_: int = 0) -> float:
    """FSRS's own retrievability of a card of SET at NOW (the default parameters)."""
    row = SET[(key, ord_)]
    schedule = Schedule(State(row["state"]), None, row["stability"], 5.0, row["due"], row["last_review"], 3, 0)
    return scheduling.retrievability(schedule, NOW, DeckSettings())


@pytest.fixture
def quiz(location, engine, tmp_path, monkeypatch):
    """`quiz(*args)`: the command line on the test's collection (SQLite or PostgreSQL), at NOW,
    with deck t imported and its cards set as SET says."""
    (tmp_path / "t.yaml").write_text(DECK, encoding="utf-8")
    monkeypatch.setattr(cards_cli, "current_time", lambda: NOW)
    monkeypatch.setenv("COLUMNS", "120")
    runner = CliRunner()

    def quiz(*args: str):
        return runner.invoke(cli, ["--db", location, *args])

    assert quiz("import", str(tmp_path / "t.yaml")).exit_code == 0
    c = storage.cards_t.c
    with storage.writing(engine) as conn:
        deck_id = conn.execute(select(storage.decks_t.c.id).where(storage.decks_t.c.name == "t")).scalar_one()
        for (key, ord_), values in SET.items():
            values = {"difficulty": 5.0, "reps": 3, **values} if "state" in values else values
            where = (c.deck_id == deck_id, c.note_key == key, c.ord == ord_)
            assert conn.execute(update(storage.cards_t).where(*where).values(**values)).rowcount == 1
    return quiz


def listed(quiz, *args: str) -> list[tuple[str, int]]:
    result = quiz("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    return [(row["id"], row["card"]) for row in json.loads(result.stdout)]


def lines(quiz, *args: str) -> list[list[str]]:
    """The text table's lines, each as [deck, id, state, due, recall, front]."""
    result = quiz("cards", *args)
    assert result.exit_code == 0, result.output
    return [line.split(maxsplit=5) for line in result.stdout.splitlines()]


def test_by_default_the_soonest_due_come_first_and_the_new_cards_last_in_file_order(quiz):
    assert listed(quiz, "t") == DUE_ORDER
    first = json.loads(quiz("cards", "t", "--json").stdout)[0]
    assert first == {
        "deck": "t",
        "id": "ps",
        "card": 1,
        "state": "review",
        "due": "2026-05-08T10:00:00+00:00",
        "retrievability": round(recall("ps"), 4),
        "lapses": 0,
        "front": "List running containers",
        "flag": None,
    }


def test_a_line_per_card_in_the_text_table(quiz):
    table = lines(quiz, "t")
    assert table[0] == ["deck", "id", "state", "due", "recall", "front"]
    assert table[1] == ["t", "ps", "review", "2026-05-08", f"{recall('ps') * 100:.0f}%", "List running containers"]
    assert table[2] == [
        "t",
        "rm",
        "learning",
        "2026-05-10",
        f"{recall('rm', 2) * 100:.0f}%",
        "docker rm -v removes [what]",
    ]
    assert table[5] == ["t", "img", "leech", "-", "-", "image"]
    assert table[6] == ["t", "img", "buried", "-", "-", "a read-only template"]
    assert table[7] == ["t", "rm", "new", "-", "-", "docker rm [...] removes volumes"]
    assert len(table) == 1 + len(DUE_ORDER)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("new", [("rm", 1)]),  # img's are suspended and buried
        ("learning", [("rm", 2)]),
        ("review", [("ps", 1), ("head", 1), ("log", 1)]),
        ("suspended", [("img", 1)]),
        ("leech", [("img", 1)]),
        ("buried", [("img", 2)]),
    ],
)
def test_state(quiz, state, expected):
    assert listed(quiz, "t", "--state", state) == expected


def test_a_relearning_card_shows_so_counts_as_learning_and_its_due_is_to_the_millisecond(quiz, engine):
    c = storage.cards_t.c
    due = utc(2026, 5, 10, 11) + timedelta(microseconds=123456)
    with storage.writing(engine) as conn:
        conn.execute(update(storage.cards_t).where(c.note_key == "log").values(state=int(State.RELEARNING), due=due))
    (row,) = [row for row in json.loads(quiz("cards", "t", "--json").stdout) if row["id"] == "log"]
    assert row["state"] == "relearning"
    assert row["due"] == "2026-05-10T11:00:00.123000+00:00"
    assert ("log", 1) in listed(quiz, "t", "--state", "learning")
    assert ["t", "log", "relearning", "2026-05-10"] in [line[:4] for line in lines(quiz, "t")]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("today", [("ps", 1), ("rm", 2), ("head", 1)]),  # before the day's end, the overdue too
        ("overdue", [("ps", 1)]),  # before the day's start
        ("2026-05-10", [("rm", 2), ("head", 1)]),
        ("2026-05-15", [("log", 1)]),
        ("2026-05-09", []),
    ],
)
def test_due(quiz, due, expected):
    assert listed(quiz, "t", "--due", due) == expected


def test_due_days_are_the_learners_own(quiz, monkeypatch):
    # In Shanghai (UTC+8) the day of NOW ends at 20:00 UTC, head's due time: it is tomorrow's.
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    assert listed(quiz, "t", "--due", "today") == [("ps", 1), ("rm", 2)]
    assert listed(quiz, "t", "--due", "2026-05-11") == [("head", 1)]
    assert lines(quiz, "t", "--due", "2026-05-11")[1][3] == "2026-05-11"


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "05/10/2026"])
def test_a_due_that_is_no_day_is_a_usage_error(quiz, value):
    result = quiz("cards", "--due", value)
    assert result.exit_code == 2
    assert f"Invalid value for '--due': {value} is not today, overdue or a date like 2026-05-10" in result.stderr


def test_retrievability_order_the_least_likely_recalled_first_the_new_cards_last(quiz):
    reviewed = sorted([("ps", 0), ("rm", 2), ("head", 0), ("log", 0)], key=lambda card: recall(*card))
    expected = [(key, ord_ if key == "rm" else ord_ + 1) for key, ord_ in reviewed] + DUE_ORDER[4:]
    assert listed(quiz, "t", "--sort", "retrievability") == expected
    assert listed(quiz, "t", "--sort", "retrievability", "--limit", "2") == expected[:2]  # ranked on fewer columns
    chances = [
        row["retrievability"] for row in json.loads(quiz("cards", "t", "--sort", "retrievability", "--json").stdout)
    ]
    assert chances[:4] == sorted(chances[:4]) and chances[4:] == [None, None, None]


def test_lapses_order_the_most_first_then_by_due(quiz):
    assert listed(quiz, "t", "--sort", "lapses") == [("log", 1)] + [card for card in DUE_ORDER if card[0] != "log"]


def test_added_order_the_newest_first(quiz, tmp_path):
    (tmp_path / "u.yaml").write_text("deck: u\ntitle: U\ncards:\n  - {id: late, front: f, back: b}\n", encoding="utf-8")
    assert quiz("import", str(tmp_path / "u.yaml")).exit_code == 0
    assert listed(quiz, "t", "u", "--sort", "added", "--limit", "1") == [("late", 1)]
    newest_first = [("log", 1), ("head", 1), ("rm", 2), ("rm", 1), ("img", 2), ("img", 1), ("ps", 1)]
    assert listed(quiz, "t", "--sort", "added") == newest_first


def test_limit(quiz):
    assert listed(quiz, "t", "--limit", "2") == DUE_ORDER[:2]
    assert len(lines(quiz, "t", "--limit", "3")) == 4  # and the header
    assert quiz("cards", "--limit", "0").exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HEAD", [("head", 1)]),  # the front, case aside
        ("运行", [("ps", 1)]),  # the front in another language
        ("ÜBER", [("head", 1)]),  # the note; a case SQLite's lower() does not fold
        ("read-only", [("img", 1), ("img", 2)]),  # the back, on both cards of the note
        ('"commit"', [("head", 1)]),  # quotes, escaped in the stored JSON
        ("VOLUMES", [("rm", 2), ("rm", 1)]),  # a cloze's text
        ("front", []),  # a key of the stored JSON, no card's word
        ("%", []),  # SQL's wildcards are plain characters
        ("docs.docker", []),  # the source is no text of the card
    ],
)
def test_search(quiz, text, expected):
    assert listed(quiz, "t", "--search", text) == expected


def test_search_with_a_limit_stops_at_the_limit(quiz):
    assert listed(quiz, "t", "--search", "o", "--limit", "2") == [("ps", 1), ("rm", 2)]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("git", [("head", 1), ("log", 1)]), ("gi", []), ("docker", [("ps", 1), ("img", 1), ("img", 2)])],
)
def test_tag(quiz, tag, expected):
    assert listed(quiz, "t", "--tag", tag) == expected


def test_filters_add_up_and_decks_are_named(quiz):
    assert listed(quiz, "t", "--tag", "git", "--state", "review", "--due", "today") == [("head", 1)]
    assert {row["deck"] for row in json.loads(quiz("cards", "--json").stdout)} > {"t"}  # the bundled decks too
    result = quiz("cards", "t", "nope")
    assert result.exit_code == 1 and result.stderr.startswith("Error: unknown deck nope (decks: ")


def test_nothing_found(quiz):
    assert quiz("cards", "t", "--search", "zzz").stdout == "No cards match.\n"
    assert json.loads(quiz("cards", "t", "--search", "zzz", "--json").stdout) == []


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_the_table_fits_the_terminal_cutting_the_front(quiz, monkeypatch, lang):
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("COLUMNS", "60")
    narrow = quiz("cards", "t").stdout.splitlines()
    assert max(display_width(line) for line in narrow) <= 60
    assert any(line.endswith("…") for line in narrow)
    monkeypatch.setenv("COLUMNS", "200")
    assert "docker rm -v removes [what]" in quiz("cards", "t").stdout


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_at_40_columns_the_recall_and_deck_columns_make_room(quiz, monkeypatch, lang):
    monkeypatch.setenv("LANG", lang)
    wide = quiz("cards", "t").stdout.splitlines()  # 120 columns: every column
    monkeypatch.setenv("COLUMNS", "40")
    narrow = quiz("cards", "t").stdout.splitlines()
    assert max(display_width(line) for line in narrow) <= 40 < max(display_width(line) for line in wide)
    assert len(narrow[0].split()) == 4 and len(wide[0].split()) == 6  # id, state, due, front
    assert [line.split()[0] for line in narrow[1:]] == [line.split()[1] for line in wide[1:]]  # the ids, whole


def test_the_table_in_chinese(quiz, chinese):
    table = lines(quiz, "t")
    assert table[0] == ["牌组", "ID", "状态", "到期", "回忆概率", "正面"]
    assert table[1][1:3] + table[1][5:] == ["ps", "复习", "列出正在运行的容器"]
    assert [row[2] for row in table[2:]] == ["学习中", "复习", "复习", "难记卡片", "已搁置", "新卡"]
    assert quiz("cards", "t", "--search", "zzz").stdout == "没有符合条件的卡片。\n"
    assert json.loads(quiz("cards", "t", "--json").stdout)[0]["state"] == "review"  # JSON stays English


# -- quiz card ----------------------------------------------------------------------------


def answer(engine, key: str, rating: Rating, at, ms: int | None = 1500) -> None:
    c = storage.cards_t.c
    with engine.connect() as conn:
        query = select(storage.cards_t).join(storage.decks_t).where(storage.decks_t.c.name == "t", c.note_key == key)
        row = conn.execute(query).one()
        schedule, settings = storage.schedule_of(conn, row.id), storage.deck_settings(conn, row.deck_id)
    card = QueueCard(row.id, "t", key, 0, CardKind(row.kind), row.content, row.tags, schedule)
    storage.answer(engine, card, rating, at, settings, duration_ms=ms)


@pytest.fixture
def answered(quiz, engine):
    """log answered three times (its SET schedule replaced by theirs)."""
    with storage.writing(engine) as conn:
        new = dict(state=0, step=None, stability=None, difficulty=None, due=None, last_review=None, reps=0, lapses=0)
        conn.execute(update(storage.cards_t).where(storage.cards_t.c.note_key == "log").values(**new))
    first = NOW - timedelta(days=9)
    answer(engine, "log", Rating.GOOD, first, 1500)
    answer(engine, "log", Rating.GOOD, first + timedelta(minutes=10), None)
    answer(engine, "log", Rating.AGAIN, NOW - timedelta(days=1), 12300)
    with engine.connect() as conn:
        card_id = conn.execute(select(storage.cards_t.c.id).where(storage.cards_t.c.note_key == "log")).scalar_one()
        schedule = storage.schedule_of(conn, card_id)
        log = conn.execute(
            select(storage.reviews_t.c.reviewed_at, storage.reviews_t.c.due_after)
            .where(storage.reviews_t.c.card_id == card_id)
            .order_by(storage.reviews_t.c.reviewed_at)
        ).all()
    return quiz, schedule, log


def test_card_info_the_text_the_schedule_and_every_answer(answered, tmp_path, monkeypatch):
    quiz, schedule, log = answered
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    result = quiz("card", "t", "log")
    assert result.exit_code == 0, result.output
    text = result.stdout.splitlines()
    assert text[:4] == [
        "t/log · basic · git",
        f"  file        {tmp_path / 't.yaml'}:{LOG_LINE}",
        "  front       Show history",
        "  back        git log --oneline",
    ]
    assert text[5] == f"card 1 · {('new', 'learning', 'review', 'relearning')[schedule.state]}"
    due = schedule.due.astimezone(cards_cli.learner_zone()).strftime("%Y-%m-%d %H:%M")
    assert f"  due         {due}" in text
    assert f"  stability   {schedule.stability:.1f}d" in text
    assert f"  difficulty  {schedule.difficulty:.2f}" in text
    assert f"  recall      {scheduling.retrievability(schedule, NOW, DeckSettings()) * 100:.1f}%" in text
    assert f"  reps        {schedule.reps}" in text and f"  lapses      {schedule.lapses}" in text
    assert "  suspended   no" in text and "  buried      no" in text
    intervals = [format_interval(after - at) for at, after in log]
    assert text[-4].split() == ["date", "rating", "interval", "time"]
    assert text[-3].split() == ["2026-05-01", "18:00", "Good", intervals[0], "1.5s"]  # in Shanghai, 8 h ahead
    assert text[-2].split() == ["2026-05-01", "18:10", "Good", intervals[1], "-"]  # not timed
    assert text[-1].split() == ["2026-05-09", "18:00", "Again", intervals[2], "12.3s"]


def test_card_info_json(answered, tmp_path):
    quiz, schedule, log = answered
    info = json.loads(quiz("card", "t", "log", "--json").stdout)
    assert {key: info[key] for key in ("deck", "id", "type", "file", "line", "tags")} == {
        "deck": "t",
        "id": "log",
        "type": "basic",
        "file": str(tmp_path / "t.yaml"),
        "line": LOG_LINE,
        "tags": ["git"],
    }
    assert info["content"] == {"front": "Show history", "back": "git log --oneline"}
    (card,) = info["cards"]
    assert card["stability"] == schedule.stability and card["difficulty"] == schedule.difficulty
    assert card["retrievability"] == round(scheduling.retrievability(schedule, NOW, DeckSettings()), 4)
    assert (card["reps"], card["lapses"]) == (3, schedule.lapses)
    assert (card["suspended"], card["leech"], card["buried_until"]) == (False, False, None)
    assert [(r["rating"], r["duration_ms"]) for r in card["reviews"]] == [
        ("good", 1500),
        ("good", None),
        ("again", 12300),
    ]
    assert card["reviews"][0]["reviewed_at"] == "2026-05-01T10:00:00+00:00"
    assert [r["interval_days"] for r in card["reviews"]] == [
        round((after - at) / timedelta(days=1), 4) for at, after in log
    ]


def test_card_info_shows_each_card_of_a_reversed_or_cloze_note(quiz, monkeypatch):
    text = quiz("card", "t", "rm").stdout.splitlines()
    assert "  text        docker rm {{c1::-v}} removes {{c2::volumes::what}}" in text
    assert text[text.index("card 1 · new") + 1] == "  question    docker rm [...] removes volumes"
    assert text[text.index("card 2 · learning") + 1] == "  question    docker rm -v removes [what]"
    text = quiz("card", "t", "img").stdout.splitlines()
    assert "  suspended   yes (leech)" in text and "  buried      until 2026-05-11 04:00" in text
    cards = json.loads(quiz("card", "t", "img", "--json").stdout)["cards"]
    assert [(c["card"], c["front"], c["suspended"], c["buried_until"]) for c in cards] == [
        (1, "image", True, None),
        (2, "a read-only template", False, "2026-05-11T04:00:00+00:00"),
    ]
    monkeypatch.setattr(cards_cli, "current_time", lambda: NOW + timedelta(days=1))  # the burying is over
    assert "until" not in quiz("card", "t", "img").stdout and listed(quiz, "t", "--state", "buried") == []


def test_card_info_wraps_its_texts_to_the_terminal(quiz, tmp_path, monkeypatch):
    note = "a long note " * 8 + "容器的日志" * 6
    path = tmp_path / "deep" / ("folder-" * 8) / "long.yaml"  # a path longer than a line stays whole
    path.parent.mkdir(parents=True)
    path.write_text(f"deck: long\ntitle: L\ncards:\n  - {{id: n, front: Why?, back: Because, note: {note}}}\n")
    assert quiz("import", str(path)).exit_code == 0
    monkeypatch.setenv("COLUMNS", "40")
    lines = quiz("card", "long", "n").stdout.splitlines()
    assert f"  file        {path}:4" in lines
    noted = lines[lines.index(next(line for line in lines if line.startswith("  note"))) :][:12]
    noted = [line for line in noted if line.startswith("  note") or line.startswith(" " * 14)]
    assert len(noted) > 1 and all(display_width(line) <= 40 for line in noted)
    assert "".join(line[14:] for line in noted).replace(" ", "") == note.replace(" ", "")


def test_card_of_an_unknown_deck_or_id_is_one_line(quiz):
    result = quiz("card", "t", "nope")
    assert (result.exit_code, result.stderr) == (1, "Error: deck t has no card nope (quiz cards t lists them)\n")
    result = quiz("card", "nope", "ps")
    assert result.exit_code == 1 and result.stderr.startswith("Error: unknown deck nope (decks: ")
    assert len(result.stderr.splitlines()) == 1


def test_card_info_in_chinese(answered, chinese):
    quiz, _schedule, _log = answered
    text = quiz("card", "t", "ps").stdout
    assert "  正面      列出正在运行的容器" in text.splitlines()
    assert "  说明      Add -a for all of them" in text.splitlines()
    assert "卡片 1 · 复习" in text and "复习记录  还没有" in text
    log = quiz("card", "t", "log").stdout
    assert "日期" in log and "良好" in log and "重来" in log and "12.3 秒" in log
    result = quiz("card", "t", "nope")
    assert result.stderr == "错误：牌组 t 中没有卡片 nope（quiz cards t 会列出所有卡片）\n"


def test_the_decks_text_is_shown_visible(quiz, tmp_path):
    deck = 'deck: evil\ntitle: E\ncards:\n  - {id: x, front: "F \\e]0;pwned\\a", back: b, tags: ["t\\e[1m"]}\n'
    (tmp_path / "evil.yaml").write_text(deck, encoding="utf-8")
    assert quiz("import", str(tmp_path / "evil.yaml")).exit_code == 0
    for output in (
        quiz("cards", "evil").stdout,
        quiz("cards", "evil", "--json").stdout,
        quiz("card", "evil", "x").stdout,
    ):
        assert "\x1b" not in output and "\x07" not in output
        assert "\\u001b]0;pwned\\u0007" in output
    assert "t\\u001b[1m" in quiz("card", "evil", "x").stdout


def test_recall_at_is_fsrs_retrievability():
    settings = [DeckSettings(), DeckSettings(parameters=(*scheduling.fsrs.scheduler.DEFAULT_PARAMETERS[:20], 0.3))]
    for deck in settings:
        recall_at = scheduling.recall_at(NOW, deck)
        for days, stability in ((0, 1.0), (0.5, 2.0), (3, 2.5), (40, 10.0), (400, 90.0)):
            last = NOW - timedelta(days=days)
            schedule = Schedule(State.REVIEW, None, stability, 5.0, NOW, last, 3, 0)
            assert recall_at(round(last.timestamp() * 1000), stability) == pytest.approx(
                scheduling.retrievability(schedule, NOW, deck), abs=1e-12
            )
        assert recall_at(None, None) is None
    nine_days_ago = round((NOW - timedelta(days=9)).timestamp() * 1000)
    assert scheduling.recall_at(NOW, settings[0])(nine_days_ago, 3.0) != scheduling.recall_at(NOW, settings[1])(
        nine_days_ago, 3.0
    )


def test_the_help_is_chinese():
    env = {**os.environ, "LANG": "zh_CN.UTF-8"}
    for command, words in (
        ("cards", ("逐行列出卡片", "只要带有这个标签的卡片。")),
        ("card", ("显示一张卡片", "示例：")),
    ):
        shown = subprocess.run(
            [sys.executable, "-m", "quiz", command, "--help"], env=env, capture_output=True, text=True
        )
        assert shown.returncode == 0 and has_chinese(shown.stdout)
        for word in words:
            assert word in shown.stdout


def test_the_collector_is_back_on_after_a_listing_even_a_failed_one(quiz):
    import gc

    assert quiz("cards", "t").exit_code == 0 and gc.isenabled()
    assert quiz("cards", "no-such-deck").exit_code != 0 and gc.isenabled()


ODD_DECK = r"""
deck: odd
cards:
  - {id: quote, front: 'say "hi" \ back', back: x}
  - {id: esc, front: "tab\there, newline\nthere, bell \u0007 and é", back: y}
  - {id: langs, front: {en: English front, zh: 中文正面}, back: z}
  - {id: rev, type: reversed, front: {en: left side, zh: 左边}, back: 'right \ side'}
  - {id: cz, type: cloze, text: {en: "a {{c1::b}} c {{c2::d::hint}}", zh: "甲 {{c1::乙}} {{c2::丁::提示}}"}}
  - {id: cmd, type: command, front: Run it, back: [ls -l, ls -la]}
  - {id: none, type: cloze, text: "only {{c1::one}}"}
  - {id: first, front: {de: Deutsch, fr: Français}, back: w}
  - {id: deck, front: {de: Deutsch, en: English}, back: v}
  - {id: tw, type: reversed, front: {fr: Français, zh-TW: 繁體, en: English}, back: {zh: 中文, de: Deutsch}}
"""


@pytest.mark.parametrize("lang", ["en", "zh_CN.UTF-8", "zh_TW.UTF-8"])
def test_every_cards_front_in_the_listing_is_the_one_card_info_shows(location, tmp_path, monkeypatch, lang):
    """The listing reads the asked field in SQL; `quiz card` decodes the whole content in Python:
    the two must agree for every kind and card of a note, escapes and languages included."""
    (tmp_path / "odd.yaml").write_text(ODD_DECK.lstrip(), encoding="utf-8")
    monkeypatch.setenv("LANG", lang)
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", location, "import", str(tmp_path / "odd.yaml")]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["--db", location, "cards", "odd", "--json"]).output)
    assert len(listed) == 13  # 7 notes of one card, 2 reversed notes' two each, the cloze's two
    for row in listed:
        info = json.loads(runner.invoke(cli, ["--db", location, "card", "odd", row["id"], "--json"]).output)
        (card,) = [card for card in info["cards"] if card["card"] == row["card"]]
        assert row["front"] == " ".join(card["front"].split()), row
    fronts = {(row["id"], row["card"]): row["front"] for row in listed}
    assert fronts[("quote", 1)] == 'say "hi" \\ back' and fronts[("rev", 2)] == "right \\ side"
    assert fronts[("cz", 2)] == ("a b c [hint]" if lang == "en" else "甲 乙 [提示]")
    # the learner's language, its base, the deck's (en), else the text's first
    assert fronts[("first", 1)] == "Deutsch" and fronts[("deck", 1)] == "English"
    assert fronts[("tw", 1)] == ("繁體" if lang == "zh_TW.UTF-8" else "English")
    assert fronts[("tw", 2)] == ("Deutsch" if lang == "en" else "中文")
