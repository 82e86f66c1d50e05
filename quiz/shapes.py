"""What `--json` prints, each shape written down once (TypedDicts; key order as printed).

Scripts read these: a change here is a change of the command line's interface.
"""

from __future__ import annotations

from typing import TypedDict


class DeckCounts(TypedDict):
    """A deck's cards by state, and what today's queue holds of them (`quiz decks`)."""

    cards: int
    new: int
    learning: int
    review: int
    due: int
    suspended: int


class DeckJson(DeckCounts):
    """`quiz decks --json`: one per deck, its name and title, then its DeckCounts."""

    deck: str
    title: str


class DueJson(TypedDict):
    """`quiz due --json`: today's queue, learning and review cards (due) and new ones."""

    due: int
    new: int
    total: int


class SuspendedJson(TypedDict):
    """`quiz suspended --json`: one per suspended card."""

    deck: str
    id: str  # the card's id in its deck file
    card: int  # which card of the note, from 1
    leech: bool
    front: str


class ExportJson(TypedDict):
    """`quiz export anki --json`: what was written."""

    path: str
    decks: int
    notes: int
    cards: int
    reviews: int | None  # None without --with-progress


# -- quiz stats --json --------------------------------------------------------------------


class StatsToday(TypedDict):
    answers: int
    cards: int
    due_left: int  # today's queue: learning and review cards due today (forecast[0]) and new_left
    new_left: int
    retention: float | None
    time_ms: int


class DeckStates(TypedDict):
    """A deck's current cards: new, learning, young, mature and suspended add up to them;
    leeches are counted again among them."""

    deck: str
    new: int
    learning: int
    young: int
    mature: int
    suspended: int
    leech: int


class Outcomes(TypedDict):
    passed: int
    failed: int
    retention: float | None


class RetentionRow(TypedDict):
    young: Outcomes
    mature: Outcomes
    total: Outcomes


class Heatmap(TypedDict):
    first: str  # the first day (ISO date) of `counts`, one count per day up to today
    counts: list[int]
    streak: int


class HardCard(TypedDict):
    id: int
    deck: str
    key: str
    lapses: int
    retrievability: float | None
    front: str


class StatsTime(TypedDict):
    answers: int
    timed_answers: int
    total_ms: int
    average_ms: int | None


class StatsJson(TypedDict):
    date: str
    today: StatsToday
    decks: list[DeckStates]
    retention: dict[str, RetentionRow]  # day, week, month, year
    heatmap: Heatmap
    forecast: list[int]  # due on each of the next 30 days, today's with the overdue ones
    hardest: list[HardCard]
    time: StatsTime


# -- quiz optimize --json -----------------------------------------------------------------


class Quality(TypedDict):
    log_loss: float
    rmse: float


class FitJson(TypedDict):
    reviews: int
    cards: int
    saved: bool
    healthy: bool | None  # Anki's health check of the fit (None: 300 items or fewer)
    first_four_only: bool  # fewer than 64 reviews to learn from: the first stabilities only
    parameters: list[float]
    before: Quality
    after: Quality


class WorkloadJson(TypedDict):
    retention: float
    minutes_per_day: float
    reviews_per_day: float
    memorized: float
    seconds_per_memorized: float
    relative_workload: float  # minutes a day against those at the desired retention in use


class RetentionJson(TypedDict):
    workloads: list[WorkloadJson]
    desired_retention: float


# `quiz tools --json`: one per tool quiz has a table of; "from" is the deck or the fish
# completion file the table comes from ("" for a bundled one). Functional form: "from" is
# a keyword.
ToolJson = TypedDict("ToolJson", {"tool": str, "source": str, "from": str, "commands": int, "options": int})

