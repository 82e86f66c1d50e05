"""`quiz stats` on a hand-made history: every expected number is counted by hand below."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import event, insert

from quiz import stats, statstext, storage
from quiz.cli import cli
from quiz.model import State
from quiz.storage import reports
from tests.conftest import sqlite_only, utc
from tests.test_textwidth import cells

UTC = ZoneInfo("UTC")
ROLLOVER = 4
NOW = utc(2026, 5, 10, 10, 0)  # learner day 2026-05-10 began at 04:00 UTC
NEW, LEARNING, REVIEW = int(State.NEW), int(State.LEARNING), int(State.REVIEW)


def add_card(
    conn,
    key: str,
    state: int = NEW,
    *,
    last=None,
    interval=None,
    due=None,
    stability=None,
    lapses=0,
    suspended=False,
    leech=False,
    retired=False,
    tags="",
    front=None,
) -> int:
    row = {
        "deck_id": 1,
        "note_key": key,
        "ord": 0,
        "kind": "basic",
        "tags": tags,
        "position": 0,
        "content": json.dumps({"front": front or f"front of {key}", "back": "b"}),
        "state": state,
        "lapses": lapses,
        "suspended": suspended,
        "leech": leech,
        "retired": retired,
    }
    if state != NEW:
        due = due or last + timedelta(days=interval)
        row.update(
            last_review=last,
            due=due,
            stability=stability or float(interval or 1),
            difficulty=5.0,
            reps=3,
            step=0 if state == LEARNING else None,
        )
    return conn.execute(insert(storage.cards_t).values(**row)).inserted_primary_key[0]


def add_review(
    conn, card_id: int, at, rating: int, state_before: int = REVIEW, interval_days: float = 1, ms: int | None = 1000
) -> None:
    before = {}
    if state_before != NEW:
        before = {"due_before": at, "last_review_before": at - timedelta(days=interval_days)}
    conn.execute(
        insert(storage.reviews_t).values(
            card_id=card_id,
            reviewed_at=at,
            rating=rating,
            duration_ms=ms,
            state_before=state_before,
            reps_before=0,
            lapses_before=0,
            state_after=REVIEW,
            **before,
        )
    )


@pytest.fixture
def history(engine):
    """Nine cards in deck `d` and ten answers; returns the card ids by name."""
    with storage.writing(engine) as conn:
        conn.execute(insert(storage.decks_t).values(name="d", title='"Deck"', lang="en"))
        c = {
            "new": add_card(conn, "new"),
            "learning": add_card(conn, "learning", LEARNING, last=NOW, due=NOW + timedelta(minutes=10)),
            "young": add_card(conn, "young", REVIEW, last=utc(2026, 5, 8, 10), interval=5),  # due day +3
            "mature": add_card(conn, "mature", REVIEW, last=utc(2026, 4, 20, 10), interval=30),  # due day +10
            "overdue": add_card(conn, "overdue", REVIEW, last=utc(2026, 5, 1, 10), interval=4),  # due May 5
            "suspended": add_card(
                conn,
                "suspended",
                REVIEW,
                last=utc(2026, 5, 2),
                due=utc(2026, 5, 12),
                stability=10.0,
                lapses=8,
                suspended=True,
                leech=True,
            ),  # as the review leaves a leech
            # due at 03:00 tomorrow: before the 04:00 rollover, so still today's
            "tagged": add_card(
                conn, "tagged", REVIEW, last=utc(2026, 4, 1, 3), interval=40, lapses=3, tags="hard leech"
            ),
            "shaky": add_card(
                conn,
                "shaky",
                REVIEW,
                last=utc(2026, 5, 9, 5),
                due=utc(2026, 5, 11, 5),
                stability=0.5,
                lapses=3,
                front="一个很长的中文问题" * 8,
            ),
            "retired": add_card(
                conn, "retired", REVIEW, last=utc(2026, 5, 1), due=utc(2026, 5, 12), interval=11, lapses=9, retired=True
            ),
        }
        add_review(conn, c["young"], utc(2026, 5, 10, 9, 0), 3, interval_days=5, ms=4000)  # today, young pass
        add_review(conn, c["mature"], utc(2026, 5, 10, 9, 5), 1, interval_days=30, ms=6000)  # today, mature fail
        add_review(conn, c["learning"], utc(2026, 5, 10, 9, 10), 3, state_before=NEW, ms=2000)  # today, new card
        add_review(conn, c["young"], utc(2026, 5, 10, 3, 30), 3, interval_days=2, ms=1000)  # May 9 (before rollover)
        add_review(conn, c["overdue"], utc(2026, 5, 9, 12), 1, interval_days=4, ms=3000)  # May 9, young fail
        add_review(conn, c["mature"], utc(2026, 5, 8, 20), 4, interval_days=25, ms=5000)  # May 8, mature pass
        add_review(conn, c["tagged"], utc(2026, 5, 5, 10), 3, interval_days=40, ms=None)  # week, mature pass
        add_review(conn, c["mature"], utc(2026, 4, 20, 10), 1, interval_days=21, ms=7000)  # month, 21 d = mature
        add_review(conn, c["shaky"], utc(2025, 12, 1, 10), 3, interval_days=20, ms=8000)  # year, 20 d = young
        add_review(conn, c["young"], utc(2025, 1, 1, 10), 1, interval_days=3, ms=1000)  # more than a year ago
    return c


def collect(engine, now=NOW, zone=UTC, names=None):
    with engine.connect() as conn:
        decks = storage.select_decks(conn, names)
        return stats.collect(conn, decks, now, zone, ROLLOVER, "en", every_deck=not names)


def test_today(engine, history):
    today = collect(engine)["today"]
    # 3 answers today on 3 cards; 1 of 2 review answers passed; 4+6+2 seconds
    # still due: the learning card, the overdue and tagged reviews, one new card
    assert today == {"answers": 3, "cards": 3, "due_left": 4, "new_left": 1, "retention": 0.5, "time_ms": 12000}


def test_the_two_due_today_figures_agree(engine, history):
    numbers = collect(engine)
    # the learning card and the overdue and tagged reviews: due today, in the queue and the forecast
    assert numbers["forecast"][0] == numbers["today"]["due_left"] - numbers["today"]["new_left"] == 3
    page = statstext.render(numbers)
    assert "3 still due, 1 new" in page and "today 3 (with overdue)" in page


def test_cards_by_state_count_each_card_once_and_leeches_again(engine, history):
    (deck,) = collect(engine)["decks"]
    assert deck == {"deck": "d", "new": 1, "learning": 1, "young": 3, "mature": 2, "suspended": 1, "leech": 2}


def test_true_retention_by_period_young_and_mature_apart(engine, history):
    retention = collect(engine)["retention"]
    expected = {  # (passed, failed) per period, counted from the fixture's comments
        "day": {"young": (1, 0), "mature": (0, 1), "total": (1, 1)},
        "week": {"young": (2, 1), "mature": (2, 1), "total": (4, 2)},
        "month": {"young": (2, 1), "mature": (2, 2), "total": (4, 3)},
        "year": {"young": (3, 1), "mature": (2, 2), "total": (5, 3)},
    }
    for period, kinds in expected.items():
        for kind, (passed, failed) in kinds.items():
            assert retention[period][kind] == {
                "passed": passed,
                "failed": failed,
                "retention": round(passed / (passed + failed), 4),
            }, (period, kind)


def test_heatmap_cells_and_streak(engine, history):
    heatmap = collect(engine)["heatmap"]
    assert heatmap["first"] == "2025-05-11"
    counts = heatmap["counts"]
    assert len(counts) == 365
    by_day = {index: count for index, count in enumerate(counts) if count}
    # index 364 = May 10; 363 = May 9 (including 03:30 on May 10); 344 = Apr 20; 204 = Dec 1
    assert by_day == {364: 3, 363: 2, 362: 1, 359: 1, 344: 1, 204: 1}
    assert heatmap["streak"] == 3  # May 8, 9, 10; nothing on May 7


def test_day_rollover_moves_today(engine, history):
    before = collect(engine, now=utc(2026, 5, 11, 3, 59))
    assert before["date"] == "2026-05-10" and before["today"]["answers"] == 3
    after = collect(engine, now=utc(2026, 5, 11, 4, 0))
    assert after["date"] == "2026-05-11" and after["today"]["answers"] == 0
    assert after["heatmap"]["counts"][-2:] == [3, 0]
    assert after["heatmap"]["streak"] == 3  # today is still open: the streak is not broken yet
    # the tagged card due at 03:00 on May 11 was in May 10's count; now it is today's, overdue
    assert before["forecast"][0] == 3 and after["forecast"][0] == 4  # + the shaky card due at 05:00


def test_a_day_without_answers_breaks_the_streak(engine, history):
    assert collect(engine, now=utc(2026, 5, 12, 12))["heatmap"]["streak"] == 0


def test_streak_longer_than_the_heatmap(engine):
    with storage.writing(engine) as conn:
        conn.execute(insert(storage.decks_t).values(name="d", title='"Deck"', lang="en"))
        card = add_card(conn, "c")
        for days in range(400):
            add_review(conn, card, NOW - timedelta(days=days), 3, state_before=NEW)
    assert collect(engine)["heatmap"]["streak"] == 400


def test_forecast_with_rollover_and_without_suspended_or_retired(engine, history):
    forecast = collect(engine)["forecast"]
    assert len(forecast) == 30
    # today: learning card, overdue card, tagged card (03:00 tomorrow); +1 shaky; +3 young; +10 mature
    assert {day: count for day, count in enumerate(forecast) if count} == {0: 3, 1: 1, 3: 1, 10: 1}


def test_forecast_in_a_zone_with_daylight_saving(engine):
    """New York's clocks go forward on 2026-03-08: that learner day is 23 hours long."""
    zone = ZoneInfo("America/New_York")
    now = utc(2026, 3, 7, 15)  # 10:00 in New York, learner day March 7
    with storage.writing(engine) as conn:
        conn.execute(insert(storage.decks_t).values(name="d", title='"Deck"', lang="en"))
        # 03:30 EDT on March 9 = 07:30 UTC: before that day's 04:00 rollover, so still March 8
        add_card(conn, "a", REVIEW, last=now, due=utc(2026, 3, 9, 7, 30), interval=2)
        # 04:30 EDT on March 9 = 08:30 UTC: March 9
        add_card(conn, "b", REVIEW, last=now, due=utc(2026, 3, 9, 8, 30), interval=2)
    forecast = collect(engine, now=now, zone=zone)["forecast"]
    assert forecast[:3] == [0, 1, 1]


