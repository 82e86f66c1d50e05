"""Files written whole or not at all: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from quiz.errors import QuizError


def check_writable(target: Path) -> None:
    """Fail early, in one line, when `target` cannot be written."""
    if target.is_dir():
        raise QuizError(f"cannot write {target}: it is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise QuizError(f"cannot write {target}: no folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise QuizError(f"cannot write {target}: permission denied")


@contextmanager
def replacing(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """(the open temporary file, its path): on a clean exit it replaces `target` in one rename,
    keeping the old file's mode (a new one gets the usual mode); on any error, Ctrl-C included,
    nothing is left behind. An OSError becomes a one-line QuizError."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise QuizError(f"cannot write {target}: {error.strerror or error}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file, temporary
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)  # mkstemp makes it private
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise QuizError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
