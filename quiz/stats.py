"""`quiz stats`: what was done today, the cards by state, true retention, a
heatmap of the past year, the next 30 days' forecast and the hardest cards.

`collect` gathers the numbers (the `--json` output) with a few aggregate
queries; quiz.statstext draws them within 80 columns. Time and zone are parameters,
so tests pin "today" exactly.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import accumulate
from typing import TYPE_CHECKING

from quiz import scheduling, storage
from quiz.model import DeckRow, DeckSettings, Schedule, State, localize
from quiz.shapes import DeckStates, HardCard, Heatmap, Outcomes, RetentionRow, StatsJson
from quiz.storage import reports

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

PERIODS = (("day", 1), ("week", 7), ("month", 30), ("year", 365))
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
HARDEST = 10
CANDIDATES = 200  # most-lapsed cards whose retrievability is computed to rank them


# -- the numbers -----------------------------------------------------------------------


def day_starts(first: date, count: int, zone: tzinfo, rollover_hour: int) -> list[datetime]:
    """The UTC instants at which `count` learner days from `first` begin (DST-aware)."""
    return [scheduling.day_begins(first + timedelta(days=n), zone, rollover_hour) for n in range(count)]


def collect(
    conn: Connection,
    decks: list[DeckRow],
    now: datetime,
    zone: tzinfo,
    rollover_hour: int,
    lang: str = "en",
    every_deck: bool = True,
) -> StatsJson:
    """Every number `quiz stats` shows, for these deck rows, as plain JSON-ready data.

    The scans of the review log, the bulk of the work, run on their own connections in
    two threads while this one reads the cards: SQLite lets go of the GIL while it steps,
    so they share the cores. True retention and time are summed over stretches between
    the periods' starts, the year's cut in two halves so that the threads share it."""
    log_decks = None if every_deck else [deck.id for deck in decks]  # the whole log needs no lookup per answer
    today = scheduling.learner_date(now, zone, rollover_hour)
    starts = {name: day_starts(today - timedelta(days=days - 1), 1, zone, rollover_hour)[0] for name, days in PERIODS}
    year, month, week, day = (starts[name] for name, _ in reversed(PERIODS))
    halfway = year + (month - year) / 2
    stretches = [(year, halfway), (halfway, month), (month, week), (week, day), (day, None)]  # longest first
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        scans = [
            pool.submit(_on_own_connection, conn.engine, reports.review_sums, log_decks, *stretch)
            for stretch in stretches
        ]
        heatmap = pool.submit(_on_own_connection, conn.engine, _heatmap, log_decks, today, zone, rollover_hour)
        earlier = pool.submit(_on_own_connection, conn.engine, reports.answer_time_sums, log_decks, year)
        cards = _card_numbers(conn, decks, now, zone, rollover_hour, lang)
        cards_today = reports.cards_answered_since(conn, log_decks, day)
        sums = [scan.result() for scan in scans]
        answers, timed, total_ms = _add(earlier.result(), *sums)[:3]
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C, start no more scans
    # A period is its own stretch and every later one: add up from today backwards.
    day_sums, week_sums, month_sums, _, year_sums = accumulate(reversed(sums), _add)
    periods = {
        "day": _period(day_sums),
        "week": _period(week_sums),
        "month": _period(month_sums),
        "year": _period(year_sums),
    }
    return {
        "date": today.isoformat(),
        "today": {
            "answers": periods["day"]["answers"],
            "cards": cards_today,
            "due_left": cards["due_left"],
            "new_left": cards["new_left"],
            "retention": _rate(_sum_outcomes(periods["day"])),
            "time_ms": periods["day"]["ms"],
        },
        "decks": cards["decks"],
        "retention": {name: _retention_row(period) for name, period in periods.items()},
        "heatmap": heatmap.result(),
        "forecast": cards["forecast"],
        "hardest": cards["hardest"],
        "time": {
            "answers": answers,
            "timed_answers": timed,
            "total_ms": total_ms,
            "average_ms": round(total_ms / timed) if timed else None,
        },
    }


def _on_own_connection(engine, query, *args):
    with engine.connect() as conn:
        return query(conn, *args)


def _add(*sums: tuple) -> tuple:
    return tuple(map(sum, zip(*sums)))


def _period(sums: tuple) -> dict:
    answers, _, ms, passed, failed, mature_passed, mature_failed = sums
    return {
        "answers": answers,
        "ms": ms,
        "young": {"passed": passed - mature_passed, "failed": failed - mature_failed},
        "mature": {"passed": mature_passed, "failed": mature_failed},
    }


def _card_numbers(
    conn: Connection, decks: list[DeckRow], now: datetime, zone: tzinfo, rollover_hour: int, lang: str
) -> dict:
    """What the cards say: today's queue, counts by state, forecast, hardest cards."""
    if not decks:
        return {"due_left": 0, "new_left": 0, "decks": [], "forecast": [0] * FORECAST_DAYS, "hardest": []}
    settings = {deck.id: storage.deck_settings(conn, deck.id) for deck in decks}
    today = scheduling.learner_date(now, zone, rollover_hour)
    queue = storage.load_queue(conn, decks, storage.Day.of(now, zone, rollover_hour), settings)
    new, learning, reviews = queue.counts()
    forecast = _forecast(conn, [deck.id for deck in decks], today, zone, rollover_hour)
    # Today's due cards are those today's review shows (the daily limits applied, buried
    # cards and the siblings of today's answers left out), in both places they are counted.
    forecast[0] = learning + reviews
    return {
        "due_left": len(queue),
        "new_left": new,
        "decks": _cards_by_state(conn, decks),
        "forecast": forecast,
        "hardest": _hardest(conn, decks, settings, now, lang),
    }


