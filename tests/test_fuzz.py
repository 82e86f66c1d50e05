"""Fuzzing deck files and notes (issue #16): lint and import raise nothing but quiz's own
errors (QuizError), a deck that lint takes imports, is reviewed and exported, and a failed
import leaves the collection's file byte for byte as it was.

Inputs are real decks and notes with random edits (pieces of YAML and Markdown, numbers
that no setting can be, cloze numbers out of range, characters libyaml counts apart),
random YAML documents shaped like decks, and random settings. Bounded: QUIZ_FUZZ_EXAMPLES
inputs per test (defaults below, ~25 s in all), drawn from a fixed seed (no failure appears
in CI by chance; hypothesis also draws from the constants of the modules loaded, so the
inputs change a little with the tests run alongside); QUIZ_FUZZ_RANDOM=1 draws new ones.
The count of inputs run, and of those lint took, is printed at the end.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quiz import anki, app, notes, scheduling
from quiz.deckfile import CARD_KEYS, TOP_KEYS
from quiz.decks import import_files, load_deck
from quiz.errors import DeckError, QuizError
from quiz.model import SETTING_NAMES, DeckSettings, Rating, Schedule
from quiz.plumbing import resources
from tests.test_decks import BAD_DECKS, GOOD, GOOD_EDGES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("QUIZ_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=not os.environ.get("QUIZ_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
RUNS: collections.Counter[str] = collections.Counter()  # inputs run, by test
PASSED: collections.Counter[str] = collections.Counter()  # of them, those that lint took
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def examples(default: int) -> settings:
    return settings(FUZZ, max_examples=EXAMPLES or default)


@pytest.fixture(scope="module", autouse=True)
def count_report(request):
    yield
    counts = ", ".join(f"{n} {what} ({PASSED[what]} passed lint)" for what, n in RUNS.items())
    line = f"fuzzed inputs run: {sum(RUNS.values())}: {counts}"
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{line}")


# -- inputs --------------------------------------------------------------------------------

NOTE_SEEDS = [
    path.read_text(encoding="utf-8")
    for path in [
        *sorted((ROOT / "tests" / "data" / "notes").glob("*.md")),
        *sorted((ROOT / "tests" / "data").glob("*.md")),
        ROOT / "decks" / "source" / "docker-note.md",
    ]
]
DOCKER = (ROOT / "decks" / "docker.yaml").read_text(encoding="utf-8")
_head, _, _cards = DOCKER.partition("\ncards:\n")
_entries = ["  - id:" + entry for entry in ("\n" + _cards).split("\n  - id:")[1:]]
GOOD_SEEDS = (
    [DOCKER, GOOD, *GOOD_EDGES]
    + [_head + "\ncards:\n" + "\n".join(_entries[i : i + 4]) + "\n" for i in range(0, len(_entries), 4)]
    + [notes.deck_yaml(notes.generate(text), "notes", "note.md") for text in NOTE_SEEDS]
)
DECK_SEEDS = GOOD_SEEDS + [text for text, _ in BAD_DECKS]
FROB = (ROOT / "tests" / "data" / "notes" / "frob-tldr.md").read_text(encoding="utf-8")
ODD = ["\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x07", "\x1b[2J", "\t", "\r", "\r\n", "中文", "é", "😀", "\u0663"]
# Pieces to put into texts, many to a line:
# fmt: off
NUMBERS = [".nan", ".inf", "-.inf", "1e400", "1.0e+400", "18446744073709551616", "9" * 5000, "0x1f", "1:20", "-0", "0"]
YAML_PIECES = [
    *ODD, *NUMBERS, ": ", "\n", "- ", "  ", "    ", "{", "}", "[", "]", ", ", "'", '"', "# ", "&a ", "*a", "!!str ",
    "!!int ", "!!float ", "!!python/object:os.system ", "!x ", "? ", "|\n", ">-\n", "---\n", "...\n", "<<: ", "~",
    "yes", "2024-01-02", "{{c0::x}}", "{{c1::a}}", "{{c2::b::hint}}", "{{c500::y}}", "{{c501::z}}",
    "{{c" + "7" * 40 + "::w}}", "{{c1::", "}}", "type: cloze", "type: command", "type: reversed", "type: keys",
    "type: basic", "id: a", "id: ps-l", "front: f", "back: b", "back: []", "back: ['']", "text: t", "tags: [t, t]",
    "source: https://x.org", "source: x y", "note: n", "settings: {}", "learning_steps: [0s]",
    "learning_steps: [365d]", "parameters: [1, 2]", "new_per_day: 9999", "maximum_interval: 36501",
    "desired_retention: .nan", "tools: {}", "tools:\n  frob: {options: [-v]}\n", "deck: d", "deck: docker",
    "cards:\n", "lang: zh", "title: {en: t, zh: 题}", "x" * 10_001,
]
NOTE_PIECES = [
    *ODD, "\n", "\n\n", "# ", "## ", "### ", "```\n", "```bash\n", "```console\n", "```vim\n", "```ini\n", "    ",
    "$ ", "# ", "user@host:~$ ", "| a | b |\n|---|---|\n", "| `ls` | list |\n", "- `tmux ls` — list sessions\n",
    "1. ", "> Note: ", "> 注意：", "`", "``", "\\\n", "  # comment", "[link](https://x.org)", "<https://x.org>",
    "{{file}}", "{{[-m|--message]}}", "{{c0::x}}", "---\ntitle: t\n---\n", "- ", "* ", "term  description\n",
    "Ctrl-b d", "<Esc>", "docker ps -a", "ssh -p 22 host", "x" * 10_001, "<!-- c -->", "::", "：",
]
# fmt: on


@st.composite
def edited(draw, seeds: list[str], pieces: list[str]) -> str:
    """A seed with a few random edits: pieces put in, spans cut or replaced, lines moved."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "insert", "cut", "replace", "lines"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(pieces) | st.text(max_size=8)) + text[at:]
        elif kind in ("cut", "replace"):
            piece = draw(st.sampled_from(pieces)) if kind == "replace" else ""
            text = text[:at] + piece + text[at + draw(st.integers(1, 60)) :]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], draw(st.sampled_from([lines[i], "", lines[i] + "\n" + lines[i]]))
            text = "\n".join(lines)
    return text


