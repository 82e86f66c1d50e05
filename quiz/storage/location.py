"""Where the collection is, as the learner gives it (a file path or an SQLAlchemy URL):
parsed, shown without its password, and its SQLite file if it has one."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from quiz.errors import QuizError
from quiz.i18n import _


def parsed_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as error:
        raise QuizError(_("not a database URL: {url} ({reason})").format(url=shown(url), reason=error)) from None


def shown(location: str) -> str:
    """The location as it may be printed: a URL's password hidden."""
    if "://" not in location:
        return location
    try:
        return make_url(location).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", location)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for a server, or an in-memory database)."""
    parsed = parsed_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def file_of(location: str) -> Path | None:
    """The SQLite file of a location (a path, or an sqlite:// URL); None for a server."""
    return sqlite_file(location) if "://" in location else Path(location).expanduser()
