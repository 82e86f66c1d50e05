"""A database error that reached the command line, told in one line: what happened to the
collection and what to do, never the driver's traceback, never a password."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import DBAPIError

from quiz.i18n import N_, _
from quiz.storage import sqlitefile

# (words in SQLite's or the server's message, what quiz says), the first match wins.
KNOWN = (
    (("locked", "busy"), N_("the collection is locked by another quiz process; try again in a moment")),
    (
        ("disk is full", "no space left"),
        N_("the disk is full: nothing more was saved; free some space and run it again"),
    ),
    (("readonly", "read-only"), N_("the collection is read-only: nothing was saved")),
    (("disk i/o error",), N_("the disk failed to read or write the collection: nothing more was saved")),
    (
        ("unable to open database", "could not connect", "connection refused", "connection to server"),
        N_("cannot open the collection"),
    ),
)


def describe(error: DBAPIError, path: Path | None, shown: str) -> str:
    """The line for `error`, met on the collection at `shown` (an SQLite file at `path`).
    A damaged SQLite file is remembered, so that every later write checks it first."""
    detail = str(error.orig).splitlines()[0] if error.orig is not None else type(error).__name__
    lowered = detail.lower()
    if path is not None and sqlitefile.is_damage(detail):
        return str(sqlitefile.damaged(path, [detail]))
    for words, message in KNOWN:
        if any(word in lowered for word in words):
            said = _(message)  # one of KNOWN's, each marked N_ for the catalogs
            return _("{collection}: {problem} ({detail})").format(
                collection=shown, problem=said, detail=_without_secrets(detail, shown)
            )
    return _("{collection}: database error: {detail}").format(collection=shown, detail=_without_secrets(detail, shown))


def _without_secrets(detail: str, shown: str) -> str:
    """A server's message may quote the connection string; only the shown form is printed."""
    return detail if "password" not in detail.lower() else _("the server refused the connection")
