"""`quiz config`: the learner's settings, where each one comes from, and changing them.

Two places hold them. The learner's own (language, colour, editor) are in config.toml
(quiz.config), one per person and machine; what every machine sharing one collection
must agree on (when the day starts, the decks' default limits and retention) is in the
collection's settings table, written in one transaction. A value is checked before
anything is written: a wrong one changes nothing.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import click

from quiz import config
from quiz.cli.env import ROLLOVER_HOUR, Env, command
from quiz.errors import QuizError
from quiz.i18n import _, pgettext

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from quiz.shapes import SettingJson

CONFIG, COLLECTION, ENVIRONMENT, DEFAULT = "config", "collection", "environment", "default"

Value = str | int | float
# The defaults of the collection's own settings (the others are the decks' defaults, DeckSettings')
COLLECTION_DEFAULTS: dict[str, Value] = {"rollover_hour": ROLLOVER_HOUR, "load_balancer": "on"}


@dataclass(frozen=True)
class Setting:
    key: str
    stored: str  # CONFIG or COLLECTION: where `quiz config KEY VALUE` writes it
    parse: Callable[[str], Value | None]  # the value as stored, or None when it is not allowed
    allowed: Callable[[], str]  # the values it may take, in the learner's words


class Found(NamedTuple):
    """A setting's value and where it comes from (`where`: the file, the collection's
    location or the environment variable; None for a default)."""

    value: Value
    source: str
    where: str | None


def _tag(text: str) -> str | None:
    return text if config.LANGUAGE_TAG.match(text) else None


def _colour(text: str) -> str | None:
    return text if text in config.COLOURS else None


def _switch(text: str) -> str | None:
    return text if text in ("on", "off") else None


def _command(text: str) -> str | None:
    return text if text.strip() and text.isprintable() else None


def _whole(low: int, high: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        return int(text) if re.fullmatch(r"[0-9]{1,6}", text.strip()) and low <= int(text) <= high else None

    return parse


def _number(low: float, high: float) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) and low <= value <= high else None

    return parse


def _whole_from(low: int, high: int) -> Callable[[], str]:
    return lambda: _("a whole number from {low} to {high}").format(low=low, high=high)


def _number_from(low: float, high: float) -> Callable[[], str]:
    return lambda: _("a number from {low} to {high}").format(low=low, high=high)


def settings() -> dict[str, Setting]:
    """Every setting, by key, in the order `quiz config` lists them."""
    from quiz.model import SETTING_LIMITS

    new, reviews = (tuple(map(int, SETTING_LIMITS[key])) for key in ("new_per_day", "reviews_per_day"))
    retention = SETTING_LIMITS["desired_retention"]
    listed = [
        Setting("language", CONFIG, _tag, lambda: _("a language tag, like en or zh")),
        Setting("colour", CONFIG, _colour, lambda: _("one of {values}").format(values=", ".join(config.COLOURS))),
        Setting("editor", CONFIG, _command, lambda: _("a command, like vim or code --wait")),
        Setting("rollover_hour", COLLECTION, _whole(0, 23), _whole_from(0, 23)),
        Setting("new_per_day", COLLECTION, _whole(*new), _whole_from(*new)),
        Setting("reviews_per_day", COLLECTION, _whole(*reviews), _whole_from(*reviews)),
        Setting("desired_retention", COLLECTION, _number(*retention), _number_from(*retention)),
        Setting("load_balancer", COLLECTION, _switch, lambda: _("on or off")),
    ]
    return {setting.key: setting for setting in listed}


def setting(key: str) -> Setting:
    known = settings()
    if key not in known:
        raise QuizError(_("unknown setting {key} (settings: {keys})").format(key=key, keys=", ".join(known)))
    return known[key]


# -- where each value comes from ------------------------------------------------------------


def _language_variable() -> str | None:
    """The variable of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that decides, as quiz.i18n reads them."""
    from quiz import i18n

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and (name != "LANGUAGE" or any(i18n.tag(part) for part in value.split(":"))):
            return name
    return None


def _learners(key: str) -> Found:
    from quiz import i18n

    where = str(config.path())
    written = key in config.values()
    if key == "language":
        variable = _language_variable()
        if written:
            return Found(config.language() or i18n.ENGLISH, CONFIG, where)
        if variable is not None:
            return Found(i18n.environment_language() or i18n.ENGLISH, ENVIRONMENT, variable)
        return Found(i18n.ENGLISH, DEFAULT, None)
    if key == "colour":
        if written:
            return Found(config.colour(), CONFIG, where)
        if os.environ.get("NO_COLOR"):
            return Found("never", ENVIRONMENT, "NO_COLOR")
        return Found("auto", DEFAULT, None)
    if written:
        return Found(config.editor(), CONFIG, where)
    variable = next((name for name in ("VISUAL", "EDITOR") if os.environ.get(name)), None)
    if variable is not None:
        return Found(os.environ[variable], ENVIRONMENT, variable)
    return Found("vi", DEFAULT, None)


def _collections(conn: Connection, env: Env, setting: Setting) -> Found:
    """The collection's value, or quiz's own default (a stored value beyond the limits, written
    by hand, is not used: quiz.storage.deck_defaults skips it too)."""
    from quiz import storage
    from quiz.model import DeckSettings
    from quiz.storage import location

    stored = storage.get_setting(conn, setting.key)
    value = setting.parse(stored) if stored is not None else None
    if value is not None:
        return Found(value, COLLECTION, location.shown(env.where))
    own = COLLECTION_DEFAULTS.get(setting.key)
    default = own if own is not None else getattr(DeckSettings(), setting.key)
    return Found(default, DEFAULT, None)


def found(env: Env, keys: list[str]) -> dict[str, Found]:
    """Each key's value and where it comes from (the collection is opened only for its own)."""
    known = settings()
    values = {key: _learners(key) for key in keys if known[key].stored == CONFIG}
    theirs = [key for key in keys if known[key].stored == COLLECTION]
    if theirs:
        with env.engine.connect() as conn:
            values.update((key, _collections(conn, env, known[key])) for key in theirs)
    return {key: values[key] for key in keys}


