"""The `quiz` command: the only place that turns errors into exit codes.

Heavy libraries (SQLAlchemy, prompt_toolkit, Alembic) are imported inside the
commands, so `quiz --help` stays fast.
"""

from __future__ import annotations

import gc
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


@cli.command("review")
@click.argument("names", nargs=-1)
@click.pass_obj
def review_command(env: Env, names: tuple[str, ...] = ()) -> None:
    """Review today's cards: type commands, reveal the rest, rate with one key.

    Every answer is saved at once; quit any time (Ctrl-D or :quit) and the
    summary shows what you did and when the next card is due.

    \b
    Examples:
      quiz review                  all decks
      quiz review docker git       only these decks
    """
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise QuizError("quiz review needs a terminal (for scripts: quiz decks --json)")
    from quiz import review
    from quiz.session import ReviewSession

    session = ReviewSession.open(env.engine, list(names), learner_zone(), env.rollover_hour(), env.lang())
    review.run(session)


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


@cli.command("suspended")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per card.")
@click.pass_obj
def suspended_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    """List the suspended cards: suspended in a review, or as leeches.

    \b
    Examples:
      quiz suspended
      quiz suspended docker --json
    """
    import json

    from quiz import storage
    from quiz.model import localize

    lang = env.lang()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        cards = storage.suspended_cards(conn, decks)
    deck_langs = {deck.name: deck.lang for deck in decks}
    rows = []
    for card in cards:
        content = json.loads(card.content)
        front = localize(content.get("front", content.get("text")), lang, deck_langs[card.deck])
        rows.append({"deck": card.deck, "id": card.key, "card": card.ord + 1, "leech": card.leech,
                     "front": " ".join(front.split())})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo("No suspended cards.")
    else:
        for row in rows:
            row["leech"] = "leech" if row["leech"] else ""
            row["front"] = clip(row["front"], 44)
        click.echo(format_table(rows, ("deck", "id", "card", "leech", "front")))
        click.echo("Bring them back with: quiz unsuspend DECK ID...")


@cli.command("unsuspend")
@click.argument("deck")
@click.argument("card_ids", nargs=-1, required=True)
@click.pass_obj
def unsuspend_command(env: Env, deck: str, card_ids: tuple[str, ...]) -> None:
    """Bring suspended cards back into reviews (a leech: once you have rewritten it).

    CARD_IDS are the ids in the deck file, as `quiz suspended` lists them; every
    card of a reversed or cloze note comes back.

    \b
    Examples:
      quiz unsuspend docker ps-l
      quiz unsuspend docker ps-l logs-f-t
    """
    from quiz import storage

    with env.engine.connect() as conn:
        (found,) = storage.select_decks(conn, [deck])
    count = storage.unsuspend(env.engine, found, list(dict.fromkeys(card_ids)))
    click.echo(f"{deck}: {count} card{'s' * (count != 1)} back in reviews")


def clip(text: str, width: int) -> str:
    """At most `width` display cells, with an ellipsis where it was cut."""
    if display_width(text) <= width:
        return text
    while display_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


