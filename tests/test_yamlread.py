"""quiz.plumbing.yamlread: the one YAML entry point. Plain data from located nodes, aliases and
unsafe tags refused where they stand, and the only module of quiz that imports PyYAML."""

from __future__ import annotations

import ast
import datetime
import functools
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import cli
from quiz.plumbing.yamlnodes import Map, Scalar, Seq, YamlError
from quiz.plumbing.yamlread import compose, load, plain

ROOT = Path(__file__).resolve().parents[1]


def test_load_gives_plain_data_of_every_kind():
    text = textwrap.dedent("""\
        text: docker ps
        quoted: '42'
        double: "true"
        int: 42
        negative: -7
        hex: 0x1f
        octal: 017
        underscored: 1_000
        sexagesimal: 1:20
        float: 2.5
        exponent: 1.5e+3
        not exponent: 1.5e3
        infinity: -.inf
        yes: yes
        off: off
        true: True
        tilde: ~
        null: null
        empty:
        date: 2024-01-02
        list: [1, two, 3.0, false, ~]
        block list:
          - a
          - b: c
        map: {x: y, z: [1]}
        literal: |
          line one
          line two
        folded: >-
          one
          two
        forced: !!str 12
        forced int: !!int "7"
        forced float: !!float 1
        1: keys stay text
        ...
    """)
    assert load(text) == {
        "text": "docker ps",
        "quoted": "42",
        "double": "true",
        "int": 42,
        "negative": -7,
        "hex": 31,
        "octal": 15,
        "underscored": 1000,
        "sexagesimal": 80,
        "float": 2.5,
        "exponent": 1500.0,
        "not exponent": "1.5e3",
        "infinity": -math.inf,
        "yes": True,
        "off": False,
        "true": True,
        "tilde": None,
        "null": None,
        "empty": None,
        "date": datetime.date(2024, 1, 2),
        "list": [1, "two", 3.0, False, None],
        "block list": ["a", {"b": "c"}],
        "map": {"x": "y", "z": [1]},
        "literal": "line one\nline two\n",
        "folded": "one two",
        "forced": "12",
        "forced int": 7,
        "forced float": 1.0,
        "1": "keys stay text",
    }
    types = {key: type(value) for key, value in load("a: 1\nb: 1.0\nc: true\nd: '1'").items()}
    assert types == {"a": int, "b": float, "c": bool, "d": str}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("# only a comment\n", None),
        ("---\n...\n", None),
        ("- a\n- 2\n- [x]\n", ["a", 2, ["x"]]),
        ("just text", "just text"),
        ("12", 12),
        ("~", None),
        ("''", ""),
        ("{}", {}),
        ("[]", []),
        ("a: &anchor [1]  # an anchor alone is harmless\n", {"a": [1]}),
    ],
)
def test_load_of_whole_documents(text, expected):
    assert load(text) == expected


def test_load_agrees_with_pyyaml_on_the_bundled_files():
    files = sorted((ROOT / "quiz" / "checking" / "command_tables").glob("*.yaml"))
    files += sorted((ROOT / "decks").glob("*.yaml"))
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert load(text) == yaml.safe_load(text), path


def raised(text: str) -> YamlError:
    with pytest.raises(YamlError) as caught:
        load(text)
    return caught.value


def test_an_alias_is_refused_where_it_stands():
    error = raised("a: &x [1]\nb: *x\n")
    assert (error.line, error.column) == (2, 4)
    assert str(error) == "2:4: YAML aliases (*name) are not allowed in decks: write the value out"
    assert isinstance(error, ValueError)


def test_a_merge_key_is_an_alias_too():
    error = raised("base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n")
    assert (error.line, error.column, "alias" in error.message) == (3, 7, True)


