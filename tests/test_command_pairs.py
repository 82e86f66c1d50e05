"""The pairs of tests/data/command_pairs.yaml: expected and typed command answers across
the bundled tools, each marked the same or not by what the tool does, with the reason.
Written from the tools' behaviour, not from what the checker says."""

from pathlib import Path

import pytest
import yaml

from quiz.checking.compare import compare

PAIRS = yaml.safe_load((Path(__file__).parent / "data" / "command_pairs.yaml").read_text(encoding="utf-8"))


def test_the_table_is_broad_and_balanced():
    same = sum(pair["same"] for pair in PAIRS)
    assert len(PAIRS) >= 300 and min(same, len(PAIRS) - same) >= 0.4 * len(PAIRS)
    assert len({pair["tool"] for pair in PAIRS}) >= 38
    assert len({(pair["expected"], pair["typed"]) for pair in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['tool']}: {p['expected']} | {p['typed']}" for p in PAIRS])
def test_every_verdict(pair):
    verdict = compare(pair["expected"], pair["typed"], kind="command")
    assert verdict.correct is pair["same"], pair["why"]
