"""Work in a second process: its result, and what happens when it fails or is not wanted."""

from __future__ import annotations

import errno
import os
import signal
import time

import pytest

from quiz.aside import Aside


def own_pid() -> bytes:
    return str(os.getpid()).encode()


def test_the_work_runs_in_a_second_process():
    with Aside(own_pid) as aside:
        assert aside.result() not in (own_pid(), b"")


def test_work_that_fails_there_runs_here_where_its_error_surfaces():
    parent = os.getpid()

    def fails_elsewhere() -> bytes:
        if os.getpid() != parent:
            raise ValueError("not here")
        return own_pid()

    with Aside(fails_elsewhere) as aside:
        assert aside.result() == own_pid()

    def always_fails() -> bytes:
        raise ValueError("bad work")

    with pytest.raises(ValueError, match="bad work"), Aside(always_fails) as aside:
        aside.result()


def test_without_fork_the_work_runs_here(monkeypatch):
    monkeypatch.delattr(os, "fork")
    with Aside(own_pid) as aside:
        assert aside.result() == own_pid()


def test_work_never_asked_for_is_stopped(tmp_path):
    started = tmp_path / "pid"

    def slow() -> bytes:
        started.write_text(str(os.getpid()))
        time.sleep(60)
        return b"late"

    with Aside(slow):
        deadline = time.monotonic() + 30
        while not started.exists() or not started.read_text():
            assert time.monotonic() < deadline, "the second process never started"
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # killed and reaped: no such process any more


def open_fds() -> set[str]:
    return set(os.listdir("/dev/fd"))  # Linux and macOS, where there is a fork to fail


def interrupts_blocked() -> bool:
    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_a_fork_that_fails_leaves_the_work_to_this_process_and_nothing_open(monkeypatch):
    def no_process_slot():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_process_slot)
    before = open_fds()
    with Aside(own_pid) as aside:
        assert aside.result() == own_pid()
    assert open_fds() == before
    assert not interrupts_blocked()


def test_ctrl_c_is_the_parents_alone():
    parent = own_pid()

    def interrupted() -> bytes:
        if own_pid() != parent:  # in the child, a KeyboardInterrupt would end the work
            os.kill(os.getpid(), signal.SIGINT)
        return own_pid()

    with Aside(interrupted) as aside:
        assert not interrupts_blocked()  # the parent still answers Ctrl-C at once
        assert aside.result() not in (parent, b"")