def test_hardest_cards_by_lapses_then_lowest_recall(engine, history):
    hardest = collect(engine)["hardest"]
    assert [card["key"] for card in hardest] == ["suspended", "shaky", "tagged"]  # the retired card is left out
    assert [card["lapses"] for card in hardest] == [8, 3, 3]
    assert 0 < hardest[1]["retrievability"] < hardest[2]["retrievability"] < 1
    assert hardest[1]["id"] == history["shaky"] and hardest[1]["front"].startswith("一个很长的中文问题")


def test_time_per_answer(engine, history):
    time_stats = collect(engine)["time"]
    total = 4000 + 6000 + 2000 + 1000 + 3000 + 5000 + 7000 + 8000 + 1000  # one answer was not timed
    assert time_stats == {"answers": 10, "timed_answers": 9, "total_ms": total, "average_ms": round(total / 9)}


def test_one_deck_counts_only_its_own_answers(engine, history):
    with storage.writing(engine) as conn:
        conn.execute(insert(storage.decks_t).values(name="e", title='"Other"', lang="en"))
        other = conn.execute(
            insert(storage.cards_t).values(
                deck_id=2, note_key="x", ord=0, kind="basic", content="{}", tags="", position=0
            )
        ).inserted_primary_key[0]
        add_review(conn, other, utc(2026, 5, 10, 8), 3, state_before=NEW, ms=50_000)
    assert collect(engine)["today"]["answers"] == 4
    only_d = collect(engine, names=["d"])
    assert only_d["today"]["answers"] == 3 and only_d["time"]["total_ms"] == 37000
    assert [deck["deck"] for deck in only_d["decks"]] == ["d"]


