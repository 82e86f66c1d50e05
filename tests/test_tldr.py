"""tldr pages read into cards, their option variants as a command table, and the pages
tldr clients cache. The pages here are written for these tests, in the tldr format."""

from pathlib import Path

import pytest

from quiz.checking.compare import compare
from quiz.checking.tables import parse_tools
from quiz.notes.tldr import (
    Entry,
    Variant,
    cache_dirs,
    find_cached_pages,
    is_tldr_page,
    option_table,
    read_page,
)

FROB = """\
# frob

> Frobnicate files and directories.
> Keeps a journal of every change.
> More information: <https://frob.example.org/manual>.

- Frobnicate a file into another:

`frob {{[-o|--output]}} {{path/to/output}} {{path/to/input}}`

- Frobnicate every file of a directory, recursively:

`frob {{[-r|--recursive]}} {{path/to/directory}}`

- Show what would change, without changing it:

- Frobnicate quietly, in place:

`frob {{[-q|--quiet]}} {{[-n|--dry-run|--simulate]}} "{{file name}}" -- {{it's (odd) & <here>}}`

- Print the version:

`frob {{[-V|--version]}}`

- Print a field with literal braces:

`frob {{[-r|--recursive]}} --format '\\{\\{.Name\\}\\}' .`
"""

GIT_COMMIT = """\
# git commit

> Record staged changes in the repository.
> More information: <https://git.example.org/docs/git-commit>.

- Commit the staged files with a message:

`git commit {{[-m|--message]}} "{{message}}"`

- Stage every tracked file, then commit:

`git commit {{[-a|--all]}} {{[-m|--message]}} "{{message}}"`

- Show the version of Git:

`git {{[-v|--version]}}`
"""

FROB_STATUS = """\
# frob status

> Show what frob would change.
> More information: <https://frob.example.org/manual/status>.

- Show the status in short form:

`frob {{[st|status]}} {{[-s|--short]}}`

- Show the status of one file, the long way:

`frob status {{[-l|--long]}} {{path/to/file}}`

- Synchronise with a remote, forcing:

`frob {{[sync|remote sync]}} {{[-f|--force]}} {{remote}}`

- List the remotes:

`frob {{[ls|list]}}`
"""


def test_a_page_is_recognised_by_its_title_description_and_an_entry():
    assert is_tldr_page(FROB)
    assert is_tldr_page(GIT_COMMIT.replace("\n\n", "\n"))  # blank lines are optional
    assert not is_tldr_page("# Notes\n\nSome prose.\n\n- a list item:\n\n`code`\n")  # no > line
    assert not is_tldr_page("# frob\n\n> Frobnicate.\n\n- Frobnicate:\n\nfrob it\n")  # no backtick command
    assert not is_tldr_page("Intro\n# frob\n\n> Frobnicate.\n\n- Frobnicate:\n\n`frob`\n")  # not first
    assert not is_tldr_page("# frob\n\n> Frobnicate.\n\n- Frobnicate\n\n`frob`\n")  # no colon
    assert not is_tldr_page("# frob\n")
    assert not is_tldr_page("")


def test_the_frob_page_becomes_its_entries():
    page = read_page(FROB)
    assert (page.tool, page.url) == ("frob", "https://frob.example.org/manual")
    assert page.description == "Frobnicate files and directories. Keeps a journal of every change."
    assert page.entries == [
        Entry(
            9,
            "Frobnicate a file into another",
            "frob -o <path/to/output> <path/to/input>",
            ["frob --output <path/to/output> <path/to/input>"],
        ),
        Entry(
            13,
            "Frobnicate every file of a directory, recursively",
            "frob -r <path/to/directory>",
            ["frob --recursive <path/to/directory>"],
        ),
        Entry(
            19,
            "Frobnicate quietly, in place",
            'frob -q -n "<file_name>" -- <it_s__odd_____here_>',
            [
                'frob --quiet --dry-run "<file_name>" -- <it_s__odd_____here_>',
                'frob --quiet --simulate "<file_name>" -- <it_s__odd_____here_>',
            ],
        ),
        Entry(23, "Print the version", "frob -V", ["frob --version"]),
        Entry(
            27,
            "Print a field with literal braces",
            "frob -r --format '{{.Name}}' .",
            ["frob --recursive --format '{{.Name}}' ."],
        ),
    ]
    assert page.skipped == [(15, "a description without a command")]
    quiet = page.entries[2]
    assert (
        quiet.command
        == 'frob {{[-q|--quiet]}} {{[-n|--dry-run|--simulate]}} "{{file name}}" -- {{it\'s (odd) & <here>}}'
    )
    assert quiet.options == [Variant(("-q", "--quiet"), False, 5), Variant(("-n", "--dry-run", "--simulate"), True, 22)]