# fmt: off
VALUES = [  # for a value of a deck's `key: value` line: most of them fine somewhere
    "f", "docker ps -a", "'{{c1::a}} and {{c2::b::hint}}'", "中文的问题", "'😀 é\u2028'", "[t, u]", "[a, b, a]",
    "{en: x, zh: 题}", "1m", "[1m, 10m]", "[1s, 365d]", "0.9", "0.7", "20", "9999", "36500", "0x10", "1:20",
    "https://x.org/a", "man:ssh(1)", "cloze", "command", "reversed", "keys", "basic", "zh", "en", "pt-BR", "x",
    "docker", "''", "' '", "[]", "{}", "~", *NUMBERS, "'{{c0::x}}'", "'{{c501::x}}'", "'{{c1::x'", "[0s]", "[366d]",
    "x y", "a" * 201, "|\n  two\n  lines",
]
# fmt: on
_VALUE_LINE = re.compile(r"(?m)^( *(?:- )?[a-z_]+: )(\S.*)$")


@st.composite
def swapped(draw, seeds: list[str]) -> str:
    """A good deck with a few values of its `key: value` lines replaced: its YAML holds."""
    text = draw(st.sampled_from(seeds))
    lines = list(_VALUE_LINE.finditer(text))
    for match in sorted(draw(st.lists(st.sampled_from(lines), max_size=2)) if lines else [], key=lambda m: -m.start()):
        text = text[: match.start(2)] + draw(st.sampled_from(VALUES)) + text[match.end(2) :]
    return text


LEAVES = (
    st.sampled_from(["f", "b", "a", "docker", "zh", "en", "cloze", "command", "1m", "{{c1::x}}", "{{c0::y}}", " "])
    | st.text(max_size=12)
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**70)
    | st.floats()
    | st.booleans()
    | st.none()
    | st.dates()
)
KEYS = st.sampled_from(
    [*TOP_KEYS, *CARD_KEYS, *SETTING_NAMES, "en", "zh", "options", "commands", "synonyms"]
) | st.text(max_size=6)
STRUCTURES = st.recursive(
    LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=25
)
CARDS = st.lists(
    st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "ps-l"]) | st.text(max_size=4)},
        optional={
            "type": st.sampled_from(["basic", "reversed", "cloze", "command", "keys", "flash"]),
            "front": STRUCTURES,
            "back": STRUCTURES,
            "text": st.sampled_from(["{{c1::a}} {{c2::b}}", "{{c0::a}}", "{{c501::a}}", "no deletion"]) | STRUCTURES,
            "tags": STRUCTURES,
            "note": STRUCTURES,
            "source": st.sampled_from(["https://x.org", "x"]) | STRUCTURES,
        },
    ),
    max_size=4,
)
DECK_SHAPED = st.fixed_dictionaries(
    {"deck": st.sampled_from(["x", "docker"]) | STRUCTURES, "cards": CARDS},
    optional={
        "title": STRUCTURES,
        "lang": STRUCTURES,
        "settings": st.dictionaries(st.sampled_from(SETTING_NAMES), STRUCTURES),
    },
)


