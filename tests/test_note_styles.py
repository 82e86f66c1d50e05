"""Notes in a dozen styles (tests/data/notes/, each with the command and key cards it must give,
written apart from the parser): tables, bullets with inline code, trailing comments and
config snippets, terminal transcripts, vim keys and indented code, the Docker note's style,
man page option lines, comments under their commands, keys in a code block,
a tldr page of pages.zh, an Obsidian note (highlights, wiki links, embeds, #tags)."""

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz.decks import load_deck
from quiz.notes import deck_yaml, generate

NOTES = sorted((Path(__file__).parent / "data" / "notes").glob("*.md"))


def typed_cards(note):
    return [
        (card.line, card.type, card.front, card.back if isinstance(card.back, str) else card.back[0])
        for card in note.cards
        if card.type in ("command", "keys")
    ]


@pytest.mark.parametrize("path", NOTES, ids=[path.stem for path in NOTES])
def test_every_command_and_only_those(path):
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    made = typed_cards(generate(path.read_text(encoding="utf-8"), path.stem))
    assert made == [(e["line"], e["type"], e["front"], e["back"]) for e in expected]


@pytest.mark.parametrize("path", NOTES, ids=[path.stem for path in NOTES])
def test_the_deck_passes_lint(path, tmp_path):
    note = generate(path.read_text(encoding="utf-8"), path.stem)
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(note, "styles", path.name), encoding="utf-8")
    assert len(load_deck(deck).cards) >= len(note.cards)


def test_six_styles_at_least():
    assert len(NOTES) >= 6


def test_a_chinese_tldr_page_is_read_as_one_with_its_link():
    note = generate((Path(__file__).parent / "data" / "notes" / "frob-tldr-zh.md").read_text(encoding="utf-8"))
    assert note.tools and {card.source for card in note.cards} == {"https://frob.example.org"}


def test_a_tldr_page_gives_its_variants_to_the_checker():
    from quiz.checking.compare import compare
    from quiz.checking.tables import parse_tools

    note = generate((Path(__file__).parent / "data" / "notes" / "frob-tldr.md").read_text(encoding="utf-8"))
    tools = parse_tools(note.tools)
    answer = note.cards[0].back
    assert compare(answer, "frob --output a.tar notes.txt", kind="command", tools=tools).correct
    assert not compare(answer, "frob --output a.tar", kind="command", tools=tools).correct


def test_an_option_line_of_a_man_page_takes_either_spelling():
    from quiz.checking.compare import compare

    note = generate((Path(__file__).parent / "data" / "notes" / "rsync-options.md").read_text(encoding="utf-8"))
    answers = {card.front: card.back for card in note.cards}
    for typed in ("-l", "--links"):
        assert compare(answers["Copy symlinks as symlinks."], typed, kind="command").correct
    assert not compare(answers["Copy symlinks as symlinks."], "-l, --links", kind="command").correct
    assert answers["the remote shell to use: COMMAND"] == ["-e COMMAND", "--rsh=COMMAND"]


def test_kramdowns_attribute_lists_are_markup_not_cards():
    text = "# Bash\n{: .-three-column}\n\n## Loops\n{: .-prime}\n\nA loop runs its body for each item.\n\n"
    text += '```bash\n# print each file\nfor f in *; do echo $f; done\n```\n{: data-line="1"}\n'
    note = generate(text)
    assert [(card.type, card.front, card.back) for card in note.cards] == [
        ("basic", "What is Loops?", "A loop runs its body for each item."),
        ("command", "print each file: * echo $f", "for f in *; do echo $f; done"),
    ]


def test_a_table_without_its_header_row_is_read_as_a_table():
    text = "# tar\n\n## Archives\n\n| `tar -xf a.tar` | extract an archive |\n| `tar -tf a.tar` | list one |\n"
    text += "{: .-mute-em}\n\n## Not a table\n\nA | B, as text.\n"
    note = generate(text)
    assert [(card.line, card.type, card.front, card.back) for card in note.cards] == [
        (5, "command", "extract an archive: a.tar", "tar -xf a.tar"),
        (6, "command", "list one: a.tar", "tar -tf a.tar"),
        (9, "basic", "What is not a table?", "A | B, as text."),
    ]


