"""The command cards of the bundled Docker deck against tests/data/docker_answers.yaml: for
each card, answers a learner may type that are right and plausible ones that are wrong (each
with the reason), written from the Docker CLI reference and what docker does, not from what
the checker says. A card is read as the review reads it: its accepted answers in each of the
learner's languages, compared as commands with the deck's own tool tables over the bundled ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quiz.checking.compare import DiffPart, Verdict, compare
from quiz.checking.tables import ToolTable, parse_tools
from quiz.decks import load_deck
from quiz.model import CardKind, CardSpec, accepted_answers

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_deck(ROOT / "decks" / "docker.yaml")
TOOLS: ToolTable | None = parse_tools(SPEC.tools) if SPEC.tools else None
COMMAND_CARDS: dict[str, CardSpec] = {card.key: card for card in SPEC.cards if card.kind is CardKind.COMMAND}
ANSWERS: dict[str, dict] = yaml.safe_load((Path(__file__).parent / "data" / "docker_answers.yaml").read_text("utf-8"))
LANGS = ("zh", "en")

CORRECT = [(card_id, typed) for card_id, entry in ANSWERS.items() for typed in entry["correct"]]
WRONG = [(card_id, wrong["typed"], wrong["why"]) for card_id, entry in ANSWERS.items() for wrong in entry["wrong"]]


def back(card_id: str) -> str | list[str]:
    card = COMMAND_CARDS.get(card_id)
    if card is not None:
        return card.content["back"]
    pytest.fail(f"{card_id} is no command card of decks/docker.yaml")


def verdicts(card_id: str, typed: str) -> dict[str, Verdict]:
    """The verdict on `typed` for a learner of each language."""
    return {
        lang: compare(accepted_answers(back(card_id), lang, SPEC.lang), typed, kind="command", tools=TOOLS)
        for lang in LANGS
    }


def describe(part: DiffPart) -> str:
    if part.kind == "missing":
        return f"missing {part.expected!r}"
    if part.kind == "extra":
        return f"extra {part.typed!r}"
    return f"{part.typed!r} where {part.expected!r} is"


def explain(lang: str, verdict: Verdict) -> str:
    wrong = "; ".join(describe(part) for part in verdict.diff if part.kind != "same")
    return f"[{lang}] against {verdict.expected!r}: {wrong or 'no difference shown'}"


@pytest.mark.parametrize(("card_id", "typed"), CORRECT, ids=[f"{card_id}: {typed}" for card_id, typed in CORRECT])
def test_a_right_answer_is_accepted(card_id: str, typed: str) -> None:
    refused = [explain(lang, verdict) for lang, verdict in verdicts(card_id, typed).items() if not verdict.correct]
    assert not refused, "\n".join(refused)


@pytest.mark.parametrize(("card_id", "typed", "why"), WRONG, ids=[f"{card_id}: {typed}" for card_id, typed, _ in WRONG])
def test_a_wrong_answer_is_refused(card_id: str, typed: str, why: str) -> None:
    accepted = [lang for lang, verdict in verdicts(card_id, typed).items() if verdict.correct]
    assert not accepted, why


def test_the_answers_are_new_and_distinct() -> None:
    """A right answer is not a back as written (that proves nothing), and no answer is listed twice."""
    for card_id, entry in ANSWERS.items():
        backs = set(accepted_answers(back(card_id), "en", SPEC.lang) + accepted_answers(back(card_id), "zh", SPEC.lang))
        typed = entry["correct"] + [wrong["typed"] for wrong in entry["wrong"]]
        assert not backs & set(entry["correct"]), card_id
        assert len(set(typed)) == len(typed), card_id
        assert all(wrong["why"].strip() for wrong in entry["wrong"]), card_id


def test_every_command_card_has_its_answers() -> None:
    thin = {
        card_id: (len(entry["correct"]), len(entry["wrong"])) if entry else None
        for card_id in COMMAND_CARDS
        if (entry := ANSWERS.get(card_id)) is None or len(entry["correct"]) < 3 or len(entry["wrong"]) < 2
    }
    assert not thin, f"command cards without 3 right and 2 wrong answers (right, wrong): {thin}"
    strangers = sorted(set(ANSWERS) - set(COMMAND_CARDS))
    assert not strangers, f"not command cards of decks/docker.yaml: {', '.join(strangers)}"
