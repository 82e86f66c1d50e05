"""The deck loader: good decks parse into cards; every bad input gets a located error."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import deckfile, deckvalues
from quiz.deckfile import cloze_numbers
from quiz.decks import import_files, load_deck, load_decks
from quiz.deckvalues import parse_duration
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


ONE_CARD = "cards: [{id: a, front: f, back: b}]\n"
FSRS_DEFAULTS = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796]
FSRS_DEFAULTS += [1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542]


def parameters(**changed) -> str:
    """A deck setting FSRS's default parameters, one a line from line 4, some changed (p7=...)."""
    values = [changed.get(f"p{i}", value) for i, value in enumerate(FSRS_DEFAULTS)]
    return "deck: x\nsettings:\n  parameters:\n" + "".join(f"    - {v}\n" for v in values) + ONE_CARD


def setting(text: str) -> str:
    return f"deck: x\nsettings: {{{text}}}\n" + ONE_CARD


def cloze(text: str) -> str:
    return f"deck: x\ncards:\n  - id: a\n    type: cloze\n    text: '{text}'\n"


def typed(back: str) -> str:
    return f"deck: x\ncards:\n  - id: a\n    type: command\n    front: f\n    back: {back}\n"


def basic(extra: str) -> str:
    return f"deck: x\ncards:\n  - id: a\n    front: f\n    back: b\n{extra}"


# Every way a deck can be wrong, with the one line that names it: tests/test_deck_schema.py
# also runs decks/schema.json over each and requires it to refuse them too.
BAD_DECKS = [
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
    # Values the scheduler, the database or Anki cannot take (issue #16).
    *[
        (
            setting(f"learning_steps: [{steps}]"),
            "x.yaml:2:28: settings.learning_steps: steps",
        )
        for steps in ("0s", "01m", "366d", "8761h", "525601m", "31536001s", "1" + "0" * 5000 + "s")
    ],
    (
        setting(f"relearning_steps: [{', '.join(['1m'] * 11)}]"),
        "x.yaml:2:30: settings.relearning_steps: at most 10 steps",
    ),
    *[
        (setting(f"new_per_day: {value}"), "x.yaml:2:25: settings.new_per_day must be a")
        for value in (".nan", ".inf", "-.inf", "-1", "10000", "2.5", "18446744073709551616", "9" * 5000)
    ],
    (
        "deck: x\nsettings: {maximum_interval: 36501}\n" + ONE_CARD,
        "x.yaml:2:30: settings.maximum_interval must be a whole number from 1 to 36500",
    ),
    (
        "deck: x\nsettings: {leech_threshold: 0}\n" + ONE_CARD,
        "x.yaml:2:29: settings.leech_threshold must be a whole number from 1 to 9999",
    ),
    (
        "deck: x\nsettings: {desired_retention: .nan}\n" + ONE_CARD,
        "x.yaml:2:31: settings.desired_retention must be between 0.7 and 0.99",
    ),
    (parameters(p7=0.9), "x.yaml:11:7: settings.parameters[7] must be a number from 0.001 to 0.75 (FSRS's bounds)"),
    (parameters(p0=".nan"), "x.yaml:4:7: settings.parameters[0] must be a number from 0.001 to 100 (FSRS's bounds)"),
    (parameters(p20="1e400"), "x.yaml:24:7: settings.parameters[20] must be a number from 0.1 to 0.8"),
    (
        "deck: x\ntools:\n  frob:\n    synonyms: {a: 99999999999999999999}\n" + ONE_CARD,
        "x.yaml:4:19: tools: 99999999999999999999 is no usable number (finite, and within 64 bits)",
    ),
    (cloze("{{c0::x}}"), 'x.yaml:5:11: card "a": c0: cloze numbers go from c1 to c500 (Anki cannot import c0)'),
    (cloze("{{c1::x}} {{c00::y}}"), 'x.yaml:5:11: card "a": c00: cloze numbers go from c1 to c500'),
    (cloze("{{c501::x}}"), 'x.yaml:5:11: card "a": c501: cloze numbers go from c1 to c500'),
    (cloze("{{c1::x}} {{c" + "9" * 5000 + "::y"), 'x.yaml:5:11: card "a": c9999'),
    (cloze("{{c1::x"), 'x.yaml:5:11: card "a": {{c1:: is not closed: end the deletion with }}'),
    (cloze("{{c1::x}} {{c2::y"), 'x.yaml:5:11: card "a": {{c2:: is not closed: end the deletion with }}'),
    (cloze("{{c\u0663::x}}"), 'x.yaml:5:11: card "a": a cloze needs at least one deletion'),
    (typed("[]"), 'x.yaml:6:11: card "a": back must list accepted answers, none of them empty'),
    (typed("[docker ps, ' ']"), 'x.yaml:6:11: card "a": back must list accepted answers, none of them empty'),
    ("deck: x\ncards:\n  - id: a\n    front: ' '\n    back: b\n", 'x.yaml:4:12: card "a": front must not be empty'),
    (basic("    tags: [t, u, t]\n"), 'x.yaml:6:11: card "a": tag "t" is given twice'),
    (basic("    source: the man page\n"), 'x.yaml:6:13: card "a": source must be a URL'),
    (basic('    tags: ["t\\n"]\n'), 'x.yaml:6:11: card "a": tag "t'),
    (
        "deck: x\ncards:\n  - id: " + "a" * 201 + "\n    front: f\n    back: b\n",
        "x.yaml:3:9: card #1: id is 201 characters long: at most 200",
    ),
    ("deck: " + "a" * 101 + "\n" + ONE_CARD, "x.yaml:1:7: deck name is 101 characters long: at most 100"),
    ('deck: "x\\n"\n' + ONE_CARD, 'x.yaml:1:7: deck name "x'),
    ("deck: x\nlang: en" + "-abcdefgh" * 4 + "\n" + ONE_CARD, 'x.yaml:2:7: lang: "en-abcdefgh'),
    (
        "deck: x\ncards:\n  - id: a\n    front: " + "x" * 10_001 + "\n    back: b\n",
        'x.yaml:4:12: card "a": front is 10,001 characters long: at most 10,000',
    ),
    (basic("    tags: " + "[" * 48 + "]" * 48 + "\n"), "x.yaml:6:58: nested more than 50 levels deep"),
]