@pytest.mark.parametrize(
    ("text", "where", "tag"),
    [
        ("ok: 1\nbad: !!python/object:collections.OrderedDict {}\n", (2, 6), "python/object:collections.OrderedDict"),
        ("- !!python/object/apply:os.system [echo hi]\n", (1, 3), "python/object/apply:os.system"),
        ("k: !!python/name:os.system\n", (1, 4), "python/name:os.system"),
        ("k: !local x\n", (1, 4), None),
        ("k: !!binary aGk=\n", (1, 4), "binary"),
        ("k: !!set {a}\n", (1, 4), "set"),
    ],
)
def test_a_non_standard_tag_is_refused_where_it_stands(text, where, tag):
    error = raised(text)
    assert (error.line, error.column) == where
    assert error.message.startswith("tag '") and error.message.endswith("' is not allowed in decks")
    if tag:
        assert f"'tag:yaml.org,2002:{tag}'" in error.message


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("k: =\n", (1, 4), "'=' cannot be read"),  # PyYAML's `value` type: not plain data
        ("k: !!int x\n", (1, 4), "'x' cannot be read as int"),
        ("k: !!bool maybe\n", (1, 4), "'maybe' cannot be read as bool"),
        ("? [a, b]\n: 1\n", (1, 3), "key must be a plain value"),
        ("a: [1\n", (2, 1), "YAML syntax error"),
        ("a: 1\n---\nb: 2\n", (2, 1), "second document"),
        ("a: b\x07\n", (1, 5), "not allowed in YAML"),
    ],
)
def test_what_is_not_plain_data_is_a_located_error(text, where, words):
    error = raised(text)
    assert (error.line, error.column) == where and words in error.message, str(error)


def test_an_alias_bomb_is_refused_quickly():
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 12)]
    bomb = "\n".join(levels) + "\n"
    # In a process of its own: code that expanded the aliases (9**12 strings) would never end.
    probe = (
        "import sys, time; from quiz.plumbing.yamlread import YamlError, load\n"
        "start = time.perf_counter()\n"
        "try: load(sys.stdin.read())\n"
        "except YamlError as error: print(error, round(time.perf_counter() - start, 3))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], input=bomb, capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out[0] == "2:10:" and "aliases" in out
    assert float(out[-1]) < 0.5


def test_plain_gives_a_node_as_data_and_a_refused_one_as_none():
    root = compose("a: [1, x]\nb: {c: 2024-01-02}\n")
    assert isinstance(root, Map)
    assert [plain(value) for _, value in root.pairs] == [[1, "x"], {"c": datetime.date(2024, 1, 2)}]
    assert plain(None) is None


def test_nodes_know_their_spans_and_flow_style():
    text = textwrap.dedent("""\
        flow: [1, 2]
        block:
          - x
          - y
        map: {k: v}
        nested:
          inner: 1
        literal: |
          one
          two
        last: end
    """)
    root = compose(text)
    assert isinstance(root, Map) and not root.flow
    nodes = {key.value: value for key, value in root.pairs}
    flow, block, mapping, nested = nodes["flow"], nodes["block"], nodes["map"], nodes["nested"]
    assert isinstance(flow, Seq) and flow.flow and (flow.line, flow.column) == (1, 7)
    assert (flow.end.line, flow.end.column) == (0, 12)  # 0-based, just after the `]`
    assert isinstance(block, Seq) and not block.flow and (block.line, block.column) == (3, 3)
    assert isinstance(mapping, Map) and mapping.flow and (mapping.end.line, mapping.end.column) == (4, 11)
    assert isinstance(nested, Map) and not nested.flow
    literal, last = nodes["literal"], nodes["last"]
    assert isinstance(literal, Scalar) and (literal.end.line, literal.end.column) == (10, 0)  # the next line
    assert isinstance(last, Scalar) and (last.line, last.column) == (11, 7)
    assert (last.end.line, last.end.column) == (10, 9)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 中文\x01\n", (1, 6)),  # libyaml's reader counts UTF-8 bytes here: 3 a character
        ("a: 😀 é\nb: ok\x07\n", (2, 6)),
        ("中文: 中文\n中文中文: [中文, \x00]\n", (2, 12)),
    ],
)
def test_a_character_not_allowed_is_pointed_at_in_characters_after_any_text(text, where):
    error = raised(text)
    assert (error.line, error.column) == where and "not allowed in YAML" in error.message, str(error)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_inside_a_line_do_not_shift_the_lines_after_them(separator):
    # An editor shows LS, PS and NEL inside their line; libyaml would count each as a new line.
    assert (raised(f'a: "x{separator}y"\nb: [1, *x]\n').line, raised(f'a: "x{separator}y"\nb: *x\n').column) == (2, 4)
    error = raised(f"a: 'one{separator}two'\nb: {{c: [1}}\n")
    assert (error.line, "syntax error" in error.message) == (2, True)
    root = compose(f'a: "x{separator}y"  # {separator}\nb: [1, 2]\nc: d\n')
    assert isinstance(root, Map)
    b, items = root.pairs[1][0], root.pairs[1][1]
    assert isinstance(items, Seq) and (b.line, b.column, items.line, items.column) == (2, 1, 2, 4)
    assert (items.end.line, items.end.column) == (1, 9)  # 0-based, just after the `]`
    assert (root.pairs[2][1].line, root.pairs[2][1].column) == (3, 4)


