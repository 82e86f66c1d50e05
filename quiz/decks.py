"""Deck files: load them (every problem of every file reported at once, nothing changed
if there is any) and import them into the collection (a sync, all or nothing). One file
is read and checked by quiz.deckfile."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.deckfile import Reader, fingerprint
from quiz.errors import DeckError, Problem, QuizError
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


# What `quiz import anki FILE` and `quiz import csv FILE` take, known by the suffix
SOURCES = {"anki": (".apkg", ".colpkg"), "csv": (".csv", ".tsv", ".txt")}


def _source_of(path: Path) -> str | None:
    """anki or csv for a package or a table given as a deck file (a .txt may be a deck's)."""
    suffix = path.suffix.lower()
    return next((name for name, suffixes in SOURCES.items() if suffix in suffixes and suffix != ".txt"), None)


def deck_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The deck files named: a folder stands for its `*.yaml` and `*.yml` files; a Markdown
    note is refused with the way to make a deck of it."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise QuizError(_("{path} holds no deck file (*.yaml)").format(path=path))
            files += found
        elif path.suffix.lower() in (".md", ".markdown"):
            raise QuizError(
                _("{path} is a Markdown note, not a deck: quiz generate {path} -o deck.yaml makes a deck of it").format(
                    path=path
                )
            )
        elif source := _source_of(path):
            message = _("{path} is not a deck file: quiz import {source} {path} imports it")
            raise QuizError(message.format(path=path, source=source))
        else:
            files.append(path)
    return files


def import_files(
    engine,
    paths: Iterable[str | Path],
    now: datetime | None = None,
    zone: tzinfo | None = None,
    *,
    replace: bool = False,
    dry_run: bool = False,
) -> list[SyncReport]:
    """Sync deck files into the collection, all or nothing, after a backup (quiz.backups).

    A file whose exact content was imported before is not parsed again: its
    deck is reported unchanged, which keeps re-importing large decks fast. A deck whose
    name changed in its file is renamed (its progress kept); a deck name that another
    file brought is refused unless `replace`. `dry_run`: the reports, nothing changed.
    """
    from quiz import storage  # SQLAlchemy: not for `quiz lint`

    files = deck_paths(paths)
    contents: dict[Path, bytes] = {}
    for path in files:
        with contextlib.suppress(OSError):  # load_decks reports it
            contents[path] = path.read_bytes()
    prints = {path: fingerprint(raw) for path, raw in contents.items()}
    with engine.connect() as conn:
        known = storage.decks_by_fingerprint(conn, set(prints.values()))
        sources = storage.deck_sources(conn)
        removed = storage.removed_bundled(conn)
    # Skipped as unchanged only from the deck's own file: the same bytes in another file (a copy)
    # are that file's claim on the deck, refused or, with `replace`, taken
    own = {deck.name: deck.source for deck in sources.values()}
    unchanged = {
        path: known[prints[path]]
        for path in files
        if prints.get(path) in known and own.get(known[prints[path]]) == str(path.resolve())
    }
    specs = load_decks((path for path in files if path not in unchanged), contents)
    parsed = {spec.path: spec.name for spec in specs}
    clashes = name_clashes((str(path), unchanged.get(path) or parsed[str(path)]) for path in files)
    if clashes:  # one with a file skipped as unchanged (load_decks saw the others)
        raise DeckError(clashes)
    specs = [dataclasses.replace(spec, path=str(Path(spec.path).resolve())) for spec in specs]  # stored: absolute
    renames = _renames(specs, sources)
    if not replace:
        problems = _other_files(specs, sources, renames)
        if problems:
            raise DeckError(problems)
    stats = {str(path.resolve()): storage.file_stat(path) for path in files}  # unchanged ones too (touched)

    def after(conn) -> None:
        storage.save_file_stats(conn, {path: stat for path, stat in stats.items() if stat})
        if removed & {spec.name for spec in specs}:  # a bundled deck the learner removed, brought back
            storage.set_removed_bundled(conn, removed - {spec.name for spec in specs})

    if specs and sources and not dry_run:  # something to write over: the collection as it was is kept first
        from quiz import backups

        backups.before_change(engine, "import", now or datetime.now(timezone.utc), zone or timezone.utc)
    reports = storage.import_decks(engine, specs, renames, dry_run, after)
    return reports + [storage.SyncReport(name) for name in unchanged.values()]


def import_texts(
    engine,
    texts: dict[Path, bytes],
    *,
    now: datetime,
    zone: tzinfo,
    dry_run: bool = False,
    after=None,
    known: dict[Path, DeckSpec] | None = None,
) -> list[SyncReport]:
    """Deck files that quiz made (quiz import anki, quiz import csv): checked like any deck
    file, imported, and written into place in the import's own transaction, after a
    backup, so that the files and the collection change together or not at all.
    `after(conn)`: more writes in that transaction, once the decks' cards are in.
    `known`: the decks of some of the files, made with them (quiz.anki.decktext.known_deck):
    those files are not read back."""
    from quiz import backups, storage
    from quiz.plumbing import files

    known = known or {}
    read_back = iter(load_decks([path for path in texts if path not in known], texts))
    specs = [known[path] if path in known else next(read_back) for path in texts]
    clashes = name_clashes((spec.path, spec.name) for spec in specs)
    if clashes:
        raise DeckError(clashes)
    specs = [dataclasses.replace(spec, path=str(Path(spec.path).resolve())) for spec in specs]

    def writes(conn) -> None:
        if after is not None:
            after(conn)
        if dry_run:
            return
        for target, raw in texts.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            with files.replacing(target) as (out, _temporary):
                out.write(raw)
        stats = {str(target.resolve()): storage.file_stat(target) for target in texts}
        storage.save_file_stats(conn, {path: stat for path, stat in stats.items() if stat})

    if not dry_run:
        backups.before_change(engine, "import", now, zone)
    return storage.import_decks(engine, specs, {}, dry_run, writes)


def _renames(specs: list[DeckSpec], sources) -> dict[str, str]:
    """New name -> old, for each deck file that brought a deck under another name before
    (and that name is no longer in any file imported now)."""
    by_file = {deck.source: deck.name for deck in sources.values() if deck.source}
    names = {spec.name for spec in specs}
    renames = {}
    for spec in specs:
        old = by_file.get(spec.path)
        if old is not None and old != spec.name and spec.name not in sources and old not in names:
            renames[spec.name] = old
    return renames


def _other_files(specs: list[DeckSpec], sources, renames: dict[str, str]) -> list[Problem]:
    """A problem for each deck that another file brought in, while that file is still there."""
    problems = []
    for spec in specs:
        deck = sources.get(spec.name)
        if deck is None or spec.name in renames or not deck.source or deck.source == spec.path:
            continue
        if Path(deck.source).exists():
            message = _(
                'deck "{name}" was imported from {other}, and this file defines it too: rename one of them, '
                "or quiz import --replace to make this file the deck's (its cards are matched by id)"
            ).format(name=spec.name, other=deck.source)
            problems.append(Problem(spec.path, 1, 1, message))
    return problems