def test_a_sentence_in_a_code_block_is_no_command():
    text = "# Disks\n\n## Usage\n\nInterpretation:\n\n```\nThe filesystem is 95% full.\n```\n\n"
    text += "Which process writes?\n\n```\nWhich process is using the disk right now?\n```\n\n"
    text += "```bash\n# show disk usage\ndf -h\n```\n"
    note = generate(text)
    assert [(card.type, card.front, card.back) for card in note.cards if card.type == "command"] == [
        ("command", "show disk usage", "df -h")
    ]
    said = [str(skipped) for skipped in note.skipped]
    assert "line 8: a sentence, output or a drawing, not a command: The filesystem is 95% full." in said
    assert "line 14: a sentence, output or a drawing, not a command: Which process is using the disk right now?" in said


@pytest.mark.parametrize(
    "line",
    ["Active: active (running)", "Error: mkdir /data: permission denied", "├── Bios/", "Disk | +--> Partition"],
)
def test_a_line_of_output_or_a_drawing_in_a_code_block_is_no_command(line):
    note = generate(f"# Notes\n\n## Status\n\nExpected:\n\n```\n{line}\n```\n")
    assert [card for card in note.cards if card.type == "command"] == []
    assert f"line 8: a sentence, output or a drawing, not a command: {line}" in [str(s) for s in note.skipped]


def test_a_dockerfile_snippet_keeps_its_lines_that_read_as_sentences():
    text = "# Images\n\n## Hello\n\n```dockerfile\n# an image that greets\nFROM alpine\n"
    text += "RUN cat <<EOF > /hello\nHello from the container: it works\nEOF\n```\n"
    (card,) = generate(text).cards
    assert card.back == "FROM alpine\nRUN cat <<EOF > /hello\nHello from the container: it works\nEOF"


def test_a_callouts_marker_is_markup_and_its_title_leads():
    text = "# Git\n\n## Undo\n\n> [!warning] History\n> `git reset --hard` throws work away.\n\n"
    text += "## Stash\n\n> [!NOTE]-\n> `git stash pop` may conflict.\n"
    assert [card.back for card in generate(text).cards] == [
        "History: `git reset --hard` throws work away.",
        "`git stash pop` may conflict.",
    ]


def test_keys_a_note_gives_with_or_take_either():
    from quiz.checking.compare import compare

    note = generate((Path(__file__).parent / "data" / "notes" / "tmux-keys-block.md").read_text(encoding="utf-8"))
    moved = next(card for card in note.cards if card.front == "move the pane left or right")
    assert moved.back == ["C-b {", "C-b }"]
    assert all(compare(moved.back, typed, kind="keys").correct for typed in ("C-b {", "Ctrl-b }"))


@pytest.mark.parametrize(
    ("sentence", "url"),
    [
        ("See https://example.com/proxy.", "https://example.com/proxy"),
        ("请求的来源见 https://example.com/referer?q=1。", "https://example.com/referer?q=1"),
        ("Docs: https://example.com/a_b, then the rest!", "https://example.com/a_b"),
        ("见 https://example.com/路径，然后试试。", "https://example.com/路径"),
    ],
)
def test_a_link_in_a_sentence_is_the_source_without_the_sentences_punctuation(sentence, url):
    note = generate(
        f"# curl\n\n## Proxy\n\n{sentence}\n\n```shell\n# Use a proxy\ncurl -x proxy:8080 example.com\n```\n"
    )
    assert [card.source for card in note.cards] == [url, url]


