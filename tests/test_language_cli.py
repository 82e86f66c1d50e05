"""quiz's command line in the learner's language (issue #17): with LANG=zh_CN.UTF-8 the reports,
tables, errors and help texts are Chinese (the expected words are those of the zh catalog), the
tables still line up by terminal cells, and a language without a catalog (French) gets English."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from quiz import i18n, statstext
from quiz.plumbing.textwidth import display_width
from tests.conftest import has_chinese
from tests.test_stats import collect, history  # noqa: F401 (`history` is a fixture)

DECKS = {
    "alpha": "deck: alpha\ntitle: Alpha\ncards:\n  - {id: a, front: f, back: b}\n  - {id: b, front: g, back: c}\n",
    # a CJK title: two cells a character, so that the table must pad by cells, not characters
    "beta": 'deck: beta\ntitle: "容器与镜像"\ncards:\n  - {id: a, front: f, back: b}\n',
}


@pytest.fixture
def decks(tmp_path):
    paths = []
    for name, text in DECKS.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / f"{name}.yaml"))
    return paths


def english_words(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """The Latin words left in `text` (deck names and the like allowed)."""
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in allowed]


def test_the_import_report_and_lint_are_chinese(chinese, run, decks):
    result = run("import", *decks)
    assert result.exit_code == 0, result.output
    assert result.output == "alpha：新牌组，新增 2 张\nbeta：新牌组，新增 1 张\n"
    assert run("import", decks[0]).output == "alpha：没有变化\n"
    assert run("lint", *decks).output == "通过：2 个牌组，3 张卡片\n"


def test_the_decks_table_is_chinese_and_lines_up_by_cells(chinese, run, decks):
    run("import", *decks)
    lines = run("decks", "alpha", "beta").output.splitlines()
    assert lines[0].split() == ["牌组", "标题", "卡片数", "新卡", "学习中", "复习", "到期", "已暂停"]
    assert lines[1].split() == ["alpha", "Alpha", "2", "2", "0", "0", "2", "0"]
    assert lines[2].split() == ["beta", "容器与镜像", "1", "1", "0", "0", "1", "0"]
    # The title column starts at one cell on every line, and each count ends under the end
    # of its header: measured in terminal cells (CJK: two), as the learner sees them.
    header = lines[0]
    for line in lines[1:]:
        assert display_width(line[: line.index(line.split()[1])]) == display_width(header[: header.index("标题")])
        assert display_width(line) == display_width(header)  # the last column ends in line
        for word in ("卡片数", "新卡", "学习中", "复习", "到期"):
            end = display_width(header[: header.index(word) + len(word)])
            assert line_cell(line, end - 1) != " " and line_cell(line, end) == " ", (word, line)


def line_cell(line: str, cell: int) -> str:
    """The character shown at terminal cell `cell` (0-based) of `line`."""
    for index, char in enumerate(line):
        if display_width(line[: index + 1]) > cell:
            return char
    return ""


def test_the_suspended_list_and_unsuspend_are_chinese(chinese, run, decks):
    run("import", *decks)
    assert run("suspended").output == "没有已暂停的卡片。\n"
    refused = run("unsuspend", "alpha", "a")  # a card that is not suspended
    assert refused.exit_code == 1
    assert refused.stderr == "错误：牌组 alpha 的 a 没有被暂停；未做任何更改（quiz suspended 列出已暂停的卡片）\n"


def test_stats_is_chinese_but_its_json_stays_english(chinese, run, decks):
    run("import", *decks)
    shown = run("stats", "alpha", "beta").output
    for heading in (
        "卡片",
        "真实记住率（复习卡片：通过 / 作答）",
        "过去一年每天的作答次数",
        "未来 30 天到期",
        "最难的卡片",
        "用时",
    ):
        assert f"\n\n{heading}\n" in shown
    assert shown.startswith("今天（")
    assert "  0 张卡片，共 0 次作答，用时 0.0 秒；还有 0 张到期、3 张新卡\n" in shown
    assert "  牌组   " in shown and "  合计 " in shown and "  当前连续学习：0 天\n" in shown
    assert english_words(shown, {"alpha", "beta"}) == []
    assert max(display_width(line) for line in shown.splitlines()) <= 80
    numbers = run("stats", "--json", "alpha").output
    assert '"due_left": 2' in numbers and not has_chinese(numbers)


def test_stats_with_a_history_is_chinese_within_80_cells(engine, history):  # noqa: F811
    # Chinese once the collection is made: the test PostgreSQL server starts with the locale it finds
    i18n.use("zh")
    shown = statstext.render(collect(engine))
    assert "  3 张卡片，共 3 次作答，用时 12.0 秒；还有 " in shown
    assert re.search(r"\n  近一年\s+75\.0%\s+3/4\s+50\.0%\s+2/4\s+62\.5%\s+5/8\n", shown)
    assert "  当前连续学习：3 天\n" in shown
    assert "  10 次作答；平均每次 " in shown and "，共 " in shown
    header = next(line for line in shown.splitlines() if "遗忘次数" in line)
    assert header.split() == ["ID", "遗忘次数", "回忆概率", "卡片"]
    assert english_words(shown, {"ID", "d", "front", "of", "tagged", "suspended", "mature", "overdue", "shaky"}) == []
    assert max(display_width(line) for line in shown.splitlines()) <= 80


def test_stats_in_chinese_fits_40_cells(engine, history):  # noqa: F811
    i18n.use("zh")
    shown = statstext.render(collect(engine), width=40)
    assert max(display_width(line) for line in shown.splitlines()) <= 40
    header = next(line for line in shown.splitlines() if line.startswith("  牌组")).split()
    assert {"已熟练", "已暂停"} <= set(header) and "难记卡片" not in header
    assert "  当前连续学习：3 天\n" in shown


def test_errors_are_chinese(chinese, run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("deck: x\ncards:\n  - {id: a, front: f}\n", encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.endswith("\n1 个问题；未做任何更改\n")
    result = run("review")  # not on a terminal
    assert result.exit_code == 1
    assert result.stderr == "错误：quiz review 需要在终端里运行（脚本请用 quiz decks --json）\n"
    result = run("frobnicate")
    assert result.exit_code == 2 and "错误：没有命令 'frobnicate'。" in result.stderr


def quiz(lang: str, *args: str, home) -> str:
    """quiz in a new process: its help texts are translated when the commands are defined."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "LANG": lang}
    env["XDG_CONFIG_HOME"] = str(home / "config")
    done = subprocess.run([sys.executable, "-m", "quiz", *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_is_chinese(tmp_path):
    shown = quiz("zh_CN.UTF-8", "--help", home=tmp_path)
    assert shown.startswith("用法: quiz [OPTIONS] [COMMAND] [ARGS]...\n\n  在终端里间隔重复，学会你每天用的工具。\n")
    assert "\n  示例：\n    quiz                         复习今天的卡片（同 quiz review）\n" in shown
    assert "\n选项:\n" in shown and "\n命令:\n" in shown and "  -h, --help     显示此帮助并退出。\n" in shown
    assert re.search(r"^  decks +列出牌组及其卡片数，以及今天到期的情况。$", shown, re.M)
    review = quiz("zh_CN.UTF-8", "review", "--help", home=tmp_path)
    assert review.startswith(
        "用法: quiz review [OPTIONS] [NAMES]...\n\n  复习今天的卡片：输入命令或显示答案，按一个键评分。\n"
    )
    assert "    quiz review docker git       只复习这些牌组\n" in review
    assert "显示小结后直接结束，不等待按键" in review
    for text in (shown, review):
        # Latin letters are left for commands, options, metavars and names (quiz, --db, PATH,
        # SQLAlchemy), never for the English words of a sentence (the command column: names).
        sentences = "\n".join(
            line[13:] if line.startswith("  ") and not line.startswith("   ") else line for line in text.splitlines()
        )
        # and the options' names and values (--failed-today; --order's due, and `due：` explaining it)
        sentences = re.sub(r"--?[a-z][a-z-]*|\[[a-z|]+\]|\b[a-z]+(?=：)", "", sentences)
        assert set(english_words(sentences)) & ENGLISH == set(), text
        assert max(display_width(line) for line in text.splitlines()) <= 80


ENGLISH = {"the", "and", "of", "to", "is", "for", "your", "with", "this", "that", "are", "from", "each", "every"}
ENGLISH |= {"Usage", "Options", "Commands", "Examples", "Show", "exit", "today", "cards", "what", "due", "files"}


@pytest.mark.parametrize("args", [("--help",), ("review", "--help"), ("decks",)])
def test_french_gets_english(tmp_path, args):
    shown = quiz("fr_FR.UTF-8", *args, home=tmp_path)
    assert not has_chinese(shown), shown
    assert shown == quiz("C.UTF-8", *args, home=tmp_path)


def test_french_help_reads_as_written(tmp_path):
    shown = quiz("fr_FR.UTF-8", "review", "--help", home=tmp_path)
    assert shown.startswith("Usage: quiz review [OPTIONS] [NAMES]...\n\n  Review today's cards:")
    assert "\n  Examples:\n    quiz review                  all decks\n" in shown
    assert "\nOptions:\n" in shown and re.search(r"^  -h, --help +Show this message and exit\.$", shown, re.M)


WIDEST_HELP = """
import click
from quiz.cli import cli
from quiz.plumbing.textwidth import display_width

def walk(command, path):
    with click.Context(command, info_name=" ".join(path), terminal_width=80, max_content_width=80) as ctx:
        text = command.get_help(ctx)
    yield path, max(display_width(line) for line in text.splitlines())
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, [*path, name])

for path, width in walk(cli, ["quiz"]):
    print(width, " ".join(path))
"""


def test_every_help_fits_80_columns_in_chinese(tmp_path):
    # click measured characters: a Chinese line came out twice as wide (cli.main.wrap_in_cells)
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("LANGUAGE", None), env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)
    shown = subprocess.run([sys.executable, "-c", WIDEST_HELP], env=env, capture_output=True, text=True, check=True)
    widths = [line.split(" ", 1) for line in shown.stdout.splitlines()]
    assert len(widths) > 20 and all(int(width) <= 80 for width, _ in widths), shown.stdout


NARROW_HELP = """
import re, sys
from click.testing import CliRunner
from quiz.cli import cli
from quiz.plumbing.textwidth import display_width

def walk(command, path):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, [*path, name])

CJK = "\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef"
for path in walk(cli, []):
    text = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": sys.argv[1]}).output
    kept = False  # the usage line and the examples: lines as written
    for line in text.splitlines():
        if line.strip() in ("Examples:", "示例：") or line.startswith(("Usage:", "用法:")):
            kept = True
        elif not line.strip():
            kept = False
        elif re.search(f"[{CJK}] [{CJK}]", line):
            print("space", " ".join(path), repr(line))
        elif not kept and display_width(line) > int(sys.argv[1]) and not line.startswith("  -"):
            print("wide", " ".join(path), repr(line))
print(len(list(walk(cli, []))), "commands")
"""


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "C.UTF-8"])
@pytest.mark.parametrize("columns", ["40", "80"])
def test_every_help_wraps_to_the_terminal(tmp_path, lang, columns):
    # click wrapped help at 50 columns at least, and joined a paragraph's lines with a space
    # (between two Chinese characters too): each prose line now fits, the names of options
    # aside (`--colour [red|orange|...]` is one word)
    env = {**os.environ, "LANG": lang, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("LANGUAGE", None), env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)
    shown = subprocess.run(
        [sys.executable, "-c", NARROW_HELP, columns], env=env, capture_output=True, text=True, check=True
    )
    *problems, count = shown.stdout.splitlines()
    assert problems == [] and int(count.split()[0]) > 20, shown.stdout
