"""The deck loader: good decks parse into cards; every bad input gets a located error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.deckfile import cloze_numbers, parse_duration
from quiz.decks import import_files, load_deck, load_decks
from quiz.errors import DeckError
from quiz.model import CardKind
from quiz.plumbing import resources

GOOD = """
    deck: docker
    title: {zh: Docker 命令, en: Docker commands}
    lang: zh
    settings:
      new_per_day: 10
      learning_steps: [1m, 10m]
      desired_retention: 0.85
    cards:
      - id: ps-l
        type: command
        front: {zh: 列出最近创建的容器, en: Show the latest container}
        back: docker ps -l
        tags: [container]
      - id: ps-all
        type: command
        front: List all containers
        back: [docker ps -a, docker container ls -a]
      - id: alpine
        type: reversed
        front: alpine
        back: {zh: 体积小的基础镜像, en: a small base image}
        note: It uses musl and busybox.
      - id: rm-v
        type: cloze
        text: "docker rm {{c1::-v}} removes the container and {{c2::its anonymous volumes::what else?}}"
      - id: lxc
        front: What is LXC?
        back: Linux Containers
        source: https://linuxcontainers.org/
"""


def problems_of(path) -> list[str]:
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    return [str(p) for p in caught.value.problems]


def test_good_deck_expands_into_cards(write_deck):
    deck = load_deck(write_deck(GOOD))

    assert (deck.name, deck.lang) == ("docker", "zh")
    assert deck.title == {"zh": "Docker 命令", "en": "Docker commands"}
    assert deck.settings == {"new_per_day": 10, "learning_steps": (60, 600), "desired_retention": 0.85}
    cards = [(c.key, c.ord, c.kind) for c in deck.cards]
    assert cards == [
        ("ps-l", 0, CardKind.COMMAND),
        ("ps-all", 0, CardKind.COMMAND),
        ("alpine", 0, CardKind.REVERSED),
        ("alpine", 1, CardKind.REVERSED),
        ("rm-v", 1, CardKind.CLOZE),
        ("rm-v", 2, CardKind.CLOZE),
        ("lxc", 0, CardKind.BASIC),
    ]
    by_key = {c.key: c for c in deck.cards}
    assert by_key["ps-l"].tags == ("container",)
    assert by_key["ps-all"].content["back"] == ["docker ps -a", "docker container ls -a"]
    assert by_key["alpine"].content["note"] == "It uses musl and busybox."
    assert by_key["lxc"].content["source"] == "https://linuxcontainers.org/"
    assert [c.position for c in deck.cards] == [0, 1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("deck: x\ncards: [\n", "x.yaml:3:1: YAML syntax error"),
        ("", "x.yaml:1:1: empty file"),
        ("# only a comment\n", "x.yaml:1:1: empty file"),
        ("deck: x\n", "x.yaml:1:1: no `cards:` in this deck"),
        ("deck: x\ncards: []\n", "x.yaml:2:8: cards must be a non-empty list"),
        ("deck: Bad Name\ncards: [{id: a, front: f, back: b}]\n", 'x.yaml:1:7: deck name "Bad Name" must be lowercase'),
        ("cards: [{id: a, front: f, back: b}]\n", "x.yaml:1:1: missing `deck:`"),
        ("deck: x\ncards:\n  - id: a\n    back: b\n", 'x.yaml:3:5: card "a": missing "front"'),
        ("deck: x\ncards:\n  - id: a\n    front: f\n", 'x.yaml:3:5: card "a": missing "back"'),
        ("deck: x\ncards:\n  - id: a\n    type: cloze\n", 'x.yaml:3:5: card "a": missing "text"'),
        (
            "deck: x\ncards:\n  - id: a\n    type: flash\n    front: f\n    back: b\n",
            'x.yaml:4:11: card "a": unknown type "flash"',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    type: cloze\n    text: no deletion here\n",
            'x.yaml:5:11: card "a": a cloze needs at least one deletion',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    front: 42\n    back: b\n",
            'x.yaml:4:12: card "a": front must be text, not a number (put it in quotes)',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    front: [one, two]\n    back: b\n",
            'x.yaml:4:12: card "a": front must be text, not a list',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    front: f\n    back: yes\n",
            'x.yaml:5:11: card "a": back must be text, not true/false',
        ),
        ("deck: x\ncards:\n  - front: f\n    back: b\n", 'x.yaml:3:5: card #1: missing "id"'),
        (
            "deck: x\ncards:\n  - id: a\n    front: f\n    back: b\n    fornt: g\n",
            'x.yaml:6:5: card "a": unknown key "fornt" (did you mean "front"?)',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    front: {zh: '', en: f}\n    back: b\n",
            'x.yaml:4:17: card "a": front.zh must not be empty',
        ),
        (
            "deck: x\ncards:\n  - id: a\n    front: f\n    back: b\n    tags: [two words]\n",
            'x.yaml:6:11: card "a": tag "two words" must be one word',
        ),
        (
            "deck: x\nsettings: {desired_retention: 2}\ncards: [{id: a, front: f, back: b}]\n",
            "x.yaml:2:31: settings.desired_retention must be between 0.7 and 0.99",
        ),
        (
            "deck: x\nsettings: {learning_steps: [1 minute]}\ncards: [{id: a, front: f, back: b}]\n",
            "x.yaml:2:28: settings.learning_steps: steps are durations",
        ),
        (
            "deck: x\nsettings: {parameters: [1, 2]}\ncards: [{id: a, front: f, back: b}]\n",
            "x.yaml:2:24: settings.parameters must be a list of 21 numbers (got 2)",
        ),
        (
            "deck: x\ncards:\n  - id: a\n    type: cloze\n    text: {en: '{{c1::x}}', zh: '{{c2::x}}'}\n",
            'x.yaml:5:11: card "a": every language must have the same deletions',
        ),
        ("- just\n- a list\n", "x.yaml:1:1: deck file must be a mapping"),
    ],
)
def test_bad_input_gets_a_located_message(tmp_path, text, expected):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [m.replace(str(tmp_path) + "/", "") for m in problems_of(path)]
    assert any(m.startswith(expected) for m in messages), messages


def test_duplicate_id_names_the_first_line(write_deck):
    path = write_deck("""
        deck: x
        cards:
          - {id: a, front: f, back: b}
          - {id: b, front: f, back: b}
          - {id: a, front: g, back: c}
    """)
    assert problems_of(path) == [f'{path}:5:10: card "a": duplicate id (first used on line 3)']


def test_every_problem_in_a_file_is_reported(write_deck):
    path = write_deck("""
        deck: x
        cards:
          - {id: a, front: f}
          - {id: b, back: b}
          - {id: c, type: nope, front: f, back: b}
    """)
    assert len(problems_of(path)) == 3


def test_not_utf8_points_at_the_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("deck: x\ncards:\n  - {id: a, front: caf\u00e9, back: b}\n".encode("latin-1"))
    assert problems_of(path) == [f"{path}:3:23: not UTF-8 text: save the file as UTF-8"]


def test_python_tags_are_refused_and_nothing_runs(tmp_path, write_deck):
    marker = tmp_path / "pwned"
    path = write_deck(f"""
        deck: x
        cards:
          - id: a
            front: !!python/object/apply:os.system ["touch {marker}"]
            back: b
    """)
    messages = problems_of(path)
    assert any("tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in m for m in messages)
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(write_deck):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        refs = ", ".join(f"*a{i - 1}" for _ in range(9))
        levels.append(f"a{i}: &a{i} [{refs}]")
    bomb = "\n".join(levels)
    path = write_deck(
        f"deck: x\ntools:\n  bomb:\n    {bomb.replace(chr(10), chr(10) + '    ')}\n"
        "cards:\n  - id: a\n    front: f\n    back: b\n    tags: *a11\n"
    )
    messages = problems_of(path)
    assert any("YAML aliases (*name) are not allowed in decks" in m for m in messages)


def test_a_second_document_is_pointed_at_where_it_starts(write_deck):
    path = write_deck("deck: x\ncards:\n  - {id: a, front: f, back: b}\n---\ndeck: y\n")
    assert problems_of(path) == [f"{path}:4:1: one deck per file: remove the second document (---)"]


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert problems_of(missing) == [f"{missing}:1:1: cannot read: No such file or directory"]


def test_two_files_with_one_deck_name_are_refused(write_deck):
    first = write_deck("deck: x\ncards: [{id: a, front: f, back: b}]\n", "one.yaml")
    second = write_deck("deck: x\ncards: [{id: a, front: f, back: b}]\n", "two.yaml")
    with pytest.raises(DeckError) as caught:
        load_decks([first, second])
    assert str(caught.value) == f'{second}:1:1: deck "x" is also defined in {first}'


def test_two_copies_of_an_imported_deck_are_refused_too(engine, write_deck):
    first = write_deck("deck: x\ncards: [{id: a, front: f, back: b}]\n", "one.yaml")
    import_files(engine, [first])
    second = write_deck(first.read_text(encoding="utf-8"), "two.yaml")  # both now skipped as unchanged
    with pytest.raises(DeckError) as caught:
        import_files(engine, [first, second])
    assert str(caught.value) == f'{second}:1:1: deck "x" is also defined in {first}'


def test_bundled_decks_pass_lint():
    paths = resources.bundled_decks()
    assert paths, "quiz ships at least one deck"
    decks = load_decks(paths)
    kinds = {card.kind for deck in decks for card in deck.cards}
    assert kinds == set(CardKind)


def test_durations_and_cloze_numbers():
    assert [parse_duration(t) for t in ("30s", "10m", "2h", "1d", "10", "m")] == [30, 600, 7200, 86400, None, None]
    assert cloze_numbers("{{c2::b}} {{c1::a::hint}} {{c2::again}}") == [1, 2]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_parses_or_reports_located_problems(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_deck(path)
    except DeckError as error:
        assert error.problems and all(p.line >= 1 and p.column >= 1 for p in error.problems)


def test_a_deck_can_declare_tables_for_its_own_tools(write_deck):
    deck = load_deck(
        write_deck("""
        deck: k8s
        tools:
          kubectl:
            commands:
              get:
                options: ["-o, --output string", "-A, --all-namespaces"]
        cards:
          - {id: pods, type: command, front: List pods everywhere, back: kubectl get pods -A}
    """)
    )
    options = ["-o, --output string", "-A, --all-namespaces"]
    assert deck.tools == {"kubectl": {"commands": {"get": {"options": options}}}}


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        ("options: [=]", "6:19", "tools: '=' cannot be read as value: put it in quotes"),
        ("options: [!!int x]", "6:19", "tools: 'x' cannot be read as int: put it in quotes"),
        ("? [a, b]\n                : 1", "6:11", "tools: a mapping key must be a plain value, not a list or mapping"),
    ],
)
def test_a_tool_table_value_that_is_not_plain_data_is_a_problem_not_a_traceback(write_deck, value, where, message):
    path = write_deck(f"""
        deck: k8s
        tools:
          kubectl:
            commands:
              get:
                {value}
        cards:
          - {{id: pods, type: command, front: List pods, back: kubectl get pods}}
    """)
    assert problems_of(path) == [f"{path}:{where}: {message}"]


def test_a_bad_tool_table_is_reported_at_its_place(write_deck):
    path = write_deck("""
        deck: k8s
        tools:
          kubectl:
            commands:
              get:
                optoins: []
        cards:
          - {id: pods, type: command, front: List pods, back: kubectl get pods}
    """)
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:3:3: tools: ") and "optoins" in message