def _rate(outcome: dict) -> float | None:
    answered = outcome["passed"] + outcome["failed"]
    return round(outcome["passed"] / answered, 4) if answered else None


def _sum_outcomes(period: dict) -> dict:
    return {key: period["young"][key] + period["mature"][key] for key in ("passed", "failed")}


def _retention_row(period: dict) -> RetentionRow:
    total = _sum_outcomes(period)
    return {"young": _outcomes(period["young"]), "mature": _outcomes(period["mature"]), "total": _outcomes(total)}


def _outcomes(outcome: dict) -> Outcomes:
    return {"passed": outcome["passed"], "failed": outcome["failed"], "retention": _rate(outcome)}


STATE_COLUMNS = ("new", "learning", "young", "mature", "suspended", "leech")


def _cards_by_state(conn: Connection, decks: list[DeckRow]) -> list[DeckStates]:
    """Per deck: new, learning, young, mature, suspended (these add up to the deck's
    cards) and leeches, counted again among them (see reports.card_state_counts)."""
    counts = reports.card_state_counts(conn, [deck.id for deck in decks])
    return [
        {
            "deck": deck.name,
            "new": counts[deck.id]["new"],
            "learning": counts[deck.id]["learning"],
            "young": counts[deck.id]["young"],
            "mature": counts[deck.id]["mature"],
            "suspended": counts[deck.id]["suspended"],
            "leech": counts[deck.id]["leech"],
        }
        for deck in decks
    ]


def _heatmap(conn: Connection, log_decks: list[int] | None, today: date, zone: tzinfo, rollover_hour: int) -> Heatmap:
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    counts = reports.answers_per_range(conn, log_decks, day_starts(first, HEATMAP_DAYS + 1, zone, rollover_hour))
    return {
        "first": first.isoformat(),
        "counts": counts,
        "streak": _streak(conn, log_decks, counts, first, zone, rollover_hour),
    }


def _streak(conn, log_decks, counts: list[int], first: date, zone: tzinfo, rollover_hour: int) -> int:
    """Days in a row with answers, up to today (or up to yesterday, while today is still
    open), looking further back than the heatmap when the streak fills it."""
    days = list(reversed(counts[:-1] if counts[-1] == 0 else counts))
    streak = 0
    while True:
        for count in days:
            if count == 0:
                return streak
            streak += 1
        first -= timedelta(days=HEATMAP_DAYS)
        days = list(
            reversed(
                reports.answers_per_range(conn, log_decks, day_starts(first, HEATMAP_DAYS + 1, zone, rollover_hour))
            )
        )


def _forecast(conn, deck_ids: list[int], today: date, zone: tzinfo, rollover_hour: int) -> list[int]:
    """Cards due on each of the next 30 days; today's count includes overdue cards (and is
    replaced by the day's queue's, in _card_numbers)."""
    long_ago = datetime(1970, 1, 1, tzinfo=timezone.utc)
    bounds = [long_ago, *day_starts(today + timedelta(days=1), FORECAST_DAYS, zone, rollover_hour)]
    return reports.due_per_range(conn, deck_ids, bounds)


def _hardest(
    conn: Connection, decks: list[DeckRow], settings: dict[int, DeckSettings], now: datetime, lang: str
) -> list[HardCard]:
    """The most lapsed cards, the least likely to be recalled now first among equals."""
    names = {deck.id: deck.name for deck in decks}
    languages = {deck.id: deck.lang for deck in decks}
    ranked: list[HardCard] = []
    for row in reports.most_lapsed_cards(conn, list(names), CANDIDATES):
        schedule = Schedule(
            State(row.state), row.step, row.stability, row.difficulty, row.due, row.last_review, row.reps, row.lapses
        )
        recall = None
        if schedule.stability is not None and schedule.last_review is not None:
            recall = round(scheduling.retrievability(schedule, now, settings[row.deck_id]), 4)
        ranked.append(
            {
                "id": row.id,
                "deck": names[row.deck_id],
                "key": row.note_key,
                "lapses": row.lapses,
                "retrievability": recall,
                "front": _front(row, lang, languages[row.deck_id]),
            }
        )
    ranked.sort(key=lambda card: (-card["lapses"], 1.0 if card["retrievability"] is None else card["retrievability"]))
    return ranked[:HARDEST]


def _front(row, lang: str, deck_lang: str) -> str:
    content = json.loads(row.content)
    side = "back" if row.ord == 1 and "back" in content and "text" not in content else "front"
    text = content.get(side) if side in content else content.get("text")
    if isinstance(text, list):
        text = text[0] if text else ""
    return " ".join(localize(text, lang, deck_lang).split())


# -- drawing -----------------------------------------------------------------------------
