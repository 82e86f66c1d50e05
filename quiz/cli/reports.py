"""Commands that read the collection for the learner and other programs: export, stats, optimize."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, QuizCommand, command, learner_zone
from quiz.errors import QuizError

if TYPE_CHECKING:
    from quiz.shapes import ExportJson, RetentionJson  # the --json shapes, for the type checker


@click.group("export")
def export_group() -> None:
    """Export decks to other programs.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
    """


PROGRESS_BAR_MIN_STEPS = 10_000  # about 5000 cards: a note and a card each


@export_group.command("anki", cls=QuizCommand)
@click.argument("names", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(), help="The .apkg file to write.")
@click.option(
    "--with-progress",
    is_flag=True,
    help="Include each card's schedule, FSRS memory state and review history (Anki with FSRS continues from it).",
)
@click.option("--lang", help="The language of the cards (default: yours).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as one JSON object.")
@click.option("--force", is_flag=True, help="Replace an -o file that is not an Anki package.")
@click.pass_obj
def export_anki_command(
    env: Env,
    names: tuple[str, ...],
    output: str,
    with_progress: bool,
    lang: str | None,
    as_json: bool = False,
    force: bool = False,
) -> None:
    """Write decks (all of them by default) as an Anki package (.apkg).

    Importing a newer export into Anki updates the notes it already has
    instead of adding copies. With --with-progress, cards new to Anki bring
    their schedule and review history; Anki keeps its own for cards it has.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
      quiz export anki docker -o docker-zh.apkg --lang zh
      quiz export anki -o quiz.apkg --with-progress --json | jq .reviews
    """
    import sys
    from datetime import datetime, timezone

    from quiz import anki
    from quiz.model import counted

    clock = anki.Clock(datetime.now(timezone.utc), learner_zone(), env.rollover_hour())
    with ExportProgress(sys.stderr) as progress:
        report = anki.export_decks(
            env.engine,
            list(names),
            output,
            lang=lang or env.lang(),
            clock=clock,
            with_progress=with_progress,
            on_progress=progress.update,
            force=force,
        )
    if as_json:
        import json

        written: ExportJson = {
            "path": str(report.path),
            "decks": report.decks,
            "notes": report.notes,
            "cards": report.cards,
            "reviews": report.reviews if with_progress else None,
        }
        click.echo(json.dumps(written))
        return
    counts = [counted(report.decks, "deck"), counted(report.notes, "note"), counted(report.cards, "card")]
    counts += [counted(report.reviews, "review")] if with_progress else []
    click.echo(f"wrote {report.path}: {', '.join(counts)}")


class ExportProgress:
    """A progress bar on stderr, shown only for large exports."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        self.shown = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None and total >= PROGRESS_BAR_MIN_STEPS:
            self.bar = click.progressbar(length=total, label="exporting", file=self.stream).__enter__()
        if self.bar is not None:
            self.bar.update(done - self.shown)
            self.shown = done

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@command("stats")
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
    from quiz.plumbing.textwidth import visible

    rollover = env.rollover_hour()
    lang = env.lang()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        numbers = stats.collect(
            conn, decks, datetime.now(timezone.utc), learner_zone(), rollover, lang, every_deck=not names
        )
    if as_json:
        click.echo(visible(json.dumps(numbers, ensure_ascii=False, indent=2)))  # the hardest cards' fronts
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(stats.render(numbers, colour=colour))


@command("optimize")
@click.argument("names", nargs=-1)
@click.option(
    "--retention",
    is_flag=True,
    help="Instead of fitting: simulate a year at several desired retentions and show the workload.",
)
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

    from quiz import optimize, storage
    from quiz.model import counted

    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
    if not decks:
        raise QuizError("no decks yet: quiz import DECK.yaml")
    what = decks[0].name if len(decks) == 1 else counted(len(decks), "deck")
    if retention:
        results, best, current = optimize.workloads(env.engine, decks)
        if as_json:
            shown: RetentionJson = {
                "workloads": [w.as_json() for w in results],
                "optimal_retention": best,
                "desired_retention": current,
            }
            click.echo(json.dumps(shown, indent=2))
            return
        click.echo(f"A simulated year of {what} (your limits and parameters) at each desired retention:")
        click.echo(f"{'retention':>9} {'min/day':>8} {'reviews/day':>11} {'memorized':>9} {'s per memorized':>15}")
        for w in results:
            click.echo(
                f"{w.retention:>9.2f} {w.minutes_per_day:>8.1f} {w.reviews_per_day:>11.1f}"
                f" {w.memorized:>9.0f} {w.seconds_per_memorized:>15.1f}"
            )
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

        click.echo(f"saved for {what}; the parameters:")
        click.echo(
            textwrap.fill(
                ", ".join(f"{p:g}" for p in result.parameters), 78, initial_indent="  ", subsequent_indent="  "
            )
        )
    else:
        click.echo("the parameters in use predict your reviews as well: nothing was changed")
