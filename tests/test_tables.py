"""The command table format, the bundled tables, and the checker's rules for every tool:
what each key of the format changes, and properties that hold for every bundled command."""

import json
import re
from pathlib import Path

import pytest
import yaml

from quiz.checking import knowledge
from quiz.checking.compare import compare, lint_command
from quiz.checking.invocation import image_reference
from quiz.checking.tables import parse_tools

TABLES = Path(knowledge.TABLES_DIR)


def same(expected: str, typed: str, tools=None) -> bool:
    return compare(expected, typed, kind="command", tools=tools).correct


# ---------------------------------------------------------------- the bundled files


def test_the_compiled_tables_are_those_of_the_yaml_files():
    """python -m quiz.checking.knowledge writes the JSON the checker reads."""
    compiled = json.loads(knowledge.COMPILED.read_text(encoding="utf-8"))
    from_yaml = {}
    for path in sorted(TABLES.glob("*.yaml")):
        from_yaml.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert compiled == from_yaml
    assert knowledge.compiled_text(knowledge.compile_tables()) == knowledge.COMPILED.read_text(encoding="utf-8")


def test_every_tool_the_issue_names_has_a_bundled_table():
    names = {path.stem for path in TABLES.glob("*.yaml")}
    wanted = [
        "git",
        "kubectl",
        "docker",
        "systemctl",
        "journalctl",
        "tar",
        "ssh",
        "scp",
        "ssh-keygen",
        "rsync",
        "grep",
        "find",
        "curl",
        "wget",
        "tmux",
        "apt",
        "apt-get",
        "ls",
        "cp",
        "mv",
        "rm",
        "mkdir",
        "chmod",
        "chown",
        "ps",
        "kill",
        "df",
        "du",
        "tail",
        "head",
        "sort",
        "sed",
        "ip",
        "ss",
        "npm",
        "pip",
        "sudo",
    ]
    assert set(wanted) <= names


def test_each_file_holds_the_tool_it_is_named_for_and_says_its_source():
    for path in sorted(TABLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert list(yaml.safe_load(text)) == [path.stem], path
        header = text[: text.index(f"\n{path.stem}:")]
        assert header.startswith("# Command table for ") and " from " in header and re.search(r"\d", header), path


def test_a_misnamed_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "frob.yaml").write_text("other:\n  options: [-a]\n", encoding="utf-8")
    monkeypatch.setattr(knowledge, "TABLES_DIR", tmp_path)
    with pytest.raises(ValueError, match="holds other; a file holds the tool it is named for"):
        knowledge.compile_tables()


# ---------------------------------------------------------------- the format's keys

FROB = parse_tools(
    {
        "frob": {
            "options": ["-v, --verbose", "-C, --dir DIR", "-name pattern", "-i, --in-place [SUFFIX]"],
            "old_style": True,
            "dash_value": "--dir",
            "synonyms": {"po": "pods", "pod": "pods", 9: "KILL"},
        },
        "remote": {"options": ["-p port", "-v"], "options_first": 2},
        "plain": {"options": ["-o, --output FILE", "-v"], "equals": False},
        "kube": {
            "options": ["-n, --namespace NS"],
            "options_everywhere": True,
            "commands": {"get": {"options": ["-o, --output FORMAT"]}},
        },
    }
)


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("frob -name x", "frob -name x"),  # a one-dash long option is one option
        ("frob vC d", "frob -v -C d"),  # old style: a first word without a dash
        ("frob -C 5", "frob -5"),  # dash_value
        ("frob pods", "frob po"),  # synonyms
        ("frob pods/web", "frob pod/web"),  # before a slash too
        ("frob KILL", "frob 9"),  # a number as a synonym's key
        ("frob -i.bak x", "frob --in-place=.bak x"),  # an optional value, attached
        ("frob -i x", "frob --in-place x"),  # without it, the next word is an argument
        ("remote -p 22 host", "remote host -p 22"),  # options end at the second argument
        ("plain -o f x", "plain x --output f"),
        ("kube -n x get", "kube get -n x"),  # options everywhere
        ("kube get -n x -o wide", "kube -n x get --output wide"),
    ],
)
def test_what_each_key_accepts(expected, typed):
    assert same(expected, typed, FROB)


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("frob -name x", "frob -n -a -m -e x"),  # -name is not a cluster
        ("frob -i x", "frob -ix"),  # -ix is -i with the suffix x
        ("frob -C 5", "frob -6"),
        ("frob pods", "frob services"),
        ("remote host ls -v", "remote host -v ls"),  # after the second argument: the command's
        ("plain -o f x", "plain --output=f x"),  # equals: false
        ("plain -v x", "plain x -v -v"),
    ],
)
def test_what_each_key_still_rejects(expected, typed):
    assert not same(expected, typed, FROB)


