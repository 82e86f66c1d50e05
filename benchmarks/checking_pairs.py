"""How well answers are checked, per tool: on tests/data/command_pairs.yaml (expected and
typed answers, each marked the same or not by what the tool does), the share of the
equivalent pairs accepted and of the different pairs rejected.

Run it on any tree to compare (the pairs file is always this tree's), and on the held-out
pairs of benchmarks/data/heldout_pairs.yaml, written apart from the code and never tuned for:
    PYTHONPATH=path/to/other/tree python benchmarks/checking_pairs.py [PAIRS.yaml]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "command_pairs.yaml"


def shares(pairs: Path = PAIRS) -> dict[str, tuple[int, int, int, int]]:
    """tool -> (equivalent accepted, equivalent, different rejected, different)."""
    from quiz.checking.compare import compare

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pair in yaml.safe_load(pairs.read_text(encoding="utf-8")):
        correct = compare(pair["expected"], pair["typed"], kind="command").correct
        row = counts[pair["tool"]]
        if pair["same"]:
            row[0] += correct
            row[1] += 1
        else:
            row[2] += not correct
            row[3] += 1
    return {tool: (a, b, c, d) for tool, (a, b, c, d) in sorted(counts.items())}


def main() -> None:
    import quiz

    print(f"quiz from {Path(quiz.__file__).parent}", file=sys.stderr)
    rows = shares(Path(sys.argv[1]) if len(sys.argv) > 1 else PAIRS)
    total = [sum(row[k] for row in rows.values()) for k in range(4)]
    print(f"{'tool':<12} {'equivalent accepted':>20} {'different rejected':>19}")
    for tool, (a, b, c, d) in [*rows.items(), ("all", tuple(total))]:
        print(f"{tool:<12} {a:>4}/{b:<4} {a / b if b else 1:>6.0%}     {c:>4}/{d:<4} {c / d if d else 1:>6.0%}")


if __name__ == "__main__":
    main()