def test_generate_tldr_reads_the_cached_pages_of_a_tool(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from quiz.cli import cli

    pages = tmp_path / "cache" / "tldr" / "pages" / "common"
    pages.mkdir(parents=True)
    page = (Path(__file__).parent / "data" / "notes" / "frob-tldr.md").read_text(encoding="utf-8")
    (pages / "frob.md").write_text(page, encoding="utf-8")
    (pages / "frob-list.md").write_text(page.replace("# frob\n", "# frob list\n", 1), encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TEALDEER_CACHE_DIR", str(tmp_path / "none"))
    out = tmp_path / "frob.yaml"
    result = CliRunner().invoke(cli, ["generate", "--tldr", "frob", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [card["front"] for card in report["cards"]][:3] == [
        "Frob a file into an archive",
        "List what an archive holds, verbosely",
        "Show the version",
    ]
    assert len(report["cards"]) == 6 and report["output"] == str(out)
    assert "frob" in yaml.safe_load(out.read_text(encoding="utf-8"))["tools"]
    missing = CliRunner().invoke(cli, ["generate", "--tldr", "nope"])
    assert missing.exit_code == 1 and "no cached tldr pages of nope" in missing.output


# ---- whatever the note holds, the deck passes lint -------------------------------------

SEEDS = [path.read_text(encoding="utf-8") for path in NOTES] + [
    (Path(__file__).resolve().parents[1] / "decks" / "source" / "docker-note.md").read_text(encoding="utf-8")
]
JUNK = [
    "\x00", "\x1b[2J", "\x1b]8;;http://x\x07", "\r", "\x85", "\x7f", "\ufeff", "\u2028", "---\n",
    "---\ntitle: !!python/object x\n---\n",
    "---\ntitle: 12\n---\n", "---\na: &x [1]\nb: *x\n---\n", "# \n", "| a | b |\n|---|---|\n| `x` | |\n", "`", "```",
    "{{c1::x}}", ": ", "- ", "1. `0`: x\n", "> ", "\t", "#", "'", '"', "*", "&a", "<!-- x -->", "    ", "\\",
    "- `ls -l` —\n", "- `0` — zero\n", "| `true` | yes |\n", "$ ", "- `Ctrl-b d` — detach\n", '```vim\n"\n```\n',
]  # fmt: skip


@st.composite
def mutated_notes(draw):
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        junk = draw(st.sampled_from(JUNK) | st.text(max_size=8))
        action = draw(st.sampled_from(["insert", "cut", "delete"]))
        if action == "insert":
            lines.insert(at, junk + draw(st.sampled_from(lines)))
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))] + junk
        elif len(lines) > 1:
            del lines[at]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_notes())
@example(text="---\n\n========\n\x85\n\n\x00---\n\n## A\n\n- `ssh-add -l`\n")  # a back of U+0085 alone
def test_whatever_the_note_holds_the_deck_passes_lint(tmp_path_factory, text):
    note = generate(text, "fuzz")
    if not note.cards:  # no deck: quiz generate says so and writes nothing (tests/test_notes.py)
        return
    deck = tmp_path_factory.mktemp("fuzz") / "deck.yaml"
    deck.write_text(deck_yaml(note, "fuzz", "fuzz.md"), encoding="utf-8")
    assert len(load_deck(deck).cards) >= len(note.cards)
    assert "\x1b" not in deck.read_text(encoding="utf-8")  # escaped: \u001b


def test_a_front_matter_that_does_not_read_is_reported_not_expanded():
    bomb = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefghij", "bcdefghijk")]
    note = generate("\n".join([*bomb, "title: never", "---", "# Bomb", "", "```", "# list", "ls -l", "```"]))
    assert note.title == "Bomb"
    assert [(s.line, s.reason.split(" (")[0]) for s in note.skipped] == [(1, "front matter not read")]


