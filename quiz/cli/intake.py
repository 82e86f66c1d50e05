"""quiz import anki FILE and quiz import csv FILE: what they say of what they did
(the work: quiz.anki.importing, quiz.textdeck)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from quiz.cli.collection import describe_sync, listed
from quiz.cli.env import Env, learner_zone
from quiz.cli.progress import ProgressBar
from quiz.deckvalues import MAX_TEXT
from quiz.errors import QuizError
from quiz.i18n import _, ngettext
from quiz.plumbing.textwidth import visible

LEFT_OUT = {
    "image occlusion": lambda: _("image occlusion (it needs its picture)"),
    "cloze without deletion": lambda: _("a cloze without a deletion"),
    "empty front or back": lambda: _("an empty front or back"),
}


def checked_name(name: str | None) -> str | None:
    """--deck as a deck name (or the start of one), refused before anything is read."""
    from quiz.deckfile import DECK_NAME
    from quiz.deckvalues import MAX_NAME, shown, too_long

    if name is not None and len(name) > MAX_NAME["deck"] // 2:  # half: the Anki deck's words follow a prefix
        raise QuizError(too_long("--deck", len(name), MAX_NAME["deck"] // 2))
    if name is not None and not DECK_NAME.match(name):
        raise QuizError(_('deck name "{name}" must be lowercase letters, digits and dashes').format(name=shown(name)))
    return name


def output_folder(output: str | None) -> Path:
    from quiz.storage.database import data_folder

    folder = Path(output) if output else data_folder() / "decks"
    if folder.exists() and not folder.is_dir():
        raise QuizError(_("cannot write into {path}: it is not a folder").format(path=folder))
    return folder


def import_anki(env: Env, path: str, prefix: str | None, output: str | None, dry_run: bool, as_json: bool) -> None:
    from quiz.anki.importing import import_package

    package = Path(path)
    if package.is_dir():
        raise QuizError(_("cannot read {path}: {reason}").format(path=package, reason=_("it is a folder")))
    if not package.is_file():
        raise QuizError(_("{path}: no such file").format(path=package))
    folder, prefix = output_folder(output), checked_name(prefix)
    with ProgressBar(sys.stderr, _("importing")) as progress:
        report = import_package(
            env.engine,
            package,
            folder,
            now=datetime.now(timezone.utc),
            zone=learner_zone(),
            rollover_hour=env.rollover_hour(),
            prefix=prefix,
            dry_run=dry_run,
            on_progress=progress.update,
        )
    env.changed_queue = not dry_run
    if as_json:
        click.echo(json.dumps(_json(report), ensure_ascii=False, indent=2))
        return
    notes = ngettext("{} note", "{} notes", report.notes).format(report.notes)
    parts = [
        ngettext("{} new card", "{} new cards", report.new_cards).format(report.new_cards),
        ngettext("{} card quiz had", "{} cards quiz had", report.merged_cards).format(report.merged_cards),
        ngettext("{} schedule from Anki", "{} schedules from Anki", report.studied).format(report.studied),
        ngettext("{} review log entry added", "{} review log entries added", report.reviews).format(report.reviews),
    ]
    click.echo(_("{package}: {notes}: {parts}").format(package=package.name, notes=notes, parts=listed(parts)))
    for sync in report.decks:
        click.echo(describe_sync(sync))
    for target in report.files:
        click.echo((_("would write {path}") if dry_run else _("wrote {path}")).format(path=target))
    for deck, copy in report.copies.items():
        message = _("{deck} is a bundled deck: the notes added in Anki go to your copy, {path}, now the deck's file")
        click.echo(message.format(deck=deck, path=copy))
    for name, count in sorted(report.simplified.items()):
        message = ngettext(
            '{count} note of "{type}" made a basic card (its other fields in the note)',
            '{count} notes of "{type}" made basic cards (their other fields in the note)',
            count,
        )
        click.echo(message.format(count=count, type=visible(name)))
    for reason, count in sorted(report.left_out.items()):
        message = ngettext("{count} note left out: {reason}", "{count} notes left out: {reason}", count)
        click.echo(message.format(count=count, reason=LEFT_OUT[reason]()))
    if report.cut:
        message = ngettext(
            "{count} note had a field longer than {limit} characters: cut there",
            "{count} notes had a field longer than {limit} characters: cut there",
            report.cut,
        )
        click.echo(message.format(count=report.cut, limit=f"{MAX_TEXT:,}"))
    if report.media:
        shown = ", ".join(visible(name) for name in report.media[:5]) + (", ..." if len(report.media) > 5 else "")
        message = ngettext(
            "{count} media file skipped: {names}", "{count} media files skipped: {names}", len(report.media)
        )
        click.echo(message.format(count=len(report.media), names=shown))
    elif report.media_shown:
        message = ngettext(
            "{count} picture or sound in the fields left out (quiz shows text)",
            "{count} pictures and sounds in the fields left out (quiz shows text)",
            report.media_shown,
        )
        click.echo(message.format(count=report.media_shown))
    if dry_run:
        click.echo(_("Dry run: nothing was changed."))


def _json(report) -> dict:
    return {
        "package": str(report.path),
        "notes": report.notes,
        "new_cards": report.new_cards,
        "merged_cards": report.merged_cards,
        "reviews_added": report.reviews,
        "schedules_taken": report.studied,
        "files": [str(path) for path in report.files],
        "bundled_copies": {deck: str(path) for deck, path in report.copies.items()},
        "decks": [
            {"deck": sync.deck, "created": sync.created, "added": sync.added, "updated": sync.updated}
            for sync in report.decks
        ],
        "simplified": dict(report.simplified),
        "left_out": dict(report.left_out),
        "media_skipped": report.media,
        "media_in_fields": report.media_shown,
        "notes_cut": report.cut,
        "dry_run": report.dry_run,
    }


def import_csv(
    env: Env, path: str, deck: str | None, columns: str | None, header: bool, output: str | None, dry_run: bool
) -> None:
    from quiz import storage
    from quiz.anki.decktext import deck_name
    from quiz.csvdeck import deck_text, read_table
    from quiz.decks import import_texts
    from quiz.storage import history

    source = Path(path)
    table = read_table(source, columns, header)
    name = checked_name(deck) or deck_name(source.stem, None)
    target = output_folder(output) / f"{name}.yaml"
    with env.engine.connect() as conn:
        known = storage.deck_sources(conn).get(name)
        keys = history.deck_keys(conn, name) if known else {}
    if known is not None and known.source != str(target.resolve()):
        message = _('deck "{name}" exists already (from {source}): --deck NAME imports the file as another deck')
        raise QuizError(message.format(name=name, source=known.source or "?"))
    text = deck_text(source, table, name, keys)
    now = datetime.now(timezone.utc)
    reports = import_texts(env.engine, {target: text.encode()}, now=now, zone=learner_zone(), dry_run=dry_run)
    env.changed_queue = not dry_run
    for sync in reports:
        click.echo(describe_sync(sync))
    click.echo((_("would write {path}") if dry_run else _("wrote {path}")).format(path=target))
    if dry_run:
        click.echo(_("Dry run: nothing was changed."))
