"""The card browser: `quiz cards` lists cards one line each, filtered and sorted (Anki's
Browse), `quiz card` shows one note's cards with their schedule and every answer (Anki's
Card Info). The reads are quiz.storage.browse's; the deck's words go through `visible`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

import click

from quiz.cli.collection import format_table
from quiz.cli.env import Env, command, learner_zone
from quiz.errors import QuizError
from quiz.i18n import _, pgettext
from quiz.plumbing.textwidth import display_width, pad, visible

if TYPE_CHECKING:
    from quiz.model import Text
    from quiz.shapes import AnswerJson, CardInfoJson, CardJson, NoteCardJson

# --state's words, as quiz.storage.browse reads them; --sort's orders
STATES = ("new", "learning", "review", "suspended", "buried", "leech")
ORDERS = ("due", "retrievability", "lapses", "added")
LEARNING_STATES = ("new", "learning", "review", "relearning")  # by State's number
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
    state: str | None = None,
    due: str | date | None = None,
    order: str = "due",
    limit: int | None = None,
    as_json: bool = False,
) -> None:
    from quiz import scheduling, storage

    now, zone, rollover = current_time(), learner_zone(), env.rollover_hour()
    day = storage.Day.of(now, zone, rollover)
    due_from, due_before = due_range(due, day, zone, rollover)
    filters = storage.CardFilter(state, tag, search, due_from=due_from, due_before=due_before, order=order)
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        recall = {deck.id: scheduling.recall_at(now, storage.deck_settings(conn, deck.id)) for deck in decks}
        cards = storage.list_cards(conn, decks, filters, now, limit, recall)
    lang, deck_of = env.lang(), {deck.id: deck for deck in decks}
    rows: list[CardJson] = []
    dues = []
    for card in cards:
        chance = recall[card.deck_id](card.last_review, card.stability)
        dues.append(card.due)
        deck = deck_of[card.deck_id]
        front = question(card.kind, card.ord, json.loads(card.content), lang, deck.lang)
        rows.append(
            {
                "deck": deck.name,
                "id": card.key,
                "card": card_number(card.kind, card.ord),
                "state": status(card, now),
                "due": card.due.isoformat() if card.due else None,
                "retrievability": None if chance is None else round(chance, 4),
                "lapses": card.lapses,
                "front": " ".join(front.split()),
            }
        )
    if as_json:  # json.dumps leaves DEL, C1 and bidi characters raw
        click.echo(visible(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif not rows:
        click.echo(_("No cards match.") if decks else _("No decks yet: quiz import DECK.yaml"))
    else:
        click.echo(card_table(rows, dues, zone, rollover))


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


def card_table(rows: list[CardJson], dues: list[datetime | None], zone: tzinfo, rollover: int) -> str:
    states, day_of = state_words(), LearnerDays(zone, rollover)
    shown = [
        {
            "deck": row["deck"],
            "id": row["id"],
            "state": states[row["state"]],
            "due": "-" if due is None else day_of(due),
            "recall": "-" if row["retrievability"] is None else f"{row['retrievability'] * 100:.0f}%",
            "front": row["front"],
        }
        for row, due in zip(rows, dues)
    ]
    columns = ("deck", "id", "state", "due", "recall", "front")
    headers = {
        "deck": pgettext("column", "deck"),
        "id": pgettext("column", "id"),
        "state": pgettext("column", "state"),
        "due": pgettext("column", "due"),
        "recall": pgettext("column", "recall"),
        "front": pgettext("column", "front"),
    }
    return format_table(shown, columns, tuple(headers[c] for c in columns), shrink="front")


class LearnerDays:
    """The learner's date (ISO) of many instants: the last one's day is kept, and in the due
    order the next instant falls in it mostly (100k astimezone calls cost 0.1 s)."""

    def __init__(self, zone: tzinfo, rollover: int):
        self.zone, self.rollover = zone, rollover
        self.start = self.end = datetime.min.replace(tzinfo=timezone.utc)
        self.label = ""

    def __call__(self, moment: datetime) -> str:
        if not self.start <= moment < self.end:
            from quiz import scheduling

            day = scheduling.learner_date(moment, self.zone, self.rollover)
            self.start = scheduling.day_begins(day, self.zone, self.rollover)
            self.end = scheduling.day_begins(day + timedelta(days=1), self.zone, self.rollover)
            self.label = day.isoformat()
        return self.label


def status(card, now: datetime) -> str:
    """The card's state as --state names it: suspended (leech), buried, else its learning state."""
    if card.suspended:
        return "leech" if card.leech else "suspended"
    if card.buried_until is not None and card.buried_until > now:
        return "buried"
    return LEARNING_STATES[card.state]


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