def test_one_deck_heatmap_streak_and_retention_leave_other_decks_out(engine, history):
    with storage.writing(engine) as conn:
        conn.execute(insert(storage.decks_t).values(name="e", title='"Other"', lang="en"))
        other = conn.execute(
            insert(storage.cards_t).values(
                deck_id=2, note_key="x", ord=0, kind="basic", content="{}", tags="", position=0
            )
        ).inserted_primary_key[0]
        add_review(conn, other, utc(2026, 5, 7, 12), 1, interval_days=30)  # May 7: a mature fail in deck e
    every = collect(engine)
    assert every["heatmap"]["streak"] == 4 and every["heatmap"]["counts"][361] == 1
    assert every["retention"]["week"]["mature"] == {"passed": 2, "failed": 2, "retention": 0.5}
    assert every["decks"] == [  # counted per deck: d as before, e's one new card
        {"deck": "d", "new": 1, "learning": 1, "young": 3, "mature": 2, "suspended": 1, "leech": 2},
        {"deck": "e", "new": 1, "learning": 0, "young": 0, "mature": 0, "suspended": 0, "leech": 0},
    ]
    only_d = collect(engine, names=["d"])
    assert only_d["heatmap"]["streak"] == 3 and only_d["heatmap"]["counts"][361] == 0
    assert only_d["retention"]["week"]["mature"] == {"passed": 2, "failed": 1, "retention": round(2 / 3, 4)}
    assert only_d["time"]["answers"] == 10


