"""Commands on the collection: lint, import, decks, suspended, unsuspend (tables: quiz.cli.table)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, command, learner_zone
from quiz.cli.table import format_table
from quiz.errors import QuizError
from quiz.i18n import _, ngettext, pgettext
from quiz.plumbing.textwidth import clip, visible

if TYPE_CHECKING:
    from quiz.shapes import DeckJson, SuspendedJson  # the --json shapes, for the type checker


@command(
    "lint",
    help=_("""Check deck files and report every problem as PATH:LINE:COL: MESSAGE.

    \b
    Examples:
      quiz lint decks/docker.yaml
      quiz lint decks/              every *.yaml file in the folder
    """),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def lint_command(paths: tuple[str, ...]) -> None:
    from quiz.decks import deck_paths, load_decks

    specs = load_decks(deck_paths(paths))
    cards = sum(len(spec.cards) for spec in specs)
    click.echo(_("ok: {decks}, {cards}").format(decks=decks_count(len(specs)), cards=cards_count(cards)))


def decks_count(count: int) -> str:
    return ngettext("{} deck", "{} decks", count).format(count)


def cards_count(count: int) -> str:
    return ngettext("{} card", "{} cards", count).format(count)


def _source(paths: tuple[str, ...]) -> str | None:
    """anki or csv when the paths are such a command, else None (deck files and folders). The
    package or table is known by its suffix (quiz.decks.SOURCES), so that a folder called anki
    or csv where quiz runs does not turn the command into a deck import of it."""
    from quiz.decks import SOURCES

    if len(paths) != 2 or paths[0] not in SOURCES:
        return None
    return paths[0] if Path(paths[1]).suffix.lower() in SOURCES[paths[0]] or not Path(paths[0]).exists() else None


@command(
    "import",
    help=_("""Add or update decks from YAML files, keeping progress.

    A card's progress follows its id: edit its text freely. A card removed
    from the file is retired (its history kept) and returns if re-added. A deck
    renamed in its file is renamed, with its progress. If any file has a
    problem, nothing is imported. Without a file: the deck files imported
    before that changed since.

    From Anki: quiz import anki FILE.apkg (or .colpkg) makes a deck file of each
    Anki deck (in the data folder, or -o DIR) and brings each card's progress and
    review log; importing a package again, or one with cards quiz exported,
    merges the progress made in Anki. From a spreadsheet: quiz import csv FILE
    (CSV or TSV; Anki's text export with its #separator and #columns lines too).

    \b
    Examples:
      quiz import decks/docker.yaml
      quiz import decks/            every *.yaml file in the folder
      quiz import --dry-run my.yaml what would change, changing nothing
      quiz import --reschedule my.yaml  and reschedule a deck whose retention changed
      quiz import                   bring in the changes of the files imported before
      quiz import anki ~/Downloads/Spanish.apkg
      quiz import anki phone.colpkg --deck phone --dry-run
      quiz import csv words.tsv --deck spanish --columns front,back,tags
      quiz import csv cheatsheet.csv --header
    """),
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--dry-run", is_flag=True, help=_("Say what would change, and change nothing."))
@click.option("--replace", is_flag=True, help=_("Let a file take over a deck that another file brought in."))
@click.option("--deck", "deck", metavar="NAME", help=_("anki: a prefix for the decks' names; csv: the deck's name."))
@click.option("--columns", metavar="LIST", help=_("csv: what each column holds, e.g. front,back,tags (- skips one)."))
@click.option("--header", is_flag=True, help=_("csv: the first row names the columns: it is not a card."))
@click.option("-o", "--output", metavar="DIR", help=_("anki, csv: where the deck files go (default: the data folder)."))
@click.option("--json", "as_json", is_flag=True, help=_("anki: what was imported, as JSON."))
@click.option(
    "--reschedule",
    is_flag=True,
    help=_("Where a deck's desired retention or parameters change: its review cards' due dates from them."),
)
@click.pass_obj
def import_command(
    env: Env,
    paths: tuple[str, ...],
    dry_run: bool = False,
    replace: bool = False,
    deck: str | None = None,
    columns: str | None = None,
    header: bool = False,
    output: str | None = None,
    as_json: bool = False,
    reschedule: bool = False,
) -> None:
    from quiz import storage
    from quiz.decks import SOURCES, import_files
    from quiz.plumbing import resources

    source = _source(paths)
    if source is None and paths and paths[0] in SOURCES and not Path(paths[0]).exists():  # no file, or several
        example = {"anki": "quiz import anki FILE.apkg", "csv": "quiz import csv FILE.csv"}[paths[0]]
        raise QuizError(_("quiz import {source} takes one file: {example}").format(source=paths[0], example=example))
    if source is None and (deck or columns or output or as_json or header):
        raise QuizError(
            _("--deck, --columns, --header, -o and --json are for quiz import anki FILE and quiz import csv FILE")
        )
    if source == "anki" and (columns or header):
        raise QuizError(_("--columns and --header are for quiz import csv FILE"))
    if source == "anki":
        from quiz.cli.intake import import_anki

        return import_anki(env, paths[1], deck, output, dry_run, as_json)
    if source == "csv":
        from quiz.cli.intake import import_csv

        return import_csv(env, paths[1], deck, columns, header, output, dry_run)

    files: list = list(paths)
    if not files:
        with env.engine.connect() as conn:
            files, gone = storage.changed_files(conn, {str(p.resolve()) for p in resources.bundled_decks()})
        for deck, source in gone:
            click.echo(
                _("{deck}: its file {path} is gone (quiz remove {deck} removes the deck)").format(
                    deck=deck, path=source
                )
            )
        if not files:
            click.echo(_("No deck file changed since its import."))
            return
    env.changed_queue = not dry_run
    before = _memory_settings(env) if reschedule and not dry_run else {}
    for report in import_files(env.engine, files, zone=learner_zone(), replace=replace, dry_run=dry_run):
        click.echo(describe_sync(report))
    if dry_run:
        click.echo(_("Dry run: nothing was changed."))
    if before:
        _reschedule_changed(env, before)


def _memory_settings(env: Env) -> dict[str, tuple]:
    """Each deck's desired retention and parameters: what a reschedule follows."""
    from quiz import storage

    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, None)
        found = {deck.name: storage.deck_settings(conn, deck.id) for deck in decks}
    return {name: (settings.desired_retention, settings.parameters) for name, settings in found.items()}


