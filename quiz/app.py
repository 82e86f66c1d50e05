"""Opening the learner's collection: schema upgrade when needed, bundled decks in sync."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from quiz import __version__, storage
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.plumbing import resources
from quiz.storage import database, failures, schema, sqlitefile
from quiz.storage import location as locations  # `location` is the argument's name

BUNDLED_KEY = "bundled_decks_sha256"


def open_collection(
    location: str, with_bundled: bool = True, *, create_folder: bool = False, repair: bool = False
) -> Engine:
    """The database at `location`, at the current schema, with the bundled decks imported.

    Before anything is written, an SQLite file is looked at with the standard library:
    another program's database is refused untouched, a damaged or read-only collection
    is refused in one line. `repair`: only those looks that do not refuse a damaged
    collection, no upgrade and no import (for `quiz check` and `quiz restore`)."""
    shown = locations.shown(location)
    url = database.database_url(location, create_folder)
    path = locations.sqlite_file(url)
    if path is not None:
        _check_file(path, shown, repair)
    engine = database.create(url)
    if repair:
        return engine
    try:
        revision = schema.schema_revision(engine)
        if revision is None and not schema.create_schema(engine):  # tables, but no revision
            revision = schema.schema_revision(engine)  # another process created it just now, or not ours
            if revision is None:
                if path is not None and (problems := sqlitefile.integrity_problems(path)):
                    raise sqlitefile.damaged(path, problems)  # the revision's page is among the damaged ones
                message = _("{collection} is not a quiz collection (it has tables but no schema revision)")
                raise QuizError(message.format(collection=shown))
        if revision is not None and revision != schema.HEAD_REVISION:
            _upgrade(engine, shown, revision)
        if with_bundled:
            sync_bundled_decks(engine)
    except DBAPIError as error:
        engine.dispose()
        raise QuizError(failures.describe(error, path, shown)) from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def _check_file(path: Path, shown: str, repair: bool) -> None:
    problem = None if repair else sqlitefile.writable_problem(path)
    if problem:
        message = _("cannot use {collection}: {problem} (quiz saves each answer as it is given)")
        raise QuizError(message.format(collection=shown, problem=problem))
    state = sqlitefile.state_of(path)
    if state.kind == "other":
        message = _("{collection} is not a quiz collection: {reason}; nothing was written to it")
        raise QuizError(message.format(collection=shown, reason=state.detail))
    if repair:
        return
    if state.kind == "damaged":
        raise sqlitefile.damaged(path, [state.detail])
    sqlitefile.check_before_writing(path)


def _upgrade(engine: Engine, shown: str, revision: str) -> None:
    if not (revision.isdigit() and len(revision) == len(schema.HEAD_REVISION)):
        message = _("{collection} has an unknown schema revision {revision}: not a collection this quiz wrote")
        raise QuizError(message.format(collection=shown, revision=repr(revision)))
    if revision > schema.HEAD_REVISION:  # revisions are zero-padded numbers
        message = _(
            "{collection} was written by a newer quiz (schema {revision}; this one knows up to {known}): "
            "upgrade quiz to use it"
        )
        raise QuizError(message.format(collection=shown, revision=revision, known=schema.HEAD_REVISION))
    from quiz import migrate  # Alembic is slow to import: only when there is work

    migrate.upgrade(engine)


def sync_bundled_decks(engine: Engine) -> bool:
    """Import the decks that ship with quiz when they changed since the last sync."""
    paths = resources.bundled_decks()
    digest = hashlib.sha256(__version__.encode())  # a new quiz may read the same files differently
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    version = digest.hexdigest()
    with engine.connect() as conn:
        if storage.get_setting(conn, BUNDLED_KEY) == version:
            return False
    from quiz.decks import load_decks

    specs = load_decks(path.resolve() for path in paths)
    with storage.writing(engine) as conn:
        removed, sources = storage.removed_bundled(conn), storage.deck_sources(conn)
        for spec in specs:
            deck = sources.get(spec.name)
            theirs = deck is not None and deck.source and deck.source != spec.path and Path(deck.source).exists()
            if spec.name in removed or theirs:
                continue  # removed by the learner (quiz remove), or theirs now (quiz import --replace)
            storage.sync_deck(conn, spec)
        storage.set_setting(conn, BUNDLED_KEY, version)
    return True
