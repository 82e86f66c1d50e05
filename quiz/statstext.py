"""The page `quiz stats` prints: the numbers of quiz.stats drawn within the terminal's width
(at most 80 columns), in the learner's language (the `--json` output is quiz.stats.collect's,
in English). On a narrow terminal the sentences wrap, the tables leave out their least
looked-at columns, the heatmap shows the latest weeks and the forecast a cell a day."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Literal

from quiz.cli.table import format_columns
from quiz.i18n import _, ngettext, pgettext
from quiz.plumbing.textwidth import clip, display_width, pad, visible, wrap_text
from quiz.shapes import DeckStates, HardCard, Heatmap, RetentionRow, StatsJson, StatsTime, StatsToday
from quiz.stats import STATE_COLUMNS

WIDTH = 80  # the widest the page is drawn, on a wider terminal too
INDENT = "  "  # a section's lines under its heading

HEAT_CHARS = "·░▒▓█"
BAR_CHARS = " ▁▂▃▄▅▆▇█"
GREENS = (None, 22, 28, 34, 46)  # 256-colour greens, darker for fewer answers


def render(stats: StatsJson, colour: bool = False, width: int = WIDTH) -> str:
    """The numbers as text in the learner's language, no line wider than `width` cells (nor 80)."""
    width = min(width, WIDTH)

    def heading(text: str) -> list[str]:
        return [f"\033[1m{line}\033[0m" if colour else line for line in _wrapped(text, width)]

    sections = [
        [*heading(_("Today ({date})").format(date=stats["date"])), *_today_lines(stats["today"], width)],
        [*heading(_("Cards")), *_state_lines(stats["decks"], width)],
        [
            *heading(_("True retention (review cards: passed / answered)")),
            *_retention_lines(stats["retention"], width),
        ],
        [*heading(_("Answers per day, past year")), *_heatmap_lines(stats["heatmap"], stats["date"], colour, width)],
        [*heading(_("Due in the next 30 days")), *_forecast_lines(stats["forecast"], width)],
        [*heading(_("Hardest cards")), *_hardest_lines(stats["hardest"], width)],
        [*heading(_("Time")), *_time_lines(stats["time"], width)],
    ]
    return "\n\n".join("\n".join(section) for section in sections)


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """A sentence as lines of at most `width` cells, each after `indent`."""
    room = max(1, width - len(indent))
    return [indent + line for line in wrap_text(text, room)]


def _table(values: list[list[Any]], headers: tuple[str, ...], drop: tuple[int, ...], width: int) -> list[str]:
    """Columns aligned under their headers (format_columns', as the other commands' tables),
    the first cut and then the `drop` columns left out, in turn, to fit `width`."""
    fit = [("cut", 0), *(("drop", at) for at in drop)]
    return [INDENT + line for line in format_columns(values, headers, fit, width - len(INDENT)).split("\n")]


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


def _today_lines(today: StatsToday, width: int) -> list[str]:
    cards = ngettext("{} card", "{} cards", today["cards"]).format(today["cards"])
    due, new = today["due_left"] - today["new_left"], today["new_left"]  # due: the forecast's today
    done = _("{answers} on {cards} in {time}; {due} still due, {new} new").format(
        answers=_answers(today["answers"]), cards=cards, time=_duration(today["time_ms"]), due=due, new=new
    )
    retention = _("retention today: {}").format(_percent(today["retention"]))
    return [*_wrapped(done, width, INDENT), *_wrapped(retention, width, INDENT)]


def _state_lines(decks: list[DeckStates], width: int) -> list[str]:
    if not decks:
        return _wrapped(_("no decks"), width, INDENT)
    rows: list[dict[str, Any]] = [dict(deck) for deck in decks]
    if len(decks) > 1:
        rows.append({"deck": pgettext("column", "total"), **{c: sum(row[c] for row in rows) for c in STATE_COLUMNS}})
    headers = (
        pgettext("column", "deck"),
        pgettext("column", "new"),
        pgettext("column", "learning"),
        pgettext("column", "young"),
        pgettext("column", "mature"),
        pgettext("column", "suspended"),
        pgettext("column", "leech"),
    )
    values = [[row["deck"] for row in rows], *([row[c] for row in rows] for c in STATE_COLUMNS)]
    # Narrow, the leeches go first, then the cards in learning, the young and the new ones:
    # what is mature and what is suspended stays
    return _table(values, headers, (6, 2, 3, 1), width)


def _retention_lines(retention: dict[str, RetentionRow], width: int) -> list[str]:
    """A line a period, a cell a kind of card: its rate, then passed / answered aligned on the
    slash. Narrow, the total stays: the young cards' cells go first, then the mature ones'."""
    periods = {
        "day": pgettext("period", "day"),
        "week": pgettext("period", "week"),
        "month": pgettext("period", "month"),
        "year": pgettext("period", "year"),
    }
    kinds: tuple[Literal["young", "mature", "total"], ...] = ("young", "mature", "total")
    headers = (pgettext("column", "young"), pgettext("column", "mature"), pgettext("column", "total"))
    labels = [periods.get(name, name) for name in retention]
    name_width = max(7, *(display_width(label) + 1 for label in labels))
    columns: list[tuple[int, str, list[str]]] = []  # width, header, cells
    for kind, header in zip(kinds, headers):
        outcomes = [row[kind] for row in retention.values()]
        counts = [(outcome["passed"], outcome["passed"] + outcome["failed"]) for outcome in outcomes]
        passed, answered = (max((len(str(count[at])) for count in counts), default=1) for at in (0, 1))
        cells = [
            f"{_percent(outcome['retention']):>8} {p:>{passed}}/{a:<{answered}}"
            for outcome, (p, a) in zip(outcomes, counts)
        ]
        columns.append((max(display_width(header), *map(len, cells)), header, cells))
    while len(columns) > 1 and len(INDENT) + name_width + sum(size + 1 for size, _h, _c in columns) > width:
        columns.pop(0)
    lines = [INDENT + pad("", name_width) + " ".join(pad(header, size, True) for size, header, _c in columns)]
    for at, label in enumerate(labels):
        lines.append(INDENT + pad(label, name_width) + " ".join(cells[at].ljust(size) for size, _h, cells in columns))
    return [line.rstrip() for line in lines]


