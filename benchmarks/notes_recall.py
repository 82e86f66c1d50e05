"""How much of a note `quiz generate` turns into the right cards: per note, the recall and
precision of its command and key cards against the note's `.expected.yaml` (line, type,
front, back). Run it on any tree, on tests/data/notes (the suite asserts those) or on the
held-out notes of benchmarks/data/heldout_notes (written apart from the code, never tuned):
    PYTHONPATH=path/to/tree python benchmarks/notes_recall.py [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HELD_OUT = Path(__file__).resolve().parent / "data" / "heldout_notes"


def main() -> None:
    from quiz.notes import generate

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HELD_OUT
    found = wanted = right = made_all = 0
    for note in sorted(folder.glob("*.md")):
        expected = yaml.safe_load(note.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
        cards = generate(note.read_text(encoding="utf-8"), note.stem).cards
        made = [
            (c.line, c.type, c.front, c.back if isinstance(c.back, str) else c.back[0])
            for c in cards
            if c.type in ("command", "keys")
        ]
        want = [(e["line"], e["type"], e["front"], e["back"]) for e in expected]
        hits = sum(1 for card in want if card in made)
        good = sum(1 for card in made if card in want)
        print(f"{note.name:<28} recall {hits:>3}/{len(want):<3}  precision {good:>3}/{len(made):<3}")
        found, wanted, right, made_all = found + hits, wanted + len(want), right + good, made_all + len(made)
    print(f"{'all':<28} recall {found:>3}/{wanted:<3}  precision {right:>3}/{made_all:<3}")


if __name__ == "__main__":
    main()