def question(kind: str, ord_: int, content: dict, lang: str, deck_lang: str) -> str:
    """What the card asks, in the learner's language: a cloze with its deletion hidden,
    the back of a reversed note's second card, else the front."""
    if kind == "cloze":
        from quiz.model import CLOZE, localize  # not at import: quiz --help loads this module

        text = localize(content.get("text"), lang, deck_lang)
        return CLOZE.sub(lambda m: f"[{m[3] or '...'}]" if int(m[1]) == ord_ else m[2], text)
    return shown_text(content.get("back" if kind == "reversed" and ord_ == 1 else "front"), lang, deck_lang)


def shown_text(value: Text | list[str] | None, lang: str, deck_lang: str) -> str:
    """A field in the learner's language (a command card's answers: one a line)."""
    from quiz.model import localize

    return "\n".join(value) if isinstance(value, list) else localize(value, lang, deck_lang)


@command(
    "card",
    help=_("""Show a card: its text, deck file, schedule and every answer.

    CARD_ID is the card's id in its deck file, as `quiz cards` lists it; each
    card of a reversed or cloze note is shown.

    \b
    Examples:
      quiz card docker ps-l
      quiz card docker ps-l --json
    """),
    needs=("quiz.storage.browse", "quiz.scheduling"),
    opens=True,
)
@click.argument("deck")
@click.argument("card_id")
@click.option("--json", "as_json", is_flag=True, help=_("Print one JSON object: the note, then each of its cards."))
@click.pass_obj
def card_command(env: Env, deck: str, card_id: str, as_json: bool = False) -> None:
    from quiz import scheduling, storage

    now, zone = current_time(), learner_zone()
    with env.engine.connect() as conn:
        (found,) = storage.select_decks(conn, [deck])
        cards = storage.note_cards(conn, found, card_id)
        if not cards:
            message = _("deck {deck} has no card {id} (quiz cards {deck} lists them)")
            raise QuizError(message.format(deck=deck, id=card_id))
        answers = storage.answers_of(conn, [card.id for card in cards])
        source = storage.deck_source(conn, found.id)
        recall = scheduling.recall_at(now, storage.deck_settings(conn, found.id))
    lang = env.lang()
    content = json.loads(cards[0].content)
    info: CardInfoJson = {
        "deck": found.name,
        "id": card_id,
        "type": cards[0].kind,
        "file": source,
        "tags": cards[0].tags.split(),
        "content": content,
        "cards": [note_card(card, answers, recall, content, lang, found.lang) for card in cards],
    }
    if as_json:
        click.echo(visible(json.dumps(info, ensure_ascii=False, indent=2)))
    else:
        click.echo("\n".join(visible(line) for line in info_lines(info, lang, found.lang, zone, now)))


def note_card(card, answers: list, recall, content: dict, lang: str, deck_lang: str) -> NoteCardJson:
    chance = recall(card.last_review, card.stability)
    mine: list[AnswerJson] = [
        {
            "reviewed_at": answer.reviewed_at.isoformat(),
            "rating": RATINGS.get(answer.rating, str(answer.rating)),
            "interval_days": None
            if answer.due_after is None
            else round((answer.due_after - answer.reviewed_at).total_seconds() / 86400, 4),
            "duration_ms": answer.duration_ms,
        }
        for answer in answers
        if answer.card_id == card.id
    ]
    return {
        "card": card_number(card.kind, card.ord),
        "front": question(card.kind, card.ord, content, lang, deck_lang),
        "state": LEARNING_STATES[card.state],
        "due": card.due.isoformat() if card.due else None,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "retrievability": None if chance is None else round(chance, 4),
        "reps": card.reps,
        "lapses": card.lapses,
        "suspended": card.suspended,
        "leech": card.leech,
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
        "reviews": mine,
    }