@st.composite
def dumped(draw, documents) -> str:
    return yaml.safe_dump(
        draw(documents),
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([None, False, True])),
        sort_keys=False,
    )


# Half of them good decks with values swapped, which lint often takes: what it takes is imported.
DECK_TEXTS = st.one_of(
    swapped(GOOD_SEEDS), swapped(GOOD_SEEDS), edited(DECK_SEEDS, YAML_PIECES), dumped(DECK_SHAPED), dumped(STRUCTURES)
)


# -- the collection ----------------------------------------------------------------------


class Collection:
    """A collection with the Docker deck in it, copied afresh for each input."""

    def __init__(self, folder: Path):
        self.folder = folder
        engine = app.open_collection(str(folder / "template.db"), with_bundled=False)
        import_files(engine, resources.bundled_decks())
        self.bytes = self.settle(engine, folder / "template.db")
        self.extra = folder / "extra.yaml"
        self.extra.write_text("deck: extra\ncards: [{id: a, front: f, back: b}]\n", encoding="utf-8")

    @staticmethod
    def settle(engine, path: Path) -> bytes:
        """The database file's bytes, with everything written folded into it."""
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return path.read_bytes()

    def fresh(self):
        place = Path(tempfile.mkdtemp(dir=self.folder))
        (place / "quiz.db").write_bytes(self.bytes)
        return place, app.open_collection(str(place / "quiz.db"), with_bundled=False)


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    return Collection(tmp_path_factory.mktemp("fuzz-collection"))


def lint(text: str, folder: Path):
    """The deck lint reads from the text, or None: lint refused it with QuizError."""
    path = folder / "deck.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return load_deck(path)
    except QuizError:
        return None


def check_import(collection: Collection, text: str) -> bool:
    """Import the deck with another one: all of it lands, or (lint refused it) none of it,
    the database file byte for byte as it was. True if lint took it."""
    place, engine = collection.fresh()
    try:
        deck = lint(text, place)
        # replace: a deck named as one another file brought (the bundled docker) is the file's to take
        # (without it, import refuses what lint cannot know of: tests/test_deck_management.py)
        if deck is not None:
            import_files(engine, [collection.extra, place / "deck.yaml"], replace=True)
            return True
        with pytest.raises(DeckError):
            import_files(engine, [collection.extra, place / "deck.yaml"], replace=True)
        assert Collection.settle(engine, place / "quiz.db") == collection.bytes
        return False
    finally:
        engine.dispose()
        shutil.rmtree(place, ignore_errors=True)


# -- the properties ----------------------------------------------------------------------


@examples(400)
@given(text=DECK_TEXTS)
def test_lint_of_any_deck_file_raises_only_quiz_errors(tmp_path_factory, text):
    RUNS["deck files linted"] += 1
    PASSED["deck files linted"] += lint(text, tmp_path_factory.mktemp("lint")) is not None


@examples(200)
@given(text=DECK_TEXTS)
def test_import_takes_what_lint_takes_and_changes_nothing_on_failure(collection, text):
    RUNS["deck files imported"] += 1
    PASSED["deck files imported"] += check_import(collection, text)


@examples(120)
@given(text=edited(NOTE_SEEDS, NOTE_PIECES))
@example(text="# Run\n\n```bash\n# run it\ndocker run " + "x" * 10_001 + "\n```\n")  # a card over MAX_TEXT
@example(text="# " + "T" * 10_001 + "\n\n## ls\n\n```bash\n# list\nls\n```\n")  # a title over it
@example(text="# ssh\n\n> Note: \n\nProse.\n")  # a warning with nothing after its "Note:"
@example(text=FROB.replace("[-v|", "[-\x08v|"))  # a control character in an option of a tldr page
@example(text=FROB.replace("frob", "fr\x07ob"))  # in its tool's name
@example(text=FROB.replace("- Show the version:", "- :"))  # an example of it without its description
def test_a_deck_generated_from_any_note_lints_and_imports(collection, tmp_path_factory, text):
    RUNS["notes generated"] += 1
    note = notes.generate(text, fallback_title="fuzz")
    if note.cards:
        deck = notes.deck_yaml(note, "fuzz", "fuzz.md")
        path = tmp_path_factory.mktemp("generated") / "deck.yaml"
        path.write_text(deck, encoding="utf-8")
        load_deck(path)  # what quiz generate writes always passes lint (decks/README.md)
        PASSED["notes generated"] += check_import(collection, deck)


