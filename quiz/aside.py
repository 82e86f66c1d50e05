"""One piece of work done in a second process, so that a long job uses two cores.

The second process is a fork: it sees the parent's data as it was at the fork,
runs one function that returns bytes, sends them back through a pipe and ends
without running any of the parent's clean-up. The work must not touch what
the parent holds open (a database connection, a file being written): it gets
plain data and returns plain bytes.

Where there is no fork (Windows), or the second process fails, the work runs
in this process when its result is asked for, so its errors are the parent's own.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable


class Aside:
    """`with Aside(work) as aside: ...; data = aside.result()`"""

    def __init__(self, work: Callable[[], bytes]):
        self._work = work
        self._pid: int | None = None
        self._pipe = None

    def __enter__(self) -> Aside:
        if hasattr(os, "fork"):
            try:
                self._start()
            except BaseException:  # Ctrl-C as the fork returned: no child left behind
                self.__exit__()
                raise
        return self

    def _start(self) -> None:
        reading, writing = os.pipe()
        # Ctrl-C is held back over the fork and stays so in the child: a KeyboardInterrupt
        # there would run the parent's clean-up (remove its files) in the wrong process.
        # The parent answers Ctrl-C, and __exit__ kills the child.
        interrupts = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:  # no memory or no process slot left: the work runs here instead
            signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)
            os.close(reading)
            os.close(writing)
            return
        if pid == 0:
            _run_and_exit(self._work, reading, writing)
        os.close(writing)
        self._pid, self._pipe = pid, os.fdopen(reading, "rb")
        signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)  # a Ctrl-C held back arrives here

    def result(self) -> bytes:
        if self._pid is not None:
            data = self._pipe.read()
            if self._reap() == 0:
                return data
        return self._work()  # no second process, or it failed: here, where errors surface

    def __exit__(self, *exc) -> None:
        if self._pid is not None:  # the result was never taken: the work is not wanted
            os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int:
        self._pipe.close()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)


def _run_and_exit(work: Callable[[], bytes], reading: int, writing: int) -> None:
    """In the second process: never return into the parent's code, whatever happens."""
    code = 1
    try:
        os.close(reading)
        data = work()
        with open(writing, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
