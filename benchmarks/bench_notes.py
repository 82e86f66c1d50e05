"""Speed of `quiz generate` (target: a 5,000-line note in under 2 s, the whole command).

The note is the test notes of tests/data/notes/ and the Docker note, repeated to 5,000
lines; `run()` returns (name, value, unit) rows for benchmarks/run.py; run this file alone
to print them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def note_of(lines: int) -> str:
    sources = sorted((ROOT / "tests" / "data" / "notes").glob("*.md")) + [ROOT / "decks" / "source" / "docker-note.md"]
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in sources if not path.stem.endswith("tldr"))
    return "\n".join(((text + "\n\n") * (lines // text.count("\n") + 1)).split("\n")[:lines])


def generate_seconds(lines: int, runs: int = 3) -> float:
    """Median of `quiz generate NOTE -o DECK` as a process: reading, cards, writing and the lint."""
    with tempfile.TemporaryDirectory() as folder:
        note, deck = Path(folder) / "note.md", Path(folder) / "deck.yaml"
        note.write_text(note_of(lines), encoding="utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            command = [sys.executable, "-m", "quiz", "generate", str(note), "-o", str(deck), "--force"]
            subprocess.run(command, check=True, capture_output=True, cwd=folder)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[tuple[str, float, str]]:
    return [("generate: a 5,000-line note, the whole command", round(generate_seconds(5000), 2), "s")]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for name, value, unit in run():
        print(f"{name:<56} {value:>8} {unit}")
