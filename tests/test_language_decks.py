"""A deck's problems and the collection's errors in the learner's language: `quiz lint` in
Chinese (each line still PATH:LINE:COL: first, the deck's own names and values as written),
and a collection that is locked, damaged or not a collection at all refused in Chinese."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError

from quiz import app
from quiz.cli.main import cli
from quiz.errors import QuizError
from quiz.storage import failures
from tests.conftest import has_chinese
from tests.test_backups import damage

BAD = """\
deck: Bad_Name
lang: english
cards:
  - id: ps-l
    front: list processes
  - id: ps-l
    front: a
    back: b
  - front: no id
    back: x
  - id: c
    type: cloze
    text: no deletion
  - id: t
    type: basik
    front: f
    back: b
  - id: n
    front: 12
    back: b
    colour: red
    tags: [a, a]
settings:
  desired_retention: 2
"""

CHINESE = [
    '1:7: 牌组名称 "Bad_Name" 只能包含小写字母、数字和连字符',
    '2:7: lang："english" 不是语言代码（例如 en、zh、pt-BR）',
    '4:5: 卡片 "ps-l"：缺少 "back"',
    '6:9: 卡片 "ps-l"：id 重复（第 4 行已用过）',
    '9:5: 第 3 张卡片：缺少 "id"（学习进度随它保存：请保持不变）',
    '13:11: 卡片 "c"：填空卡片至少需要一个挖空，例如 {{c1::answer}}',
    '15:11: 卡片 "t"：未知类型 "basik"（可选：basic, reversed, cloze, command, keys）',
    '19:12: 卡片 "n" 的 front 必须是文本，而不是数字（请加上引号）',
    '21:5: 卡片 "n"：未知的键 "colour"',
    '22:11: 卡片 "n"：标签 "a" 重复出现',
    "24:22: settings.desired_retention 必须在 0.7 到 0.99 之间",
]


def test_lint_lists_every_problem_in_chinese_after_its_place(chinese, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 1
    shown = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert shown == [f"{path}:{line}" for line in CHINESE], result.stderr


def test_the_same_deck_in_english_is_unchanged(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert f'{path}:4:5: card "ps-l": missing "back"' in result.stderr
    assert f'{path}:19:12: card "n": front must be text, not a number (put it in quotes)' in result.stderr
    assert not has_chinese(result.stderr)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "1:1: 文件是空的：牌组需要 `deck:` 和 `cards:`"),
        ("deck: x\n", "1:1: 这个牌组没有 `cards:`"),
        ("deck: x\ncards: [{id: a, type: cloze, text: 'a {{c0::b}}'}]\n", "填空编号从 c1 到 c500（Anki 无法导入 c0）"),
        ("deck: x\ncards: [{id: a, type: cloze, text: 'a {{c1::b'}]\n", "{{c1:: 没有闭合：请用 }} 结束挖空"),
        ("deck: x\ncards: [{id: a, front: f, back: b, tags: ['a b']}]\n", '标签 "a b" 必须是一个词（不含空格）'),
        ("deck: x\ncards: [{id: a, front: f, back: b, sorce: s}]\n", '未知的键 "sorce"（你是不是想写 "source"？）'),
        ("deck: x\ncards: [{id: A, front: f, back: b}]\n", '卡片 "A" 的 id 只能包含小写字母、数字和 - _ .'),
        ("deck: x\nsettings: {learning_steps: [10x]}\ncards: [{id: a, front: f, back: b}]\n", "每一步是 1s 到 365d"),
    ],
)
def test_each_kind_of_problem_speaks_chinese(chinese, tmp_path, text, expected):
    path = tmp_path / "deck.yaml"
    path.write_bytes(text.encode())
    result = CliRunner().invoke(cli, ["lint", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert any(expected in line for line in lines), result.stderr
    assert all(has_chinese(line.split(": ", 1)[1]) for line in lines), lines


def test_a_file_that_is_not_a_collection_is_refused_in_chinese(chinese, tmp_path):
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.close()
    with pytest.raises(QuizError) as refused:
        app.open_collection(str(other), with_bundled=False)
    assert str(refused.value) == f"{other} 不是 quiz 卡片库：它是其他程序的数据库（数据表：notes）；没有写入任何内容"
    text = tmp_path / "text.db"
    text.write_text("not sqlite")
    result = CliRunner().invoke(cli, ["--db", str(text), "decks"])
    assert result.exit_code == 1
    assert f"{text} 不是 quiz 卡片库：它不是 SQLite 数据库；没有写入任何内容" in result.stderr


def test_a_damaged_collection_is_refused_in_chinese(chinese, tmp_path):
    db = tmp_path / "quiz.db"
    app.open_collection(str(db), with_bundled=False).dispose()
    damage(db)
    with pytest.raises(QuizError) as refused:
        app.open_collection(str(db), with_bundled=False)
    message = str(refused.value)
    assert message.startswith(f"{db} 已损坏（"), message
    assert message.endswith("）；没有写入任何内容：请运行 quiz check 查看，并用 quiz backups 找一个备份来恢复")


def test_a_locked_collection_is_told_in_chinese(chinese):
    error = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    told = failures.describe(error, None, "quiz.db")
    assert told == "quiz.db：卡片库被另一个 quiz 进程锁定；请稍后再试（database is locked）"
