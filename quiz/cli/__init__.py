"""The `quiz` command: the only place that turns errors into exit codes.

This module has the group, what its commands share (Env) and the entry point; the
commands are in collection.py (lint, import, review, decks, suspended, unsuspend),
authoring.py (generate, new) and reports.py (export, stats, optimize). Heavy
libraries (SQLAlchemy, prompt_toolkit, Alembic) are imported inside the commands,
so `quiz --help` stays fast.
"""

from __future__ import annotations

import gc
import os

import click

from quiz import __version__
from quiz.errors import DeckError, QuizError

EXIT_INTERRUPTED = 130


class QuizGroup(click.Group):
    """Runs a command; a QuizError becomes one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DeckError as error:
            from quiz.model import counted

            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            click.echo(f"{counted(count, 'problem')}; nothing was changed", err=True)
            raise click.exceptions.Exit(1) from None
        except QuizError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=QuizGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "location", envvar="QUIZ_DB", metavar="PATH|URL",
              help="The collection: a file path or an SQLAlchemy URL. [env: QUIZ_DB; default: quiz.db in your data directory]")
@click.version_option(__version__, prog_name="quiz")
@click.pass_context
def cli(ctx: click.Context, location: str | None) -> None:
    """Spaced repetition in the terminal, for the tools you use every day.

    \b
    Examples:
      quiz                         review today's cards (same as quiz review)
      quiz decks                   what is due today, per deck
      quiz lint decks/*.yaml       check deck files
      quiz import decks/*.yaml     add or update decks (progress is kept)
    """
    ctx.obj = Env(location)
    if ctx.invoked_subcommand is None:
        ctx.invoke(review_command)


class Env:
    """What every command shares: where the collection is, opened on first use."""

    def __init__(self, location: str | None):
        self.location = location
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            from quiz import app
            from quiz.storage import schema

            self._engine = app.open_collection(self.location or schema.default_location())
            collect_again()
        return self._engine

    def day(self, now=None):
        from datetime import datetime, timezone

        from quiz import storage

        return storage.Day.of(now or datetime.now(timezone.utc), learner_zone(), self.rollover_hour())

    def rollover_hour(self) -> int:
        from quiz import storage

        with self.engine.connect() as conn:
            return int(storage.get_setting(conn, "rollover_hour") or 4)

    def lang(self) -> str:
        from quiz import storage

        with self.engine.connect() as conn:
            return storage.get_setting(conn, "lang") or environment_lang()


def learner_zone():
    """The learner's time zone with its DST rules: TZ, else the system's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with open("/etc/localtime", "rb") as zone_file:
            return ZoneInfo.from_file(zone_file, key="localtime")
    except (OSError, ValueError):
        return datetime.now().astimezone().tzinfo


def environment_lang() -> str:
    """The learner's language from LC_ALL/LC_MESSAGES/LANG (zh_CN.UTF-8 -> zh)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        code = value.split(".")[0].split("_")[0].lower()
        if code and code not in ("c", "posix"):
            return code
    return "en"


def main() -> None:
    # Start-up makes only long-lived objects (modules, classes, tables): the
    # collector's passes over them are wasted, ~40 ms of the review's first card.
    gc.disable()
    cli.main(prog_name="quiz")


def collect_again() -> None:
    """The command's libraries are in: collect from now on, never walking what start-up made."""
    gc.freeze()
    gc.enable()


# The commands live by theme in modules of their own, which take Env from here.
from quiz.cli.authoring import generate_command, new_command  # noqa: E402
from quiz.cli.collection import (  # noqa: E402
    decks_command,
    import_command,
    lint_command,
    review_command,
    suspended_command,
    unsuspend_command,
)
from quiz.cli.reports import export_group, optimize_command, stats_command  # noqa: E402

for command in (lint_command, import_command, review_command, decks_command, suspended_command, unsuspend_command,
                generate_command, new_command, export_group, stats_command, optimize_command):
    cli.add_command(command)