LISTER = parse_tools(
    {
        "lister": {
            "options": ["-a, --all", "-l, --latest", "-n, --last int", "-s, --signal NAME", "--no-trunc", "-q"],
            "same": {"--last 1": "-l", "-s KILL": "", "--signal 9": None},
            "implies": {"-l": ["-a"], "--last": ["--all"]},
            "incidental": ["--no-trunc"],
        }
    }
)


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("lister -l", "lister -n 1"),  # same: one option with one value is another option
        ("lister -l", "lister --last=1"),
        ("lister -n 1", "lister -l"),  # either way round
        ("lister x", "lister -s KILL x"),  # "": the default, as if left out
        ("lister x", "lister --signal 9 x"),  # null too
        ("lister -l", "lister -a -l"),  # implies: the implied option may be added
        ("lister -l", "lister -la"),
        ("lister -a -l", "lister -l"),  # or left out
        ("lister -n 3", "lister -n 3 --all"),
        ("lister x", "lister --no-trunc x"),  # incidental: may be added
    ],
)
def test_what_the_meaning_keys_accept(expected, typed):
    assert same(expected, typed, LISTER)


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("lister -l", "lister -n 2"),  # another value is another option
        ("lister x", "lister -s HUP x"),  # another signal is no default
        ("lister -a", "lister -l"),  # -l implies -a, not the other way round
        ("lister -l", "lister -l -q"),
        ("lister -a", "lister -a -l"),  # adding what implies is no implied option
        ("lister --no-trunc x", "lister x"),  # incidental: needed where the answer gives it
    ],
)
def test_what_the_meaning_keys_still_reject(expected, typed):
    assert not same(expected, typed, LISTER)


@pytest.mark.parametrize(
    "expected, typed, correct",
    [
        ("docker run --rm <image> [<args>...]", "docker run --rm ubuntu", True),  # nothing after it
        ("docker run --rm <image> [<args>...]", "docker run --rm -it ubuntu bash", True),
        ("docker run --rm <image> [<args>...]", "docker run --rm --name t ubuntu echo hi", True),
        ("docker run --rm <image> [<args>...]", "docker run ubuntu", False),
        ("docker run --rm <image> [<args>...]", "docker run --rm", False),  # the image is needed
        ("docker run --rm <image> <args>...", "docker run --rm ubuntu", False),  # one word or more
    ],
)
def test_an_optional_rest_may_be_empty(expected, typed, correct):
    assert same(expected, typed) == correct


def test_old_style_values_follow_in_order():
    tar = parse_tools({"tar": {"old_style": True, "options": ["-x", "-z", "-f FILE", "-C DIR"]}})
    assert same("tar xzf a.tgz", "tar -xzf a.tgz", tar)
    assert same("tar xzf a.tgz", "tar xfz a.tgz", tar)  # old style: f's value is the next word
    assert not same("tar -xzf a.tgz", "tar -xfz a.tgz", tar)  # new style: f takes "z"
    assert same("tar xfC a.tar d", "tar -x -f a.tar -C d", tar)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"t": {"dash_value": "--nope"}}, "dash_value '--nope' must be one of its options that takes a value"),
        (
            {"t": {"options": ["-v"], "dash_value": "-v"}},
            "dash_value '-v' must be one of its options that takes a value",
        ),
        ({"t": {"images": "some"}}, "images must be one of none, first, all"),
        ({"t": {"synonyms": ["po"]}}, "synonyms must map words to their canonical word"),
        ({"t": {"options_first": 0}}, "options_first must be true, false or a count"),
        ({"t": {"options": ["-a\x1b[2J"]}}, "control characters are not allowed"),
        ({"t\x07": {}}, "a tool name is one word"),
        ({"t": {"equals": "no"}}, "t: equals must be true or false"),
        ({"t": {"options": ["-v"], "same": {"-x 1": "-v"}}}, "t: same: '-x 1' is not one of its options"),
        ({"t": {"options": ["-n N"], "same": {"-n": ""}}}, "t: same: '-n' is not one of its options, with a value"),
        ({"t": {"options": ["-v"], "same": ["-v"]}}, "t: same must map options to options"),
        ({"t": {"options": ["-v"], "implies": {"-v": ["-z"]}}}, "t: implies: '-z' is not one of its options"),
        ({"t": {"options": ["-v"], "incidental": ["--nope"]}}, "t: incidental: '--nope' is not one of its options"),
        ({"t": {"options": ["-v"], "incidental": "-v"}}, "t: incidental: expected a list of strings"),
    ],
)
def test_bad_keys_are_named(data, message):
    with pytest.raises(ValueError, match=None) as error:
        parse_tools(data)
    assert message in str(error.value)


