"""The learner's own configuration: `config.toml` in their config folder
(`~/.config/quiz/config.toml` on Linux; QUIZ_CONFIG names another file).

    language = "zh"     # quiz's words and the cards' language (default: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)

The file is read once per process, and only when it exists (tomllib costs 11 ms to import).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import Any

from quiz.errors import QuizError
from quiz.i18n import N_

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*\Z")


def path() -> Path:
    if os.environ.get("QUIZ_CONFIG"):
        return Path(os.environ["QUIZ_CONFIG"])
    if sys.platform.startswith("linux"):  # what platformdirs says there, without its 14-23 ms import
        return Path(os.environ.get("XDG_CONFIG_HOME", "").strip() or Path.home() / ".config") / "quiz" / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir("quiz", appauthor=False)) / "config.toml"


@functools.cache
def values() -> dict[str, Any]:
    """The configuration's values ({} without a file); a broken file is one error naming its line."""
    where = path()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise QuizError(said(N_("cannot read {path}: {reason}")).format(path=where, reason=reason)) from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        line, column = found.groups() if found else ("1", "1")
        raise QuizError(f"{where}:{line}:{column}: {message}") from None


def said(message: str) -> str:
    """A message of the configuration's own errors in the environment's language: the
    configured one is what could not be read (and _() would read it again)."""
    from quiz import i18n

    return i18n.translation(i18n.environment_language() or i18n.ENGLISH).gettext(message)


def language() -> str | None:
    """The configured language as a tag (`zh`, `pt-BR`), or None."""
    value = values().get("language")
    if value is None:
        return None
    if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
        message = said(N_('{path}: language = {value} is not a language code (like "en" or "zh")'))
        raise QuizError(message.format(path=path(), value=repr(value)))
    primary, _, region = value.replace("_", "-").partition("-")
    return f"{primary.lower()}-{region}" if region else primary.lower()