def test_the_git_commit_page_becomes_its_entries():
    page = read_page(GIT_COMMIT)
    assert (page.tool, page.description) == ("git commit", "Record staged changes in the repository.")
    assert page.entries == [
        Entry(
            8,
            "Commit the staged files with a message",
            'git commit -m "<message>"',
            ['git commit --message "<message>"'],
        ),
        Entry(
            12,
            "Stage every tracked file, then commit",
            'git commit -a -m "<message>"',
            ['git commit --all --message "<message>"'],
        ),
        Entry(16, "Show the version of Git", "git -v", ["git --version"]),
    ]
    assert page.skipped == []


def test_malformed_lines_are_reported_with_their_line():
    page = read_page("# frob\n> Frobnicate.\n`frob alone`\n- No command:\nstray text\n- Last:\n")
    assert page.entries == []
    assert page.skipped == [
        (3, "a command without a description"),
        (5, "not a tldr line"),
        (4, "a description without a command"),
        (6, "a description without a command"),
    ]
    page = read_page(
        "# frob\n>\n> Frobnicate.\n> Manual: <https://a.example>.\n> Mirror: <https://b.example>.\n"
        "- Run:\n`frob`\n> A quote after the entries.\n# frob again\n"
    )
    assert (page.tool, page.url) == ("frob", "https://a.example")
    assert page.description == "Frobnicate. Mirror: <https://b.example>."
    assert page.entries == [Entry(7, "Run", "frob", [])]
    assert page.skipped == [(8, "not a tldr line"), (9, "not a tldr line")]


def test_alternatives_are_deduplicated_and_absent_without_variants():
    page = read_page(
        "# frob\n> Frobnicate.\n- Twice:\n`frob {{[--all|--all]}} {{[-x|--exact]}}`\n"
        "- Once:\n`frob {{[--all|--all]}}`\n- Plain:\n`frob x {{}}`\n"
    )
    assert [(e.back, e.alternatives) for e in page.entries] == [
        ("frob --all -x", ["frob --all --exact"]),
        ("frob --all", []),
        ("frob x <value>", []),
    ]


def test_the_variants_become_the_tools_options():
    table = option_table(read_page(FROB))
    assert table == {
        "frob": {
            "options": [
                "-o, --output VALUE",
                "-r, --recursive",  # a placeholder follows it once, a literal word once: a flag
                "-q, --quiet",
                "-n, --dry-run, --simulate VALUE",  # a placeholder after a flag reads as its value
                "-V, --version",
                "--format",  # written out; what follows is no placeholder
            ]
        }
    }
    tools = parse_tools(table)
    assert tools.tools["frob"].own.options["--dry-run"].takes_value
    assert "--format" not in option_table(read_page(FROB), literal=False)["frob"]["options"]


def test_a_subcommand_takes_the_variants_after_it():
    table = option_table(read_page(GIT_COMMIT))
    assert table == {
        "git": {"options": ["-v, --version"], "commands": {"commit": {"options": ["-m, --message VALUE", "-a, --all"]}}}
    }
    assert ("commit",) in parse_tools(table).tools["git"].commands


