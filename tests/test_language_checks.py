"""Deck problems and `quiz check` in Chinese: the YAML reader's sentences (alias, tag,
syntax error, a value to quote, a second document), a deck's bad `tools:` table, and
`quiz check`'s findings, from the zh catalog; PyYAML's own words and --json stay English."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz.checking.tables import parse_tools
from quiz.cli.main import cli
from quiz.plumbing.yamlnodes import YamlError
from quiz.plumbing.yamlread import load
from tests.test_backups import disagree


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def lint(tmp_path: Path, text: str) -> list[str]:
    """The problem lines of `quiz lint` on a deck (without the summary line)."""
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("lint", str(path))
    assert result.exit_code == 1, result.output
    return [line.removeprefix(f"{path}:") for line in result.output.splitlines() if line.startswith(str(path))]


# -- the YAML reader -------------------------------------------------------------------------


def test_an_alias_and_a_tag_are_refused_in_chinese(chinese, tmp_path):
    deck = 'deck: a\ncards:\n  - &x {id: a, front: "x", back: "y"}\n  - *x\n  - !!python/object {id: b}\n'
    assert lint(tmp_path, deck) == [
        "4:5: 牌组中不能使用 YAML 别名（*name）：请把值完整写出来",
        "5:5: 牌组中不能使用标签 'tag:yaml.org,2002:python/object'",
    ]


def test_a_syntax_error_is_framed_in_chinese_and_pyyamls_words_stay_as_they_are(chinese, tmp_path):
    (line,) = lint(tmp_path, 'deck: a\ncards:\n  - {id: a, front: [x, back: "y"}\n')
    assert line == "3:33: YAML 语法错误：did not find expected ',' or ']'"


def test_a_value_to_quote_and_a_second_document_in_chinese(chinese, tmp_path):
    tagged = "deck: a\ntools:\n  mytool:\n    options_first: !!int x\ncards:\n  - {id: a, front: x, back: y}\n"
    assert lint(tmp_path, tagged) == ["4:20: tools: 'x' 无法按 int 读取：请加上引号"]
    two = "deck: a\ncards:\n  - {id: a, front: x, back: y}\n---\ndeck: b\n"
    assert lint(tmp_path, two) == ["4:1: 一个文件只放一个牌组：请删掉第二个文档（---）"]


def test_the_readers_own_errors_are_chinese_too(chinese):
    with pytest.raises(YamlError) as raised:
        load("a: b\x07\n")
    assert raised.value.message == "YAML 中不允许出现字符 U+0007"
    with pytest.raises(YamlError) as raised:
        load("k: [" * 60 + "]" * 60)
    assert raised.value.message == "嵌套超过 50 层：牌组远用不了这么多层"
    with pytest.raises(YamlError) as raised:
        load("? [a, b]\n: 1\n")
    assert raised.value.message == "映射的键必须是普通的值，不能是列表或映射"


def test_the_readers_errors_stay_english_by_default():
    with pytest.raises(YamlError) as raised:
        load("a: b\x07\n")
    assert raised.value.message == "character U+0007 is not allowed in YAML"


# -- a deck's tools: table -------------------------------------------------------------------

TOOLS = """\
deck: a
tools:
  mytool:
    wrapper: maybe
    commands:
      run:
        options: ["-x, --ex a b"]
cards:
  - {id: a, front: x, back: y}
"""


def test_a_bad_tools_table_is_reported_in_chinese(chinese, tmp_path):
    (line,) = lint(tmp_path, TOOLS)
    assert line == (
        "3:3: tools: mytool：wrapper 必须是 true 或 false，而不是 'maybe'；"
        'mytool run: options[0] "-x, --ex a b"：值的名称不止一个'
    )


@pytest.mark.parametrize(
    ("table", "chinese_text"),
    [
        ({"t": {"commands": ["a"]}}, "t：commands 应把命令路径映射到命令，而不是 list"),
        ({"t": {"colour": True}}, 't：未知的键 "colour"（应为 commands, options, options_first'),
        ({"t": {"options": "-a"}}, "t: options：应为字符串列表，而不是 '-a'"),
        ({"t": {"options_first": -1}}, "t：options_first 必须是 true、false 或参数个数，而不是 -1"),
        ({"t": {"images": "some"}}, "t：images 必须是 none, first, all 之一，而不是 'some'"),
        ({"t": {"commands": {"-r": {}}}}, "t：'-r' 不是命令路径（应是 \"volume ls\" 这样的词）"),
        ({"t": {"options": ["-a", "-a"]}}, 't: options[1] "-a"：-a 已经是一个选项'),
        ({"t": {"options": ["-a b", "x"]}}, 't: options[1] "x"：应先写选项的各个写法，再写它的值的名称'),
        ({"t": {"synonyms": None, "dash_value": "-n"}}, "t：dash_value '-n' 必须是它的一个带值的选项"),
        ({"t": {"synonyms": [1]}}, "t：synonyms 应把词映射到它的标准词，而不是 list"),
        ({"t": None, "two words": {}}, "'two words'：工具名必须是一个单词"),
        ([], "工具表应把工具名映射到工具，而不是 list"),
        (None, "工具表应把工具名映射到工具，而不是 空值"),
    ],
)
def test_each_tool_table_error_has_its_chinese(chinese, table, chinese_text):
    with pytest.raises(ValueError) as raised:
        parse_tools(table)
    assert chinese_text in str(raised.value)
    assert not re.search(r"\b(must|expected|not a|is already|nothing)\b", str(raised.value)), raised.value


# -- quiz check ------------------------------------------------------------------------------


def break_a_link(db: Path) -> int:
    """A review of a card that is not there (foreign keys off, as another program could write it)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    cursor = conn.execute(
        "INSERT INTO reviews (card_id, reviewed_at, rating, state_before, reps_before, lapses_before, "
        "state_after, stability_after, leech) VALUES (9999, '2026-01-01 10:00:00.000000', 3, 0, 0, 0, 2, 3.5, 0)"
    )
    conn.commit()
    rowid = cursor.lastrowid
    conn.close()
    assert rowid is not None
    return rowid


def test_check_text_is_chinese_and_its_json_english_for_a_disagreeing_review(chinese, collection):
    disagree(collection)
    checked = run("--db", str(collection), "check")
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        "页面（quick_check）：正常",
        "链接：正常",
        "复习记录：1 张卡片与最后一次复习不一致",
        "  mini a（第 1 张卡片）：它的排期与最后一次复习的结果不一致",
    ]
    found = json.loads(run("--db", str(collection), "check", "--json").output)
    assert found["log"] == [
        {"deck": "mini", "id": "a", "card": 1, "problem": "its schedule is not what its last review left"}
    ]


def test_check_text_is_chinese_and_its_json_english_for_a_broken_link(chinese, collection):
    rowid = break_a_link(collection)
    checked = run("--db", str(collection), "check")
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    assert lines[1:3] == ["链接：1 处损坏", f"  reviews 表中 rowid 为 {rowid} 的行指向 cards 表中不存在的行"]
    found = json.loads(run("--db", str(collection), "check", "--json").output)
    assert found["foreign_keys"] == [f"reviews row {rowid} points at a missing cards row"]


def test_check_text_is_english_by_default_for_a_broken_link(collection):
    rowid = break_a_link(collection)
    lines = run("--db", str(collection), "check").output.splitlines()
    assert lines[1:3] == ["links: 1 broken", f"  reviews row {rowid} points at a missing cards row"]