@pytest.mark.parametrize(
    "title, lang, asked",
    [
        ("What is a pane?", "en", "What is a pane?"),  # already a question
        ("Checking a service", "en", "How do you check a service?"),  # an action is not a term
        ("Setting up SSH keys", "en", "How do you set up SSH keys?"),
        ("Install Docker on Ubuntu", "en", "How do you install Docker on Ubuntu?"),
        ("Projects and services", "en", "What are projects and services?"),
        ("Rebase vs merge", "en", "What is the difference between Rebase and merge?"),
        ("Pod", "zh", "什么是 Pod？"),
        ("查看日志", "zh", "如何查看日志？"),
        ("怎么回滚", "zh", "怎么回滚？"),
        ("镜像分层原理", "zh", "什么是镜像分层原理？"),  # no space between two Chinese words
        ("镜像的分层存储原理", "zh", "镜像的分层存储原理是什么？"),
    ],
)
def test_a_concept_card_asks_one_focused_question(title, lang, asked):
    from quiz.notes.questions import question

    assert question(title, lang) == asked


def test_the_introduction_under_the_notes_title_is_listed_not_carded():
    note = generate("# Git notes\n\nMy own notes, kept since 2019.\n\n## Stash\n\nShelves changes for later.\n")
    assert [card.front for card in note.cards] == ["What is Stash?"]
    assert [(s.line, s.lines) for s in note.skipped] == [(3, 1)]


def test_a_tldr_page_of_a_bundled_tool_adds_only_what_its_table_lacks():
    from quiz.checking.compare import compare
    from quiz.checking.tables import parse_tools

    page = """# git commit

> Commit files to the repository.

- Commit staged files with a message:

`git commit {{[-m|--message]}} "{{message}}"`

- Commit with an option quiz's git table does not have:

`git commit {{[-Z|--zap]}}`
"""
    note = generate(page)
    assert note.tools == {"git": {"commands": {"commit": {"options": ["-Z, --zap"]}}}}
    assert [card.back for card in note.cards] == ['git commit -m "<message>"', "git commit -Z"]
    tools = parse_tools(note.tools)
    assert compare("git commit -Z", "git commit --zap", kind="command", tools=tools).correct
    back = note.cards[0].back
    assert not compare(back, "git commit -a --message='fix it'", kind="command", tools=tools).correct
    assert compare(back, "git commit --message='fix it'", kind="command", tools=tools).correct


@pytest.mark.parametrize(
    "line, command",
    [
        ("$ docker ps", "docker ps"),
        ("user@host:~$ ls -la", "ls -la"),
        ("root@box:/# apt update", "apt update"),
        ("PS C:\\> Get-Process", "Get-Process"),
        ("# journalctl -u nginx", "journalctl -u nginx"),  # root's prompt, in a transcript
    ],
)
def test_a_prompt_is_not_part_of_the_command_and_output_is_no_card(line, command):
    note = generate(f"# T\n\n## Run it\n\nRun this:\n\n```console\n{line}\nsome output\nmore output\n```\n")
    assert [(card.back, card.line) for card in note.cards if card.kind == "command"] == [(command, 8)]


@pytest.mark.parametrize("line", ["$ git reflog", "user@host:~$ git reflog"])
def test_a_prompt_in_a_paragraph_is_a_command_under_its_introduction(line):
    # written without a fence: the paragraph's first line introduces the command under it,
    # as it would a code block's; the output under the command is no card
    note = generate(f"# Git\n\n## Lost commits\n\nFind a lost commit:\n{line}\nabc123 HEAD@{{0}}: commit\n")
    assert [(card.kind, card.front, card.back, card.line) for card in note.cards] == [
        ("command", "Find a lost commit", "git reflog", 6)
    ]
    prose = generate("# Git\n\n## Costs\n\nA reflog entry costs $ 5 a month, in this joke.\n")
    assert [card.kind for card in prose.cards] == ["concept"]  # a dollar inside a sentence: prose


