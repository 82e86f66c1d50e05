"""`quiz stats`: what was done today, the cards by state, true retention, a
heatmap of the past year, the next 30 days' forecast and the hardest cards.

`collect` gathers the numbers (the `--json` output) with a few aggregate
queries; `render` draws them within 80 columns. Time and zone are parameters,
so tests pin "today" exactly.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone, tzinfo
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from quiz import scheduling, storage
from quiz.model import DeckRow, DeckSettings, Schedule, State, counted, localize
from quiz.plumbing.textwidth import clip, display_width, pad, visible
from quiz.shapes import DeckStates, HardCard, Heatmap, Outcomes, RetentionRow, StatsJson, StatsTime, StatsToday
from quiz.storage import reports

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

PERIODS = (("day", 1), ("week", 7), ("month", 30), ("year", 365))
HEATMAP_DAYS = 365
FORECAST_DAYS = 30
HARDEST = 10
CANDIDATES = 200  # most-lapsed cards whose retrievability is computed to rank them
WIDTH = 80


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
        return {"due_left": 0, "decks": [], "forecast": [0] * FORECAST_DAYS, "hardest": []}
    settings = {deck.id: storage.deck_settings(conn, deck.id) for deck in decks}
    today = scheduling.learner_date(now, zone, rollover_hour)
    return {
        "due_left": len(storage.load_queue(conn, decks, storage.Day.of(now, zone, rollover_hour), settings)),
        "decks": _cards_by_state(conn, decks),
        "forecast": _forecast(conn, [deck.id for deck in decks], today, zone, rollover_hour),
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
    """Cards due on each of the next 30 days; today's count includes overdue cards."""
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

HEAT_CHARS = "·░▒▓█"
BAR_CHARS = " ▁▂▃▄▅▆▇█"
GREENS = (None, 22, 28, 34, 46)  # 256-colour greens, darker for fewer answers
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def render(stats: StatsJson, colour: bool = False) -> str:
    """The numbers as text, no line wider than 80 columns."""

    def heading(text: str) -> str:
        return f"\033[1m{text}\033[0m" if colour else text

    sections = [
        [heading(f"Today ({stats['date']})"), *_today_lines(stats["today"])],
        [heading("Cards"), *_state_lines(stats["decks"])],
        [heading("True retention (review cards: passed / answered)"), *_retention_lines(stats["retention"])],
        [heading("Answers per day, past year"), *_heatmap_lines(stats["heatmap"], stats["date"], colour)],
        [heading("Due in the next 30 days"), *_forecast_lines(stats["forecast"])],
        [heading("Hardest cards"), *_hardest_lines(stats["hardest"])],
        [heading("Time"), *_time_lines(stats["time"])],
    ]
    return "\n\n".join("\n".join(section) for section in sections)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _duration(ms: int) -> str:
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f}s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _today_lines(today: StatsToday) -> list[str]:
    return [
        f"  {counted(today['answers'], 'answer')} on {counted(today['cards'], 'card')}"
        f" in {_duration(today['time_ms'])}; {today['due_left']} still due",
        f"  retention today: {_percent(today['retention'])}",
    ]


def _state_lines(decks: list[DeckStates]) -> list[str]:
    if not decks:
        return ["  no decks"]
    rows: list[dict[str, Any]] = [dict(deck) for deck in decks]
    if len(decks) > 1:
        rows.append({"deck": "total", **{c: sum(row[c] for row in rows) for c in STATE_COLUMNS}})
    number_width = max(len(column) for column in STATE_COLUMNS)
    name_width = max(4, min(max(display_width(row["deck"]) for row in rows), WIDTH - 2 - 6 * (number_width + 1)))

    def line(name: str, cells) -> str:
        return "  " + pad(clip(name, name_width), name_width) + "".join(f" {cell:>{number_width}}" for cell in cells)

    return [line("deck", STATE_COLUMNS), *(line(row["deck"], (row[c] for c in STATE_COLUMNS)) for row in rows)]


