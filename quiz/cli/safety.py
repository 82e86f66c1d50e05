"""Commands that keep the collection safe: check, backup, backups, restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, command, learner_zone
from quiz.errors import QuizError
from quiz.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from pathlib import Path  # not for `quiz --help`, which imports no pathlib: in the commands

    from quiz.shapes import BackupJson, CheckJson


def collection_file(env: Env, damaged_ok: bool = False) -> Path:
    """The collection's SQLite file, which must be a quiz collection (damaged, with `damaged_ok`)."""
    from quiz import backups
    from quiz.storage import location, sqlitefile

    path = location.file_of(env.where)
    if path is None:
        raise QuizError(f"{location.shown(env.where)}: {backups.not_sqlite()}")
    state = sqlitefile.state_of(path)
    if state.kind == "new":
        raise QuizError(_("no collection at {path} yet").format(path=path))
    if state.kind == "damaged" and not damaged_ok:  # even the list of its tables: told as damage
        raise sqlitefile.damaged(path, [state.detail])
    if state.kind == "other":
        raise QuizError(_("{path} is not a quiz collection: {why}").format(path=path, why=state.detail))
    return path


@command(
    "check",
    help=_("""Check the collection: its pages, its links, and the review log against the cards.

    Exits with 1 when something is wrong; a damaged collection is then refused by
    every command that writes, until it passes again (quiz restore brings back a
    backup). Nothing is changed.

    \b
    Examples:
      quiz check
      quiz check --full --json
    """),
)
@click.option("--full", is_flag=True, help=_("SQLite's full integrity_check (slower) instead of quick_check."))
@click.option("--json", "as_json", is_flag=True, help=_("Print what was found as one JSON object."))
@click.pass_obj
def check_command(env: Env, full: bool, as_json: bool = False) -> None:
    import json

    from quiz import app
    from quiz.storage import checks, location, sqlitefile

    where = env.where
    path = collection_file(env, damaged_ok=True) if location.file_of(where) is not None else None
    integrity = sqlitefile.integrity_problems(path, full) if path is not None else None
    foreign: list[checks.Finding] = []
    log: list[checks.Disagreement] = []
    if not integrity:
        engine = app.open_collection(where, with_bundled=False, repair=True)
        try:
            with engine.connect() as conn:
                foreign, log = checks.foreign_key_problems(conn), checks.log_disagreements(conn)
        finally:
            engine.dispose()
    if path is not None:
        if integrity:
            sqlitefile.damaged(path, integrity)  # remembered: writes are refused until it passes
        else:
            sqlitefile.damaged_mark(path).unlink(missing_ok=True)
    ok = not (integrity or foreign or log)
    if as_json:
        report: CheckJson = {
            "ok": ok,
            "integrity": integrity,
            "foreign_keys": [f.english() for f in foreign],
            "log": [{"deck": d.deck, "id": d.key, "card": d.ord + 1, "problem": d.what} for d in log],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        from quiz.plumbing.textwidth import visible

        name = "integrity_check" if full else "quick_check"
        ok_word = pgettext("check", "ok")
        if integrity is None:
            click.echo(_("pages: checked by the database server"))
        else:
            count = len(integrity)
            found = ngettext("{} problem", "{} problems", count).format(count) if count else ok_word
            click.echo(_("pages ({check}): {result}").format(check=name, result=found))
            for line in integrity[:20]:
                click.echo(f"  {visible(line)}")
        broken = ngettext("{} broken", "{} broken", len(foreign)).format(len(foreign)) if foreign else ok_word
        click.echo(_("links: {result}").format(result=broken))
        for f in foreign[:20]:
            click.echo("  " + _(f.template).format(**f.values))
        disagree = ngettext(
            "{} card disagrees with its last review", "{} cards disagree with their last review", len(log)
        ).format(len(log))
        click.echo(_("review log: {result}").format(result=disagree if log else ok_word))
        for d in log[:20]:
            shown = _("  {deck} {id} (card {number}): {problem}")
            click.echo(shown.format(deck=d.deck, id=d.key, number=d.ord + 1, problem=_(d.what)))
        if integrity:
            click.echo(_("The collection is damaged: quiz backups lists the copies, quiz restore brings one back."))
    if not ok:
        raise click.exceptions.Exit(1)


@command(
    "backup",
    help=_("""Copy the collection now: into its backups folder, or to PATH.

    quiz also makes one by itself before each import and once a day at the start
    of a review, and keeps the last 7 daily, 4 weekly and 3 monthly of those; the
    ones made with this command stay until you remove them.

    \b
    Examples:
      quiz backup
      quiz backup ~/quiz-before-the-move.db
    """),
)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_obj
def backup_command(env: Env, path: str | None) -> None:
    from datetime import datetime, timezone
    from pathlib import Path

    from quiz import backups
    from quiz.storage import sqlitefile

    collection = collection_file(env)
    now = datetime.now(timezone.utc)
    if path is None:
        made = backups.make(collection, "manual", now, learner_zone())
    else:
        made = Path(path)
        if made.exists():
            raise QuizError(_("{path} exists: choose a new name").format(path=path))
        problems = sqlitefile.integrity_problems(collection)
        if problems:
            raise sqlitefile.damaged(collection, problems)
        sqlitefile.copy(collection, made)
    click.echo(_("backed up to {path}").format(path=made))


@command(
    "backups",
    help=_("""List the collection's backups, newest first.

    \b
    Examples:
      quiz backups
      quiz restore "$(quiz backups --json | jq -r '.[0].path')"
    """),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON array, newest first."))
@click.pass_obj
def backups_command(env: Env, as_json: bool = False) -> None:
    import json

    from quiz import backups
    from quiz.cli.table import format_table

    collection = collection_file(env, damaged_ok=True)
    found = backups.listing(collection)
    if as_json:
        rows: list[BackupJson] = [
            {"path": str(b.path), "made": b.made.isoformat(), "reason": b.reason, "bytes": b.size} for b in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(_("No backups yet: quiz backup makes one"))
        return
    zone = learner_zone()
    columns = (
        pgettext("backups", "made"),
        pgettext("backups", "reason"),
        pgettext("backups", "size"),
        pgettext("backups", "file"),
    )
    cells = [
        (b.made.astimezone(zone).strftime("%Y-%m-%d %H:%M"), _reason(b.reason), _size(b.size), b.path.name)
        for b in found
    ]
    shown = [dict(zip(columns, row)) for row in cells]
    # The file's name is what quiz restore takes: it stays whole. It holds the reason and the
    # time (in UTC) too, so on a narrow terminal those columns are left out first, then the size.
    click.echo(format_table(shown, columns, drop=(columns[1], columns[0], columns[2])))
    click.echo(_("in {folder}").format(folder=backups.folder(collection)))


def _reason(reason: str) -> str:
    """Why a backup was made, in the learner's words (the file name keeps the English)."""
    revision = reason.removeprefix("upgrade-from-")
    if revision != reason:
        return _("upgrade-from-{revision}").format(revision=revision)
    words = {
        "import": pgettext("backup reason", "import"),
        "daily": pgettext("backup reason", "daily"),
        "manual": pgettext("backup reason", "manual"),
        "restore": pgettext("backup reason", "restore"),
        "damaged": pgettext("backup reason", "damaged"),
    }
    return words.get(reason, reason)


def _size(count: int) -> str:
    size, unit = float(count), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            break
        size /= 1024
    return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"


@command(
    "restore",
    help=_("""Bring a backup back: the collection becomes that copy.

    The collection as it is now is backed up first, so a restore can be undone
    with another restore. BACKUP is a path, or a file name from quiz backups.

    \b
    Examples:
      quiz backups
      quiz restore quiz-20261201T080000Z-daily.db
    """),
)
@click.argument("backup")
@click.pass_obj
def restore_command(env: Env, backup: str) -> None:
    from datetime import datetime, timezone

    from quiz import backups, due

    collection = collection_file(env, damaged_ok=True)
    source = backups.find(collection, backup)
    saved = backups.restore(collection, source, datetime.now(timezone.utc), learner_zone())
    due.refresh(collection, datetime.now(timezone.utc))  # the prompt's count is the backup's now
    if saved:
        click.echo(_("restored {name}; the collection as it was is in {saved}").format(name=source.name, saved=saved))
    else:
        click.echo(_("restored {name}").format(name=source.name))
