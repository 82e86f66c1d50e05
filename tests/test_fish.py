"""Command tables read from fish completion files: where fish looks, what its `complete` lines say.

Every completion script here is written for these tests (fish's own files are GPL and are
never copied into quiz); `frob` is a made-up tool.
"""

from pathlib import Path

import pytest

from quiz.checking.compare import compare
from quiz.checking.fish import completion_dirs, find_completion, table_from_fish
from quiz.checking.tables import parse_tools

FROB = r"""
# frob: a made-up tool with subcommands
set -l commands commit push remote
set -l tool frob

complete -c frob -f
complete -c frob -e
complete -c $tool -s h -l help -d 'Show help and exit'
complete -c frob -s C -r -d 'Run as if started in DIR'
complete --command=frob --long-option=git-dir --require-parameter
complete frob -l paginate -d 'Pipe all output into less'
complete -c frob -n "not __fish_seen_subcommand_from $commands" -a "$commands"
complete -c frob -n __fish_use_subcommand -a "init\t'Create an empty repository'"
complete -c frob -n __fish_use_subcommand -a "status\t'Show the working tree status'
tag\t'Create, list or delete a tag'"
complete -c frob -n '__fish_seen_subcommand_from commit' -s m -l message -x -d 'Use the given message'
complete -c frob -n '__fish_seen_subcommand_from commit' -s a -l all -d 'Stage all, don\'t ask'
complete -c frob -n '__fish_seen_subcommand_from commit' -l amend \
    -d 'Amend the last commit' \
    -s A
complete -c frob -n '__fish_seen_subcommand_from commit' -s n
complete -c frob -n '__fish_seen_subcommand_from commit' -s n -l dry-run -r
complete -c frob -n '__frob_using_command push' -s f -l force
complete -c frob -n '__frob_using_command push' -o tags -d 'An old-style option'
complete -c frob -n '__frob_using_command push' -rl repo
complete -c frob -n '__fish_seen_subcommand_from remote; and not __fish_seen_subcommand_from add rm' -a 'add rm'
complete -c frob -n '__fish_seen_subcommand_from remote' -n '__fish_seen_subcommand_from add' -xs t
complete -c frob -n '__fish_seen_subcommand_from show log' -l oneline -l graph
complete -c frob -n 'test (count (commandline -opc)) -gt 2' -s v -l verbose
complete -c frob -n "__fish_seen_subcommand_from $computed" -l lost
complete -c frob -n '__fish_seen_subcommand_from push; or __fish_seen_subcommand_from tag' -l either
complete -c frob -n '__fish_seen_subcommand_from tag' -a '(__frob_tags)' -d Tag
complete -c frob -n '__fish_seen_subcommand_from tag' -l sign -x -a '(__frob_keys)'
complete -c frob -s ab -l 'has space' -l 'a,b' -d 'No valid spelling here'
complete -c frob -Z -l unknown-switch
complete -c frob -l erased -e
complete -c other -l not-frob
complete -p /usr/local/bin/frob -l from-path
complete -c frob -l broken -d "an unclosed quote
for sub in clone fetch
    complete -c frob -n "__fish_seen_subcommand_from $sub" -l depth -r
end
"""

FROB_TABLE = {
    "options": [
        "-h, --help",
        "-C VALUE",
        "--git-dir VALUE",
        "--paginate",
        "-v, --verbose",
        "--from-path",
    ],
    "commands": {
        "commit": {"options": ["-m, --message VALUE", "-a, --all", "-A, --amend", "-n, --dry-run VALUE"]},
        "push": {"options": ["-f, --force", "-tags", "--repo VALUE"]},
        "remote": {"options": []},
        "init": {"options": []},
        "status": {"options": []},
        "tag": {"options": ["--sign VALUE"]},
        "remote add": {"options": ["-t VALUE"]},
        "remote rm": {"options": []},
        "show": {"options": ["--oneline", "--graph"]},
        "log": {"options": ["--oneline", "--graph"]},
        "clone": {"options": ["--depth VALUE"]},
        "fetch": {"options": ["--depth VALUE"]},
    },
}


def test_a_completion_script_becomes_a_command_table():
    assert table_from_fish("frob", FROB) == FROB_TABLE


def test_the_table_is_valid_and_compares_equivalent_answers():
    tools = parse_tools({"frob": table_from_fish("frob", FROB)})
    same = [
        ("frob commit -m x", "frob commit --message=x"),
        ("frob commit -a -m x", "frob commit -am x"),
        ("frob commit --amend --all", "frob commit -aA"),
        ("frob -C /tmp status", "frob -C/tmp status"),
        ("frob --git-dir .git status", "frob --git-dir=.git status"),
        ("frob push --force origin", "frob push origin -f"),
        ("frob push -tags origin", "frob push origin -tags"),
        ("frob remote add -t main origin url", "frob remote add origin url -tmain"),
        ("frob clone --depth 1 url", "frob clone --depth=1 url"),
    ]
    for expected, typed in same:
        assert compare(expected, typed, tools=tools).correct, (expected, typed)
    different = [
        ("frob commit -m x", "frob commit -m y"),
        ("frob commit -a", "frob commit -A"),
        ("frob log --oneline", "frob log --graph"),
        ("frob push -tags", "frob push -f"),
        ("frob remote add -t main", "frob remote rm -t main"),
    ]
    for expected, typed in different:
        assert not compare(expected, typed, tools=tools).correct, (expected, typed)


