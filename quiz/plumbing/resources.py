"""Where the files that ship with quiz are: inside the wheel, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # quiz/


def _shipped(name: str) -> Path:
    # A wheel carries them as quiz/_<name>; an editable install reads the checkout.
    inside = PACKAGE / f"_{name}"
    return inside if inside.is_dir() else PACKAGE.parent / name


def migrations_dir() -> Path:
    return _shipped("migrations")


def bundled_decks() -> list[Path]:
    return sorted(_shipped("decks").glob("*.yaml"))


def is_bundled(path: Path) -> bool:
    """Whether the deck file at `path` is one of the bundled decks' (quiz's own, replaced by
    upgrades, perhaps read-only): a learner's changes to its deck go to a copy."""
    return path.resolve().parent in {bundled.parent for bundled in bundled_decks()}