def _reschedule_changed(env: Env, before: dict[str, tuple]) -> None:
    """Reschedule the review cards of each deck whose desired retention or parameters the
    import changed, as Anki does when "reschedule cards on change" is on."""
    from datetime import datetime, timezone

    from quiz import storage
    from quiz.reschedule import reschedule

    after = _memory_settings(env)
    with env.engine.connect() as conn:
        decks = [deck for deck in storage.select_decks(conn, None) if deck.name in before]
    for deck in decks:
        if after[deck.name] == before[deck.name]:
            continue
        moved = reschedule(env.engine, [deck], learner_zone(), env.rollover_hour(), datetime.now(timezone.utc))
        message = _(
            "{deck}: {cards} rescheduled for its new retention or parameters: {sooner} due sooner, {later} later"
        )
        click.echo(
            message.format(deck=deck.name, cards=cards_count(moved.cards), sooner=moved.sooner, later=moved.later)
        )


def describe_sync(report) -> str:
    if report.unchanged:
        return _("{deck}: unchanged").format(deck=report.deck)
    counts = [
        what.format(count)
        for count, what in (
            (report.added, _("{} added")),
            (report.updated, _("{} updated")),
            (report.retired, _("{} retired")),
            (report.restored, _("{} restored")),
        )
        if count
    ]
    parts = [_("new deck")] if report.created else []
    if report.renamed_from:
        parts.append(_("renamed from {old}").format(old=report.renamed_from))
    parts += counts + ([_("details updated")] if report.details and not report.created else [])
    return _("{deck}: {changes}").format(deck=report.deck, changes=listed(parts))


def listed(parts: list[str]) -> str:
    """Parts of one line, `a, b, c` (a Chinese list: `a，b，c`)."""
    return pgettext("list separator", ", ").join(parts)


COUNT_COLUMNS = ("cards", "new", "learning", "review", "due", "suspended")


