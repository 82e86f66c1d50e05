"""quiz in the learner's language: every word in the catalogs, the catalogs compiled, and
the language chosen from the configuration and the environment as gettext would."""

from __future__ import annotations

import ast
import gettext
import inspect
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from quiz import config, i18n
from quiz.errors import QuizError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quiz"
LANGUAGES = sorted(path.name for path in (PACKAGE / "locale").iterdir() if path.is_dir())
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def extracted() -> dict[tuple[str, str | None], str]:
    """Every message in the code, as Babel extracts it: (msgid, context) -> where."""
    found = {}
    for filename, line, message, _comments, context in extract_from_dir(
        PACKAGE, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found[(msgid, context)] = f"quiz/{filename}:{line}"
    return found


def catalog(lang: str):
    with open(PACKAGE / "locale" / lang / "LC_MESSAGES" / "quiz.po", "rb") as file:
        return read_po(file, locale=lang)


def fields(text: str) -> list[str | None]:
    return sorted(name or "" for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_there_is_a_chinese_catalog():
    assert "zh" in LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_of_the_code_is_translated(lang):
    messages = {(m.id[0] if isinstance(m.id, tuple) else m.id, m.context): m for m in catalog(lang) if m.id}
    missing = [where + ": " + repr(key[0]) for key, where in extracted().items() if key not in messages]
    untranslated = [
        repr(key[0])
        for key in extracted()
        if key in messages
        and (
            messages[key].fuzzy
            or not all(messages[key].string if isinstance(messages[key].string, tuple) else [messages[key].string])
        )
    ]
    assert not missing, f"not in quiz/locale/{lang}: run the catalog update in the README\n" + "\n".join(missing)
    assert not untranslated, f"untranslated in quiz/locale/{lang}:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_translation_keeps_the_placeholders(lang):
    wrong = []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            try:
                if fields(translated) != fields(ids[0]):
                    wrong.append(f"{ids[0]!r} -> {translated!r}")
            except ValueError as error:
                wrong.append(f"{translated!r}: {error}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_is_the_catalog(lang):
    with open(PACKAGE / "locale" / lang / "LC_MESSAGES" / "quiz.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for message in catalog(lang):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            shown, meant = compiled.ngettext(message.id[0], message.id[1], 1), message.string[0]
        elif message.context:
            shown, meant = compiled.pgettext(message.context, message.id), message.string
        else:
            shown, meant = compiled.gettext(message.id), message.string
        if shown != meant:
            stale.append(repr(message.id))
    assert not stale, "quiz.mo is older than quiz.po (pybabel compile, see the README):\n" + "\n".join(stale)


# -- no word shown to the learner is left out of the catalogs ------------------------------

SHOWING = {"echo", "secho", "QuizError", "ClickException", "UsageError", "BadParameter", "fail"}


def _shown_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal words given straight to what shows them (click.echo, QuizError, help=...)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        arguments = list(node.args[:1]) if name in SHOWING else []
        arguments += [k.value for k in node.keywords if k.arg in ("help", "prompt")]
        for argument in arguments:
            parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
            for part in parts:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    words = [w for w in part.value.split() if sum(c.isalpha() for c in w) >= 3]
                    if words:
                        found.append((node.lineno, part.value))
    return found


def test_no_word_reaches_the_learner_without_the_catalogs():
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bare += [f"{path.relative_to(ROOT)}:{line}: {text!r}" for line, text in _shown_literals(tree)]
    assert not bare, "wrap these in _() (quiz.i18n):\n" + "\n".join(bare)


# -- which language --------------------------------------------------------------------------


@pytest.fixture
def environment(monkeypatch, tmp_path):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path / "config.toml"))
    config.values.cache_clear()
    i18n.use(None)
    yield monkeypatch
    config.values.cache_clear()
    i18n.use(None)


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-TW"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no catalog: English, cards too
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "en-US"),
        ({"LANGUAGE": "zh_CN:en", "LC_ALL": "en_US.UTF-8"}, "zh-CN"),
        ({"LANGUAGE": "fr:zh", "LANG": "en_US.UTF-8"}, "zh"),  # its first language quiz speaks
        ({"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "zh_CN.UTF-8"}, "zh-CN"),
    ],
)
def test_the_language_comes_from_the_environment_in_gettexts_order(environment, variables, expected):
    for name, value in variables.items():
        environment.setenv(name, value)
    assert i18n.language() == expected


def test_the_configuration_chooses_the_language(environment, tmp_path):
    environment.setenv("LANG", "en_US.UTF-8")
    (tmp_path / "config.toml").write_text('language = "zh"\n')
    assert i18n.language() == "zh"
    assert i18n._("Good") != "Good"


def test_a_broken_configuration_is_one_line_with_its_place(environment, tmp_path):
    (tmp_path / "config.toml").write_text('language = "zh"\nlanguage = \n')
    with pytest.raises(QuizError) as raised:
        config.language()
    assert str(raised.value).startswith(f"{tmp_path / 'config.toml'}:2:")
    environment.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh-CN"  # the words still come: the environment's language
    shown = run_quiz({"QUIZ_CONFIG": str(tmp_path / "config.toml")}, "config", tmp_path=tmp_path)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert shown.stderr.startswith(f"Error: {tmp_path / 'config.toml'}:2:"), shown.stderr


def run_quiz(env_updates: dict, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TZ": "UTC",
        **env_updates,
    }
    return subprocess.run([sys.executable, "-m", "quiz", *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_french_learner_gets_english_cards_and_words(tmp_path):
    shown = run_quiz({"LANG": "fr_FR.UTF-8"}, "decks", tmp_path=tmp_path)
    chinese = run_quiz({"LANG": "zh_CN.UTF-8"}, "decks", tmp_path=tmp_path)
    assert shown.returncode == 0 and chinese.returncode == 0, shown.stderr + chinese.stderr
    assert not any("\u4e00" <= c <= "\u9fff" for c in shown.stdout), shown.stdout
    assert any("\u4e00" <= c <= "\u9fff" for c in chinese.stdout), chinese.stdout


@pytest.mark.parametrize("command", [["import", "anki"], ["import", "csv"]])
def test_a_folder_given_for_a_file_is_said_in_the_learners_language(command, tmp_path):
    """The C library's words for an OSError are English whatever the locale: the common
    cases are quiz's own words, in the learner's language, one line and no traceback."""
    folder = tmp_path / "notes"
    folder.mkdir()
    shown = run_quiz({"LANG": "zh_CN.UTF-8"}, *command, str(folder), tmp_path=tmp_path)
    english = run_quiz({"LANG": "C.UTF-8"}, *command, str(folder), tmp_path=tmp_path)
    assert shown.returncode == 1 and english.returncode == 1, shown.stderr + english.stderr
    assert "它是一个文件夹" in shown.stderr + shown.stdout, shown.stderr + shown.stdout
    assert "it is a folder" in english.stderr + english.stdout, english.stderr + english.stdout
    for done in (shown, english):
        assert "Traceback" not in done.stderr and "directory" not in done.stderr + done.stdout


def test_every_help_text_is_in_the_catalogs():
    """`--help` of every command: its text and its options' (click reads no catalog itself)."""
    import click

    from quiz.cli import cli

    written = {m.id for m in catalog("zh") if isinstance(m.id, str)}
    msgids = written | {inspect.cleandoc(m) for m in written}  # as written, or as click cleans a docstring
    missing = []

    def walk(command: click.Command, name: str) -> None:
        texts = [command.help] + [p.help for p in command.params if isinstance(p, click.Option)]
        missing.extend(f"{name}: {text[:60]!r}" for text in texts if text and text not in msgids)
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{name} {sub_name}")

    walk(cli, "quiz")
    assert not missing, "help texts without a translation:\n" + "\n".join(missing)
