"""The due cache: the line `quiz due` printed last, in a file a shell prompt can `cat`
instead of running quiz at every line (quiz.due writes it). Standard library only, as
quiz.due is."""

from __future__ import annotations

import itertools
import os

_parts = itertools.count()


def cache_file() -> str:
    """$XDG_CACHE_HOME/quiz/due, ~/.cache/quiz/due by default: the line a prompt can `cat`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return os.path.join(base if base.strip() else os.path.join(os.path.expanduser("~"), ".cache"), "quiz", "due")


def write_cache(text: str) -> None:
    """Make the cache file hold `text` (one line, or nothing), whole: a prompt reading it
    meanwhile sees the old line or the new one. Never fails: the cache is a convenience."""
    content = f"{text}\n".encode() if text else b""
    target = cache_file()
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{next(_parts)}.part")
    try:
        with open(target, "rb") as old:
            if old.read() == content:
                return
    except OSError:
        pass  # none yet: written below
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temporary, "wb") as new:
            new.write(content)
        os.replace(temporary, target)
    except OSError:
        _remove(temporary)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        return