def test_a_tool_without_subcommands_keeps_every_option_as_its_own():
    text = """
complete -c zap -s r -l recursive -d 'Go down into directories'
complete -c zap -s o -l output -r -F
complete -c zap -o name -x
complete -c zap -n '__fish_contains_opt -s r recursive' -l follow
complete -c zap -s r -s R
"""
    table = table_from_fish("zap", text)
    # two spellings of one kind on a line are two options (fish files list many options so)
    assert table == {"options": ["-r, --recursive", "-o, --output VALUE", "-name VALUE", "--follow", "-R"]}
    tools = parse_tools({"zap": table})
    assert compare("zap -r -o out.txt dir", "zap --output=out.txt --recursive dir", tools=tools).correct
    assert not compare("zap -r dir", "zap -R dir", tools=tools).correct
    assert compare("zap -name '*.py' dir", "zap dir -name '*.py'", tools=tools).correct


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# nothing but a comment\n",
        "complete -c other -s x -l extra\n",
        "complete -c frob -f\ncomplete -c frob -a '(__fish_complete_path)'\n",
        "complete -c frob -l 'never closed\n",
        'complete -c frob -n "__fish_seen_subcommand_from $unknown" -l lost\n',
        "function __frob\n    complete -c frob -l\nend\n",
        "complete -c frob -x -x -x -x -s\ncomplete -c frob --bogus x -l y\n",
        "\\\n\\",
        "complete -c frob -l 'a' -e\nif\n'\n\"\n",
    ],
)
def test_nothing_found_is_none(text):
    assert table_from_fish("frob", text) is None


def test_fish_escapes_and_quotes():
    text = r"""complete -c q -l 'it\'s' -d 'single quotes escape \' and \\'
complete -c q -l "dq" -d "say \"hi\"" # a comment -l not-an-option
complete -c q -s x -l ex\
tra
"""
    assert table_from_fish("q", text) == {"options": ["--it's", "--dq", "-x, --extra"]}


def test_completion_dirs_follow_fish_order():
    environ = {
        "HOME": "/home/ann",
        "XDG_CONFIG_HOME": "/cfg",
        "XDG_DATA_HOME": "/data",
        "XDG_DATA_DIRS": "/opt/share:/usr/share/",
    }
    assert completion_dirs(environ) == [
        Path("/cfg/fish/completions"),
        Path("/etc/fish/completions"),
        Path("/data/fish/vendor_completions.d"),
        Path("/opt/share/fish/vendor_completions.d"),
        Path("/usr/share/fish/vendor_completions.d"),
        Path("/usr/local/share/fish/vendor_completions.d"),
        Path("/usr/share/fish/completions"),
        Path("/usr/local/share/fish/completions"),
    ]


def test_completion_dirs_defaults():
    assert completion_dirs({"HOME": "/home/ann", "XDG_CONFIG_HOME": ""}) == [
        Path("/home/ann/.config/fish/completions"),
        Path("/etc/fish/completions"),
        Path("/home/ann/.local/share/fish/vendor_completions.d"),
        Path("/usr/local/share/fish/vendor_completions.d"),
        Path("/usr/share/fish/vendor_completions.d"),
        Path("/usr/share/fish/completions"),
        Path("/usr/local/share/fish/completions"),
    ]
    assert completion_dirs({})[0] == Path("/etc/fish/completions")


def test_find_completion_takes_the_first_file(tmp_path):
    first, second = tmp_path / "user", tmp_path / "vendor"
    second.mkdir()
    (second / "frob.fish").write_text("complete -c frob -l vendor\n")
    (second / "zap.fish").mkdir()  # not a file
    (tmp_path / "evil.fish").write_text("complete -c evil -l x\n")
    (second / ".frob.fish").write_text("complete -c .frob -l hidden\n")
    assert find_completion("frob", [first, second]) == second / "frob.fish"
    first.mkdir()
    (first / "frob.fish").write_text("complete -c frob -l user\n")
    assert find_completion("frob", [first, second]) == first / "frob.fish"
    assert find_completion("zap", [first, second]) is None
    for name in ["", "../evil", "./frob", ".frob", "sub/frob"]:
        assert find_completion(name, [second, tmp_path / "x"]) is None, name
    mine = tmp_path / "cfg/fish/completions"
    mine.mkdir(parents=True)
    (mine / "frob.fish").write_text(FROB)
    path = find_completion("frob", completion_dirs({"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": "/nonexistent"}))
    assert path == mine / "frob.fish"
    assert table_from_fish("frob", path.read_text()) == FROB_TABLE