@pytest.mark.parametrize("text, expected", BAD_DECKS)
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


def test_not_utf8_after_chinese_text_is_pointed_at_in_characters(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_bytes("deck: x\ncards:\n  - {id: a, front: 列出容器".encode() + b"\xff}\n")
    assert problems_of(path) == [f"{path}:3:24: not UTF-8 text: save the file as UTF-8"]


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
    assert problems_of(missing) == [f"{missing}:1:1: cannot read: no such file or folder"]


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


# Decks at the edge of every limit: lint takes them (and so must decks/schema.json).
GOOD_EDGES = [
    "deck: x\nsettings:\n  desired_retention: 0.7\n  learning_steps: [1s, 365d, 8760h, 525600m, 31536000s]\n"
    "  relearning_steps: [1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m]\n  new_per_day: 0\n  reviews_per_day: 9999\n"
    "  maximum_interval: 36500\n  leech_threshold: 9999\n" + ONE_CARD,
    "deck: x\nsettings: {desired_retention: 0.99, new_per_day: 0x10, reviews_per_day: 1:20, learning_steps: []}\n"
    + ONE_CARD,
    parameters(p0=0.001, p4=10, p7=0.75, p20=0.8),
    cloze(" ".join(f"{{{{c{n}::w{n}}}}}" for n in range(1, 500)) + " {{c0500::last::hint}}"),
    typed("[docker ps -a, docker container ls -a]"),
    "deck: " + "a" * 100 + "\nlang: en" + "-abcdefgh" * 3 + "-abcde\n" + ONE_CARD,
    "deck: x\ncards:\n  - id: " + "a" * 200 + "\n    front: " + "x" * 10_000 + "\n    back: b\n",
    basic("    tags: [t, u]\n    source: man:ssh(1)\n    note: {en: a note, zh: 注}\n"),
]


@pytest.mark.parametrize("text", GOOD_EDGES)
def test_a_deck_at_the_edge_of_every_limit_passes(tmp_path, text):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    load_deck(path)


def test_decks_at_every_limit_import_on_every_database(engine, tmp_path):
    # The limits fit the collection's columns (PostgreSQL's are 32-bit and sized).
    paths = []
    for index, text in enumerate(GOOD_EDGES):
        paths.append(tmp_path / f"edge{index}.yaml")
        paths[-1].write_text(text.replace("deck: x\n", f"deck: x{index}\n"), encoding="utf-8")
    reports = import_files(engine, paths)
    assert [(r.created, r.added) for r in reports] == [(True, len(load_deck(path).cards)) for path in paths]


def test_settings_are_the_numbers_yaml_reads(write_deck):
    deck = load_deck(write_deck(GOOD_EDGES[1]))
    assert deck.settings == {"desired_retention": 0.99, "new_per_day": 16, "reviews_per_day": 80, "learning_steps": ()}
    year = 365 * 86400
    assert load_deck(write_deck(GOOD_EDGES[0])).settings["learning_steps"] == (1, year, year, year, year)
    assert len(load_deck(write_deck(GOOD_EDGES[3])).cards) == 500


def test_the_card_limit_names_itself_and_keeps_no_more_cards(write_deck, monkeypatch):
    monkeypatch.setattr(deckfile, "MAX_CARDS", 3)
    path = write_deck(
        "deck: x\ncards:\n" + "".join(f"  - {{id: c{i}, type: reversed, front: f, back: b}}\n" for i in range(3))
    )
    assert problems_of(path) == [f"{path}:4:5: more than 3 cards in one deck: split it into several decks"]


def test_the_text_the_cards_hold_together_is_limited(write_deck, monkeypatch):
    monkeypatch.setattr(deckfile, "MAX_HELD", 100)
    text = " ".join(f"{{{{c{n}::{n}}}}}" for n in range(1, 11))  # 10 cards of 69 characters each
    path = write_deck(
        f"deck: x\ncards:\n  - {{id: a, front: f, back: b}}\n  - {{id: z, type: cloze, text: '{text}'}}\n"
    )
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4:5: the cards of this deck hold more than 100 characters")


def test_only_the_first_problems_are_listed_then_counted(write_deck, monkeypatch):
    monkeypatch.setattr(deckvalues, "MAX_PROBLEMS", 2)
    path = write_deck("deck: x\ncards:\n" + "".join(f"  - {{id: c{i}, front: f}}\n" for i in range(5)))
    assert problems_of(path) == [
        f'{path}:3:5: card "c0": missing "back"',
        f'{path}:4:5: card "c1": missing "back"',
        f"{path}:5:5: 3 more problems from here on are not listed: fix the ones above first",
    ]


def test_a_long_value_is_cut_where_a_message_quotes_it(write_deck):
    path = write_deck(basic(f"    ? {'k' * 100_000}\n    : 1\n"))  # a long key must be explicit (?)
    (message,) = problems_of(path)
    assert len(message) < len(str(path)) + 150 and 'unknown key "kkk' in message and "…" in message


def test_lint_imports_fsrs_only_for_a_deck_that_sets_its_parameters(tmp_path):
    probe = (
        "import sys; from pathlib import Path; from quiz.deckfile import Reader\n"
        "path = Path(sys.argv[1]); reader = Reader(str(path)); reader.read(path)\n"
        "print(not reader.problems, 'fsrs' in sys.modules)\n"
    )
    plain_deck, tuned_deck = tmp_path / "plain.yaml", tmp_path / "tuned.yaml"
    plain_deck.write_text(GOOD_EDGES[0], encoding="utf-8")
    tuned_deck.write_text(GOOD_EDGES[2], encoding="utf-8")
    runs = [
        subprocess.run([sys.executable, "-c", probe, str(deck)], capture_output=True, text=True, check=True)
        for deck in (plain_deck, tuned_deck)
    ]
    assert [run.stdout.split() for run in runs] == [["True", "False"], ["True", "True"]]


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
