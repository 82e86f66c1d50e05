"""Peak memory of `quiz lint` and `quiz import` on deck files of up to 10 MB, each built
to push one of the deck limits (quiz.deckfile) as far as it allows: target 300 MB.

`python benchmarks/bench_deck_limits.py` prints one row per deck and command: the file's
size, whether the command passed, its wall time and its peak resident memory. Each command
runs in a fresh process and its peak is read from getrusage in a probe of its own, so no
row carries an earlier one's peak.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import quiz_command, write_deck
from quiz.deckfile import MAX_CARDS, MAX_CLOZE, MAX_HELD
from quiz.deckvalues import MAX_TEXT

MB = 1024 * 1024
TARGET_MB = 300

_PEAK_PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def cards_file(path: Path, entries: list[str], head: str = "deck: limits\n") -> None:
    path.write_text(head + "cards:\n" + "".join(entries), encoding="utf-8")


def typical(path: Path) -> None:
    """The benchmark's own mix (command, basic, reversed, cloze, two languages), ~10 MB."""
    write_deck(path, 82_000)


def tiny_cards(path: Path) -> None:
    """As many cards as a deck may have, each as small as a card can be."""
    cards_file(path, [f"- {{id: c{i}, front: f, back: b}}\n" for i in range(MAX_CARDS)])


def long_texts(path: Path, letter: str = "é") -> None:
    """Reversed cards whose front and back are as long as a text may be, up to 10 MB."""
    text = letter * (MAX_TEXT // 2)  # a two-byte letter: 10,000 bytes
    count = 10 * MB // (2 * len(text.encode()) + 40)
    entries = [f"- id: r{i}\n  type: reversed\n  front: {text}\n  back: {text}\n" for i in range(count)]
    cards_file(path, entries[: MAX_HELD // (4 * len(text))])


def cloze_entries(letter: str, held: int, changed: bool = False) -> list[str]:
    """Cloze cards of c1..c500, each text as long as allowed, that hold `held` characters
    together. An astral `letter` makes every Python string of them 4 bytes a character."""
    deletions = " ".join(f"{{{{c{n}::{letter}}}}}" for n in range(1, MAX_CLOZE + 1))
    text = ("v " if changed else "") + deletions + " "
    text += letter * (MAX_TEXT - len(text))
    return [f"- id: z{i}\n  type: cloze\n  text: '{text}'\n" for i in range(held // (MAX_CLOZE * len(text)))]


def clozes(path: Path, letter: str) -> None:
    """As many such cloze cards as the deck's budget of text allows, from a small file."""
    cards_file(path, cloze_entries(letter, MAX_HELD))


def worst(path: Path, changed: bool = False) -> None:
    """The deck's limits all at once: as many cards as allowed, most of them tiny, and
    emoji clozes that hold the rest of the budget of text."""
    entries = cloze_entries("\U0001f600", MAX_HELD - 2 * MAX_CARDS, changed)
    tiny = MAX_CARDS - MAX_CLOZE * len(entries)
    front = "g" if changed else "f"
    cards_file(path, entries + [f"- {{id: c{i}, front: {front}, back: b}}\n" for i in range(tiny)])


def problems(path: Path) -> None:
    """10 MB of cards that each have a problem (an unknown key with a long name)."""
    key = "k" * 200
    cards_file(path, [f"- {{id: e{i}, front: f, back: b, {key}: 1}}\n" for i in range(10 * MB // 240)])


DECKS = {
    "typical mix": typical,
    f"{MAX_CARDS:,} tiny cards": tiny_cards,
    "long reversed texts": long_texts,
    "cloze c1..c500, ASCII": lambda path: clozes(path, "x"),
    "cloze c1..c500, emoji": lambda path: clozes(path, "\U0001f600"),
    "a problem on every card": problems,
    "all limits at once": worst,
}


def peak(args: list[str]) -> tuple[int, float, float]:
    out = subprocess.run([sys.executable, "-c", _PEAK_PROBE, *args], capture_output=True, text=True, check=True)
    code, seconds, megabytes = out.stdout.split()
    return int(code), float(seconds), float(megabytes)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quiz-limits-") as folder:
        print(f"{'deck':<28} {'size':>8}  {'command':<7} {'result':<7} {'time':>7} {'peak':>8}   target")
        for name, make in DECKS.items():
            deck = Path(folder) / "deck.yaml"
            make(deck)
            size = deck.stat().st_size / MB
            for command in ("lint", "import"):
                db = Path(folder) / "quiz.db"
                db.unlink(missing_ok=True)
                code, seconds, megabytes = peak(quiz_command() + ["--db", str(db), command, str(deck)])
                row(name, size, command, code, seconds, megabytes)
            if make is worst:  # then a sync that rewrites every card of that collection
                worst(deck, changed=True)
                code, seconds, megabytes = peak(quiz_command() + ["--db", str(db), "import", str(deck)])
                row(name, size, "update", code, seconds, megabytes)


def row(name: str, size: float, command: str, code: int, seconds: float, megabytes: float) -> None:
    result = "ok" if code == 0 else "refused"
    line = f"{name:<28} {size:>6.1f}MB  {command:<7} {result:<7} {seconds:>6.1f}s {megabytes:>6.0f}MB"
    print(f"{line}   < {TARGET_MB} MB", flush=True)


if __name__ == "__main__":
    main()