def test_a_variant_in_the_commands_place_names_it_and_its_aliases():
    page = read_page(FROB_STATUS)
    assert [(e.line, e.back, e.alternatives) for e in page.entries] == [
        (8, "frob st -s", ["frob status --short"]),
        (12, "frob status -l <path/to/file>", ["frob status --long <path/to/file>"]),
        (16, "frob sync -f <remote>", ["frob remote sync --force <remote>"]),
        (20, "frob ls", ["frob list"]),
    ]
    table = option_table(page)
    assert table == {
        "frob": {
            "commands": {
                "st": {"aliases": ["status"], "options": ["-s, --short", "-l, --long VALUE"]},
                "sync": {"aliases": ["remote sync"], "options": ["-f, --force VALUE"]},
                "ls": {"aliases": ["list"]},
            }
        }
    }
    tools = parse_tools(table)
    assert compare("frob st -s -l <file>", "frob status --long <file> --short", kind="command", tools=tools).correct


@pytest.mark.parametrize(("text", "count"), [(FROB, 6), (GIT_COMMIT, 3), (FROB_STATUS, 4)])
def test_the_long_alternatives_are_accepted_for_the_short_backs(text, count):
    page = read_page(text)
    tools = parse_tools(option_table(page))
    pairs = [(entry.back, alt) for entry in page.entries for alt in entry.alternatives]
    assert len(pairs) == count
    for back, alt in pairs:
        assert compare(back, alt, kind="command", tools=tools).correct, (back, alt)
        assert compare(alt, back, kind="command", tools=tools).correct, (alt, back)


def test_without_the_table_the_long_spelling_is_another_word():
    page = read_page(FROB)
    assert not compare(page.entries[0].back, page.entries[0].alternatives[0], kind="command").correct
    tools = parse_tools(option_table(page))
    assert not compare("frob -o <a> <b>", "frob --recursive <a> <b>", kind="command", tools=tools).correct


def test_options_the_table_cannot_hold_are_left_out():
    page = read_page(
        "# frob\n> Frobnicate.\n"
        "- As another user:\n`sudo {{[-u|--user]}} {{user}} -H frob {{[-v|--verbose]}}`\n"
        "- Print the version:\n`frob {{[-v|--version]}}`\n"
        "- Odd spellings:\n`frob {{[-x|extract]}} {{[-a b|--all]}} -xzf --verbose`\n"
        "- Compressed:\n`frob {{file}} --level=9 -q | gzip {{[-c|--stdout]}} --best`\n"
        "- After the options:\n`frob -- {{[-z|--zero]}} -n`\n"
        "- Synchronise, no options:\n`frob sync {{path/to/file}}`\n"
        "- Push upstream:\n`frob push {{[up|upstream]}}`\n"
    )
    table = option_table(page)
    # -v is --verbose's already; --verbose written out is that same option
    assert table == {"frob": {"options": ["-v, --verbose", "--level VALUE", "-q"]}}
    parse_tools(table)
    assert option_table(read_page("# frob\n> Frobnicate.\n- Plain:\n`frob {{file}}`\n")) == {}


TAR = """\
# tar

> Archiving utility.
> More information: <https://www.gnu.org/software/tar>.

- Create an archive from files:

`tar cf {{target.tar}} {{file1}} {{file2}}`

- Extract an archive into a target directory:

`tar xf {{source.tar}} -C {{directory}}`

- List the contents of a tar file:

`tar tvf {{source.tar}}`

- Extract files matching a pattern:

`tar xf {{source.tar}} --wildcards {{"*.html"}}`
"""


@pytest.mark.parametrize(
    ("back", "typed"),
    [
        ("tar cf <target.tar> <file1> <file2>", "tar -c -f out.tar a b"),
        ("tar cf <target.tar> <file1> <file2>", "tar --create --file=out.tar a b"),
        ("tar xf <source.tar> -C <directory>", "tar -xf a.tar --directory /tmp"),
        ("tar tvf <source.tar>", "tar -tvf a.tar"),
    ],
)
def test_a_tools_first_word_of_clustered_options_stays_options(back, typed):
    """tar's bundled table reads `tar xf` as -x -f: the page's `xf` is no command of the deck's table."""
    from quiz.notes.tldr import from_tldr

    note = from_tldr([TAR])
    assert back in {card.back for card in note.cards}
    assert "commands" not in note.tools.get("tar", {})
    assert compare(back, typed, kind="command", tools=parse_tools(note.tools)).correct


