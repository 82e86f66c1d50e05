"""Backups like Anki's: a consistent copy of an SQLite collection in `backups/` beside it
before each import and deck removal, and once a day at the start of a review; the last 7
daily, 4 weekly and 3 monthly are kept. The copy before a schema upgrade is
`NAME.REVISION.bak` beside the collection, one per revision (quiz.migrate). A collection on
PostgreSQL is backed up by its server's own tools.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.errors import QuizError
from quiz.i18n import _
from quiz.plumbing import files
from quiz.storage import database, sqlitefile

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

KEEP = {"day": 7, "week": 4, "month": 3}
STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:\.(?P<count>\d+))?-(?P<reason>[a-z-]+)\.db\Z")
_UPGRADE = re.compile(r"(?P<stem>.+)\.(?P<revision>\d{4})\.bak\Z")


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime  # UTC
    reason: str  # import, daily, manual, restore, upgrade-from-0004, ...
    size: int
    count: int = 0  # the second of two made in the same second

    @property
    def rotated(self) -> bool:
        """In the daily/weekly/monthly rotation: not one made by hand (`quiz backup`), an
        upgrade's copy, or a damaged file's. Those stay until the learner removes them."""
        return not (self.reason.startswith("upgrade-from-") or self.reason in ("manual", "damaged"))


def not_sqlite() -> str:
    """Why quiz makes no backup of a collection on a server."""
    return _("a collection on a database server is backed up with the server's own tools (pg_dump)")


def before_change(engine: Engine, reason: str, now: datetime, zone: tzinfo = timezone.utc) -> Path | None:
    """The backup before an import or a deck removal (None on a server)."""
    path = database.sqlite_path(engine)
    return make(path, reason, now, zone) if path is not None and path.exists() else None


def folder(collection: Path) -> Path:
    return collection.parent / "backups"


def upgrade_backup(collection: Path, revision: str) -> Path:
    """Where the copy before upgrading from `revision` goes: one per revision."""
    return collection.with_name(f"{collection.name}.{revision}.bak")


def make(collection: Path, reason: str, now: datetime, zone: tzinfo = timezone.utc, thinned: bool = True) -> Path:
    """Copy the collection into its backups folder now, then thin the old copies.
    A damaged collection is refused: its copy would push good ones out."""
    problems = sqlitefile.integrity_problems(collection)
    if problems:
        raise sqlitefile.damaged(collection, problems)
    target_folder = folder(collection)
    try:
        target_folder.mkdir(exist_ok=True)
    except OSError as error:
        problem = files.os_reason(error)
        raise QuizError(_("cannot make {folder}: {problem}").format(folder=target_folder, problem=problem)) from None
    files.remove_stale_parts(target_folder, f"{files.glob_escape(collection.stem)}-*.db")  # of killed backups
    target = _free_name(target_folder, collection.stem, now, reason)
    sqlitefile.copy(collection, target)
    if thinned:
        thin(collection, now, zone)
    return target


def _free_name(place: Path, stem: str, now: datetime, reason: str) -> Path:
    """A new name; a later backup of the same second is numbered higher, so it sorts as newer."""
    stamp = now.astimezone(timezone.utc).strftime(STAMP)
    taken = [_NAME.match(path.name) for path in place.glob(f"{files.glob_escape(stem)}-{stamp}*.db")]
    counts = [int(match["count"] or 0) for match in taken if match]
    numbered = f".{max(counts) + 1}" if counts else ""
    return place / f"{stem}-{stamp}{numbered}-{reason}.db"


def listing(collection: Path) -> list[Backup]:
    """The collection's backups, newest first: those in its folder and the upgrade copies."""
    found = []
    for path in folder(collection).glob(f"{files.glob_escape(collection.stem)}-*.db"):
        match = _NAME.match(path.name)
        if match and match["stem"] == collection.stem and (made := _made(match["stamp"])):
            found.append(Backup(path, made, match["reason"], path.stat().st_size, int(match["count"] or 0)))
    for path in collection.parent.glob(f"{files.glob_escape(collection.name)}.*.bak"):
        match = _UPGRADE.match(path.name)
        if match and match["stem"] == collection.name:
            stat = path.stat()
            made = datetime.fromtimestamp(stat.st_mtime, timezone.utc)
            found.append(Backup(path, made, f"upgrade-from-{match['revision']}", stat.st_size))
    return sorted(found, key=lambda backup: (backup.made, backup.count), reverse=True)


def _made(stamp: str) -> datetime | None:
    """A name's STAMP as UTC, None for a date that cannot be (a file that is no backup of
    quiz's). fromisoformat reads the basic ISO form with its Z (Python 3.11): strptime would
    import _strptime at each review's start, 12 ms of the first card."""
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


def thin(collection: Path, now: datetime, zone: tzinfo) -> list[Path]:
    """Delete the backups in the folder that no longer fill a daily, weekly or monthly slot:
    the newest of each of the last 7 days, 4 weeks and 3 months with a backup stay."""
    taken: dict[str, set] = {slot: set() for slot in KEEP}
    removed = []
    for backup in listing(collection):
        if not backup.rotated:
            continue
        local = backup.made.astimezone(zone).date()
        keys = {"day": local, "week": local.isocalendar()[:2], "month": (local.year, local.month)}
        keep = False
        for slot, key in keys.items():
            if key not in taken[slot] and len(taken[slot]) < KEEP[slot]:
                taken[slot].add(key)
                keep = True
        if not keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def daily(collection: Path, now: datetime, day_start: datetime, zone: tzinfo) -> Path | None:
    """The day's backup, unless one was made since `day_start`."""
    newest = next((b for b in listing(collection) if b.rotated), None)
    if newest is not None and newest.made >= day_start:
        return None
    return make(collection, "daily", now, zone)


def find(collection: Path, name: str) -> Path:
    """A backup given as a path, or by its file name in the backups folder."""
    for candidate in (Path(name), folder(collection) / name, collection.parent / name):
        if candidate.is_file():
            return candidate
    raise QuizError(_("no backup {name}: quiz backups lists them").format(name=name))


def restore(collection: Path, backup: Path, now: datetime, zone: tzinfo = timezone.utc) -> Path | None:
    """Bring a backup back into the collection, after backing up the collection as it is
    (a damaged one is copied byte for byte). Returns that copy, None if there was no collection."""
    state = sqlitefile.state_of(backup)
    if state.kind != "quiz":
        why = state.detail or _("it is empty")
        raise QuizError(_("{path} is not a quiz collection: {why}").format(path=backup, why=why))
    problems = sqlitefile.integrity_problems(backup)
    if problems:
        damaged = _("{path} is damaged ({problem}): choose another backup")
        raise QuizError(damaged.format(path=backup, problem=problems[0]))
    saved: Path | None = None
    if collection.exists() and sqlitefile.integrity_problems(collection):
        saved = _free_name(folder(collection), collection.stem, now, "damaged")
        saved.parent.mkdir(exist_ok=True)
        with open(collection, "rb") as source, files.replacing(saved) as (out, _temporary):
            shutil.copyfileobj(source, out)
        for part in ("", "-wal", "-shm"):  # a stale WAL must not be replayed into the restored file
            collection.with_name(collection.name + part).unlink(missing_ok=True)
    elif collection.exists():
        saved = make(collection, "restore", now, zone, thinned=False)  # thinned once the backup is back
    sqlitefile.restore(backup, collection)
    sqlitefile.damaged_mark(collection).unlink(missing_ok=True)
    thin(collection, now, zone)
    return saved
