"""Card actions from the shell, on several cards at once: `quiz flag`, `quiz forget`,
`quiz reschedule` (the review has them too: :flag, :forget, :due). Forget and reschedule
are logged as Anki logs its manual changes (quiz.storage.events), after a backup."""

from __future__ import annotations

from datetime import date, datetime, timezone

import click

from quiz.cli.collection import cards_count
from quiz.cli.env import Env, command, learner_zone
from quiz.i18n import _
from quiz.model import FLAGS, flag_number


@command(
    "flag",
    help=_("""Flag cards with a colour (Anki's flags), or clear their flag.

    CARD_IDS are the ids in the deck file; every card of a reversed or cloze
    note is flagged. quiz cards --flagged lists the flagged cards.

    \b
    Examples:
      quiz flag docker ps-l logs-f-t
      quiz flag docker ps-l --colour green
      quiz flag docker ps-l --clear
    """),
)
@click.argument("deck")
@click.argument("card_ids", nargs=-1, required=True)
@click.option("--colour", "--color", "colour", type=click.Choice(FLAGS), default="red", help=_("The flag's colour."))
@click.option("--clear", is_flag=True, help=_("Take the flag off."))
@click.pass_obj
def flag_command(env: Env, deck: str, card_ids: tuple[str, ...], colour: str = "red", clear: bool = False) -> None:
    from quiz import storage
    from quiz.cli.cards import flag_words

    cards = _targets(env, deck, card_ids)
    storage.set_flags(env.engine, [card.id for card in cards], 0 if clear else flag_number(colour))
    if clear:
        click.echo(_("{deck}: {cards} no longer flagged").format(deck=deck, cards=cards_count(len(cards))))
    else:
        message = _("{deck}: {cards} flagged {colour}")
        click.echo(message.format(deck=deck, cards=cards_count(len(cards)), colour=flag_words()[colour]))


@command(
    "forget",
    help=_("""Make cards new again, their reviews kept (Anki's Reset).

    They come back as new cards, in their place in the deck, under the day's
    new-card limit. A backup is made first; `quiz card` shows the change.

    \b
    Examples:
      quiz forget docker ps-l
      quiz forget docker ps-l logs-f-t
    """),
)
@click.argument("deck")
@click.argument("card_ids", nargs=-1, required=True)
@click.pass_obj
def forget_command(env: Env, deck: str, card_ids: tuple[str, ...]) -> None:
    from quiz import storage

    cards, now = _targets(env, deck, card_ids), datetime.now(timezone.utc)
    _backup(env, "forget", now)
    changed = storage.forget(env.engine, cards, now)
    env.changed_queue = True
    click.echo(_("{deck}: {cards} new again").format(deck=deck, cards=cards_count(len(changed))))


@command(
    "reschedule",
    help=_("""Set when cards are due (Anki's Set Due Date): a date, or days from today.

    A learning card becomes a review card; a new card has nothing to schedule
    yet. A backup is made first; `quiz card` shows the change.

    \b
    Examples:
      quiz reschedule docker ps-l --due +3d
      quiz reschedule docker ps-l logs-f-t --due 2026-12-24
      quiz reschedule docker ps-l --due +0       due today
    """),
)
@click.argument("deck")
@click.argument("card_ids", nargs=-1, required=True)
@click.option("--due", "due", required=True, metavar="DATE|+Nd", help=_("YYYY-MM-DD, or +N days from today."))
@click.pass_obj
def reschedule_command(env: Env, deck: str, card_ids: tuple[str, ...], due: str) -> None:
    from quiz import scheduling, storage

    now, zone, rollover = datetime.now(timezone.utc), learner_zone(), env.rollover_hour()
    day = due_option(due, scheduling.learner_date(now, zone, rollover))
    cards = _targets(env, deck, card_ids)
    _backup(env, "reschedule", now)
    changed = storage.reschedule(env.engine, cards, scheduling.day_begins(day, zone, rollover), now)
    env.changed_queue = True
    message = _("{deck}: {cards} due {date}")
    click.echo(message.format(deck=deck, cards=cards_count(len(changed)), date=day.isoformat()))


def due_option(text: str, today: date) -> date:
    from quiz import scheduling

    try:
        return scheduling.due_day(text, today)
    except ValueError:
        message = _("{value} is not a date like {today} (today or later, within 100 years) nor +N days")
        raise click.BadParameter(message.format(value=text, today=today.isoformat()), param_hint="'--due'") from None


def _targets(env: Env, deck: str, card_ids: tuple[str, ...]) -> list:
    from quiz import storage

    with env.engine.connect() as conn:
        (found,) = storage.select_decks(conn, [deck])
        return storage.targets(conn, found, list(dict.fromkeys(card_ids)))


def _backup(env: Env, reason: str, now: datetime) -> None:
    from quiz import backups

    backups.before_change(env.engine, reason, now, learner_zone())