def test_cache_dirs_follow_each_clients_rules():
    assert cache_dirs({"HOME": "/home/u"}) == [
        Path("/home/u/.cache/tealdeer/tldr-pages"),
        Path("/home/u/.cache/tlrc"),
        Path("/home/u/.tldr/cache"),
        Path("/home/u/.cache/tldr"),
        Path("/usr/share/tldr"),
    ]
    environ = {
        "HOME": "/home/u",
        "XDG_CACHE_HOME": "/c",
        "TEALDEER_CACHE_DIR": "/t",
        "XDG_DATA_DIRS": "/opt/share::/usr/share",
    }
    assert cache_dirs(environ) == [
        Path("/t/tldr-pages"),
        Path("/c/tlrc"),
        Path("/home/u/.tldr/cache"),
        Path("/c/tldr"),
        Path("/opt/share/tldr"),
        Path("/usr/share/tldr"),
    ]
    assert cache_dirs({"XDG_CACHE_HOME": "/c", "XDG_DATA_DIRS": "/usr/share:/usr/share"}) == [
        Path("/c/tealdeer/tldr-pages"),
        Path("/c/tlrc"),
        Path("/c/tldr"),
        Path("/usr/share/tldr"),
    ]


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(FROB, encoding="utf-8")


def test_cached_pages_of_a_tool_and_its_subcommands(tmp_path):
    environ = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    tealdeer, tlrc, node, python, _ = cache_dirs(environ)
    _tree(
        tealdeer,
        [
            "pages.en/linux/frob.md",
            "pages.en/android/frob.md",
            "pages.en/common/frob.md",
            "pages.en/common/frob-sync.md",
            "pages.en/common/frobnicate.md",
            "pages.en/common/other.md",
            "pages.de/common/frob.md",
        ],
    )
    _tree(tlrc, ["pages.en/osx/frob-sync.md", "pages.pt/common/frob.md", "pages.pt_BR/common/frob.md"])
    _tree(tlrc, ["pages.zh/common/frob.md"])
    _tree(node, ["pages/common/frob.md", "pages/common/frob-add.md"])
    (python / "pages/common/frob.md").mkdir(parents=True)  # not a file
    dirs = cache_dirs(environ)
    assert find_cached_pages("frob", dirs) == [
        node / "pages/common/frob.md",
        node / "pages/common/frob-add.md",
        tealdeer / "pages.en/common/frob.md",
        tealdeer / "pages.en/android/frob.md",
        tealdeer / "pages.en/linux/frob.md",
        tealdeer / "pages.en/common/frob-sync.md",
        tlrc / "pages.en/osx/frob-sync.md",
    ]
    german = find_cached_pages("Frob", dirs, lang="de")
    assert german[0] == tealdeer / "pages.de/common/frob.md"
    assert german[1:] == find_cached_pages("frob", dirs)
    brazilian = find_cached_pages("frob", dirs, lang="pt_BR")
    assert brazilian[:2] == [tlrc / "pages.pt_BR/common/frob.md", tlrc / "pages.pt/common/frob.md"]
    assert find_cached_pages("frob", dirs, lang="pt-BR") == brazilian  # as quiz.i18n tags a language
    assert find_cached_pages("frob", dirs, lang="zh-CN")[0] == tlrc / "pages.zh/common/frob.md"
    assert find_cached_pages("frob sync", dirs) == [
        tealdeer / "pages.en/common/frob-sync.md",
        tlrc / "pages.en/osx/frob-sync.md",
    ]
    assert find_cached_pages("frob", [node, node]) == [node / "pages/common/frob.md", node / "pages/common/frob-add.md"]
    assert find_cached_pages("missing", dirs) == []
