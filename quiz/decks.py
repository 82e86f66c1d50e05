"""Deck files: load them (every problem of every file reported at once, nothing changed
if there is any) and import them into the collection (a sync, all or nothing). One file
is read and checked by quiz.deckfile."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deckfile import Reader, fingerprint
from quiz.errors import DeckError, Problem
from quiz.i18n import _
from quiz.model import DeckSpec

if TYPE_CHECKING:
    from quiz.storage import SyncReport


def load_decks(paths: Iterable[str | Path], contents: dict[Path, bytes] | None = None) -> list[DeckSpec]:
    """Parse every file; raise one DeckError listing every problem in all of them.
    `contents`: files' bytes the caller has read already."""
    decks, problems = [], []
    for path in paths:
        try:
            decks.append(load_deck(path, (contents or {}).get(Path(path))))
        except DeckError as error:
            problems.extend(error.problems)
    problems += name_clashes((deck.path, deck.name) for deck in decks)
    if problems:
        raise DeckError(problems)
    return decks


def name_clashes(named: Iterable[tuple[str, str]]) -> list[Problem]:
    """A problem for each (file, deck name) whose name an earlier file already took."""
    first_file: dict[str, str] = {}
    problems = []
    for path, name in named:
        if name in first_file:
            message = _('deck "{name}" is also defined in {path}').format(name=name, path=first_file[name])
            problems.append(Problem(path, 1, 1, message))
        first_file.setdefault(name, path)
    return problems


def load_deck(path: str | Path, raw: bytes | None = None) -> DeckSpec:
    """The deck in the file at `path` (its bytes `raw`, if read already)."""
    reader = Reader(str(path))
    deck = reader.read(Path(path), raw)
    if reader.problems or deck is None:
        raise DeckError(sorted(reader.problems, key=lambda p: (p.line, p.column)))
    return deck


def import_files(
    engine, paths: Iterable[str | Path], now: datetime | None = None, zone: tzinfo | None = None
) -> list[SyncReport]:
    """Sync deck files into the collection, all or nothing, after a backup (quiz.backups).

    A file whose exact content was imported before is not parsed again: its
    deck is reported unchanged, which keeps re-importing large decks fast.
    """
    from quiz import storage  # SQLAlchemy: not for `quiz lint`

    files = [Path(p) for p in paths]
    contents: dict[Path, bytes] = {}
    for path in files:
        with contextlib.suppress(OSError):  # load_decks reports it
            contents[path] = path.read_bytes()
    prints = {path: fingerprint(raw) for path, raw in contents.items()}
    with engine.connect() as conn:
        known = storage.decks_by_fingerprint(conn, set(prints.values()))
        empty = not storage.deck_names(conn)
    unchanged = {path: known[prints[path]] for path in files if prints.get(path) in known}
    specs = load_decks((path for path in files if path not in unchanged), contents)
    parsed = {spec.path: spec.name for spec in specs}
    clashes = name_clashes((str(path), unchanged.get(path) or parsed[str(path)]) for path in files)
    if clashes:  # one with a file skipped as unchanged (load_decks saw the others)
        raise DeckError(clashes)
    if specs and not empty:  # something to write over: the collection as it was is kept first
        from quiz import backups

        backups.before_change(engine, "import", now or datetime.now(timezone.utc), zone or timezone.utc)
    reports = storage.import_decks(engine, specs)
    return reports + [storage.SyncReport(name) for name in unchanged.values()]
