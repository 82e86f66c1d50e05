"""Editing a card from the review: the learner's editor opened at the card's entry in its
deck file, the file imported again when the editor is done (all or nothing, until it
imports or the learner gives up), and the card read back with its progress.

No terminal code: the caller runs the editor (`run`) and speaks to the learner (`tell`,
`again`). A bundled deck's file is quiz's own (replaced by upgrades, perhaps read-only):
its cards are edited in a copy in the learner's data folder, which becomes the deck's file
(quiz.app's sync leaves a deck alone whose file is another existing one).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from quiz import config, storage
from quiz.dailyqueue import QueueCard
from quiz.decks import import_files
from quiz.errors import DeckError, QuizError
from quiz.i18n import _
from quiz.model import CardKind, Schedule, State
from quiz.plumbing import files, resources

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from quiz.storage import SyncReport

# How an editor is told the line, by the basename of its command.
PLUS_LINE = frozenset(
    ("vi", "vim", "nvim", "gvim", "nano", "emacs", "emacsclient", "micro", "kak", "ne", "joe", "mg", "gedit")
)
COLON_LINE = frozenset(("hx", "helix", "subl"))  # PATH:LINE
GOTO = frozenset(("code", "codium", "code-insiders", "cursor"))  # --goto PATH:LINE
# Editors that hand the file to a window and return at once, unless told to wait: the flag
# added, then its other spellings. quiz would import the file before it is edited.
WAIT = {name: ("--wait", "-w") for name in (*GOTO, "subl", "gedit")} | {"gvim": ("-f", "--nofork")}


def editor_argv(editor: str, path: Path, line: int | None) -> list[str]:
    """The command line that opens `path` at `line` (from 1; None: where the editor opens it)
    in `editor`, the learner's command with its own arguments (`code --wait`, `emacsclient
    -t`): the line as that editor takes it, and the flag that makes it wait where it would not.
    An editor quiz does not know gets the path alone."""
    try:
        command = shlex.split(editor)
    except ValueError:
        command = []
    if not command:
        message = _("cannot run the editor {editor}: it is not a command line (quiz config editor vim sets one)")
        raise QuizError(message.format(editor=repr(editor)))
    name = os.path.basename(command[0])
    wait = WAIT.get(name)
    if wait is not None and not set(wait) & set(command[1:]):
        command.append(wait[0])
    if line is None:
        return [*command, str(path)]
    if name in GOTO:
        return [*command, "--goto", f"{path}:{line}"]
    if name in COLON_LINE:
        return [*command, f"{path}:{line}"]
    if name in PLUS_LINE:
        return [*command, f"+{line}", str(path)]
    return [*command, str(path)]


def run_editor(argv: list[str]) -> int:
    """Run the editor on this process's terminal and wait for it: its exit status. One that
    cannot be started is a one-line QuizError. As git does, quiz ignores Ctrl-C while it
    waits: the terminal sends it to the editor too, which is the one to decide (quiz would
    otherwise stop waiting, and the editor be killed with the learner's work)."""
    try:
        editor = subprocess.Popen(argv)  # before SIGINT is ignored: the editor would inherit that
    except OSError as error:
        message = _("cannot start the editor {command}: {reason}")
        raise QuizError(message.format(command=argv[0], reason=files.os_reason(error))) from None
    main = threading.current_thread() is threading.main_thread()  # the only one that may set handlers
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        return editor.wait()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


# -- the file of a card -------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a card's entry is: its deck file, and its line there (None: unknown, for a card
    imported before quiz kept lines). `told`: the line to show first (a bundled deck copied)."""

    path: Path
    line: int | None
    told: str | None = None


def place_of(engine: Engine, deck: str, key: str, zone: tzinfo | None = None) -> Place:
    """The deck file to edit for the note `key` of `deck`. A bundled deck is first copied to
    the learner's own file and imported from it with --replace: that file is the deck's from
    then on, and its cards keep their progress (matched by id)."""
    with engine.connect() as conn:
        (row,) = storage.select_decks(conn, [deck])
        source = storage.deck_source(conn, row.id)
    if source is None:
        raise QuizError(_("cannot edit deck {deck}: quiz does not know its file").format(deck=deck))
    path, told = Path(source).absolute(), None
    if resources.is_bundled(path):
        path = _copy(engine, deck, path, zone)
        told = _("{deck} is a bundled deck: your edits go to a copy, {path}, which is now the deck's file")
        told = told.format(deck=deck, path=path)
    elif not path.is_file():
        raise QuizError(_("cannot edit deck {deck}: its file {path} is gone").format(deck=deck, path=path))
    with engine.connect() as conn:
        cards = storage.note_cards(conn, row, key)  # the line as the copy's import left it
    return Place(path, cards[0].line if cards else None, told)


def decks_folder() -> Path:
    """Where the learner's copies of bundled decks go: in their data folder, beside the
    collection's default file (~/.local/share/quiz/decks on Linux, or under XDG_DATA_HOME)."""
    from quiz.storage.database import data_folder

    return data_folder() / "decks"


def bundled_copy(deck: str, bundled: Path) -> tuple[Path, bytes]:
    """Where the learner's copy of a bundled deck file goes, and its text. It starts with a
    comment saying what it is, so that it is never the bundled file's bytes: an import skips
    a file whose exact content it knows, and the deck would stay the bundled file's. A file
    already there is never written over (one of the same bytes, a copy left by an import that
    failed, is used again): the copy takes the next free name."""
    header = _("# Your copy of quiz's bundled deck {deck}: quiz reads this file now, and its upgrades leave it alone.")
    content = header.format(deck=deck).encode("utf-8") + b"\n" + bundled.read_bytes()
    folder = decks_folder()
    number, path = 1, folder / f"{deck}.yaml"
    while os.path.lexists(path) and not (path.is_file() and path.read_bytes() == content):  # a link is in the way
        number += 1
        path = folder / f"{deck}-{number}.yaml"
    return path, content


def _copy(engine: Engine, deck: str, bundled: Path, zone: tzinfo | None) -> Path:
    """The learner's copy of a bundled deck file (bundled_copy), written and imported."""
    path, content = bundled_copy(deck, bundled)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with files.replacing(path) as (file, _part):
            file.write(content)
    import_files(engine, [path], zone=zone, replace=True)
    return path


# -- the edit -----------------------------------------------------------------------------------


def edit(
    engine: Engine,
    path: Path,
    line: int | None,
    *,
    run: Callable[[list[str]], int],
    tell: Callable[[list[str]], None],
    again: Callable[[], bool],
    zone: tzinfo | None = None,
) -> list[SyncReport] | None:
    """Open the learner's editor on the deck file `path` at `line` (`run` runs it and waits:
    its exit status), then import the file. A file that does not import is told problem by
    problem (path:line:col: message, as `quiz import` tells them) and `again()` asks whether
    to go back to the editor (at the first problem) or give up. The import's reports, or None
    when nothing was imported (an editor that failed, the learner gave up): the collection is
    then as it was, the import being all or nothing.

    The file is imported even when the editor left it as it was: that costs one fingerprint
    (an unchanged file is not parsed), and a file changed elsewhere since comes in as the
    learner just saw it."""
    while True:
        status = run(editor_argv(config.editor(), path, line))
        if status != 0:
            message = _("the editor exited with status {status}: {path} was not imported")
            tell([message.format(status=status, path=path)])
            return None
        try:
            return import_files(engine, [path], zone=zone)
        except DeckError as error:
            tell(error.told())
            line = next((problem.line for problem in error.problems if problem.path == str(path)), line)
            if not again():
                message = _("your edits stay in {path}, not imported: quiz import {path} brings them in")
                tell([message.format(path=path)])
                return None


@dataclass(frozen=True)
class Edited:
    reports: list[SyncReport]
    card: QueueCard | None  # as imported; None: no longer in the file (retired, with its history)


def edit_card(
    engine: Engine,
    card: QueueCard,
    *,
    run: Callable[[list[str]], int],
    tell: Callable[[list[str]], None],
    again: Callable[[], bool],
    zone: tzinfo | None = None,
) -> Edited | None:
    """The review's edit of `card`: its file found (a bundled deck copied first, told in one
    line), edited and imported, the card read back. None: nothing imported, the card stays as
    it was (a bundled deck's copy, made first, stays the deck's file)."""
    place = place_of(engine, card.deck, card.key, zone)
    if place.told:
        tell([place.told])
    reports = edit(engine, place.path, place.line, run=run, tell=tell, again=again, zone=zone)
    if reports is None:
        return None
    found = card_again(engine, card, reports)
    if found is None:
        message = _('card "{id}" is no longer in {path}: it is retired, with its history (a new id is a new card)')
        tell([message.format(id=card.key, path=place.path)])
    return Edited(reports, found)


def card_again(engine: Engine, card: QueueCard, reports: list[SyncReport]) -> QueueCard | None:
    """The card as the import left it: under its deck's new name if the file renamed the deck,
    with its new text and its progress (its schedule, its id and so its review log, kept). None
    when the file no longer has it (its note removed, its id changed, a cloze gone): the import
    retired it, with its history, and it is no longer shown."""
    deck = next((report.deck for report in reports if report.renamed_from == card.deck), card.deck)
    with engine.connect() as conn:
        (row,) = storage.select_decks(conn, [deck])
        found = next((c for c in storage.note_cards(conn, row, card.key) if c.ord == card.ord), None)
    if found is None:
        return None
    progress = (found.step, found.stability, found.difficulty, found.due, found.last_review, found.reps, found.lapses)
    schedule = Schedule(State(found.state), *progress)
    return QueueCard(found.id, deck, card.key, found.ord, CardKind(found.kind), found.content, found.tags, schedule)
