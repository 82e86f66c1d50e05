"""Writing decks and keeping the collection safe, in Chinese: `quiz generate`'s report,
`quiz lint`'s summary, `quiz new`, `quiz check`, `quiz backup(s)`, `quiz restore`'s
errors and the help texts, from the zh catalog; the --json output stays English."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from click.testing import CliRunner

from quiz.cli.main import cli
from tests.conftest import MINI_DECK as DECK
from tests.conftest import has_chinese

NOTE = """\
# Docker

## Images

Images are read-only templates that containers start from.

```bash
# list running containers
docker ps
```

<div>a banner</div>
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_generate_reports_what_it_made_and_skipped_in_chinese(chinese, tmp_path):
    note, deck = tmp_path / "docker.md", tmp_path / "docker.yaml"
    note.write_text(NOTE)
    result = run("generate", str(note), "-o", str(deck))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "docker.md: 2 张卡片（概念 1，命令 1）；跳过 1 处（1 行）",
        "docker.md:12: 已跳过：HTML，未读取：<div>a banner</div>",
        f"已写入 {deck}",
    ]
    assert "title: Docker" in deck.read_text()  # the deck is the note's, in its language


def test_generate_json_stays_english_for_scripts(chinese, tmp_path):
    note = tmp_path / "docker.md"
    note.write_text(NOTE)
    result = run("generate", str(note), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["skipped"] == [
        {"line": 12, "lines": 1, "reason": "HTML, not read: <div>a banner</div>"}
    ]


def test_generate_update_reports_in_chinese(chinese, tmp_path):
    note, deck = tmp_path / "docker.md", tmp_path / "docker.yaml"
    note.write_text(NOTE)
    assert run("generate", str(note), "-o", str(deck)).exit_code == 0
    deck.write_text(deck.read_text() + "\n  - id: my-own\n    front: written by hand\n    back: kept\n")
    note.write_text(NOTE + "\n```bash\n# list images\ndocker images\n```\n")
    result = run("generate", str(note), "--update", str(deck))
    assert result.exit_code == 0, result.output
    assert f"{deck}: 已添加：docker-images（docker.md:16）" in result.stderr.splitlines()
    assert f"{deck}: 保留了手写的 1 张卡片" in result.stderr.splitlines()


def test_generate_errors_are_chinese(chinese, tmp_path):
    empty, missing = tmp_path / "empty.md", tmp_path / "missing.md"
    empty.write_text("just a line\n")
    refused = run("generate", str(empty))
    assert refused.exit_code == 1
    assert "empty.md: 没有可生成的卡片（跳过了哪些部分、为什么，见上方列表）" in refused.stderr
    unread = run("generate", str(missing))
    assert unread.exit_code == 1 and f"{missing}: 无法读取：" in unread.stderr
    both = run("generate")
    assert both.exit_code == 1
    assert "请给出笔记（quiz generate NOTE.md）或某个工具的 tldr 页面" in both.stderr


def test_new_says_what_to_do_next_in_chinese(chinese, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "git-basics")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "已写入 git-basics.yaml：编辑它，然后运行 quiz lint git-basics.yaml 和 quiz import git-basics.yaml\n"
    )
    again = run("new", "git-basics")
    assert again.exit_code == 1 and "git-basics.yaml 已存在：不会覆盖它" in again.stderr


def test_lint_summary_is_chinese(chinese, tmp_path):
    # The line is lint's (quiz/cli/collection.py); only its being in Chinese is asserted.
    (tmp_path / "mini.yaml").write_text(DECK)
    result = run("lint", str(tmp_path / "mini.yaml"))
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    assert has_chinese(line) and "1" in line and "2" in line, line
    assert not re.search(r"\b(ok|decks?|cards?)\b", line), line


def test_check_reports_in_chinese(chinese, collection):
    result = run("--db", str(collection), "check")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["页面（quick_check）：正常", "链接：正常", "复习记录：正常"]


def test_backup_and_backups_in_chinese(chinese, collection):
    made = run("--db", str(collection), "backup")
    assert made.exit_code == 0 and made.output.startswith(f"已备份到 {collection.parent / 'backups'}")
    listed = run("--db", str(collection), "backups")
    assert listed.exit_code == 0, listed.output
    header, *rows, folder = listed.output.splitlines()
    assert header.split() == ["时间", "原因", "大小", "文件"]
    assert sorted(row.split()[2] for row in rows) == ["导入前", "手动"]
    assert folder == f"位于 {collection.parent / 'backups'}"
    scripts = json.loads(run("--db", str(collection), "backups", "--json").output)
    assert sorted(b["reason"] for b in scripts) == ["import", "manual"]  # JSON stays English


def test_no_backups_yet_in_chinese(chinese, collection):
    for backup in (collection.parent / "backups").iterdir():
        backup.unlink()
    result = run("--db", str(collection), "backups")
    assert result.output == "还没有备份：quiz backup 可以做一份\n"


def test_restore_errors_are_chinese(chinese, collection, tmp_path):
    missing = run("--db", str(collection), "restore", "nope.db")
    assert missing.exit_code == 1 and "没有备份 nope.db：quiz backups 会列出所有备份" in missing.stderr
    (tmp_path / "not-a-db.db").write_text("hello")
    wrong = run("--db", str(collection), "restore", str(tmp_path / "not-a-db.db"))
    assert wrong.exit_code == 1 and f"{tmp_path / 'not-a-db.db'} 不是 quiz 卡片库：" in wrong.stderr


def test_generate_help_is_chinese(tmp_path):
    # Help texts are translated when the commands are defined, at import: a new process.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LANG": "zh_CN.UTF-8",
        "COLUMNS": "80",
    }
    shown = subprocess.run(
        [sys.executable, "-m", "quiz", "generate", "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "  从 Markdown 笔记生成牌组。" in lines
    assert "  示例：" in lines and "    quiz generate docker-note.md --deck docker" in lines  # the \b block kept
    assert any(line.endswith("把牌组写入这个文件（默认：直接输出）。") for line in lines)
    assert "Make a deck" not in shown.stdout and "Examples" not in shown.stdout