def info_lines(info: CardInfoJson, lang: str, deck_lang: str, zone: tzinfo, now: datetime) -> list[str]:
    """Card Info as text: the note (labels aligned by display width), then each card."""
    from quiz.scheduling import format_interval

    label = {
        "file": pgettext("column", "file"),
        "front": pgettext("column", "front"),
        "back": pgettext("column", "back"),
        "text": pgettext("column", "text"),
        "note": pgettext("column", "note"),
        "source": pgettext("column", "source"),
        "question": pgettext("column", "question"),
        "due": pgettext("column", "due"),
        "stability": pgettext("column", "stability"),
        "difficulty": pgettext("column", "difficulty"),
        "recall": pgettext("column", "recall"),
        "reps": pgettext("column", "reps"),
        "lapses": pgettext("column", "lapses"),
        "suspended": pgettext("column", "suspended"),
        "buried": pgettext("column", "buried"),
        "reviews": pgettext("column", "reviews"),
    }
    width = max(display_width(text) for text in label.values())

    def field(name: str, value: str, indent: str = "  ") -> list[str]:
        first, *more = value.splitlines() or [""]
        return [f"{indent}{pad(label[name], width)}  {first}".rstrip()] + [f"{indent}{' ' * width}  {v}" for v in more]

    content, tags = info["content"], " ".join(info["tags"])
    head = f"{info['deck']}/{info['id']} · {info['type']}" + (f" · {tags}" if tags else "")
    lines = [head, *(field("file", info["file"]) if info["file"] else [])]
    for name in ("front", "text", "back", "note", "source"):
        if content.get(name) is not None:
            lines += field(name, shown_text(content[name], lang, deck_lang))  # type: ignore[arg-type]
    states, no = state_words(), _("no")
    for card in info["cards"]:
        lines += ["", _("card {number} · {state}").format(number=card["card"], state=states[card["state"]])]
        if len(info["cards"]) > 1 or info["type"] == "cloze":
            lines += field("question", card["front"])
        if card["due"]:
            lines += field("due", local_time(card["due"], zone))
        if card["stability"] is not None:
            lines += field("stability", pgettext("interval", "{}d").format(f"{card['stability']:.1f}"))
        if card["difficulty"] is not None:
            lines += field("difficulty", f"{card['difficulty']:.2f}")
        if card["retrievability"] is not None:
            lines += field("recall", f"{card['retrievability'] * 100:.1f}%")
        lines += field("reps", str(card["reps"])) + field("lapses", str(card["lapses"]))
        suspended = (_("yes (leech)") if card["leech"] else _("yes")) if card["suspended"] else no
        lines += field("suspended", suspended)
        buried = card["buried_until"]  # a past one is no more
        buried = buried if buried and datetime.fromisoformat(buried) > now else None
        lines += field("buried", _("until {time}").format(time=local_time(buried, zone)) if buried else no)
        lines += field("reviews", "" if card["reviews"] else _("none yet"))
        if card["reviews"]:
            lines += ["    " + line for line in answers_table(card["reviews"], zone, format_interval).splitlines()]
    return lines


def answers_table(answers: list[AnswerJson], zone: tzinfo, format_interval) -> str:
    ratings = {"again": _("Again"), "hard": _("Hard"), "good": _("Good"), "easy": _("Easy")}
    rows = [
        {
            "date": local_time(answer["reviewed_at"], zone),
            "rating": ratings.get(answer["rating"], answer["rating"]),
            "interval": "-"
            if answer["interval_days"] is None
            else format_interval(timedelta(days=answer["interval_days"])),
            "time": "-"
            if answer["duration_ms"] is None
            else pgettext("duration", "{}s").format(f"{answer['duration_ms'] / 1000:.1f}"),
        }
        for answer in answers
    ]
    headers = (
        pgettext("column", "date"),
        pgettext("column", "rating"),
        pgettext("column", "interval"),
        pgettext("column", "time"),
    )
    return format_table(rows, ("date", "rating", "interval", "time"), headers)


def local_time(iso: str, zone: tzinfo) -> str:
    """An ISO 8601 instant as the learner's wall-clock time, to the minute."""
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M")
