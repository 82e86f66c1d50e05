"""Files written whole or not at all: a temporary file beside the target, renamed into place.

The target is the real file: a symlink is followed (its target is replaced, the link
stays), a character device or a pipe (`/dev/stdout`, `/dev/null`) is written directly,
and anything else that is not a regular file is refused. The temporary file is named
`.NAME.PID.quiz-XXXX.part` (no glob for the target's suffix matches it), and a stale one
of ours, left by a killed process, is removed on the next write to the same target.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from quiz.errors import QuizError
from quiz.i18n import _

STALE_AFTER_S = 24 * 3600  # a temporary file this old is stale even if its process id is in use again


def real_target(target: Path) -> Path:
    """The file a write to `target` must change: through any symlinks."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def is_stream(target: Path) -> bool:
    """A character device or a pipe, written directly (there is nothing to replace)."""
    try:
        mode = target.stat().st_mode  # through links as the kernel follows them (/dev/stdout -> a pipe)
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def check_writable(target: Path) -> None:
    """Fail early, in one line, when `target` cannot be written."""
    if is_stream(target):
        if not os.access(target, os.W_OK):
            raise QuizError(_("cannot write {path}: permission denied").format(path=target))
        return
    real = real_target(target)
    if real.is_dir():
        raise QuizError(_("cannot write {path}: it is a folder").format(path=target))
    if real.exists() and not real.is_file():
        raise QuizError(_("cannot write {path}: it is not a regular file").format(path=target))
    folder = real.parent
    if not folder.is_dir():
        raise QuizError(_("cannot write {path}: no folder {folder}").format(path=target, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK) or (real.exists() and not os.access(real, os.W_OK)):
        raise QuizError(_("cannot write {path}: permission denied").format(path=target))


def cannot_write(target: Path, error: OSError) -> str:
    return _("cannot write {path}: {reason}").format(path=target, reason=os_reason(error))


def os_reason(error: OSError) -> str:
    """What went wrong, in the learner's language where it is a common case (the C library's
    strerror is English whatever the locale), else the system's own words."""
    if isinstance(error, IsADirectoryError):
        return _("it is a folder")
    if isinstance(error, FileNotFoundError):
        return _("no such file or folder")
    if isinstance(error, PermissionError):
        return _("permission denied")
    return str(error.strerror or error)


@contextmanager
def replacing(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """(the open file, its path): on a clean exit it replaces `target` in one rename,
    keeping the old file's mode (a new one gets the usual mode); on any error, Ctrl-C
    included, nothing is left behind. A device or pipe is written directly instead.
    An OSError becomes a one-line QuizError."""
    check_writable(target)
    if is_stream(target):
        try:
            with open(target, "wb") as stream:
                yield stream, target
        except OSError as error:
            raise QuizError(cannot_write(target, error)) from None
        return
    real = real_target(target)
    remove_stale_parts(real.parent, glob_escape(real.name))
    try:
        handle, name = tempfile.mkstemp(prefix=f".{real.name}.{os.getpid()}.quiz-", suffix=".part", dir=real.parent)
    except OSError as error:
        raise QuizError(cannot_write(target, error)) from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file, temporary
        mode = stat.S_IMODE(real.stat().st_mode) if real.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)  # mkstemp makes it private
        os.replace(temporary, real)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise QuizError(cannot_write(target, error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_PART = re.compile(r"\.(?P<pid>\d+)\.quiz-[^.]*\.part(?:-journal|-wal|-shm)?\Z")


def remove_stale_parts(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files of earlier writes to files named `name` (a glob) in
    `folder` whose process is gone, with SQLite's -journal of one."""
    removed = []
    for part in folder.glob(f".{name}.*.quiz-*.part*"):
        match = _PART.search(part.name)
        if match is None:
            continue
        try:
            old = time.time() - part.stat().st_mtime > STALE_AFTER_S
            if old or not _alive(int(match["pid"])):
                part.unlink()
                removed.append(part)
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def glob_escape(name: str) -> str:
    """`name` as a glob that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