# ---------------------------------------------------------------- the issue's examples


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("git rebase -i main", "git rebase --interactive main"),
        ("ls -la", "ls -al"),
        ("grep -rn x .", "grep -nr x ."),
        ("kubectl get pods -n x", "kubectl get pods --namespace x"),
        ("kubectl get po -n x", "kubectl -n x get pods"),
        ("tar xzf a.tgz", "tar -xzf a.tgz"),
        ("ssh -p 2222 host", "ssh -p2222 host"),
        ("docker run --rm <args>...", "docker run --rm -it ubuntu bash"),
        ("docker pull ubuntu", "docker pull docker.io/library/ubuntu:latest"),
        ("docker pull ubuntu", "docker pull docker.io/ubuntu"),  # docker.io/NAME is an official image
        ("docker load -i a.tar", "docker load -i ./a.tar"),  # ./x is x
        ("docker build -t app .", "docker build -t docker.io/library/app:latest ."),  # a value named image
        ("docker build -t app .", "docker build -t app ./"),
        ("echo $(whoami)", "echo `whoami`"),
        ("docker compose up -d", "docker compose up --detach"),
    ],
)
def test_the_issues_examples_are_accepted(expected, typed):
    assert same(expected, typed)


@pytest.mark.parametrize(
    "expected, typed",
    [
        ("docker pull ubuntu", "docker pull ubuntu:22.04"),
        ("docker run --rm <args>...", "docker run -it ubuntu bash"),  # the options before it still count
        ("docker run --rm <args>...", "docker run --rm"),  # one word at least
        ("echo $(whoami) x", "echo $(whoami x)"),
        ("find . -name '*.log'", "find . -name *.log"),  # the shell expands the unquoted one
        ('echo "$HOME"', "echo '$HOME'"),
    ],
)
def test_and_their_near_misses_are_not(expected, typed):
    assert not same(expected, typed)


@pytest.mark.parametrize(
    "reference, full",
    [
        ("ubuntu", "docker.io/library/ubuntu:latest"),
        ("ubuntu:22.04", "docker.io/library/ubuntu:22.04"),
        ("me/app", "docker.io/me/app:latest"),
        ("ghcr.io/me/app:1", "ghcr.io/me/app:1"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("index.docker.io/library/ubuntu", "docker.io/library/ubuntu:latest"),
        ("ubuntu@sha256:abc", "docker.io/library/ubuntu@sha256:abc"),
    ],
)
def test_image_references_in_full(reference, full):
    assert image_reference(reference) == full


def test_a_command_substitution_is_one_word_and_a_dash_gets_a_hint():
    verdict = compare("docker ps --all", "docker ps —all", kind="command")
    assert not verdict.correct and verdict.hint == "dash"
    assert compare("docker ps --all", "docker ps -a", kind="command").hint is None
    assert lint_command("docker ps -q $(docker ps -aq)") == []


# ---------------------------------------------------------------- decks/schema.json agrees

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "decks" / "schema.json").read_text(encoding="utf-8"))


def schema_accepts(tools: dict) -> bool:
    import jsonschema

    deck = {"deck": "x", "title": "x", "tools": tools, "cards": [{"id": "a", "front": "f", "back": "b"}]}
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(deck)


def test_the_schema_accepts_every_bundled_table():
    for name, spec in knowledge.bundled_specs().items():
        assert schema_accepts({name: spec}), name


@pytest.mark.parametrize(
    "tools",
    [
        {"t": {"options": ["--"]}},
        {"t": {"options": ["-a b c"]}},
        {"t": {"options": ["-a\x1b[2J"]}},
        {"t": {"nope": True}},
        {"t": {"options_first": 0}},
        {"t": {"images": "some"}},
        {"t": {"commands": {"-x": {}}}},
        {"t": {"commands": {"push": {"aliases": ["-p"]}}}},
        {"t\x07": {}},
    ],
)
def test_the_schema_and_the_parser_refuse_the_same_bad_tables(tools):
    with pytest.raises(ValueError):
        parse_tools(tools)
    assert not schema_accepts(tools)


def test_the_schema_accepts_the_bundled_decks():
    import jsonschema

    for path in sorted((Path(__file__).resolve().parents[1] / "decks").glob("*.yaml")):
        deck = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert jsonschema.Draft202012Validator(SCHEMA).is_valid(deck), path


def test_a_deck_table_adds_to_a_bundled_command_and_keeps_its_other_options():
    deck = parse_tools({"git": {"commands": {"commit": {"options": ["-Z, --zap"]}}}})
    assert same("git commit -Z -m x", "git commit --zap --message=x", deck)  # its own and the bundled one
    assert same("git commit -a -m x", "git commit --all -m x", deck)
