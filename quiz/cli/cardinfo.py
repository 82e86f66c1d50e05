"""`quiz card`: one note's cards with their file and line, schedule and every answer
(Anki's Card Info). The reads are quiz.storage.browse's; the deck's words go through `visible`."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import click

from quiz.cli import cards as card_list
from quiz.cli.cards import RATINGS, card_number, flag_words, question, shown_text, state_words
from quiz.cli.env import Env, command, learner_zone
from quiz.cli.table import format_table
from quiz.errors import QuizError
from quiz.i18n import _, pgettext
from quiz.plumbing.textwidth import display_width, pad, visible, wrap_text

if TYPE_CHECKING:
    from quiz.shapes import AnswerJson, CardInfoJson, NoteCardJson


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

    now, zone = card_list.current_time(), learner_zone()  # the tests set it there
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
        "line": cards[0].line,
        "tags": cards[0].tags.split(),
        "content": content,
        "cards": [note_card(card, answers, recall, content, lang, found.lang) for card in cards],
    }
    if as_json:
        click.echo(visible(json.dumps(info, ensure_ascii=False, indent=2)))
    else:
        click.echo("\n".join(visible(line) for line in info_lines(info, lang, found.lang, zone, now)))


def note_card(card, answers: list, recall, content: dict, lang: str, deck_lang: str) -> NoteCardJson:
    from quiz.model import State, flag_colour, question_field
    from quiz.storage.rows import to_ms

    chance = recall(card.last_review and to_ms(card.last_review), card.stability)
    mine: list[AnswerJson] = [
        {
            "reviewed_at": answer.reviewed_at.isoformat(),
            "kind": answer.kind,
            "rating": None if answer.rating is None else RATINGS.get(answer.rating, str(answer.rating)),
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
        "front": question(card.kind, card.ord, content.get(question_field(card.kind, card.ord)), lang, deck_lang),
        "state": State(card.state).name.lower(),
        "due": card.due.isoformat() if card.due else None,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "retrievability": None if chance is None else round(chance, 4),
        "reps": card.reps,
        "lapses": card.lapses,
        "suspended": card.suspended,
        "leech": card.leech,
        "buried_until": card.buried_until.isoformat() if card.buried_until else None,
        "flag": flag_colour(card.flag),
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
        "flag": pgettext("column", "flag"),
        "reviews": pgettext("column", "reviews"),
    }
    width = max(display_width(text) for text in label.values())
    room = max(20, shutil.get_terminal_size().columns - width - 4)  # beside "  LABEL  "

    def field(name: str, value: str) -> list[str]:
        """A label and its value, the value wrapped to the terminal (a path or link whole)."""
        value = visible(value)  # escaped before it is measured
        if name not in ("file", "source"):
            value = "\n".join(wrap_text(value, room))
        first, *more = value.splitlines() or [""]
        return [f"  {pad(label[name], width)}  {first}".rstrip()] + [f"  {' ' * width}  {v}" for v in more]

    content, tags = info["content"], " ".join(info["tags"])
    head = f"{info['deck']}/{info['id']} · {info['type']}" + (f" · {tags}" if tags else "")
    where = f"{info['file']}:{info['line']}" if info["file"] and info["line"] else info["file"]
    lines = [head, *(field("file", where) if where else [])]
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
        if card["flag"]:
            lines += field("flag", flag_words()[card["flag"]])
        lines += field("reviews", "" if card["reviews"] else _("none yet"))
        if card["reviews"]:
            lines += ["    " + line for line in answers_table(card["reviews"], zone, format_interval).splitlines()]
    return lines


def answers_table(answers: list[AnswerJson], zone: tzinfo, format_interval) -> str:
    ratings = {"again": _("Again"), "hard": _("Hard"), "good": _("Good"), "easy": _("Easy")}
    kinds = {
        "cram": pgettext("log entry", "{rating} (cram)"),
        "forget": pgettext("log entry", "forgotten"),
        "reschedule": pgettext("log entry", "rescheduled"),
    }
    rows = [
        {
            "date": local_time(answer["reviewed_at"], zone),
            "rating": kinds.get(answer["kind"], "{rating}").format(
                rating=ratings.get(answer["rating"] or "", answer["rating"])
            ),
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
