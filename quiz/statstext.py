"""The page `quiz stats` prints: the numbers of quiz.stats drawn within 80 columns, in
the learner's language (the `--json` output is quiz.stats.collect's, in English)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from quiz.i18n import _, ngettext, pgettext
from quiz.plumbing.textwidth import clip, display_width, pad, visible
from quiz.shapes import DeckStates, HardCard, Heatmap, RetentionRow, StatsJson, StatsTime, StatsToday
from quiz.stats import STATE_COLUMNS, WIDTH

HEAT_CHARS = "·░▒▓█"
BAR_CHARS = " ▁▂▃▄▅▆▇█"
GREENS = (None, 22, 28, 34, 46)  # 256-colour greens, darker for fewer answers


def render(stats: StatsJson, colour: bool = False) -> str:
    """The numbers as text in the learner's language, no line wider than 80 columns."""

    def heading(text: str) -> str:
        return f"\033[1m{text}\033[0m" if colour else text

    sections = [
        [heading(_("Today ({date})").format(date=stats["date"])), *_today_lines(stats["today"])],
        [heading(_("Cards")), *_state_lines(stats["decks"])],
        [heading(_("True retention (review cards: passed / answered)")), *_retention_lines(stats["retention"])],
        [heading(_("Answers per day, past year")), *_heatmap_lines(stats["heatmap"], stats["date"], colour)],
        [heading(_("Due in the next 30 days")), *_forecast_lines(stats["forecast"])],
        [heading(_("Hardest cards")), *_hardest_lines(stats["hardest"])],
        [heading(_("Time")), *_time_lines(stats["time"])],
    ]
    return "\n\n".join("\n".join(section) for section in sections)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _duration(ms: int) -> str:
    seconds = ms / 1000
    if seconds < 60:
        return pgettext("duration", "{}s").format(f"{seconds:.1f}")
    if seconds < 3600:
        return pgettext("duration", "{} min").format(f"{seconds / 60:.1f}")
    return pgettext("duration", "{} h").format(f"{seconds / 3600:.1f}")


def _answers(count: int) -> str:
    return ngettext("{} answer", "{} answers", count).format(count)


def _days(count: int) -> str:
    return ngettext("{} day", "{} days", count).format(count)


def _today_lines(today: StatsToday) -> list[str]:
    cards = ngettext("{} card", "{} cards", today["cards"]).format(today["cards"])
    due, new = today["due_left"] - today["new_left"], today["new_left"]  # due: the forecast's today
    done = _("{answers} on {cards} in {time}; {due} still due, {new} new").format(
        answers=_answers(today["answers"]), cards=cards, time=_duration(today["time_ms"]), due=due, new=new
    )
    return ["  " + done, "  " + _("retention today: {}").format(_percent(today["retention"]))]


def _state_lines(decks: list[DeckStates]) -> list[str]:
    if not decks:
        return ["  " + _("no decks")]
    rows: list[dict[str, Any]] = [dict(deck) for deck in decks]
    if len(decks) > 1:
        rows.append({"deck": pgettext("column", "total"), **{c: sum(row[c] for row in rows) for c in STATE_COLUMNS}})
    headers = (
        pgettext("column", "new"),
        pgettext("column", "learning"),
        pgettext("column", "young"),
        pgettext("column", "mature"),
        pgettext("column", "suspended"),
        pgettext("column", "leech"),
    )
    deck = pgettext("column", "deck")
    number_width = max(display_width(header) for header in headers)
    widest = max(display_width(row["deck"]) for row in rows)
    name_width = max(4, display_width(deck), min(widest, WIDTH - 2 - 6 * (number_width + 1)))

    def line(name: str, cells) -> str:
        numbers = "".join(" " + pad(str(cell), number_width, right=True) for cell in cells)
        return "  " + pad(clip(name, name_width), name_width) + numbers

    return [line(deck, headers), *(line(row["deck"], (row[c] for c in STATE_COLUMNS)) for row in rows)]


