"""The collection as an SQLite file: what a file is before anything writes to it (a quiz
collection, a new one, another program's database, a damaged one), its consistent copies
(SQLite's backup API), its integrity check, and the WAL folded back into the main file.

Everything here reads the file with the standard library's sqlite3, read-only where it
only looks, so that another program's database (an Anki collection, say) is never
switched to WAL mode or given quiz's tables.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from quiz.errors import QuizError
from quiz.i18n import _
from quiz.plumbing import files

SQLITE_HEADER = b"SQLite format 3\x00"
QUIZ_TABLES = {"alembic_version", "cards", "decks"}  # every revision has these
DAMAGED_SUFFIX = ".damaged"  # beside the file, while it fails its integrity check
BUSY_TIMEOUT_MS = 5000  # how long a connection waits for another's write lock


DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted", "corrupt")


def is_damage(message: str) -> bool:
    """SQLite's words for a file whose pages are not what they should be."""
    return any(word in message.lower() for word in DAMAGE_WORDS)


@dataclass(frozen=True)
class FileState:
    kind: str  # "new" (absent or empty), "quiz", "other" (another program's), "damaged"
    detail: str = ""


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection that never creates the file (`mode` ro or rw); any name is safe in the URI."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True)


def _read_only(path: Path) -> sqlite3.Connection:
    return _connect(path, "ro")


def state_of(path: Path) -> FileState:
    """What the file at `path` is, read without writing anything to it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return FileState("new")
    if size == 0:
        return FileState("new")
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise QuizError(_("cannot read {path}: {reason}").format(path=path, reason=files.os_reason(error))) from None
    if header != SQLITE_HEADER:
        return FileState("other", _("it is not an SQLite database"))
    try:
        conn = _read_only(path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if is_damage(str(error)):
            return FileState("damaged", str(error))
        raise QuizError(_("cannot read {path}: {reason}").format(path=path, reason=error)) from None
    if not tables:
        return FileState("new")
    if "col" in tables and "notes" in tables:
        return FileState("other", _("it is an Anki collection (to bring one in, export it from Anki as an .apkg)"))
    if not tables >= QUIZ_TABLES:
        names = ", ".join(sorted(tables)[:5])
        return FileState("other", _("it is another program's database (tables: {names})").format(names=names))
    return FileState("quiz")


def integrity_problems(path: Path, full: bool = False) -> list[str]:
    """SQLite's own check of every page (quick_check; integrity_check with `full`)."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        conn = _read_only(path)
        try:
            rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def damaged_mark(path: Path) -> Path:
    return path.with_name(path.name + DAMAGED_SUFFIX)


def check_before_writing(path: Path) -> None:
    """Refuse to write into a collection that failed its check before and fails it still."""
    mark = damaged_mark(path)
    if not mark.exists():
        return
    problems = integrity_problems(path)
    if problems:
        raise damaged(path, problems)
    mark.unlink(missing_ok=True)  # mended (restored, or repaired by hand)


def damaged(path: Path, problems: list[str]) -> QuizError:
    """The error for a damaged collection, remembered beside it until it passes the check."""
    with contextlib.suppress(OSError):  # a read-only folder: the check runs again next time anyway
        damaged_mark(path).write_text("\n".join(problems) + "\n", encoding="utf-8")
    first = problems[0] if problems else _("it failed its integrity check")
    message = _("{path} is damaged ({problem}); nothing was written: see quiz check, and quiz backups to restore one")
    return QuizError(message.format(path=path, problem=first))


def copy(source: Path, target: Path) -> None:
    """A consistent copy of the collection at `source` (committed WAL content included),
    appearing at `target` whole or not at all."""
    with files.replacing(target) as (_, temporary):
        _backup(source, temporary)
        conn = sqlite3.connect(temporary)  # one file on its own: no -wal or -shm beside a copy
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()


def restore(source: Path, target: Path) -> None:
    """Make the live collection at `target` a copy of `source`, through SQLite (not by
    replacing the file: another process that has it open keeps a consistent view)."""
    _backup(source, target)


def _backup(source: Path, target: Path) -> None:
    try:
        reader, writer = _read_only(source), sqlite3.connect(target)
        try:
            writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.backup(writer)
        finally:
            writer.close()
            reader.close()
    except sqlite3.DatabaseError as error:
        message = _("cannot copy {source} to {target}: {reason}")
        raise QuizError(message.format(source=source, target=target, reason=error)) from None


def checkpoint(path: Path) -> None:
    """Fold the WAL back into the main file, so that a copy of the main file alone is the
    whole collection (PASSIVE: never waits for another process's readers)."""
    try:
        conn = _connect(path, "rw")
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # locked, read-only or damaged: the WAL stays, and SQLite folds it in later


def writable_problem(path: Path) -> str | None:
    """Why a collection at `path` could not take an answer, or None: the file and its
    folder (where SQLite keeps the -wal and -shm files) must both be writable."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return _("its folder {folder} is read-only").format(folder=folder)
    if path.exists() and not os.access(path, os.W_OK):
        return _("it is read-only")
    return None
