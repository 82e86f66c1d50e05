"""The learner's own configuration: `config.toml` in their config folder
(`~/.config/quiz/config.toml` on Linux; QUIZ_CONFIG names another file).

    language = "zh"     # quiz's words and the cards' language (default: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
    colour = "never"    # auto (default: on a terminal without NO_COLOR), always, never
    editor = "vim"      # default: VISUAL, EDITOR, vi

The file is read once per process, and only when it exists (tomllib costs 11 ms to import).
`quiz config` writes it (`write`): one line changed, the learner's other lines kept.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.errors import QuizError
from quiz.i18n import N_, _

if TYPE_CHECKING:
    from prompt_toolkit.output import ColorDepth

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


COLOURS = ("auto", "always", "never")


def colour() -> str:
    """When quiz colours what it shows: auto (on a terminal, without NO_COLOR), always, never."""
    value = values().get("colour", "auto")
    if value not in COLOURS:
        message = said(N_("{path}: colour = {value} is not one of auto, always, never"))
        raise QuizError(message.format(path=path(), value=repr(value)))
    return value


def colour_on(terminal: bool) -> bool:
    """Whether to colour an output that is a terminal or not (`quiz stats`)."""
    choice = colour()
    if choice == "auto":
        return terminal and not os.environ.get("NO_COLOR")
    return choice == "always"


def color_depth() -> ColorDepth | None:
    """The review screen's prompt_toolkit ColorDepth: None for `auto` (the terminal's own:
    NO_COLOR, TERM), monochrome for `never` (as NO_COLOR makes it), and for `always` the
    terminal's palette at least (NO_COLOR or not)."""
    from prompt_toolkit.application.current import get_app_session
    from prompt_toolkit.output import ColorDepth

    choice = colour()
    if choice == "never":
        return ColorDepth.DEPTH_1_BIT
    if choice == "always" and get_app_session().output.get_default_color_depth() == ColorDepth.DEPTH_1_BIT:
        return ColorDepth.DEPTH_4_BIT
    return None


def editor() -> str:
    """The learner's editor: the configuration's, else VISUAL, else EDITOR, else vi."""
    value = values().get("editor")
    if value is None:
        return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    if not isinstance(value, str) or not value.strip():
        message = said(N_("{path}: editor = {value} is not a command (like vim or code --wait)"))
        raise QuizError(message.format(path=path(), value=repr(value)))
    return value


# -- writing ---------------------------------------------------------------------------------

_TABLE = re.compile(r"\s*\[")  # a [table] or [[array]]: the top-level keys are above the first


def write(key: str, value: str | None) -> Path:
    """Set `key` to the string `value` in the configuration file (None: remove it), changing
    only its line: the learner's other keys and comments stay. A file this cannot be done to
    (the key's value over several lines) is left as it is, with an error."""
    import tomllib

    from quiz.plumbing import files

    where = path()
    values.cache_clear()  # the file as it is now
    before = values()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    edited = _edited(text, key, None if value is None else f"{key} = {_string(value)}")
    expected = {name: old for name, old in before.items() if name != key}
    if value is not None:
        expected[key] = value
    try:
        right = tomllib.loads(edited) == expected
    except tomllib.TOMLDecodeError:
        right = False
    if not right:
        message = _("cannot change {key} in {path}: its value is not on one line; edit it there")
        raise QuizError(message.format(key=key, path=where))
    if os.environ.get("QUIZ_CONFIG") is None:
        where.parent.mkdir(parents=True, exist_ok=True)  # the usual folder is made on first use
    with files.replacing(where) as (file, _path):
        file.write(edited.encode("utf-8"))
    values.cache_clear()
    return where


def _edited(text: str, key: str, line: str | None) -> str:
    """The TOML text with the top-level `key`'s line replaced by `line` (None: removed), or
    `line` added after the last top-level key."""
    lines = text.splitlines()
    tables = next((at for at, text_line in enumerate(lines) if _TABLE.match(text_line)), len(lines))
    ours = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    found = next((at for at in range(tables) if ours.match(lines[at])), None)
    if found is not None:
        lines[found : found + 1] = [] if line is None else [line]
    elif line is not None:
        keys = [at for at in range(tables) if lines[at].strip() and not lines[at].lstrip().startswith("#")]
        at = keys[-1] + 1 if keys else 0 if tables < len(lines) else len(lines)
        lines.insert(at, line)
    return "".join(f"{text_line}\n" for text_line in lines)


def _string(value: str) -> str:
    """A TOML basic string: quotes and backslashes escaped, control characters as \\uXXXX."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda found: f"\\u{ord(found[0]):04x}", escaped) + '"'