SETTING_VALUES = {
    "desired_retention": st.floats(0.6, 1.0) | st.sampled_from([0.7, 0.99, float("nan"), float("inf")]),
    "learning_steps": st.lists(
        st.sampled_from(["1s", "30s", "10m", "23h", "1d", "365d", "8760h", "0s", "366d"]), max_size=12
    ),
    "relearning_steps": st.lists(st.sampled_from(["1s", "10m", "1d", "365d", "31536000s"]), max_size=3),
    "new_per_day": st.integers(-1, 10_000) | st.sampled_from([9999, 2**31, 2**64]),
    "reviews_per_day": st.integers(-1, 10_000),
    "maximum_interval": st.integers(0, 40_000) | st.sampled_from([1, 36500, 10**12, 10**20]),
    "leech_threshold": st.integers(0, 10_000) | st.sampled_from([1, 9999, 2**63]),
    "parameters": st.lists(
        st.floats(-0.1, 110) | st.sampled_from([0.001, 0.1, 0.8, 100.0, float("nan")]), min_size=21, max_size=21
    ),
}
RATINGS = st.lists(st.sampled_from(list(Rating)), min_size=1, max_size=20)


@examples(120)
@given(chosen=st.fixed_dictionaries({}, optional=SETTING_VALUES), ratings=RATINGS, card_id=st.integers(1, 2**40))
def test_settings_lint_takes_never_break_a_review(tmp_path_factory, chosen, ratings, card_id):
    RUNS["settings reviewed"] += 1
    text = yaml.safe_dump({"deck": "x", "settings": chosen, "cards": [{"id": "a", "front": "f", "back": "b"}]})
    deck = lint(text, tmp_path_factory.mktemp("settings"))
    if deck is None:
        return
    PASSED["settings reviewed"] += 1
    deck_settings = DeckSettings(**deck.settings)
    schedule, now = Schedule(), NOW
    for rating in ratings:  # each answer when the card is due, as a learner who keeps at it
        scheduling.preview(card_id, schedule, now, deck_settings)
        schedule = scheduling.review(card_id, schedule, rating, now, deck_settings)
        scheduling.retrievability(schedule, now, deck_settings)
        assert schedule.due is not None and schedule.due > now - timedelta(seconds=1)
        now = schedule.due


@examples(30)
@given(
    chosen=st.fixed_dictionaries({}, optional=SETTING_VALUES),
    numbers=st.lists(st.integers(1, 500) | st.sampled_from([0, 1, 500, 501, 2**32]), min_size=1, max_size=4),
)
def test_what_lint_takes_exports_and_anki_imports(tmp_path_factory, chosen, numbers):
    from anki.collection import Collection as AnkiCollection
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    RUNS["decks exported to Anki"] += 1
    folder = tmp_path_factory.mktemp("anki")
    text = " ".join(f"{{{{c{n}::w{n}}}}}" for n in numbers)
    cards = [{"id": "a", "type": "cloze", "text": text}, {"id": "b", "type": "reversed", "front": "f", "back": "b"}]
    tried: dict
    for tried in (chosen, {}):  # settings lint refuses: the cards alone, then
        deck = lint(yaml.safe_dump({"deck": "x", "settings": tried, "cards": cards}), folder)
        if deck is not None:
            break
    if deck is None:
        return
    PASSED["decks exported to Anki"] += 1
    engine = app.open_collection(str(folder / "quiz.db"), with_bundled=False)
    try:
        import_files(engine, [folder / "deck.yaml"])
        clock = anki.Clock(NOW, ZoneInfo("UTC"), 4)
        anki.export_decks(engine, [], folder / "out.apkg", clock=clock, lang="en")
    finally:
        engine.dispose()
    (folder / "anki").mkdir()
    col = AnkiCollection(str(folder / "anki" / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(folder / "out.apkg"), options=options))
        assert col.card_count() == len(deck.cards)
    finally:
        col.close()
