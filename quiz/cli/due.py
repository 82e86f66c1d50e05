"""`quiz due`, as click runs it: where quiz.due does not answer before click is imported
(--help, a collection on a server, one at another schema revision), from the whole queue."""

from __future__ import annotations

import click

from quiz.cli.env import Env, command
from quiz.errors import QuizError
from quiz.i18n import _


@command(
    "due",
    help=_("""Print how many cards today's review holds, for a shell prompt; nothing when none.

    FORMAT's placeholders are {due} (learning and review cards), {new} (new
    cards) and {total}. The default line is also written to
    ~/.cache/quiz/due (under XDG_CACHE_HOME if set), which a prompt can cat.

    \b
    Examples:
      quiz due                       12 due, 5 new
      quiz due --format '{total}'    17
      quiz due --json
    """),
)
@click.option(
    "--format",
    "fmt",
    metavar="FORMAT",
    help=_("The line to print, with {due}, {new} and {total}. [default: '{due} due, {new} new']"),
)
@click.option(
    "--json", "as_json", is_flag=True, help=_("Print due, new and total as a JSON object, even when none are due.")
)
@click.pass_obj
def due_command(env: Env, fmt: str | None, as_json: bool) -> None:
    from quiz import due, storage
    from quiz.storage import location

    path = location.file_of(env.where)
    if path is not None and not path.is_file():  # as quiz.due says it: `quiz due` makes no collection
        raise QuizError(due.missing(path))
    day = env.day()
    with env.engine.connect() as conn:
        queue = storage.load_queue(conn, storage.select_decks(conn, None), day)
    new, learning, reviews = queue.counts()
    try:
        click.echo(due.output(due.Counts(learning + reviews, new), fmt, as_json), nl=False)
    except due.DueError as error:
        raise QuizError(str(error)) from None