def test_a_remark_under_the_one_command_an_intro_asks_for_is_its_note(tmp_path):
    note = generate(
        "# Git\n\nCreate a branch and switch to it:\n\n```bash\ngit switch -c feature\n"
        "# the same as git checkout -b feature\n```\n\nUndo the last commit:\n\n"
        "```bash\n# keep its changes staged\ngit reset --soft HEAD~1\n```\n"
    )
    made = [(card.line, card.back, card.note) for card in note.cards]
    # the comment above the second block's command is its front, and the line above the block
    # (an introduction of it) not; under the first block's command, the comment is a remark
    assert made == [
        (6, "git switch -c feature", "the same as git checkout -b feature"),
        (14, "git reset --soft HEAD~1", ""),
    ]
    assert note.cards[0].front.startswith("Create a branch and switch to it")
    assert note.cards[1].front.startswith("keep its changes staged")
    deck = tmp_path / "deck.yaml"
    deck.write_text(deck_yaml(note, "git", "git.md"), encoding="utf-8")
    assert load_deck(deck).cards[0].content["note"] == "the same as git checkout -b feature"


def test_lines_under_the_one_command_an_intro_asks_for_are_its_output_not_its_note():
    note = generate(
        "# df\n\nShow free space:\n\n```bash\ndf -h /\n# Filesystem  Size  Used\n# /dev/sda1   20G   15G\n```\n"
    )
    assert [(card.back, card.note) for card in note.cards] == [("df -h /", "")]
    assert [remark.reason for remark in note.remarks] == ["output of the command above: not a card"]


def test_obsidian_marks_leave_the_concepts_words_and_code_spans_as_written():
    note = generate((Path(__file__).parent / "data" / "notes" / "obsidian-git.md").read_text(encoding="utf-8"))
    concept = next(card for card in note.cards if card.kind == "concept")
    assert concept.back == "Branches are cheap: a branch is a file holding one commit id. See refs."
    assert not note.skipped  # the line of tags alone is not reported as a paragraph left out
    kept = generate("# T\n\n## S\n\n- `grep -c '==x== #y'`: count ==marked== lines #grep\n")
    assert [(card.front, card.back) for card in kept.cards] == [
        ("count marked lines: '==x== #y'", "grep -c '==x== #y'")
    ]


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("*take all lower case letters*", "take all lower case letters"),
        ("Yank line _(Copy)_", "Yank line (Copy)"),
        ("**将target作为根目录（运行其中的`/bin/sh`）:**", "将target作为根目录（运行其中的`/bin/sh`）:"),
        ("rm *.jpg *.png, a*b*c, snake_case_name, 2 * 3 * 4", "rm *.jpg *.png, a*b*c, snake_case_name, 2 * 3 * 4"),
        ("`ls **/*.py` and `_x_` **here**", "`ls **/*.py` and `_x_` here"),
        ("Koa: <https://koajs.com/>", "Koa: https://koajs.com/"),
        ("see [[Git#Rebase|rebasing]] and [[Git#Merge]] ![[graph.png]]", "see rebasing and Git > Merge"),
        ("issue #123, use #include here", "issue #123, use #include here"),
    ],
)
def test_inline_marks_go_and_the_words_stay(markdown, words):
    from quiz.notes.blocks import plain

    assert plain(markdown, {})[0] == words


def test_a_lone_bullet_of_a_link_is_the_sections_text_not_a_sub_heading():
    note = generate("# Koa\n\n## About\n\nKoa is a web framework.\n\n- <https://koajs.com/>\n\n## Next\n\nMore.\n")
    about = note.cards[0]
    assert (about.front, about.back) == ("What is About?", "Koa is a web framework.\n• https://koajs.com/")


def test_a_chinese_warnings_question_spaces_only_beside_latin_text():
    note = generate("# 笔记\n\n## 镜像\n\n镜像是只读的模板。\n\n> 注意：删除前先确认。\n", "note")
    warning = next(card for card in note.cards if card.kind == "warning")
    assert warning.front == "镜像有什么要注意的？"
    note = generate("# 笔记\n\n## 运行\n\n```bash\n# 运行容器\ndocker run nginx\n```\n\n> 注意：加 --rm。\n", "note")
    warning = next(card for card in note.cards if card.kind == "warning")
    assert warning.front == "`docker run nginx` 有什么要注意的？"
