"""The `quiz` command: the group, the entry point, and the only place that turns errors
into exit codes.

What the commands share is in env.py; the commands are in collection.py (lint, import,
review, decks, suspended, unsuspend), authoring.py (generate, new) and reports.py
(export, stats, optimize). Heavy libraries (SQLAlchemy, prompt_toolkit, Alembic) are
imported inside the commands, so `quiz --help` stays fast.
"""

from __future__ import annotations

import gc
import re
import sys

import click

from quiz import __version__
from quiz.cli.actions import flag_command, forget_command, reschedule_command
from quiz.cli.authoring import generate_command, new_command
from quiz.cli.cardinfo import card_command
from quiz.cli.cards import cards_command
from quiz.cli.collection import (
    decks_command,
    import_command,
    lint_command,
    suspended_command,
    unsuspend_command,
)
from quiz.cli.daily import review_command
from quiz.cli.due import due_command
from quiz.cli.env import Env
from quiz.cli.removal import remove_command
from quiz.cli.reports import export_group, optimize_command, stats_command
from quiz.cli.safety import backup_command, backups_command, check_command, restore_command
from quiz.cli.settings import config_command
from quiz.cli.tools import tools_group
from quiz.errors import DeckError, QuizError
from quiz.i18n import N_, _, ngettext
from quiz.plumbing.textwidth import cjk_pieces, display_width, visible

EXIT_INTERRUPTED = 130


class QuizGroup(click.Group):
    """Runs a command; a QuizError becomes one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DeckError as error:
            for line in error.told():
                click.echo(line, err=True)
            raise click.exceptions.Exit(1) from None
        except QuizError as error:
            raise click.ClickException(visible(str(error))) from None
        except KeyboardInterrupt:
            click.echo(_("interrupted"), err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as error:
            message = database_failure(error, ctx.find_object(Env))
            if message is None:
                raise
            raise click.ClickException(visible(message)) from None
        finally:
            env = ctx.find_object(Env)
            if env is not None:
                env.close()


def database_failure(error: Exception, env: Env | None) -> str | None:
    """One line for a database error that no command expected (disk full, a damaged
    file, a server gone), or None for anything else. SQLAlchemy is not imported for it."""
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None or not isinstance(error, exc.DBAPIError) or env is None:
        return None
    from quiz.storage import failures, location

    return failures.describe(error, location.file_of(env.where), location.shown(env.where))


# click's own words (Usage:, Options, Error: ...) are looked up by the stdlib's gettext in
# no catalog of ours: they go through quiz's instead, in the learner's language. Marked
# here so that they are in the catalogs; the others stay English.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing command."),
    N_("Aborted!"),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("required"),
)


def speak_through_quiz() -> None:
    """Each click module took `gettext` and `ngettext` as its own names: those names now
    are quiz's (before the decorators below call them)."""
    ours = {"_": _, "ngettext": ngettext}
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types"):
        module = sys.modules.get(f"click.{name}")
        if module is not None:
            module.__dict__.update({word: ours[word] for word in ours if word in module.__dict__})


def wrap_in_cells() -> None:
    """click wraps help text by characters: a Chinese line came out twice as wide as the
    terminal, and a Chinese sentence (no spaces) could not be broken at all. Its wrapper now
    measures cells (ASCII text as before: wcwidth is not imported for it) and may break
    between CJK characters (never before their closing punctuation)."""
    import click._textwrap
    import click.formatting

    ansi = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")

    def cells(x: str) -> int:
        text = ansi.sub("", x)
        return len(text) if text.isascii() else display_width(text)

    class CellWrapper(click._textwrap.TextWrapper):
        def _split(self, text: str) -> list[str]:
            chunks = super()._split(text)
            return [piece for chunk in chunks for piece in ([chunk] if chunk.isascii() else cjk_pieces(chunk))]

    class CellFormatter(click.formatting.HelpFormatter):
        """As wide as the terminal (at most 80 columns): click's own never went under 50, so
        at 40 columns every line wrapped again; and an option's words start at most half the
        width along (click's start at 32 cells, leaving them 6 of a 40-column line)."""

        def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
            if width is None:
                import shutil

                width = max(20, min(shutil.get_terminal_size().columns, max_width or 80) - 2)
            super().__init__(indent_increment, width, max_width)

        def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
            super().write_dl(rows, max(8, min(col_max, self.width // 2 - 4)), col_spacing)

    click._textwrap.term_len = cells
    click.formatting.term_len = cells
    click._textwrap.TextWrapper = CellWrapper  # type: ignore[misc]
    click.Context.formatter_class = CellFormatter


speak_through_quiz()
wrap_in_cells()


@click.group(
    cls=QuizGroup,
    help=_("""Spaced repetition in the terminal, for the tools you use every day.

    \b
    Examples:
      quiz                         review today's cards (same as quiz review)
      quiz decks                   what is due today, per deck
      quiz lint decks/*.yaml       check deck files
      quiz import decks/*.yaml     add or update decks (progress is kept)
    """),
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "location",
    envvar="QUIZ_DB",
    metavar="PATH|URL",
    help=_("The collection: a file path or an SQLAlchemy URL. [env: QUIZ_DB; default: quiz.db in your data directory]"),
)
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def cli(ctx: click.Context, location: str | None) -> None:
    ctx.obj = Env(location)
    if ctx.invoked_subcommand is None:  # through review's own invoke, as `quiz review` goes
        with review_command.make_context("review", [], parent=ctx) as review_ctx:
            review_command.invoke(review_ctx)


def main() -> None:
    gc.disable()  # until the command starts: see quiz.cli.env.QuizCommand
    cli.main(prog_name="quiz")


for command in (
    lint_command,
    import_command,
    review_command,
    decks_command,
    due_command,
    suspended_command,
    unsuspend_command,
    flag_command,
    forget_command,
    reschedule_command,
    cards_command,
    card_command,
    remove_command,
    generate_command,
    new_command,
    export_group,
    stats_command,
    optimize_command,
    tools_group,
    check_command,
    backup_command,
    backups_command,
    restore_command,
    config_command,
):
    cli.add_command(command)
