"""The `quiz` command: the only place that turns errors into exit codes.

Heavy libraries (SQLAlchemy, prompt_toolkit, Alembic) are imported inside the
commands, so `quiz --help` stays fast.
"""

from __future__ import annotations

import os
import unicodedata

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
            for problem in error.problems:
                click.echo(str(problem), err=True)
            count = len(error.problems)
            click.echo(f"{count} problem{'s' * (count != 1)}; nothing was changed", err=True)
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
      quiz decks                   what is due today, per deck
      quiz lint decks/*.yaml       check deck files
      quiz import decks/*.yaml     add or update decks (progress is kept)
    """
    ctx.obj = Env(location)
    if ctx.invoked_subcommand is None:
        ctx.invoke(decks_command)


class Env:
    """What every command shares: where the collection is, opened on first use."""

    def __init__(self, location: str | None):
        self.location = location
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            from quiz import app, storage

            self._engine = app.open_collection(self.location or storage.default_location())
        return self._engine

    def day(self, now=None):
        from datetime import datetime, timezone

        from quiz import storage

        with self.engine.connect() as conn:
            rollover = int(storage.get_setting(conn, "rollover_hour") or 4)
        return storage.Day.of(now or datetime.now(timezone.utc), learner_zone(), rollover)

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


@cli.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def lint_command(paths: tuple[str, ...]) -> None:
    """Check deck files and report every problem as PATH:LINE:COL: MESSAGE.

    \b
    Examples:
      quiz lint decks/docker.yaml
      quiz lint decks/*.yaml
    """
    from quiz.decks import load_decks

    specs = load_decks(paths)
    cards = sum(len(spec.cards) for spec in specs)
    click.echo(f"ok: {len(specs)} deck{'s' * (len(specs) != 1)}, {cards} cards")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_obj
def import_command(env: Env, paths: tuple[str, ...]) -> None:
    """Add or update decks from YAML files, keeping progress.

    A card's progress follows its id: edit its text freely. A card removed
    from the file is retired (its history kept) and returns if re-added. If
    any file has a problem, nothing is imported.

    \b
    Examples:
      quiz import decks/docker.yaml
      quiz import decks/*.yaml
    """
    from quiz.decks import import_files

    for report in import_files(env.engine, paths):
        click.echo(describe_sync(report))


def describe_sync(report) -> str:
    if report.unchanged:
        return f"{report.deck}: unchanged"
    parts = [f"{count} {what}" for count, what in (
        (report.added, "added"), (report.updated, "updated"),
        (report.retired, "retired"), (report.restored, "restored")) if count]
    prefix = "new deck, " if report.created else ""
    return f"{report.deck}: {prefix}{', '.join(parts) or 'details updated'}"


COUNT_COLUMNS = ("cards", "new", "learning", "review", "due", "suspended")


@cli.command("decks")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per deck.")
@click.pass_obj
def decks_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    """List decks with their card counts and what is due today.

    \b
    Examples:
      quiz decks
      quiz decks docker --json
    """
    import json

    from quiz import storage
    from quiz.model import localize

    lang = env.lang()
    day = env.day()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        counts = storage.deck_counts(conn, decks, day)
    rows = [
        {"deck": deck.name, "title": localize(json.loads(deck.title), lang, deck.lang), **count}
        for deck, count in zip(decks, counts)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo("No decks yet: quiz import DECK.yaml")
    else:
        click.echo(format_table(rows, ("deck", "title", *COUNT_COLUMNS)))


def format_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Columns aligned by display width (CJK characters take two cells)."""
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(display_width(text) for text in column) for column in zip(columns, *cells)]
    numeric = [all(isinstance(row[c], int) for row in rows) for c in columns]

    def line(texts) -> str:
        padded = [pad(text, width, right) for text, width, right in zip(texts, widths, numeric)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(columns), *(line(texts) for texts in cells)])


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def main() -> None:
    cli.main(prog_name="quiz")
