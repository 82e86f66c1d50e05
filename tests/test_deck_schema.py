"""decks/schema.json and the deck validator (quiz lint) give the same verdict on the same deck:
the bad decks of tests/test_decks.py, the decks at the edge of every limit, the bundled decks
and the decks quiz generate makes from the test notes. The few rules JSON Schema cannot say
are named below; on those alone lint may refuse what the schema takes."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jsonschema
import pytest

from quiz import notes
from quiz.decks import load_deck
from quiz.errors import DeckError
from quiz.model import SETTING_LIMITS
from quiz.plumbing import resources
from quiz.plumbing.yamlnodes import Map, Node, Scalar, Seq, YamlError
from quiz.plumbing.yamlread import compose, plain
from quiz.scheduling import parameter_bounds
from tests.test_decks import BAD_DECKS, GOOD, GOOD_EDGES

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "decks" / "schema.json").read_text(encoding="utf-8"))
NOTES = sorted((ROOT / "tests" / "data" / "notes").glob("*.md"))

# What JSON Schema cannot say: uniqueness of a property across items, equality between
# the values of a mapping, and counts over the whole deck. quiz lint alone checks these.
BEYOND_SCHEMA = ("duplicate id", "every language must have the same deletions", "cards in one deck", "hold more than")


class NotJson(ValueError):
    """The YAML has no JSON equivalent: JSON Schema cannot pass it."""


def as_json(node: Node | None):
    """The document as the JSON data an editor's schema check sees. A key given twice, NaN,
    infinity or a date has no JSON form (YAML forbids repeated keys too)."""
    if isinstance(node, Map):
        keys = [key.value for key, _ in node.pairs if isinstance(key, Scalar)]
        if len(set(keys)) < len(keys) or len(keys) < len(node.pairs):
            raise NotJson("a key given twice, or not a plain one")
        return {key.value: as_json(value) for key, value in node.pairs}
    if isinstance(node, Seq):
        return [as_json(item) for item in node.items]
    value = plain(node)
    if (isinstance(value, float) and not math.isfinite(value)) or not isinstance(value, (str, int, float, type(None))):
        raise NotJson(repr(value))
    return value


def schema_errors(text: str) -> list[str] | None:
    """The schema's complaints about the deck (None: it is no JSON document at all)."""
    try:
        data = as_json(compose(text))
    except (YamlError, NotJson):
        return None
    return [error.message for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]


def lint_problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_deck(path)
    except DeckError as error:
        return [problem.message for problem in error.problems]
    return []


def generated_decks() -> list[tuple[str, str]]:
    decks = []
    for note_path in NOTES:
        note = notes.generate(note_path.read_text(encoding="utf-8"), fallback_title=note_path.stem)
        decks.append((note_path.name, notes.deck_yaml(note, notes.deck_name_for(note_path.stem), note_path.name)))
    return decks


DECKS = (
    [(f"bad: {expected}", text) for text, expected in BAD_DECKS]
    + [("the good deck", GOOD)]
    + [(f"edge {index}", text) for index, text in enumerate(GOOD_EDGES)]
    + [(path.name, path.read_text(encoding="utf-8")) for path in resources.bundled_decks()]
    + generated_decks()
)


@pytest.mark.parametrize(("name", "text"), DECKS, ids=[name[:70] for name, _ in DECKS])
def test_the_schema_and_lint_give_the_same_verdict(tmp_path, name, text):
    problems = lint_problems(text, tmp_path)
    errors = schema_errors(text)
    if errors is not None and not errors and problems:
        beyond = [p for p in problems if not any(rule in p for rule in BEYOND_SCHEMA)]
        assert not beyond, f"lint refuses what the schema takes: {beyond}"
    else:
        assert (errors is None or bool(errors)) == bool(problems), (problems, errors)


def test_every_deck_of_the_comparison_but_the_bad_ones_passes_lint(tmp_path):
    # Else a good deck that both refused would agree with the schema for nothing.
    for name, text in DECKS:
        if not name.startswith("bad: "):
            assert lint_problems(text, tmp_path) == [], name


def test_the_schema_has_the_scheduler_s_own_parameter_bounds():
    parameters = SCHEMA["properties"]["settings"]["properties"]["parameters"]
    items = parameters["prefixItems"]
    lowest, highest = parameter_bounds()
    assert [(item["minimum"], item["maximum"]) for item in items] == list(zip(lowest, highest))
    assert parameters["minItems"] == parameters["maxItems"] == len(lowest)


def test_the_schema_has_lint_s_bounds_of_every_setting():
    properties = SCHEMA["properties"]["settings"]["properties"]
    for name, (low, high) in SETTING_LIMITS.items():
        if name.endswith("_steps"):
            continue  # durations: below
        assert (properties[name]["minimum"], properties[name]["maximum"]) == (low, high), name


def steps_deck(step: str) -> str:
    return f'deck: x\nsettings: {{learning_steps: ["{step}"]}}\ncards: [{{id: a, front: f, back: b}}]\n'


@pytest.mark.parametrize("unit, seconds", [("s", 1), ("m", 60), ("h", 3600), ("d", 86400)])
def test_the_schema_and_lint_agree_on_every_step_near_its_limits(tmp_path, unit, seconds):
    # The schema spells the bound of each unit as a pattern of digits: each is checked at
    # every number around the powers of ten and the bound itself.
    bound = SETTING_LIMITS["learning_steps"][1] // seconds
    numbers = {n for p in range(1, 10) for n in range(10**p - 3, 10**p + 3)} | set(range(bound - 30, bound + 30))
    numbers |= {n * 10**p for n in range(1, 10) for p in range(9)}
    spellings = [f"{n}{unit}" for n in sorted(numbers) if n >= 0] + [f"0{bound}{unit}", f"00{unit}", f"1{unit}\n"]
    pattern = re.compile(SCHEMA["$defs"]["duration"]["pattern"])
    for spelling in spellings:
        lint_takes = not lint_problems(steps_deck(spelling.replace("\n", "\\n")), tmp_path)
        assert bool(pattern.search(spelling)) == lint_takes, spelling


def test_the_schema_and_lint_agree_on_every_cloze_number(tmp_path):
    for number in [*range(0, 520), 999, 1000, 10**12, "0", "00", "007", "0500", "0501"]:
        text = f"deck: x\ncards: [{{id: a, type: cloze, text: 'a {{{{c{number}::b}}}} c'}}]\n"
        errors = schema_errors(text)
        assert errors is not None and bool(errors) == bool(lint_problems(text, tmp_path)), number