def _retention_lines(retention: dict[str, RetentionRow]) -> list[str]:
    periods = {
        "day": pgettext("period", "day"),
        "week": pgettext("period", "week"),
        "month": pgettext("period", "month"),
        "year": pgettext("period", "year"),
    }
    kinds = (pgettext("column", "young"), pgettext("column", "mature"), pgettext("column", "total"))
    name_width = max(7, *(display_width(label) + 1 for label in periods.values()))
    lines = ["  " + pad("", name_width) + "".join(pad(kind, 22, True) for kind in kinds)]
    for name, row in retention.items():
        cells = []
        for kind in ("young", "mature", "total"):
            outcome = row[kind]
            answered = outcome["passed"] + outcome["failed"]
            cells.append(f"{_percent(outcome['retention']):>8} {outcome['passed']:>6}/{answered:<6}")
        lines.append(("  " + pad(periods.get(name, name), name_width) + "".join(cells)).rstrip())
    return lines


def _heatmap_lines(heatmap: Heatmap, today_text: str, colour: bool) -> list[str]:
    """GitHub-style: a column per week (Monday on top), darker for more answers."""
    first = date.fromisoformat(heatmap["first"])
    counts = heatmap["counts"]
    peak = max(counts) or 1
    grid_start = first - timedelta(days=first.weekday())
    weeks = (len(counts) + first.weekday() + 6) // 7
    weekdays = (_("Mon"), "", _("Wed"), "", _("Fri"), "", _("Sun"))
    label_width = max(4, *(display_width(label) + 1 for label in weekdays))
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
        rows.append("  " + pad(weekdays[weekday], label_width) + "".join(cells).rstrip())
    active = sum(1 for count in counts if count)
    summary = _("{first} to {today}: {answers} on {days}, at most {peak} a day").format(
        first=first.isoformat(), today=today_text, answers=_answers(sum(counts)), days=_days(active), peak=max(counts)
    )
    return [*rows, "  " + summary, "  " + _("current streak: {}").format(_days(heatmap["streak"]))]


def _forecast_lines(forecast: list[int], height: int = 6) -> list[str]:
    """A column per day (two cells wide), today on the left."""
    peak = max(forecast)
    if peak == 0:
        return ["  " + _("nothing due")]
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
    lines.append(f"  {'':>{label_width}} {axis}".rstrip() + "  " + _("(days from today)"))
    ahead = _("today {today} (with overdue), next 7 days {week}, next 30 days {month}")
    lines.append("  " + ahead.format(today=forecast[0], week=sum(forecast[:7]), month=sum(forecast)))
    return lines


def _hardest_lines(hardest: list[HardCard]) -> list[str]:
    if not hardest:
        return ["  " + _("no lapses yet")]
    headers = (pgettext("column", "id"), pgettext("column", "lapses"), pgettext("column", "recall"))
    widths = [max(width, display_width(text)) for width, text in zip((7, 6, 6), headers)]
    text_width = WIDTH - 3 - sum(width + 1 for width in widths)  # 55 cells with the English headers

    def line(cells, text: str) -> str:
        return ("  " + "".join(pad(str(c), w, True) + " " for c, w in zip(cells, widths)) + " " + text).rstrip()

    lines = [line(headers, pgettext("column", "card"))]
    for card in hardest:
        where = f"{card['deck']}/{card['key']}: "
        text = clip(visible(where + card["front"]), text_width)  # the deck's text
        lines.append(line((card["id"], card["lapses"], _percent(card["retrievability"])), text))
    return lines


def _time_lines(time_stats: StatsTime) -> list[str]:
    average = time_stats["average_ms"]
    if average is None:  # no timed answers
        return ["  " + _("{answers}, none timed").format(answers=_answers(time_stats["answers"]))]
    spent = _("{answers}; {average} per answer on average, {total} in all").format(
        answers=_answers(time_stats["answers"]), average=_duration(average), total=_duration(time_stats["total_ms"])
    )
    return ["  " + spent]
