"""`quiz config`: every setting shown with where it comes from, set (checked first), unset;
config.toml edited line by line; the collection's settings on SQLite and PostgreSQL; the
defaults reaching the decks, the day and the colours; the command in Chinese."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
from click.testing import CliRunner
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import ColorDepth

from quiz import app, config, review, storage
from quiz.cli.env import Env
from quiz.cli.main import cli
from quiz.decks import load_deck
from quiz.model import SETTING_LIMITS
from quiz.storage import location as locations
from tests.conftest import MINI_DECK, has_chinese
from tests.test_review import CTRL_D, ENTER, MORNING, UTC, Clock
from tests.test_terminal_text import Terminal

KEYS = [
    *("language", "colour", "editor", "rollover_hour", "new_per_day", "reviews_per_day", "desired_retention"),
    "load_balancer",
]
DEFAULTS = {
    **{"colour": "auto", "editor": "vi", "rollover_hour": 4, "new_per_day": 20, "reviews_per_day": 200},
    "load_balancer": "on",
}


@pytest.fixture
def quiz(db_path):
    """`quiz(*args)`: the command line on an SQLite collection; the config file read afresh."""
    runner = CliRunner()

    def invoke(*args: str, db: str | None = None):
        config.values.cache_clear()
        return runner.invoke(cli, ["--db", db or str(db_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def config_file(tmp_path):
    return tmp_path / "config" / "quiz" / "config.toml"


@pytest.fixture(autouse=True)
def no_editor_or_colour_variables(monkeypatch):
    for name in ("VISUAL", "EDITOR", "NO_COLOR", "PROMPT_TOOLKIT_COLOR_DEPTH"):
        monkeypatch.delenv(name, raising=False)


def listed(quiz, db: str | None = None) -> dict[str, dict]:
    result = quiz("config", "--json", db=db)
    assert result.exit_code == 0, result.output
    return {row["key"]: row for row in json.loads(result.output)}


# -- listing -------------------------------------------------------------------------------------


def test_every_setting_is_listed_with_its_default_and_where_it_comes_from(quiz):
    rows = listed(quiz)
    assert list(rows) == KEYS
    for key, value in DEFAULTS.items():
        assert rows[key] == {"key": key, "value": value, "source": "default", "where": None}
    assert rows["desired_retention"]["value"] == pytest.approx(0.9)
    assert rows["language"] == {"key": "language", "value": "en", "source": "environment", "where": "LANG"}


def test_the_table_has_a_line_per_setting(quiz, config_file):
    assert quiz("config", "colour", "never").exit_code == 0
    assert quiz("config", "new_per_day", "7").exit_code == 0
    result = quiz("config")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["setting", "value", "source"]
    assert [line.split()[0] for line in lines[1:]] == KEYS
    cells = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert cells["colour"] == ["never", str(config_file)]
    assert cells["new_per_day"] == ["7", "collection"]
    assert cells["editor"] == ["vi", "default"]
    assert cells["language"] == ["en", "environment:", "LANG"]


def test_one_key_prints_its_value_alone(quiz):
    assert quiz("config", "reviews_per_day").output == "200\n"
    shown = json.loads(quiz("config", "reviews_per_day", "--json").output)
    assert shown == {"key": "reviews_per_day", "value": 200, "source": "default", "where": None}


def test_the_environment_is_a_source(quiz, monkeypatch):
    monkeypatch.setenv("EDITOR", "nano")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    rows = listed(quiz)
    assert rows["editor"] == {"key": "editor", "value": "nano", "source": "environment", "where": "EDITOR"}
    assert rows["colour"] == {"key": "colour", "value": "never", "source": "environment", "where": "NO_COLOR"}
    assert rows["language"] == {"key": "language", "value": "zh-CN", "source": "environment", "where": "LC_ALL"}
    monkeypatch.setenv("VISUAL", "code --wait")  # VISUAL before EDITOR
    assert listed(quiz)["editor"]["where"] == "VISUAL"


def test_unknown_keys_and_wrong_combinations(quiz):
    result = quiz("config", "colours")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: unknown setting colours (settings: " + ", ".join(KEYS) + ")"
    assert quiz("config", "--unset").exit_code == 2
    assert quiz("config", "--unset", "colour", "never").exit_code == 2
    assert quiz("config", "colour", "never", "--json").exit_code == 2
    assert quiz("config", "--jsn").exit_code == 2  # a mistyped option, not a key


# -- the learner's config.toml ---------------------------------------------------------------------

LEARNERS = [
    # key, a value, what quiz config KEY shows then, a wrong value, the allowed values as said
    ("language", "zh_CN", "zh-CN", "english!", "a language tag, like en or zh"),
    ("colour", "never", "never", "sometimes", "one of auto, always, never"),
    ("editor", "code --wait", "code --wait", " ", "a command, like vim or code --wait"),
]


@pytest.mark.parametrize(("key", "value", "shown", "wrong", "allowed"), LEARNERS)
def test_a_learners_setting_is_set_checked_and_unset_in_the_config_file(
    quiz, config_file, key, value, shown, wrong, allowed
):
    before = listed(quiz)[key]
    result = quiz("config", key, wrong)
    assert result.exit_code == 1
    assert result.output == f"Error: {key} must be {allowed} (not {wrong!r})\n"
    assert not config_file.exists()  # nothing written

    assert quiz("config", key, value).exit_code == 0
    assert tomllib.loads(config_file.read_text()) == {key: value}
    assert quiz("config", key).output == shown + "\n"
    assert listed(quiz)[key] == {"key": key, "value": shown, "source": "config", "where": str(config_file)}

    written = config_file.read_bytes()
    assert quiz("config", key, wrong).exit_code == 1
    assert config_file.read_bytes() == written  # a wrong value changes nothing

    result = quiz("config", "--unset", key)
    assert result.exit_code == 0, result.output
    assert tomllib.loads(config_file.read_text()) == {}
    assert listed(quiz)[key] == before


def test_the_learners_other_keys_and_comments_stay(quiz, config_file):
    config_file.parent.mkdir(parents=True)
    original = '# my quiz\neditor = "vim"  # the one editor\n\n# later\n[future]\nlanguage = "fr"\n'
    config_file.write_text(original)
    assert quiz("config", "colour", "always").exit_code == 0
    text = config_file.read_text()
    assert (
        text == '# my quiz\neditor = "vim"  # the one editor\ncolour = "always"\n\n# later\n[future]\nlanguage = "fr"\n'
    )
    assert quiz("config", "colour", "never").exit_code == 0  # its own line, replaced
    assert tomllib.loads(config_file.read_text()) == {"editor": "vim", "colour": "never", "future": {"language": "fr"}}
    assert quiz("config", "language").output == "en\n"  # [future]'s language is not quiz's
    assert quiz("config", "--unset", "colour").exit_code == 0
    assert config_file.read_text() == original


def test_a_value_quiz_cannot_edit_alone_is_refused_and_left(quiz, config_file):
    config_file.parent.mkdir(parents=True)
    original = 'editor = """\nvim"""\nlanguage = "en"\n'
    config_file.write_text(original)
    result = quiz("config", "editor", "nano")
    assert result.exit_code == 1
    assert f"cannot change editor in {config_file}" in result.output
    assert config_file.read_text() == original


def test_values_are_written_as_toml_strings(quiz, config_file):
    assert quiz("config", "editor", 'emacsclient -a "" -t').exit_code == 0
    assert tomllib.loads(config_file.read_text()) == {"editor": 'emacsclient -a "" -t'}
    assert quiz("config", "editor").output == 'emacsclient -a "" -t\n'


def test_quiz_config_names_another_file(quiz, tmp_path, monkeypatch, config_file):
    other = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("QUIZ_CONFIG", str(other))
    result = quiz("config", "colour", "never")
    assert result.output == f"colour = never (written to {other})\n"
    assert tomllib.loads(other.read_text()) == {"colour": "never"}
    assert not config_file.exists()


def test_the_configured_language_is_quizs_language(quiz):
    assert quiz("config", "language", "zh").exit_code == 0
    assert "默认" in quiz("config").output
    assert quiz("config", "--unset", "language").exit_code == 0
    assert "default" in quiz("config").output


# -- the collection's settings, on SQLite and PostgreSQL -------------------------------------------

COLLECTIONS = [
    # key, a value, what it shows then, wrong values, the allowed values as said
    ("rollover_hour", "0", 0, ["24", "-1", "four"], "a whole number from 0 to 23"),
    ("new_per_day", "5", 5, ["10000", "-1", "1.5"], "a whole number from 0 to 9999"),
    ("reviews_per_day", "9999", 9999, ["10000", "lots"], "a whole number from 0 to 9999"),
    ("desired_retention", "0.85", 0.85, ["0.5", "1", "nan", "high"], "a number from 0.7 to 0.99"),
    ("load_balancer", "off", "off", ["no", "0", "ON"], "on or off"),
]


@pytest.mark.parametrize(("key", "value", "shown", "wrongs", "allowed"), COLLECTIONS)
def test_a_collection_setting_is_set_checked_and_unset_in_the_collection(
    quiz, location, key, value, shown, wrongs, allowed
):
    default = listed(quiz, location)[key]
    assert default["source"] == "default"
    result = quiz("config", key, value, db=location)
    assert result.exit_code == 0, result.output
    assert result.output == f"{key} = {shown} (in the collection)\n"
    assert quiz("config", key, db=location).output == f"{shown}\n"
    where = locations.shown(location)
    assert listed(quiz, location)[key] == {"key": key, "value": shown, "source": "collection", "where": where}
    for wrong in wrongs:
        result = quiz("config", key, wrong, db=location)
        assert result.exit_code == 1
        assert result.output == f"Error: {key} must be {allowed} (not {wrong!r})\n"
        assert quiz("config", key, db=location).output == f"{shown}\n"  # unchanged
    result = quiz("config", "--unset", key, db=location)
    assert result.output == f"{key} unset: now {default['value']} (default)\n"
    assert listed(quiz, location)[key] == default
    engine = app.open_collection(location, with_bundled=False)
    with engine.connect() as conn:
        assert storage.get_setting(conn, key) is None
    engine.dispose()


def test_the_limits_are_the_deck_files_limits():
    # the same bounds a deck file has (quiz.model.SETTING_LIMITS), said in the errors above
    assert SETTING_LIMITS["new_per_day"] == SETTING_LIMITS["reviews_per_day"] == (0, 9999)
    assert SETTING_LIMITS["desired_retention"] == (0.7, 0.99)


# -- the defaults apply ----------------------------------------------------------------------------

OWN = "deck: own\ntitle: Own\nsettings: {new_per_day: 3, desired_retention: 0.8}\ncards:\n" + "".join(
    f'  - {{id: c{n}, front: "q{n}?", back: "{n}"}}\n' for n in range(5)
)
PLAIN = OWN.replace("deck: own", "deck: plain").replace("settings: {new_per_day: 3, desired_retention: 0.8}\n", "")


@pytest.fixture
def two_decks(engine, write_deck):
    """A deck that sets new_per_day and desired_retention, and one that does not (5 new cards each)."""
    storage.import_decks(engine, [load_deck(write_deck(OWN, "own.yaml")), load_deck(write_deck(PLAIN, "plain.yaml"))])
    return engine


def due(quiz, location) -> dict[str, int]:
    result = quiz("decks", "own", "plain", "--json", db=location)
    assert result.exit_code == 0, result.output
    return {row["deck"]: row["due"] for row in json.loads(result.output)}


def test_a_deck_without_its_own_limit_gets_the_configured_default(quiz, location, two_decks):
    assert due(quiz, location) == {"own": 3, "plain": 5}  # quiz's default: 20
    assert quiz("config", "new_per_day", "2", db=location).exit_code == 0
    assert due(quiz, location) == {"own": 3, "plain": 2}
    with two_decks.connect() as conn:
        decks = {deck.name: deck for deck in storage.select_decks(conn, ["own", "plain"])}
        queue = storage.load_queue(conn, list(decks.values()), Env(location).day())
    assert sorted(card.deck for card in queue.new) == ["own"] * 3 + ["plain"] * 2
    assert quiz("config", "reviews_per_day", "1", db=location).exit_code == 0  # new cards count as reviews too
    assert due(quiz, location) == {"own": 1, "plain": 1}
    assert quiz("config", "--unset", "reviews_per_day", db=location).exit_code == 0
    assert quiz("config", "--unset", "new_per_day", db=location).exit_code == 0
    assert due(quiz, location) == {"own": 3, "plain": 5}


def test_the_default_retention_reaches_the_decks_without_their_own(quiz, location, two_decks):
    assert quiz("config", "desired_retention", "0.85", db=location).exit_code == 0
    with two_decks.connect() as conn:
        own, plain = storage.select_decks(conn, ["own", "plain"])
        assert storage.deck_settings(conn, plain.id).desired_retention == pytest.approx(0.85)
        assert storage.deck_settings(conn, own.id).desired_retention == pytest.approx(0.8)
        assert storage.deck_settings(conn, own.id).new_per_day == 3
        assert storage.deck_defaults(conn).desired_retention == pytest.approx(0.85)


def test_a_default_written_by_hand_beyond_the_limits_is_not_used(two_decks):
    with storage.writing(two_decks) as conn:
        storage.set_setting(conn, "new_per_day", "100000")
        storage.set_setting(conn, "desired_retention", "often")
    with two_decks.connect() as conn:
        assert storage.deck_defaults(conn).new_per_day == 20
        assert storage.deck_defaults(conn).desired_retention == pytest.approx(0.9)


def test_the_rollover_hour_is_the_days_start(quiz, location):
    assert Env(location).rollover_hour() == 4
    assert quiz("config", "rollover_hour", "0", db=location).exit_code == 0
    env = Env(location)
    assert env.rollover_hour() == 0
    assert env.day().start.hour == 0  # TZ=UTC
    env.close()


# -- colour ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "no_color", "terminal", "coloured"),
    [
        (None, False, True, True),
        (None, True, True, False),
        (None, False, False, False),
        ("never", False, True, False),
        ("always", True, False, True),
        ("auto", True, True, False),
    ],
)
def test_colour_decides_as_no_color_does(quiz, monkeypatch, choice, no_color, terminal, coloured):
    if choice is not None:
        assert quiz("config", "colour", choice).exit_code == 0
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    config.values.cache_clear()
    assert config.colour_on(terminal) is coloured
    # the review screen, always on a terminal: monochrome where quiz stats on one is plain
    terminal_output = Terminal()  # NO_COLOR's monochrome, else 256 colours
    with create_app_session(output=terminal_output):
        depth = config.color_depth() or terminal_output.get_default_color_depth()
    assert (depth == ColorDepth.DEPTH_1_BIT) is not config.colour_on(True)


def test_stats_colours_as_the_setting_says(quiz, collection):
    assert "\033[" not in quiz("stats").output  # not a terminal
    assert quiz("config", "colour", "always").exit_code == 0
    assert "\033[1m" in quiz("stats").output
    assert quiz("config", "colour", "never").exit_code == 0
    assert "\033[" not in quiz("stats").output


@pytest.mark.parametrize(("choice", "no_color", "coloured"), [("never", False, False), ("always", True, True)])
def test_the_review_screen_colours_as_the_setting_says(
    quiz, engine, write_deck, monkeypatch, choice, no_color, coloured
):
    from quiz.session import ReviewSession

    assert quiz("config", "colour", choice).exit_code == 0
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    config.values.cache_clear()
    storage.import_decks(engine, [load_deck(write_deck(MINI_DECK))])
    session = ReviewSession.open(engine, None, UTC, 4, "en", clock=Clock(MORNING))
    terminal = Terminal()
    with create_pipe_input() as pipe:
        pipe.send_text(ENTER + ENTER + CTRL_D)
        with create_app_session(input=pipe, output=terminal):
            review.run(session, wait=False)
    colours = re.findall(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7])[;m]", terminal.stdout.getvalue())
    assert bool(colours) is coloured


# -- in Chinese ------------------------------------------------------------------------------------


def test_quiz_config_in_chinese(quiz, chinese, config_file):
    assert quiz("config", "new_per_day", "7").output == "new_per_day = 7（已存入卡片库）\n"
    assert quiz("config", "colour", "never").output == f"colour = never（已写入 {config_file}）\n"
    lines = quiz("config").output.splitlines()
    assert lines[0].split() == ["设置", "值", "来源"]
    cells = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert cells["new_per_day"] == ["7", "卡片库"]
    assert cells["editor"] == ["vi", "默认"]
    assert cells["language"] == ["zh-CN", "环境变量", "LANG"]
    result = quiz("config", "rollover_hour", "24")
    assert result.exit_code == 1
    assert result.output == "错误：rollover_hour 的值应为：0 到 23 之间的整数（而不是 '24'）\n"
    assert quiz("config", "--unset", "new_per_day").output == "已取消 new_per_day 的设置：现在是 20（默认）\n"
    result = quiz("config", "colours")
    assert result.output.startswith("错误：未知设置 colours（现有设置：language, colour")


def test_the_help_in_chinese(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "zh_CN.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}
    shown = subprocess.run([sys.executable, "-m", "quiz", "config", "--help"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert "显示和更改你的设置，以及每项设置的来源。" in shown.stdout
    assert "把 KEY 恢复为默认值。" in shown.stdout
    assert "Show and change" not in shown.stdout and has_chinese(shown.stdout)
