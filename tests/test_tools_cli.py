"""`quiz tools` and `quiz tools show`: where the knowledge of each tool comes from."""

import json

import pytest
from click.testing import CliRunner

from quiz.cli import cli
from quiz.plumbing.textwidth import display_width

DECK = """\
deck: frob
title: Frob
tools:
  frob:
    options: ["-v, --verbose"]
    commands:
      push:
        aliases: [p]
        options: ["-r, --remote NAME"]
cards:
  - {id: push, type: command, front: Push, back: frob push -r origin}
"""


@pytest.fixture
def run(location, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))  # no fish completions of the machine's
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "no-data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no-data"))
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--db", location, *args])

    return run


def test_tools_lists_the_bundled_tables_and_the_decks(run, tmp_path):
    (tmp_path / "frob.yaml").write_text(DECK, encoding="utf-8")
    assert run("import", str(tmp_path / "frob.yaml")).exit_code == 0
    result = run("tools", "--json")
    assert result.exit_code == 0
    rows = {row["tool"]: row for row in json.loads(result.output)}
    assert rows["frob"] == {"tool": "frob", "source": "deck", "from": "frob", "commands": 1, "options": 2}
    assert rows["git"]["source"] == "bundled" and rows["git"]["commands"] >= 21
    assert {"kubectl", "tar", "ssh", "tmux", "docker"} <= rows.keys()
    text = run("tools").output
    assert text.splitlines()[0].split() == ["tool", "source", "from", "commands", "options"]
    assert any(line.split()[:3] == ["frob", "deck", "frob"] for line in text.splitlines())


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_on_a_narrow_terminal_the_tools_table_keeps_the_tool_and_its_counts(run, monkeypatch, lang):
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("COLUMNS", "40")
    output = run("tools").output
    lines = output.split("\n\n")[0].splitlines()
    assert max(display_width(line) for line in output.splitlines()) <= 40  # the sentence after it too
    git = next(line.split() for line in lines if line.startswith("git "))
    assert git[0] == "git" and git[-2].isdigit() and git[-1].isdigit()  # its commands and options


def test_show_prints_what_quiz_knows_of_one_command(run):
    result = run("tools", "show", "git", "commit")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "git commit: quiz's bundled table"
    assert "  -m, --message msg" in lines or any(line.startswith("  -m, --message ") for line in lines)
    assert "before the command:" in lines and any(line.startswith("  -C ") for line in lines)


def test_show_resolves_an_alias_and_says_how_the_line_is_read(run):
    shown = json.loads(run("tools", "show", "docker", "container", "ls", "--json").output)
    assert shown["command"] == ["ps"] and ["container", "ls"] in shown["aliases"]
    tar = json.loads(run("tools", "show", "tar", "--json").output)
    assert any("tar xzf = tar -x -z -f" in note for note in tar["notes"])
    ssh = json.loads(run("tools", "show", "ssh", "--json").output)
    assert ssh["options_where"] == 2


def test_a_tool_without_a_table_is_read_by_the_generic_rule(run):
    result = run("tools", "show", "mytool")
    assert result.exit_code == 0
    assert result.output.startswith("mytool: no table: the generic rule")
    assert "-la = -al = -l -a" in result.output


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
@pytest.mark.parametrize("words", [("tar",), ("mytool",), ("git", "commit")])
def test_on_a_narrow_terminal_show_wraps_its_sentences_and_keeps_each_example_whole(run, monkeypatch, lang, words):
    monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("COLUMNS", "80")
    wide = run("tools", "show", *words).output.splitlines()
    monkeypatch.setenv("COLUMNS", "40")
    narrow = run("tools", "show", *words).output.splitlines()
    assert max(display_width(line) for line in narrow) <= 40
    assert " ".join(" ".join(narrow).split()) == " ".join(" ".join(wide).split()) or words == ("mytool",)
    if words == ("mytool",):  # each example whole, on a line of its own
        for example in ("-v --dry-run x = --dry-run -v x", "-la = -al = -l -a", "'a b' = \"a b\" = a\\ b"):
            assert f"    {example}" in narrow
            assert any(line.endswith(example) and line != f"    {example}" for line in wide)


def test_an_unknown_command_is_one_line_and_a_failure(run):
    result = run("tools", "show", "docker", "frobnicate")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        'Error: docker: no command "frobnicate" in the bundled table (quiz tools show docker)'
    ]


def test_a_deck_table_with_control_characters_is_refused(run, tmp_path):
    (tmp_path / "bad.yaml").write_text(DECK.replace('["-v, --verbose"]', '["-v\\e[2J"]'), encoding="utf-8")
    result = run("import", str(tmp_path / "bad.yaml"))
    assert result.exit_code != 0 and "control characters are not allowed" in result.output
    assert "\x1b" not in result.output


def test_show_reads_and_caches_a_fish_completion(run, tmp_path, monkeypatch):
    completions = tmp_path / "config" / "fish" / "completions"
    completions.mkdir(parents=True)
    path = completions / "frob.fish"
    path.write_text("complete -c frob -s v -l verbose\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown = json.loads(run("tools", "show", "frob", "--json").output)
    assert shown["source"] == "fish" and shown["from"] == str(path) and shown["options"] == ["-v, --verbose"]
    listed = {row["tool"]: row for row in json.loads(run("tools", "--json").output)}
    assert listed["frob"]["source"] == "fish"
    path.write_text("complete -c frob -s v -l verbose\ncomplete -c frob -s o -l out -r\n", encoding="utf-8")
    shown = json.loads(run("tools", "show", "frob", "--json").output)  # the file changed: read again
    assert shown["options"] == ["-o, --out VALUE", "-v, --verbose"]
