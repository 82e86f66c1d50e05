"""Commands that read the collection for the learner and other programs: export, stats, optimize."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, QuizCommand, command, learner_zone
from quiz.cli.progress import ProgressBar
from quiz.errors import QuizError
from quiz.i18n import _, ngettext
from quiz.plumbing.textwidth import display_width, pad

if TYPE_CHECKING:
    from quiz.shapes import ExportJson, RetentionJson  # the --json shapes, for the type checker


@click.group(
    "export",
    help=_("""Export decks to other programs.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
    """),
)
def export_group() -> None:
    pass


@export_group.command(
    "anki",
    cls=QuizCommand,
    help=_("""Write decks (all of them by default) as an Anki package (.apkg).

    Importing a newer export into Anki updates the notes it already has
    instead of adding copies. With --with-progress, cards new to Anki bring
    their schedule and review history; Anki keeps its own for cards it has.

    \b
    Examples:
      quiz export anki -o quiz.apkg
      quiz export anki docker -o docker.apkg --with-progress
      quiz export anki docker -o docker-zh.apkg --lang zh
      quiz export anki -o quiz.apkg --with-progress --json | jq .reviews
    """),
)
@click.argument("names", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(), help=_("The .apkg file to write."))
@click.option(
    "--with-progress",
    is_flag=True,
    help=_("Include each card's schedule, FSRS memory state and review history (Anki with FSRS continues from it)."),
)
@click.option("--lang", help=_("The language of the cards (default: yours)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print what was written as one JSON object."))
@click.option("--force", is_flag=True, help=_("Replace an -o file that is not an Anki package."))
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
    import sys
    from datetime import datetime, timezone

    from quiz import anki
    from quiz.cli.collection import cards_count, decks_count, listed

    clock = anki.Clock(datetime.now(timezone.utc), learner_zone(), env.rollover_hour())
    with ProgressBar(sys.stderr, _("exporting")) as progress:
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
    counts = [
        decks_count(report.decks),
        ngettext("{} note", "{} notes", report.notes).format(report.notes),
        cards_count(report.cards),
    ]
    counts += [reviews_count(report.reviews)] if with_progress else []
    click.echo(_("wrote {path}: {counts}").format(path=report.path, counts=listed(counts)))


def reviews_count(count: int) -> str:
    return ngettext("{} review", "{} reviews", count).format(count)


@command(
    "stats",
    help=_("""Show progress: today, cards by state, true retention, a year's heatmap with
    the current streak, the next 30 days' forecast, the hardest cards, time spent.

    Colour on a terminal without NO_COLOR, or as `quiz config colour` says.

    \b
    Examples:
      quiz stats
      quiz stats docker git
      quiz stats --json | jq .retention.month
    """),
)
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help=_("Print the numbers as one JSON object."))
@click.pass_obj
def stats_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    import json
    import shutil
    import sys
    from datetime import datetime, timezone

    from quiz import config, stats, statstext, storage
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
        colour = config.colour_on(sys.stdout.isatty())  # `quiz config colour`, else NO_COLOR
        page = statstext.render(numbers, colour=colour, width=shutil.get_terminal_size().columns)
        click.echo(page, color=colour)  # click strips the colour off a terminal


@command(
    "optimize",
    help=_("""Fit the FSRS parameters to your own reviews and use them from now on.

    Fits one set of parameters to the reviews of the named decks (all decks if
    none are named), reports how well the parameters in use and the fitted ones
    predict those reviews (log loss and RMSE, lower is better) and saves the
    fitted ones for those decks if they predict better. With too few reviews it
    says so and changes nothing. With --retention it changes nothing and shows
    the workload of a simulated year at several desired retentions (set yours
    with `desired_retention` in the deck file). With --reschedule, after the fit
    every review card gets its memory state from its answers and its due date from
    that state, as Anki's "reschedule cards on change" (after a backup).

    \b
    Examples:
      quiz optimize
      quiz optimize docker
      quiz optimize --retention docker
      quiz optimize --reschedule
    """),
)
@click.argument("names", nargs=-1)
@click.option(
    "--retention",
    is_flag=True,
    help=_("Instead of fitting: simulate a year at several desired retentions and show the workload."),
)
@click.option(
    "--reschedule",
    is_flag=True,
    help=_("After fitting: every review card's due date from its memory state, as Anki's reschedule (after a backup)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the result as one JSON object."))
@click.pass_obj
def optimize_command(
    env: Env, names: tuple[str, ...] = (), retention: bool = False, reschedule: bool = False, as_json: bool = False
) -> None:
    import json

    from quiz import optimize, storage
    from quiz.cli.collection import cards_count, decks_count

    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
    if not decks:
        raise QuizError(_("no decks yet: quiz import DECK.yaml"))
    what = decks[0].name if len(decks) == 1 else decks_count(len(decks))
    if retention and reschedule:
        raise click.UsageError(_("--retention changes nothing; --reschedule changes the due dates: one or the other"))
    if retention:
        results, current = optimize.workloads(env.engine, decks)
        if as_json:
            shown: RetentionJson = {"workloads": [w.as_json() for w in results], "desired_retention": current}
            click.echo(json.dumps(shown, indent=2))
            return
        click.echo(
            _("A simulated year of {what} (your limits and parameters) at each desired retention:").format(what=what)
        )
        _workloads(results, current)
        return
    result = optimize.fit(env.engine, decks, learner_zone(), env.rollover_hour(), every_deck=not names)
    moved = None
    if reschedule:
        from datetime import datetime, timezone

        from quiz.reschedule import reschedule as reschedule_decks

        moved = reschedule_decks(env.engine, decks, learner_zone(), env.rollover_hour(), datetime.now(timezone.utc))
        env.changed_queue = True
    if as_json:
        shown_fit = dict(result.as_json())
        if moved is not None:
            shown_fit["rescheduled"] = {"cards": moved.cards, "sooner": moved.sooner, "later": moved.later}
        click.echo(json.dumps(shown_fit, indent=2))
        return
    click.echo(
        _("fitted to {reviews} of {cards}").format(
            reviews=reviews_count(result.reviews), cards=cards_count(result.cards)
        )
    )
    if result.first_four_only:
        click.echo(_("fewer than 64 reviews to learn from: only the first four parameters (the first stabilities)"))
    if result.healthy is False:
        click.echo(
            _(
                "FSRS predicts your answers poorly, even fitted to them: most often the buttons are used otherwise"
                " than it reads them. Again is for a card you forgot; Hard, Good and Easy are all remembered"
                " (Hard is a passing grade, not a lighter Again)."
            )
        )
    labels = (_("before"), _("after"))
    label_width = max(8, *(display_width(label) + 2 for label in labels))
    loss_width = max(10, display_width(_("log loss")) + 2)
    click.echo(pad("", label_width) + pad(_("log loss"), loss_width, right=True) + f"{'RMSE':>10}")
    for label, (loss, rmse) in zip(labels, (result.before, result.after)):
        click.echo(pad(label, label_width) + pad(f"{loss:.4f}", loss_width, right=True) + f"{rmse * 100:>9.2f}%")
    if result.saved:
        import textwrap

        click.echo(_("saved for {what}; the parameters:").format(what=what))
        click.echo(
            textwrap.fill(
                ", ".join(f"{p:g}" for p in result.parameters), 78, initial_indent="  ", subsequent_indent="  "
            )
        )
    else:
        click.echo(_("the parameters in use predict your reviews as well: nothing was changed"))
    if moved is not None:
        message = _("rescheduled {cards} from their memory states: {sooner} due sooner, {later} later")
        click.echo(message.format(cards=cards_count(moved.cards), sooner=moved.sooner, later=moved.later))


def _workloads(results, current: float) -> None:
    """The simulated years as a table; on a narrow terminal the reviews a day are left out,
    then what is memorized (the minutes a day and the workload stay)."""
    import shutil

    columns = {
        "retention": (_("retention"), 9, lambda w: f"{w.retention:.2f}"),
        "reviews": (_("reviews/day"), 11, lambda w: f"{w.reviews_per_day:.1f}"),
        "minutes": (_("min/day"), 8, lambda w: f"{w.minutes_per_day:.1f}"),
        "workload": (_("workload"), 8, lambda w: f"x{w.relative:.1f}"),
        "memorized": (_("memorized"), 9, lambda w: f"{w.memorized:.0f}"),
    }
    widths = {name: max(width, display_width(header)) for name, (header, width, _text) in columns.items()}
    room = shutil.get_terminal_size().columns - display_width("  " + _("(yours)"))
    for name in ("reviews", "memorized"):
        if sum(width + 1 for width in widths.values()) - 1 > room:
            del columns[name], widths[name]
    click.echo(aligned([header for header, _width, _text in columns.values()], widths.values()))
    for w in results:
        line = aligned([text(w) for _header, _width, text in columns.values()], widths.values())
        click.echo(line + ("  " + _("(yours)") if w.retention == current else ""))
    click.echo(
        _("workload: the time a day against your desired retention ({current});").format(current=f"{current:.2f}")
    )
    click.echo(_("a higher retention: fewer cards forgotten, more reviews"))
    if "memorized" in columns:
        click.echo(_("memorized: the cards you would know after the year"))


def aligned(texts, widths) -> str:
    """Cells right-aligned in their widths (in terminal cells), one space apart."""
    return " ".join(pad(text, width, right=True) for text, width in zip(texts, widths))
