"""Opening the learner's collection: schema upgrade when needed, bundled decks in sync."""

from __future__ import annotations

import hashlib

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from quiz import __version__, storage
from quiz.errors import QuizError
from quiz.plumbing import resources
from quiz.storage import schema

BUNDLED_KEY = "bundled_decks_sha256"


def open_collection(location: str, with_bundled: bool = True) -> Engine:
    """The database at `location`, at the current schema, with the bundled decks imported."""
    engine = schema.create(schema.database_url(location))
    try:
        revision = schema.schema_revision(engine)
        if revision is None and schema.create_schema(engine):
            pass  # a new collection, created at the current revision
        elif revision is not None and revision > schema.HEAD_REVISION:  # revisions are zero-padded numbers
            raise QuizError(
                f"{location} was written by a newer quiz (schema {revision}; this one knows up to "
                f"{schema.HEAD_REVISION}): upgrade quiz to use it"
            )
        elif revision != schema.HEAD_REVISION:
            from quiz import (
                migrate,  # Alembic is slow to import: only when there is work
            )

            migrate.upgrade(engine)
        if with_bundled:
            sync_bundled_decks(engine)
    except DatabaseError as error:
        raise QuizError(f"cannot use the database {location}: {error.orig}") from None
    return engine


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

    specs = load_decks(paths)
    with storage.writing(engine) as conn:
        for spec in specs:
            storage.sync_deck(conn, spec)
        storage.set_setting(conn, BUNDLED_KEY, version)
    return True
