"""Plain data shared by every layer: deck specs, scheduling state, settings."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

# A cloze deletion: {{c1::answer}} or {{c1::answer::hint}}. ASCII digits only, as Anki reads them
# (`\d` would take other scripts' digits too).
CLOZE = re.compile(r"\{\{c([0-9]+)::(.*?)(?:::(.*?))?\}\}", re.S)
CLOZE_OPENING = re.compile(r"\{\{c([0-9]+)::")  # where a deletion starts, closed or not
LANG_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")  # a deck's lang, a text's languages

# A text is one string (in the deck's language) or one string per language code.
Text = str | dict[str, str]


class CardKind(str, enum.Enum):
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    COMMAND = "command"
    KEYS = "keys"  # a key sequence (vim's ciw, tmux's Ctrl-b d), typed and compared key by key


def question_field(kind: str, ord_: int) -> str:
    """The field of a card's content that it asks: a cloze its text, a reversed note's second
    card the back, any other card the front (quiz.storage.browse says the same in SQL)."""
    if kind == CardKind.CLOZE:
        return "text"
    return "back" if kind == CardKind.REVERSED and ord_ == 1 else "front"


class State(enum.IntEnum):
    """A card's learning state; 1-3 are FSRS's own numbers."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(enum.IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


# A card's flag (cards.flag) is its place here, from 1; 0 is none. Anki's seven, in its order.
FLAGS = ("red", "orange", "green", "blue", "pink", "turquoise", "purple")


def flag_number(colour: str) -> int:
    return FLAGS.index(colour) + 1


def flag_colour(number: int) -> str | None:
    return FLAGS[number - 1] if number else None


@dataclass(frozen=True)
class DeckSettings:
    """Scheduler settings of one deck; steps are in seconds."""

    desired_retention: float = 0.9
    learning_steps: tuple[int, ...] = (60, 600)
    relearning_steps: tuple[int, ...] = (600,)
    new_per_day: int = 20
    reviews_per_day: int = 200
    maximum_interval: int = 36500
    leech_threshold: int = 8
    parameters: tuple[float, ...] | None = None  # None: FSRS's defaults
    review_order: str = "due"  # one of REVIEW_ORDERS: which reviews a day's limit takes, and their order
    # Each weekday's workload, Monday first: one of EASY_DAY_LOADS (Anki's easy days)
    easy_days: tuple[str, ...] = ("normal",) * 7


SETTING_NAMES = tuple(DeckSettings.__dataclass_fields__)
# Anki's review sort orders that quiz has: due date then random (its default), ascending
# retrievability (for a backlog: the cards most likely forgotten first), random, order added.
REVIEW_ORDERS = ("due", "retrievability", "random", "added")
# Anki's numbers for them (DeckConfig.Config.ReviewCardOrder): day, retrievability ascending,
# random, reverse order added (quiz's added: the latest first)
ANKI_REVIEW_ORDERS = {"due": 0, "retrievability": 7, "random": 8, "added": 10}
# Anki's easy days: how much of the load balancer's share of reviews a weekday takes, and
# the share Anki stores for each (DeckConfig.Config.easy_days_percentages)
EASY_DAY_LOADS = {"normal": 1.0, "reduced": 0.5, "minimum": 0.0}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# What a deck file may set each setting to (decks/schema.json says the same): far beyond any
# real deck's needs, and within the database's 32-bit integers and the dates the scheduler
# can compute (a 10**20-day interval overflows a datetime in the middle of a review).
SETTING_LIMITS = {
    "desired_retention": (0.7, 0.99),
    "learning_steps": (1, 365 * 86400),  # each step, in seconds: from 1s to a year
    "relearning_steps": (1, 365 * 86400),
    "new_per_day": (0, 9999),
    "reviews_per_day": (0, 9999),
    "maximum_interval": (1, 36500),  # days: 100 years, FSRS's default
    "leech_threshold": (1, 9999),
}
MAX_STEPS = 10  # learning or relearning steps


@dataclass(frozen=True)
class CardSpec:
    """One reviewable card as a deck file defines it.

    Siblings (both sides of a reversed card, the deletions of one cloze) share
    `key`, the card's `id` in the file, and differ by `ord`.
    """

    key: str
    ord: int
    kind: CardKind
    content: dict  # front/back/text/note/source, each a Text (back may be a list)
    tags: tuple[str, ...]
    position: int  # order of the card in its file: new cards are shown in it
    line: int = 0  # the line of its entry in the file, from 1 (`quiz card` shows it)


@dataclass
class DeckSpec:
    """A parsed, validated deck file."""

    name: str
    title: Text
    lang: str
    path: str
    description: Text | None = None
    settings: dict = field(default_factory=dict)  # only the keys the file sets
    tools: dict | None = None
    cards: list[CardSpec] = field(default_factory=list)
    sha256: str = ""  # fingerprint of the file's bytes


class DeckRow(NamedTuple):
    """A deck in the collection, as every command, the queue and the reports see it."""

    id: int
    name: str
    title: Text  # a string, or one string per language code
    lang: str  # the language of its plain strings


@dataclass(frozen=True)
class Schedule:
    """A card's FSRS memory state and counters; datetimes are UTC-aware."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # None while new
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


def localize(text: Text | None, lang: str, fallback: str = "en") -> str:
    """The best string of a text for a learner who reads `lang`."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for code in (lang, lang.split("-")[0], fallback):
        if code in text:
            return text[code]
    return next(iter(text.values()))


def accepted_answers(back: Text | list[str], lang: str, fallback: str = "en") -> list[str]:
    """A command card's accepted lines: a list as it is, else its one text in the learner's language."""
    return list(back) if isinstance(back, list) else [localize(back, lang, fallback)]