def source_text(found: Found) -> str:
    """Where a value comes from, said for the learner (the config file by its path)."""
    if found.source == CONFIG:
        return str(found.where)
    if found.source == COLLECTION:
        return pgettext("setting from", "collection")
    if found.source == ENVIRONMENT:
        return _("environment: {variable}").format(variable=found.where)
    return pgettext("setting from", "default")


def shape(key: str, found: Found) -> SettingJson:
    return {"key": key, "value": found.value, "source": found.source, "where": found.where}


# -- the command ----------------------------------------------------------------------------


@command(
    "config",
    help=_("""Show and change your settings, and where each one comes from.

    KEY alone prints its value; KEY VALUE sets it (a wrong value changes
    nothing); --unset KEY returns it to its default. language, colour
    (auto, always, never) and editor are yours, in your config.toml;
    rollover_hour (when the day starts), new_per_day, reviews_per_day,
    desired_retention and load_balancer are the collection's, the same on
    every machine that shares it; new_per_day, reviews_per_day and
    desired_retention are the defaults of decks that do not set them, and
    load_balancer (on, off) spreads the reviews evenly over the days, as Anki's.

    \b
    Examples:
      quiz config                  every setting, its value and where from
      quiz config new_per_day 10   10 new cards a day in decks without their own
      quiz config colour never
      quiz config --unset new_per_day
      quiz config --json
    """),
    context_settings={"ignore_unknown_options": True},  # a value of -1 is a value, said wrong as such
)
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help=_("Return KEY to its default."))
@click.option(
    "--json", "as_json", is_flag=True, help=_("Print a JSON array, one object per setting (one object for KEY).")
)
@click.pass_obj
def config_command(env: Env, key: str | None, value: str | None, unset: bool = False, as_json: bool = False) -> None:
    if key is not None and key.startswith("-"):  # an option mistyped (a VALUE may be -1)
        raise click.NoSuchOption(key)
    if unset and (key is None or value is not None):
        raise click.UsageError(_("--unset takes one KEY and no VALUE"))
    if as_json and (value is not None or unset):
        raise click.UsageError(_("--json shows settings: without VALUE or --unset"))
    if key is None:
        show_all(env, as_json)
    elif unset:
        change(env, setting(key), None)
    elif value is None:
        show_one(env, setting(key).key, as_json)
    else:
        change(env, setting(key), value)


def show_all(env: Env, as_json: bool) -> None:
    import json

    from quiz.cli.table import format_table
    from quiz.plumbing.textwidth import visible

    every = found(env, list(settings()))
    if as_json:
        click.echo(visible(json.dumps([shape(k, f) for k, f in every.items()], ensure_ascii=False, indent=2)))
        return
    rows = [{"key": k, "value": str(f.value), "source": source_text(f)} for k, f in every.items()]
    headers = (pgettext("column", "setting"), pgettext("column", "value"), pgettext("column", "source"))
    click.echo(format_table(rows, ("key", "value", "source"), headers, shrink="value"))


def show_one(env: Env, key: str, as_json: bool) -> None:
    import json

    from quiz.plumbing.textwidth import visible

    one = found(env, [key])[key]
    click.echo(visible(json.dumps(shape(key, one), ensure_ascii=False, indent=2) if as_json else str(one.value)))


def change(env: Env, chosen: Setting, text: str | None) -> None:
    """Set (`text`) or unset (None) one setting, where it is stored; then say what it is now."""
    from quiz import i18n, storage

    parsed = None if text is None else chosen.parse(text)
    if text is not None and parsed is None:
        message = _("{key} must be {allowed} (not {value})")
        raise QuizError(message.format(key=chosen.key, allowed=chosen.allowed(), value=repr(text)))
    if chosen.stored == CONFIG:
        if parsed is not None or chosen.key in config.values():
            config.write(chosen.key, None if parsed is None else str(parsed))
        i18n.use(None)  # the language may have changed: the next words are in the new one
    else:
        env.changed_queue = True  # the day's limits and rollover are the queue's
        with storage.writing(env.engine) as conn:
            if parsed is None:
                storage.unset_setting(conn, chosen.key)
            else:
                storage.set_setting(conn, chosen.key, str(parsed))
    now = found(env, [chosen.key])[chosen.key]
    if parsed is None:
        message = _("{key} unset: now {value} ({source})")
        click.echo(message.format(key=chosen.key, value=now.value, source=source_text(now)))
    elif chosen.stored == CONFIG:
        click.echo(_("{key} = {value} (written to {path})").format(key=chosen.key, value=now.value, path=now.where))
    else:
        click.echo(_("{key} = {value} (in the collection)").format(key=chosen.key, value=now.value))
