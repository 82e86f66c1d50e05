"""The card browser: `quiz cards` lists cards one line each, filtered and sorted (Anki's
Browse; `quiz card`, Card Info, is quiz.cli.cardinfo). The reads are quiz.storage.browse's;
the deck's words go through `visible`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, command, learner_zone
from quiz.cli.table import format_columns
from quiz.i18n import _, pgettext
from quiz.plumbing.gcpause import collector_paused
from quiz.plumbing.textwidth import visible

if TYPE_CHECKING:
    from quiz.model import Text
    from quiz.shapes import CardJson
    from quiz.storage.browse import ListedCard

# --state's words, as quiz.storage.browse reads them; --sort's orders
STATES = ("new", "learning", "review", "suspended", "buried", "leech")
ORDERS = ("due", "retrievability", "lapses", "added")
RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def current_time() -> datetime:  # the tests set it
    return datetime.now(timezone.utc)


def due_value(_ctx, _param, value: str | None) -> str | date | None:
    if value is None or value in ("today", "overdue"):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = _("{value} is not today, overdue or a date like 2026-05-10")
        raise click.BadParameter(message.format(value=value)) from None


@command(
    "cards",
    help=_("""List cards, one line each: deck, id, state, due date, recall now, front.

    DECK: only these decks. The filters add up. Without --sort, the cards due
    soonest come first and the new cards last, in their deck's order.

    \b
    Examples:
      quiz cards docker
      quiz cards --due today
      quiz cards --search "logs -f" --json
      quiz cards --state leech --sort lapses
      quiz cards --sort retrievability --limit 20
      quiz cards --flagged
    """),
    needs=("quiz.storage.browse", "quiz.scheduling"),
    opens=True,
)
@click.argument("names", nargs=-1, metavar="[DECK]...")
@click.option(
    "--search",
    metavar="TEXT",
    help=_("Only cards whose text holds TEXT: front, back or note, in any language, case aside."),
)
@click.option("--tag", metavar="TAG", help=_("Only cards with this tag."))
@click.option("--flagged", is_flag=True, help=_("Only flagged cards (quiz flag, :flag in the review)."))
@click.option(
    "--state",
    type=click.Choice(STATES),
    help=_("Only cards in this state (learning: relearning too; suspended: leeches too)."),
)
@click.option(
    "--due",
    metavar="today|overdue|DATE",
    callback=due_value,
    help=_("Only cards due by the end of today, before today, or on DATE (YYYY-MM-DD), your day."),
)
@click.option(
    "--sort",
    "order",
    type=click.Choice(ORDERS),
    default="due",
    help=_("due: soonest first; retrievability: least likely recalled first; lapses: most first; added: newest first."),
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help=_("At most N cards (default: all of them)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON array, one object per card."))
@click.pass_obj
def cards_command(
    env: Env,
    names: tuple[str, ...] = (),
    search: str | None = None,
    tag: str | None = None,
    flagged: bool = False,
    state: str | None = None,
    due: str | date | None = None,
    order: str = "due",
    limit: int | None = None,
    as_json: bool = False,
) -> None:
    from quiz import scheduling, storage

    now, zone, rollover, lang = current_time(), learner_zone(), env.rollover_hour(), env.lang()
    day = storage.Day.of(now, zone, rollover)
    due_from, due_before = due_range(due, day, zone, rollover)
    filters = storage.CardFilter(state, tag, search, due_from, due_before, order, flagged)
    # 10^5 rows, tuples and cells, none of them in a cycle, that the collector would walk
    # again and again (100k cards: 1.04 s -> 1.01 s, medians of 15 alternating runs)
    with collector_paused():
        with env.engine.connect() as conn:
            decks = storage.select_decks(conn, list(names))
            recall = {deck.id: scheduling.recall_at(now, storage.deck_settings(conn, deck.id)) for deck in decks}
            cards = storage.list_cards(conn, decks, filters, now, limit, recall, lang)
        listed = list(listing(cards, {deck.id: deck for deck in decks}, recall, lang))
        print_cards(listed, decks, as_json, zone, rollover)


def print_cards(listed: list[Listed], decks: list, as_json: bool, zone: tzinfo, rollover: int) -> None:
    if as_json:
        from quiz.model import flag_colour
        from quiz.storage.rows import from_ms

        # json.dumps leaves DEL, C1 and bidi characters raw
        rows: list[CardJson] = [
            {
                "deck": deck,
                "id": key,
                "card": number,
                "state": state,
                "due": None if due is None else from_ms(due).isoformat(),
                "retrievability": None if chance is None else round(chance, 4),
                "lapses": lapses,
                "front": " ".join(front.split()),  # on one line, as the table's cell
                "flag": flag_colour(flag),
            }
            for deck, key, number, state, due, chance, lapses, front, flag in listed
        ]
        # A card a line: json.dumps with an indent is the pure-Python encoder (100k cards'
        # rows: 1.40 s -> 0.81 s, medians of 5 alternating), and grep finds a card.
        encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one a card
        lines = ",\n".join("  " + encode(row) for row in rows)
        click.echo(visible(f"[\n{lines}\n]" if rows else "[]"))
    elif not listed:
        click.echo(_("No cards match.") if decks else _("No decks yet: quiz import DECK.yaml"))
    else:
        click.echo(card_table(listed, zone, rollover))


# json.loads without its two wrappers: 100k cards' contents read in 0.10 s, not 0.16 s
_decode = json.JSONDecoder().raw_decode


def _field(text: str | None):
    """A field's value from its JSON text: a string without escapes is cut out of its quotes
    (most fronts: 100k of them 0.08 s sooner than decoded)."""
    if text is None:
        return None
    if text[:1] == '"' and "\\" not in text:
        return text[1:-1]
    return _decode(text)[0]


# deck .. front and flag, as CardJson; due in ms
Listed = tuple[str, str, int, str, "int | None", "float | None", int, str, int]


def listing(cards: list[ListedCard], deck_of: dict, recall: dict, lang: str) -> Iterator[Listed]:
    """Each card as `quiz cards` shows it: deck, id, card number, state, due, recall now,
    lapses, the question. The rows are unpacked, not read by name: 11 names
    of 100k rows cost 0.6 s (benchmarks/bench_cards.py's "every card" row)."""
    for _id, deck_id, key, ord_, kind, asked, state, stability, due, last, lapses, flag in cards:
        deck = deck_of[deck_id]
        front = question(kind, ord_, _field(asked), lang, deck.lang)
        chance = recall[deck_id](last, stability)
        yield deck.name, key, card_number(kind, ord_), state, due, chance, lapses, front, flag


def due_range(due: str | date | None, day, zone: tzinfo, rollover: int) -> tuple[datetime | None, datetime | None]:
    """--due as (due from, due before), UTC: a date is the learner's day of that date."""
    from quiz import scheduling

    if due is None:
        return None, None
    if due == "today":
        return None, day.end
    if due == "overdue":
        return None, day.start
    assert isinstance(due, date)
    return scheduling.day_begins(due, zone, rollover), scheduling.day_begins(due + timedelta(days=1), zone, rollover)


def card_table(listed: list[Listed], zone: tzinfo, rollover: int) -> str:
    """The listing's lines, built a column at a time (format_columns): a dict a row, as
    format_table takes them, and back to columns would cost 100k rows 0.12 s."""
    states, day_of = state_words(), LearnerDays(zone, rollover)
    decks, keys, _numbers, kinds, dues, chances, _lapses, fronts, _flags = zip(*listed)
    columns = [
        decks,
        keys,
        [states[state] for state in kinds],
        ["-" if due is None else day_of(due) for due in dues],
        ["-" if chance is None else f"{chance * 100:.0f}%" for chance in chances],
        fronts,
    ]
    headers = (
        pgettext("column", "deck"),
        pgettext("column", "id"),
        pgettext("column", "state"),
        pgettext("column", "due"),
        pgettext("column", "recall"),
        pgettext("column", "front"),
    )
    # Narrower than the table: the front cut first, then recall and deck left out, the id cut
    # (at 40 columns: id, state, due and the front's start)
    return format_columns(columns, headers, fit=(("cut", 5), ("drop", 4), ("drop", 0), ("cut", 1)))


class LearnerDays:
    """The learner's date (ISO) of many instants in epoch ms: the last one's day is kept, and
    in the due order the next instant falls in it mostly (100k astimezone calls cost 0.1 s)."""

    def __init__(self, zone: tzinfo, rollover: int):
        self.zone, self.rollover = zone, rollover
        self.start = self.end = 0
        self.label = ""

    def __call__(self, moment: int) -> str:
        if not self.start <= moment < self.end:
            from quiz import scheduling
            from quiz.storage.rows import from_ms, to_ms

            day = scheduling.learner_date(from_ms(moment), self.zone, self.rollover)
            self.start = to_ms(scheduling.day_begins(day, self.zone, self.rollover))
            self.end = to_ms(scheduling.day_begins(day + timedelta(days=1), self.zone, self.rollover))
            self.label = day.isoformat()
        return self.label


def flag_words() -> dict[str, str]:
    """The flags' colours in the learner's words, by quiz.model.FLAGS' names."""
    from quiz.review.words import colour_words

    return colour_words(pgettext)


def state_words() -> dict[str, str]:
    return {
        "new": pgettext("card state", "new"),
        "learning": pgettext("card state", "learning"),
        "relearning": pgettext("card state", "relearning"),
        "review": pgettext("card state", "review"),
        "suspended": pgettext("card state", "suspended"),
        "leech": pgettext("card state", "leech"),
        "buried": pgettext("card state", "buried"),
    }


def card_number(kind: str, ord_: int) -> int:
    """Which card of its note, from 1: a cloze card's ord is its deletion's number already."""
    return ord_ if kind == "cloze" else ord_ + 1


def question(kind: str, ord_: int, asked: Text | list[str] | None, lang: str, deck_lang: str) -> str:
    """What the card asks, in the learner's language, from the field it asks
    (quiz.model.question_field): a cloze with its deletion hidden, else the field."""
    if kind == "cloze":
        from quiz.model import CLOZE, localize  # not at import: quiz --help loads this module

        text = localize(asked if not isinstance(asked, list) else None, lang, deck_lang)
        return CLOZE.sub(lambda m: f"[{m[3] or '...'}]" if int(m[1]) == ord_ else m[2], text)
    return asked if isinstance(asked, str) else shown_text(asked, lang, deck_lang)


def shown_text(value: Text | list[str] | None, lang: str, deck_lang: str) -> str:
    """A field in the learner's language (a command card's answers: one a line)."""
    from quiz.model import localize

    return "\n".join(value) if isinstance(value, list) else localize(value, lang, deck_lang)
