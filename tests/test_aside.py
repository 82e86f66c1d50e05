"""Work in a second process: its result, and what happens when it fails or is not wanted."""

from __future__ import annotations

import os
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
        while not started.exists() or not started.read_text():
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # killed and reaped: no such process any more