def column_headers() -> dict[str, str]:
    """The headers of `quiz decks` and `quiz suspended`, by the key of their column."""
    return {
        "deck": pgettext("column", "deck"),
        "title": pgettext("column", "title"),
        "cards": pgettext("column", "cards"),
        "new": pgettext("column", "new"),
        "learning": pgettext("column", "learning"),
        "review": pgettext("column", "review"),
        "due": pgettext("column", "due"),
        "suspended": pgettext("column", "suspended"),
        "leech": pgettext("column", "leech"),
        "id": pgettext("column", "id"),
        "card": pgettext("column", "card"),
        "front": pgettext("column", "front"),
    }


@command(
    "decks",
    help=_("""List decks with their card counts and what is due today.

    \b
    Examples:
      quiz decks
      quiz decks docker --json
    """),
)
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON array, one object per deck."))
@click.pass_obj
def decks_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    import json

    from quiz import storage
    from quiz.model import localize

    lang = env.lang()
    day = env.day()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        counts = storage.deck_counts(conn, decks, day)
    rows: list[DeckJson] = [
        {"deck": deck.name, "title": localize(deck.title, lang, deck.lang), **count}
        for deck, count in zip(decks, counts)
    ]
    if as_json:  # json.dumps leaves DEL, C1 and bidi characters raw
        click.echo(visible(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif not rows:
        click.echo(_("No decks yet: quiz import DECK.yaml"))
    else:
        headers = column_headers()
        columns = ("deck", "title", *COUNT_COLUMNS)
        # at 40 columns: the deck, its new cards and what is due (the counts least looked at go first)
        drop = ("suspended", "learning", "review", "title", "cards")
        click.echo(format_table(rows, columns, tuple(headers[c] for c in columns), shrink="title", drop=drop))


@command(
    "suspended",
    help=_("""List the suspended cards: suspended in a review, or as leeches.

    \b
    Examples:
      quiz suspended
      quiz suspended docker --json
    """),
)
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON array, one object per card."))
@click.pass_obj
def suspended_command(env: Env, names: tuple[str, ...] = (), as_json: bool = False) -> None:
    import json

    from quiz import storage
    from quiz.model import localize

    lang = env.lang()
    with env.engine.connect() as conn:
        decks = storage.select_decks(conn, list(names))
        cards = storage.suspended_cards(conn, decks)
    deck_langs = {deck.name: deck.lang for deck in decks}
    rows: list[SuspendedJson] = []
    for card in cards:
        content = json.loads(card.content)
        front = localize(content.get("front", content.get("text")), lang, deck_langs[card.deck])
        rows.append(
            {
                "deck": card.deck,
                "id": card.key,
                "card": card.ord + 1,
                "leech": card.leech,
                "front": " ".join(front.split()),
            }
        )
    if as_json:
        click.echo(visible(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif not rows:
        click.echo(_("No suspended cards."))
    else:  # clipped once visible, so that the cut is measured on what is shown
        leech = pgettext("suspended as", "leech")
        shown = [
            {**row, "leech": leech if row["leech"] else "", "front": clip(visible(row["front"]), 44)} for row in rows
        ]
        headers = column_headers()
        columns = ("deck", "id", "card", "leech", "front")
        click.echo(format_table(shown, columns, tuple(headers[c] for c in columns), shrink="front"))
        click.echo(_("Bring them back with: quiz unsuspend DECK ID..."))


@command(
    "unsuspend",
    help=_("""Bring suspended cards back into reviews (a leech: once you have rewritten it).

    CARD_IDS are the ids in the deck file, as `quiz suspended` lists them; every
    card of a reversed or cloze note comes back.

    \b
    Examples:
      quiz unsuspend docker ps-l
      quiz unsuspend docker ps-l logs-f-t
    """),
)
@click.argument("deck")
@click.argument("card_ids", nargs=-1, required=True)
@click.pass_obj
def unsuspend_command(env: Env, deck: str, card_ids: tuple[str, ...]) -> None:
    from quiz import storage

    with env.engine.connect() as conn:
        (found,) = storage.select_decks(conn, [deck])
    count = storage.unsuspend(env.engine, found, list(dict.fromkeys(card_ids)))
    env.changed_queue = True
    click.echo(_("{deck}: {cards} back in reviews").format(deck=deck, cards=cards_count(count)))