# `quiz tools show TOOL [COMMAND...] --json`: the canonical command path (an alias
# resolved), the source (deck, bundled, fish or generic) and where from, the aliases, where
# options may stand (anywhere, first, or the argument they end at), the options as a table
# writes them ("-m, --message string"), the tool's own options before the command, and a
# tool's commands.
CommandJson = TypedDict(
    "CommandJson",
    {
        "tool": str,
        "command": list[str],
        "source": str,
        "from": str,
        "aliases": list[list[str]],
        "options_where": str | int,
        "options": list[str],
        "global_options": list[str],
        "commands": list[str],
        "notes": list[str],  # how the tool reads its line beyond its options (tar xzf, -5, po = pods)
    },
)


class GeneratedCard(TypedDict):
    id: str
    line: int
    type: str  # the deck's card type: command, keys, basic, reversed
    kind: str  # what it came from: command, keys, concept, warning, term, snippet
    front: str
    back: str | list[str]


class Part(TypedDict):
    line: int
    lines: int
    reason: str


class GenerateJson(TypedDict):
    """`quiz generate --json`."""

    note: str
    title: str
    lang: str
    output: str | None  # the file written, or None: then "deck" holds it
    cards: list[GeneratedCard]
    skipped: list[Part]
    notes: list[Part]  # kept, but worth a look
    deck: str | None


class BackupJson(TypedDict):
    """`quiz backups --json`: one per backup, newest first."""

    path: str
    made: str  # ISO 8601, UTC
    reason: str  # daily, import, manual, restore, damaged, upgrade-from-0004, ...
    bytes: int


class CheckJson(TypedDict):
    """`quiz check --json`: what was looked at and what was found; ok when nothing was."""

    ok: bool
    integrity: list[str] | None  # SQLite's own check of its pages; None on a server
    foreign_keys: list[str]
    log: list[dict[str, object]]  # cards whose schedule disagrees with their last review


class SettingJson(TypedDict):
    """`quiz config --json`: one per setting (`quiz config KEY --json`: that one)."""

    key: str
    value: str | int | float
    source: str  # config (the learner's config.toml), collection, environment, default
    where: str | None  # the config file, the collection's location, the environment variable; None by default


# -- quiz cards, quiz card --json -----------------------------------------------------------


class CardJson(TypedDict):
    """`quiz cards --json`: one per card, in the order asked for."""

    deck: str
    id: str  # the card's id in its deck file
    card: int  # which card of the note: from 1 (a cloze: its deletion's number)
    state: str  # new, learning, relearning, review, suspended, leech, buried
    due: str | None  # ISO 8601, UTC, to the millisecond; None while new
    retrievability: float | None  # FSRS's, now; None while new
    lapses: int
    front: str  # the question, in the learner's language
    flag: str | None  # as NoteCardJson's


class AnswerJson(TypedDict):
    reviewed_at: str  # ISO 8601, UTC
    kind: str  # review (scheduled), cram (the schedule untouched), forget, reschedule (manual changes)
    rating: str | None  # again, hard, good, easy; None for a manual change
    interval_days: float | None  # from the answer to the due time it set
    duration_ms: int | None  # the time taken; None if not timed


class NoteCardJson(TypedDict):
    card: int  # as in CardJson
    front: str  # this card's question
    state: str  # new, learning, relearning, review (suspended and buried apart)
    due: str | None
    stability: float | None  # days
    difficulty: float | None
    retrievability: float | None
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    buried_until: str | None
    flag: str | None  # red, orange, green, blue, pink, turquoise, purple (Anki's); None
    reviews: list[AnswerJson]  # oldest first: the log, answers and events


class CardInfoJson(TypedDict):
    """`quiz card DECK ID --json`: the note of that id, and each of its cards."""

    deck: str
    id: str
    type: str  # basic, reversed, cloze, command, keys
    file: str | None  # the deck file it was last imported from
    line: int | None  # the line of its entry in that file (none if imported before quiz kept lines)
    tags: list[str]
    content: dict[str, object]  # front/back/text/note/source as the file gives them (every language)
    cards: list[NoteCardJson]
