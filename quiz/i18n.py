"""The learner's language, and quiz's words in it (gettext).

The words are written in English in the code, each in `_()` (or `ngettext`, `pgettext`);
every other language is one catalog, `quiz/locale/<code>/LC_MESSAGES/quiz.po`, compiled
to the `quiz.mo` beside it (Babel: see the README). The language is the configuration's
`language`, else the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set; a
language without a catalog gets English, its cards too (the deck's own language is
the fallback there). Stdlib only, so that any layer may speak.
"""

from __future__ import annotations

import gettext
import os

DOMAIN = "quiz"
LOCALES = os.path.join(os.path.dirname(__file__), "locale")  # os.path: pathlib costs `quiz due` 8 ms
ENGLISH = "en"  # the language the code is written in

_translations: dict[str, gettext.NullTranslations] = {}
_language: str | None = None


def catalogs() -> set[str]:
    """The languages quiz speaks: English, and each one with a compiled catalog."""
    found = {ENGLISH}
    if os.path.isdir(LOCALES):
        found |= {
            name
            for name in os.listdir(LOCALES)
            if os.path.isfile(os.path.join(LOCALES, name, "LC_MESSAGES", f"{DOMAIN}.mo"))
        }
    return found


def tag(value: str) -> str | None:
    """A locale name as a language tag (`zh_CN.UTF-8` -> `zh-CN`); None for C and POSIX."""
    name = value.split(".")[0].split("@")[0].strip()
    if not name or name in ("C", "POSIX"):
        return None
    primary, _, region = name.partition("_" if "_" in name else "-")
    return f"{primary.lower()}-{region}" if region else primary.lower()


def environment_language() -> str | None:
    """LANGUAGE (a list: its first language quiz speaks), else LC_ALL, LC_MESSAGES, LANG:
    the first of them that is set decides, as gettext does. None when none is set."""
    spoken = catalogs()
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if not value:
            continue
        tags = [tag(part) for part in value.split(":")] if name == "LANGUAGE" else [tag(value)]
        if name == "LANGUAGE" and not any(tags):  # LANGUAGE=C: the locale decides
            continue
        for found in tags:
            if found is None or found.split("-")[0] in spoken:
                return found or ENGLISH
        return ENGLISH
    return None


def language() -> str:
    """The learner's language as a tag for the cards (`en`, `zh`, `zh-TW`): the
    configuration's, else the environment's, else English; one quiz does not speak is English."""
    global _language
    if _language is None:
        from quiz import config
        from quiz.errors import QuizError

        try:
            configured = config.language()
        except QuizError:  # a broken file: said by what reads it next (quiz config), not at import
            configured = None
        chosen = configured or environment_language() or ENGLISH
        _language = chosen if chosen.split("-")[0] in catalogs() else ENGLISH
    return _language


def use(lang: str | None = None) -> None:
    """Speak `lang` from now on (None: the learner's language, looked up again)."""
    global _language
    _language = None if lang is None else lang if lang.split("-")[0] in catalogs() else ENGLISH


def translation(lang: str | None = None) -> gettext.NullTranslations:
    """The catalog of `lang` (default: the learner's language), English where it has none."""
    code = lang or language()
    if code not in _translations:
        languages = [code.replace("-", "_"), code.split("-")[0]]
        _translations[code] = gettext.translation(DOMAIN, LOCALES, languages=languages, fallback=True)
    return _translations[code]


def _(message: str) -> str:
    return translation().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translation().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translation().pgettext(context, message)


def N_(message: str) -> str:
    """Marks a word for the catalogs where it is written; `_()` translates it where shown."""
    return message
