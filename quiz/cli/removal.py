"""quiz remove: decks taken out of the collection with their cards and history, after a backup."""

from __future__ import annotations

import sys

import click

from quiz.cli.collection import cards_count, decks_count, listed
from quiz.cli.env import Env, command, learner_zone
from quiz.errors import QuizError
from quiz.i18n import _, ngettext


@command(
    "remove",
    help=_("""Remove decks with their cards and their review history, after a backup.

    It asks first on a terminal; elsewhere it needs --yes. A bundled deck stays
    removed when quiz is upgraded, until quiz import brings its file back.
    quiz backups lists the backup made first, and quiz restore brings it back.

    \b
    Examples:
      quiz remove docker
      quiz remove old-git scratch --yes
    """),
    opens=True,
)
@click.argument("names", nargs=-1, required=True)
@click.option("--yes", "-y", is_flag=True, help=_("Remove without asking."))
@click.pass_obj
def remove_command(env: Env, names: tuple[str, ...], yes: bool = False) -> None:
    from datetime import datetime, timezone

    from quiz import backups, storage
    from quiz.plumbing import resources

    wanted = list(dict.fromkeys(names))
    with env.engine.connect() as conn:
        storage.select_decks(conn, wanted)  # UnknownDeck names any that is not there
        sizes = storage.removal_sizes(conn, wanted)
    what = listed(
        [
            _("{deck} ({cards}, {reviews})").format(
                deck=size.name,
                cards=cards_count(size.cards),
                reviews=ngettext("{} review", "{} reviews", size.reviews).format(size.reviews),
            )
            for size in sizes
        ]
    )
    if not yes:
        if not sys.stdin.isatty():
            raise QuizError(_("quiz remove asks first, and there is no terminal to ask on: add --yes"))
        if not click.confirm(_("Remove {what}? A backup is made first.").format(what=what)):
            click.echo(_("Nothing was removed."))
            return
    backups.before_change(env.engine, "removal", datetime.now(timezone.utc), learner_zone())
    env.changed_queue = True
    bundled_files = {str(path.resolve()) for path in resources.bundled_decks()}
    with storage.writing(env.engine) as conn:
        shipped = {name for name, deck in storage.deck_sources(conn).items() if deck.source in bundled_files}
        storage.remove_decks(conn, wanted, shipped)  # the bundled ones stay out of the upgrades' sync
    click.echo(_("Removed {count}: {what}.").format(count=decks_count(len(wanted)), what=what))