def test_nesting_is_bounded_and_never_runs_out_of_stack():
    assert load("x: " + "[" * 49 + "]" * 49) == {"x": functools.reduce(lambda inner, _: [inner], range(48), [])}
    error = raised("x: " + "[" * 50 + "]" * 50)
    assert (error.line, error.column, error.message) == (
        1,
        53,
        "nested more than 50 levels deep: a deck needs far fewer",
    )
    for text in ("x: " + "[" * 600 + "]" * 600, "x: " + "{a: " * 600 + "1" + "}" * 600):
        assert "nested more than 50 levels" in raised(text).message  # not a RecursionError


def test_no_module_of_quiz_but_yamlread_imports_pyyaml():
    importers = set()
    for path in (ROOT / "quiz").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name == "yaml" or name.startswith("yaml.") for name in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers == {"quiz/plumbing/yamlread.py"}


def test_comparing_answers_never_imports_pyyaml():
    """The bundled tables are read from their compiled JSON (see quiz/checking/knowledge.py)."""
    probe = (
        "import sys; from quiz.checking.compare import compare\n"
        "verdict = compare('docker logs -f web', 'docker logs --follow web')\n"
        "print(verdict.correct, 'yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


# ---- generate --update on a deck that does not read --------------------------------------


def test_update_of_a_deck_with_an_alias_fails_in_one_line_and_changes_nothing(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("# Images\n\n```\n# List images\ndocker images\n```\n", encoding="utf-8")
    deck_path = tmp_path / "deck.yaml"
    assert CliRunner().invoke(cli, ["generate", str(note), "-o", str(deck_path)]).exit_code == 0
    text = deck_path.read_text(encoding="utf-8")
    assert "\nlang: en\n" in text
    text = text.replace("\nlang: en\n", "\nlang: &l en\n")
    text += "\n  - id: by-hand\n    front: *l\n    back: b\n"
    alias_line = text.count("\n") - 1  # the line of `front: *l`, 1-based
    deck_path.write_text(text, encoding="utf-8")
    before = deck_path.read_bytes()

    result = CliRunner().invoke(cli, ["generate", str(note), "--update", str(deck_path)])
    assert result.exit_code == 1
    about_the_deck = [line for line in result.output.splitlines() if "deck.yaml" in line]
    assert about_the_deck == [
        f"Error: {deck_path}:{alias_line}:12: cannot update this deck: "
        "YAML aliases (*name) are not allowed in decks: write the value out"
    ]
    assert deck_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.yaml", "note.md"]


def test_update_reads_the_deck_it_merges_into_as_quiz_lint_does(tmp_path):
    """Keys are text (a Norwegian `no:` stays a language), spans end where each card ends."""
    note = tmp_path / "note.md"
    note.write_text("# Images\n\n```\n# List images\ndocker images\n```\n", encoding="utf-8")
    deck_path = tmp_path / "deck.yaml"
    deck_path.write_text(
        textwrap.dedent("""\
        deck: images
        lang: en
        cards:
          - id: tagged
            front: Tag an image
            back: docker tag a b
            tags: [images, naming]
          - id: by-hand
            front: {en: Remove an image, no: Fjern et bilde}
            back: docker rmi <image>
            note: |
              Literal text,
              two lines.
    """),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["generate", str(note), "--update", str(deck_path)])
    assert result.exit_code == 0, result.output
    cards = {card["id"]: card for card in yaml.safe_load(deck_path.read_text(encoding="utf-8"))["cards"]}
    assert list(cards) == ["tagged", "by-hand", "docker-images"]  # the new card after the literal block
    assert cards["by-hand"]["note"] == "Literal text,\ntwo lines.\n"
    assert cards["tagged"]["tags"] == ["images", "naming"]
    assert cards["docker-images"]["back"] == "docker images"
    assert "kept 2 cards written by hand" in result.output


@pytest.mark.parametrize(
    ("cards", "problem"),
    [
        (
            "cards: [{id: a, front: f, back: b}]\n",
            "its `cards:` must be a non-empty block list (one `- id: ...` per card)",
        ),
        (
            "cards:\n  - id: a\n    front: f\n    back: b\n  - {id: c, front: f, back: b}\n",
            "line 7: each card must be a block mapping",
        ),
    ],
)
def test_update_needs_cards_written_as_blocks(tmp_path, cards, problem):
    note = tmp_path / "note.md"
    note.write_text("# Images\n\n```\n# List images\ndocker images\n```\n", encoding="utf-8")
    deck_path = tmp_path / "deck.yaml"
    deck_path.write_text("deck: images\nlang: en\n" + cards, encoding="utf-8")
    result = CliRunner().invoke(cli, ["generate", str(note), "--update", str(deck_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: {deck_path}: cannot update this deck: {problem}"
    assert deck_path.read_text(encoding="utf-8") == "deck: images\nlang: en\n" + cards


# Letters, digits, YAML's indicators and spaces, CJK and accents: every string a deck file is written with
# (quiz.notes.write.scalar, plain where it can be) reads back as itself.
PIECES = list("aZé中 \t0-9:#,.()'\"/+=?!-[]{}&*|>%@`~\\\n") + ["yes", "No", "null", "on", "Y"]
WRITTEN = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(WRITTEN)
@settings(max_examples=500, deadline=None)
def test_every_string_written_reads_back_as_itself(text):
    from quiz.notes.write import card_yaml, scalar

    assert load(f"k: {scalar(text, 0)}\n") == {"k": text}  # a file ends in a newline
    tags = text.split()[:1]
    written = "cards:\n" + card_yaml("c", {"front": text, "tags": tags}, "") + "\n"
    assert load(written) == {"cards": [{"id": "c", "front": text, "tags": tags}]}


@pytest.mark.parametrize("text", ["docker ps -a", "List all containers", "What's this?", "el perro, la casa", "中文"])
def test_plain_text_is_written_plain(text):
    from quiz.notes.write import scalar

    assert scalar(text, 0) == text


# what may stand in a text written plain (quiz.notes.write escapes the control characters first)
_PLAIN_ALPHABET = st.sampled_from(list("ab yZ09:#-?,[]{}&*!|>'\"%@`.~=\t\n\r\u00a0\u3000\u4e2d"))


@settings(max_examples=3000, deadline=None)
@given(value=st.text(_PLAIN_ALPHABET, min_size=1, max_size=8))
def test_a_value_said_to_read_back_plain_does(value):
    """reads_back_plain's promise, what quiz.notes.write relies on to write a text unquoted:
    after `key: `, the value reads back as this very string."""
    from quiz.notes.write import reads_back_plain

    if reads_back_plain(value):
        assert load(f"key: {value}") == {"key": value}


@pytest.mark.parametrize(
    "value", ["a: b", "a:", "a #b", "a\t#b", "a\u3000#b", " a", "a ", "a\nb", "a\rb", "a\tb", "#a", "yes", "1"]
)
def test_a_value_that_would_not_read_back_is_not_plain(value):
    from quiz.notes.write import reads_back_plain

    assert not reads_back_plain(value)