@sqlite_only
def test_review_log_scans_read_only_the_covering_index(engine, history):
    """The speed of `quiz stats` on a long log rests on these plans (SQLite)."""
    compiled = []  # (statement, parameters) as sent
    with engine.connect() as conn:

        def keep(conn_, cursor, statement, parameters, context, executemany):
            compiled.append((statement, parameters))

        event.listen(conn, "before_cursor_execute", keep)
        reports.review_sums(conn, [1], utc(2025, 5, 11, 4), None)
        reports.review_sums(conn, None, utc(2025, 5, 11, 4), utc(2026, 5, 10, 4))
        event.remove(conn, "before_cursor_execute", keep)
        for statement, parameters in [(s, p) for s, p in compiled if s.startswith("SELECT")]:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "SEARCH reviews USING COVERING INDEX ix_reviews_stats" in plan, plan


def test_rendering_fits_80_columns_and_colour_is_optional(engine, history):
    numbers = collect(engine)
    plain = statstext.render(numbers, colour=False)
    assert "\033[" not in plain
    widths = [cells(line) for line in plain.splitlines()]
    assert max(widths) <= 80
    assert "current streak: 3 days" in plain
    assert re.search(r"year\s+75\.0%\s+3/4\s+50\.0%\s+2/4\s+62\.5%\s+5/8", plain)
    coloured = statstext.render(numbers, colour=True)
    assert "\033[38;5;" in coloured
    assert max(cells(re.sub(r"\033\[[0-9;]*m", "", line)) for line in coloured.splitlines()) <= 80


def test_empty_collection(engine):
    numbers = collect(engine)
    assert numbers["today"]["retention"] is None and numbers["heatmap"]["streak"] == 0
    assert "no lapses yet" in statstext.render(numbers)


def test_cli_json_and_no_color(location, history, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", location, "stats", "--json"])
    assert result.exit_code == 0, result.output
    numbers = json.loads(result.output)
    assert numbers["time"]["answers"] == 10 and numbers["decks"][0]["mature"] == 2
    monkeypatch.setenv("NO_COLOR", "1")
    result = runner.invoke(cli, ["--db", location, "stats", "d"])
    assert result.exit_code == 0 and "\033[" not in result.output and "True retention" in result.output


def test_cli_unknown_deck_is_one_line(location, history):
    result = CliRunner().invoke(cli, ["--db", location, "stats", "nope"])
    assert result.exit_code == 1 and "nope" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("width", [40, 60])
def test_a_narrow_terminal_gets_every_section_within_its_width(engine, history, width):
    numbers = collect(engine)
    shown = statstext.render(numbers, width=width)
    lines = shown.splitlines()
    assert max(cells(line) for line in lines) <= width
    # The cards table leaves out columns, never what is mature or suspended
    header = next(line for line in lines if line.split()[:1] == ["deck"]).split()
    row = next(line for line in lines if line.split()[:1] == ["d"]).split()
    assert {"mature", "suspended"} <= set(header) and ("leech" not in header) == (width == 40)
    deck = numbers["decks"][0]
    assert dict(zip(header[1:], map(int, row[1:]))) == {name: deck[name] for name in header[1:]}
    # The retention table keeps the total; the heatmap ends on today's week, as wide as it may
    assert re.search(r"\n  year\s+(?:.*\s)?62\.5%\s+5/8\n", shown)
    heat = lines[lines.index("Answers per day, past year") + 1 : lines.index("Answers per day, past year") + 8]
    weeks = 53  # 2025-05-11 (a Sunday) to 2026-05-10 (a Sunday, today: the last cell of all)
    assert cells(heat[6]) == max(cells(line) for line in heat) == min(width, len("  Mon ") + weeks)
    # The forecast: a cell a day when two do not fit
    bars = lines[lines.index("Due in the next 30 days") + 1]
    assert cells(bars.split(" ", 3)[-1]) <= width - 3 - len(str(max(numbers["forecast"])))
    assert "current streak: 3 days" in shown


def test_the_page_is_never_wider_than_80_columns_on_a_wide_terminal(engine, history):
    numbers = collect(engine)
    assert statstext.render(numbers, width=200) == statstext.render(numbers)


def test_cli_stats_fits_the_terminal(location, history, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    result = CliRunner().invoke(cli, ["--db", location, "stats"])
    assert result.exit_code == 0, result.output
    assert max(cells(line) for line in result.output.splitlines()) <= 40
    assert "mature" in result.output