@cli.command("generate")
@click.argument("note_path", metavar="NOTE.md", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the deck to this file (default: print it).")
@click.option("--deck", "deck_name", help="The deck's name (default: from the note's file name).")
@click.option("--update", "update_path", metavar="DECK.yaml", type=click.Path(dir_okay=False),
              help="Merge into this deck: keeps card ids and your edits, adds new cards, removes nothing.")
@click.option("--force", is_flag=True, help="Overwrite an existing -o file (without --update).")
def generate_command(note_path: str, output: str | None, deck_name: str | None, update_path: str | None,
                     force: bool) -> None:
    """Make a deck from a Markdown note.

    Commands in code blocks with a `# comment` above them become command
    cards; headings with prose become concept cards; blockquote warnings
    become cards. Whatever is skipped is listed on stderr with its line.
    The result always passes `quiz lint`.

    \b
    Examples:
      quiz generate git-note.md -o decks/git.yaml
      quiz generate docker-note.md --deck docker
      quiz generate docker-note.md --update decks/docker.yaml
    """
    import tempfile
    from pathlib import Path

    from quiz import notes
    from quiz.decks import DECK_NAME

    note_file = Path(note_path)
    text = read_text(note_file)
    note = notes.generate(text, fallback_title=note_file.stem)
    for line in notes.report_lines(note, note_file.name):
        click.echo(line, err=True)
    if update_path:
        deck_text = read_text(Path(update_path))
        try:
            merged, report = notes.update(deck_text, note, note_file.name)
        except (ValueError, KeyError, TypeError, IndexError, yaml_error()) as error:
            raise QuizError(f"{update_path}: cannot update this deck: {error}") from None
        notes.check_and_write(merged, output or update_path)
        for line in report:
            click.echo(f"{update_path}: {line}", err=True)
        return
    name = deck_name or notes.deck_name_for(note_file.stem)
    if not DECK_NAME.match(name):
        raise QuizError(f'--deck "{name}": use lowercase letters and digits joined by hyphens (like git-basics)')
    deck = notes.deck_yaml(note, name, note_file.name)
    if output and Path(output).exists() and not force:
        raise QuizError(f"{output} exists: use --update {output} to keep its ids and edits, or --force")
    if output:
        notes.check_and_write(deck, output)
        click.echo(f"wrote {output}", err=True)
    else:
        notes.check_and_write(deck, None, tempfile.gettempdir())
        click.echo(deck, nl=False)


def read_text(path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise QuizError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise QuizError(f"{path}: not UTF-8 text") from None


def yaml_error():
    import yaml

    return yaml.YAMLError


@cli.command("new")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write it (default: NAME.yaml).")
def new_command(name: str, output: str | None) -> None:
    """Write a commented starter deck that shows every card type.

    \b
    Examples:
      quiz new git-basics
      quiz new kubectl -o decks/kubectl.yaml
    """
    import tempfile
    from pathlib import Path

    from quiz import notes
    from quiz.decks import DECK_NAME

    if not DECK_NAME.match(name):
        raise QuizError(f'"{name}": a deck name is lowercase letters and digits joined by hyphens (like git-basics)')
    path = Path(output or f"{name}.yaml")
    if path.exists():
        raise QuizError(f"{path} exists: not overwriting it")
    text = notes.starter_deck(name, str(path))
    notes.check_and_write(text, None, tempfile.gettempdir())
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise QuizError(f"{path}: cannot write: {error.strerror or error}") from None
    click.echo(f"wrote {path}: edit it, then quiz lint {path} and quiz import {path}")


@cli.group("export")
def export_group() -> None:
    """Export decks to other programs.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
    """


PROGRESS_BAR_MIN_CARDS = 5000


@export_group.command("anki")
@click.argument("names", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(), help="The .apkg file to write.")
@click.option("--with-progress", is_flag=True,
              help="Include each card's schedule, FSRS memory state and review history (Anki with FSRS continues from it).")
@click.option("--lang", help="The language of the cards (default: yours).")
@click.pass_obj
def export_anki_command(env: Env, names: tuple[str, ...], output: str, with_progress: bool, lang: str | None) -> None:
    """Write decks (all of them by default) as an Anki package (.apkg).

    Importing a newer export into Anki updates the notes it already has
    instead of adding copies. With --with-progress, cards new to Anki bring
    their schedule and review history; Anki keeps its own for cards it has.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
      quiz export anki docker -o docker-zh.apkg --lang zh
    """
    import sys
    from datetime import datetime, timezone

    from quiz import anki

    clock = anki.Clock(datetime.now(timezone.utc), learner_zone(), env.rollover_hour())
    with ExportProgress(sys.stderr) as progress:
        report = anki.export_decks(env.engine, list(names), output, lang=lang or env.lang(), clock=clock,
                                   with_progress=with_progress, on_progress=progress.update)
    reviews = f", {report.reviews} reviews" if with_progress else ""
    decks = f"{report.decks} deck{'s' * (report.decks != 1)}"
    click.echo(f"wrote {report.path}: {decks}, {report.notes} notes, {report.cards} cards{reviews}")


class ExportProgress:
    """A progress bar on stderr, shown only for large exports."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        self.shown = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None and total >= PROGRESS_BAR_MIN_CARDS:
            self.bar = click.progressbar(length=total, label="exporting", file=self.stream).__enter__()
        if self.bar is not None:
            self.bar.update(done - self.shown)
            self.shown = done

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command("stats")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as one JSON object.")
@click.pass_obj
def stats_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    """Show progress: today, cards by state, true retention, a year's heatmap with
    the current streak, the next 30 days' forecast, the hardest cards, time spent.

    Colour only on a terminal and without NO_COLOR.

    \b
    Examples:
      quiz stats
      quiz stats docker git
      quiz stats --json | jq .retention.month
    """
    import json
    import sys
    from datetime import datetime, timezone

    from quiz import stats, storage

    rollover = env.rollover_hour()
    lang = env.lang()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        numbers = stats.collect(conn, decks, datetime.now(timezone.utc), learner_zone(), rollover, lang,
                                every_deck=not names)
    if as_json:
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=2))
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(stats.render(numbers, colour=colour))


@cli.command("optimize")
@click.argument("names", nargs=-1)
@click.option("--retention", is_flag=True,
              help="Instead of fitting: simulate a year at several desired retentions and show the workload.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.pass_obj
def optimize_command(env: Env, names: tuple[str, ...] = (), retention: bool = False, as_json: bool = False) -> None:
    """Fit the FSRS parameters to your own reviews and use them from now on.

    Fits one set of parameters to the reviews of the named decks (all decks if
    none are named), reports how well the parameters in use and the fitted ones
    predict those reviews (log loss and RMSE, lower is better) and saves the
    fitted ones for those decks if they predict better. With too few reviews it
    says so and changes nothing. With --retention it changes nothing and shows
    the workload of a simulated year at several desired retentions (set yours
    with `desired_retention` in the deck file).

    \b
    Examples:
      quiz optimize
      quiz optimize docker
      quiz optimize --retention docker
    """
    import json
    from dataclasses import asdict

    from quiz import optimize, storage

    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
    if not decks:
        raise QuizError("no decks yet: quiz import DECK.yaml")
    if retention:
        results, best, current = optimize.workloads(env.engine, decks)
        if as_json:
            click.echo(json.dumps({"workloads": [asdict(w) for w in results], "optimal_retention": best,
                                   "desired_retention": current}, indent=2))
            return
        what = decks[0].name if len(decks) == 1 else f"{len(decks)} decks"
        click.echo(f"A simulated year of {what} (your limits and parameters) at each desired retention:")
        click.echo(f"{'retention':>9} {'min/day':>8} {'reviews/day':>11} {'memorized':>9} {'s per memorized':>15}")
        for w in results:
            click.echo(f"{w.retention:>9.2f} {w.minutes_per_day:>8.1f} {w.reviews_per_day:>11.1f}"
                       f" {w.memorized:>9.0f} {w.seconds_per_memorized:>15.1f}")
        click.echo(f"least time per memorized card at {best:.2f}; you use {current:.2f}")
        return
    result = optimize.fit(env.engine, decks, learner_zone(), env.rollover_hour(), every_deck=not names)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    click.echo(f"fitted to {result.reviews} reviews of {result.cards} cards")
    click.echo(f"{'':<8}{'log loss':>10}{'RMSE':>10}")
    for label, (loss, rmse) in (("before", result.before), ("after", result.after)):
        click.echo(f"{label:<8}{loss:>10.4f}{rmse * 100:>9.2f}%")
    if result.saved:
        import textwrap

        what = decks[0].name if len(decks) == 1 else f"{len(decks)} decks"
        click.echo(f"saved for {what}; the parameters:")
        click.echo(textwrap.fill(", ".join(f"{p:g}" for p in result.parameters), 78,
                                 initial_indent="  ", subsequent_indent="  "))
    else:
        click.echo("the parameters in use predict your reviews as well: nothing was changed")


def main() -> None:
    # Start-up makes only long-lived objects (modules, classes, tables): the
    # collector's passes over them are wasted, ~40 ms of the review's first card.
    gc.disable()
    cli.main(prog_name="quiz")


def collect_again() -> None:
    """The command's libraries are in: collect from now on, never walking what start-up made."""
    gc.freeze()
    gc.enable()