def _retention_lines(retention: dict[str, RetentionRow]) -> list[str]:
    lines = [f"  {'':<7}{'young':>22}{'mature':>22}{'total':>22}"]
    for name, row in retention.items():
        cells = []
        for kind in ("young", "mature", "total"):
            outcome = row[kind]
            answered = outcome["passed"] + outcome["failed"]
            cells.append(f"{_percent(outcome['retention']):>8} {outcome['passed']:>6}/{answered:<6}")
        lines.append(f"  {name:<7}{''.join(cells)}".rstrip())
    return lines


def _heatmap_lines(heatmap: Heatmap, today_text: str, colour: bool) -> list[str]:
    """GitHub-style: a column per week (Monday on top), darker for more answers."""
    first = date.fromisoformat(heatmap["first"])
    counts = heatmap["counts"]
    peak = max(counts) or 1
    grid_start = first - timedelta(days=first.weekday())
    weeks = (len(counts) + first.weekday() + 6) // 7
    rows = []
    for weekday in range(7):
        cells = []
        for week in range(weeks):
            index = (grid_start + timedelta(days=7 * week + weekday) - first).days
            if not 0 <= index < len(counts):
                cells.append(" ")
                continue
            level = math.ceil(4 * counts[index] / peak) if counts[index] else 0
            char = HEAT_CHARS[level]
            cells.append(f"\033[38;5;{GREENS[level]}m{char}\033[0m" if colour and level else char)
        rows.append(f"  {WEEKDAYS[weekday]:<4}" + "".join(cells).rstrip())
    total = sum(counts)
    active = sum(1 for count in counts if count)
    rows.append(
        f"  {first.isoformat()} to {today_text}: {counted(total, 'answer')} on {counted(active, 'day')},"
        f" at most {max(counts)} a day"
    )
    rows.append(f"  current streak: {counted(heatmap['streak'], 'day')}")
    return rows


def _forecast_lines(forecast: list[int], height: int = 6) -> list[str]:
    """A column per day (two cells wide), today on the left."""
    peak = max(forecast)
    if peak == 0:
        return ["  nothing due"]
    label_width = len(str(peak))
    lines = []
    for level in range(height, 0, -1):
        cells = []
        for count in forecast:
            eighths = round(8 * height * count / peak) - 8 * (level - 1)
            cells.append(BAR_CHARS[max(0, min(8, eighths))] * 2)
        label = str(peak) if level == height else ""
        lines.append(f"  {label:>{label_width}} " + "".join(cells).rstrip())
    axis = "".join(f"{day:<10}" for day in range(0, len(forecast), 5))
    lines.append(f"  {'':>{label_width}} {axis}".rstrip() + "  (days from today)")
    lines.append(f"  today {forecast[0]} (with overdue), next 7 days {sum(forecast[:7])}, next 30 days {sum(forecast)}")
    return lines


def _hardest_lines(hardest: list[HardCard]) -> list[str]:
    if not hardest:
        return ["  no lapses yet"]
    lines = [f"  {'id':>7} {'lapses':>6} {'recall':>6}  card"]
    for card in hardest:
        where = f"{card['deck']}/{card['key']}: "
        text = pad(clip(visible(where + card["front"]), WIDTH - 25), WIDTH - 25)  # the deck's text
        lines.append(f"  {card['id']:>7} {card['lapses']:>6} {_percent(card['retrievability']):>6}  {text}".rstrip())
    return lines


def _time_lines(time_stats: StatsTime) -> list[str]:
    average = time_stats["average_ms"]
    if average is None:  # no timed answers
        return [f"  {counted(time_stats['answers'], 'answer')}, none timed"]
    return [
        f"  {counted(time_stats['answers'], 'answer')}; {_duration(average)} per answer on average,"
        f" {_duration(time_stats['total_ms'])} in all"
    ]