def _heatmap_lines(heatmap: Heatmap, today_text: str, colour: bool, width: int) -> list[str]:
    """GitHub-style: a column per week (Monday on top), darker for more answers; as many of
    the latest weeks as the width holds."""
    first = date.fromisoformat(heatmap["first"])
    counts = heatmap["counts"]
    peak = max(counts) or 1
    grid_start = first - timedelta(days=first.weekday())
    weeks = (len(counts) + first.weekday() + 6) // 7
    weekdays = (_("Mon"), "", _("Wed"), "", _("Fri"), "", _("Sun"))
    label_width = max(4, *(display_width(label) + 1 for label in weekdays))
    shown = range(max(0, weeks - (width - len(INDENT) - label_width)), weeks)
    rows = []
    for weekday in range(7):
        cells = []
        for week in shown:
            index = (grid_start + timedelta(days=7 * week + weekday) - first).days
            if not 0 <= index < len(counts):
                cells.append(" ")
                continue
            level = math.ceil(4 * counts[index] / peak) if counts[index] else 0
            char = HEAT_CHARS[level]
            cells.append(f"\033[38;5;{GREENS[level]}m{char}\033[0m" if colour and level else char)
        rows.append(INDENT + pad(weekdays[weekday], label_width) + "".join(cells).rstrip())
    active = sum(1 for count in counts if count)
    summary = _("{first} to {today}: {answers} on {days}, at most {peak} a day").format(
        first=first.isoformat(), today=today_text, answers=_answers(sum(counts)), days=_days(active), peak=max(counts)
    )
    streak = _("current streak: {}").format(_days(heatmap["streak"]))
    return [*rows, *_wrapped(summary, width, INDENT), *_wrapped(streak, width, INDENT)]


def _forecast_lines(forecast: list[int], width: int, height: int = 6) -> list[str]:
    """A column per day, today on the left: two cells wide, one where the width is short,
    and as many days as it holds."""
    peak = max(forecast)
    if peak == 0:
        return _wrapped(_("nothing due"), width, INDENT)
    label_width = len(str(peak))
    room = width - len(INDENT) - label_width - 1
    cell = 2 if room >= 2 * len(forecast) else 1
    days = forecast[: max(1, room // cell)]
    lines = []
    for level in range(height, 0, -1):
        cells = []
        for count in days:
            eighths = round(8 * height * count / peak) - 8 * (level - 1)
            cells.append(BAR_CHARS[max(0, min(8, eighths))] * cell)
        label = str(peak) if level == height else ""
        lines.append(f"{INDENT}{label:>{label_width}} " + "".join(cells).rstrip())
    axis = f"{INDENT}{'':>{label_width}} " + "".join(f"{day:<{5 * cell}}" for day in range(0, len(days), 5))
    note = _("(days from today)")
    if display_width(axis.rstrip() + "  " + note) <= width:
        lines.append(axis.rstrip() + "  " + note)
    else:
        lines += [axis[:width].rstrip(), *_wrapped(note, width, INDENT)]
    ahead = _("today {today} (with overdue), next 7 days {week}, next 30 days {month}")
    lines += _wrapped(ahead.format(today=forecast[0], week=sum(forecast[:7]), month=sum(forecast)), width, INDENT)
    return lines


def _hardest_lines(hardest: list[HardCard], width: int) -> list[str]:
    if not hardest:
        return _wrapped(_("no lapses yet"), width, INDENT)
    headers = (pgettext("column", "id"), pgettext("column", "lapses"), pgettext("column", "recall"))
    widths = [max(size, display_width(text)) for size, text in zip((7, 6, 6), headers)]
    text_width = max(8, width - 3 - sum(size + 1 for size in widths))  # 55 cells at 80, with the English headers

    def line(cells, text: str) -> str:
        return (INDENT + "".join(pad(str(c), w, True) + " " for c, w in zip(cells, widths)) + " " + text).rstrip()

    lines = [line(headers, pgettext("column", "card"))]
    for card in hardest:
        where = f"{card['deck']}/{card['key']}: "
        text = clip(visible(where + card["front"]), text_width)  # the deck's text
        lines.append(line((card["id"], card["lapses"], _percent(card["retrievability"])), text))
    return lines


def _time_lines(time_stats: StatsTime, width: int) -> list[str]:
    average = time_stats["average_ms"]
    if average is None:  # no timed answers
        return _wrapped(_("{answers}, none timed").format(answers=_answers(time_stats["answers"])), width, INDENT)
    spent = _("{answers}; {average} per answer on average, {total} in all").format(
        answers=_answers(time_stats["answers"]), average=_duration(average), total=_duration(time_stats["total_ms"])
    )
    return _wrapped(spent, width, INDENT)
