"""The installed `quiz` in a real terminal (tmux): answer, quit, and survive kill -9; at 40
columns and in Chinese; Esc, Ctrl-Z and the summary's last key; quiz remove's question."""

from __future__ import annotations

import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz import backups, storage
from quiz.storage import database

DECK = """
deck: smoke
title: Smoke test
cards:
  - {id: one, type: command, front: Show the latest container, back: docker ps -l}
  - {id: two, front: What is LXC?, back: Linux Containers}
  - {id: three, front: What is a hypervisor?, back: A virtual machine monitor}
"""


class Terminal:
    """A tmux pane (80x24 unless told) running one command, on a tmux server of its own; with
    `shell`, an interactive bash (job control: Ctrl-Z) where the command is typed."""

    def __init__(self, command: list[str], env: dict, socket: str, size=(80, 24), shell: bool = False):
        self.tmux = ["tmux", "-L", socket]
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The shell stays after quiz ends, so its last screen and exit code can be read.
        script = f"env {exports} {shlex.join(command)}; echo EXIT=$?; sleep 60"
        if shell:
            script = f"env {exports} PS1='$ ' bash --norc --noprofile -i"
        columns, rows = (str(n) for n in size)
        subprocess.run(self.tmux + ["new-session", "-d", "-s", "quiz", "-x", columns, "-y", rows, script], check=True)
        if shell:
            self.wait_for("$ ")
            self.send(f'({shlex.join(command)}; echo EX""IT=$?)', "Enter")  # the line typed is no EXIT=

    def screen(self) -> str:
        return subprocess.run(
            self.tmux + ["capture-pane", "-p", "-J", "-S", "-200", "-t", "quiz"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def shown_times(self, text: str, times: int, timeout: float = 20) -> str:
        """Wait until `text` is on the screen (scrollback included) `times` times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) >= times:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared {times} times; the screen:\n{self.screen()}")

    def at_prompt(self, text: str, answered: int, done: str = "done {}") -> None:
        """Wait for `text`, then for the prompt's toolbar: keys sent earlier would meet
        the terminal's line discipline, not the prompt."""
        self.wait_for(text)
        self.wait_for(done.format(answered))

    def send(self, *keys: str) -> None:
        subprocess.run(self.tmux + ["send-keys", "-t", "quiz", *keys], check=True)

    def quiz_pid(self) -> int:
        shell = subprocess.run(
            self.tmux + ["display-message", "-p", "-t", "quiz", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True, check=True).stdout.split()[0])

    def close(self) -> None:
        subprocess.run(self.tmux + ["kill-server"], capture_output=True)


@pytest.fixture
def open_terminal(tmp_path, db_path):
    """Terminals on the smoke deck's collection: `open_terminal(size=..., env=..., shell=...)`."""
    script = Path(sys.executable).with_name("quiz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "quiz"]
    deck = tmp_path / "smoke.yaml"
    deck.write_text(DECK, encoding="utf-8")
    env = {
        "TZ": "UTC",
        "TERM": "xterm-256color",
        "HOME": os.environ["HOME"],
        "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"],
        "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"],
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
    }
    subprocess.run(
        command + ["--db", str(db_path), "import", str(deck)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    opened = []

    def make(size=(80, 24), shell: bool = False, options: tuple[str, ...] = (), **more: str) -> Terminal:
        socket = f"quiz-test-{os.getpid()}-{len(opened)}"
        review = command + ["--db", str(db_path), "review", "smoke", *options]
        opened.append(Terminal(review, {**env, **more}, socket, size, shell))
        return opened[-1]

    yield make
    for screen in opened:
        screen.close()


@pytest.fixture
def terminal(open_terminal):
    return open_terminal()


def stored_answers(db_path) -> list:
    engine = database.create(database.database_url(str(db_path)))
    with engine.connect() as conn:
        rows = conn.execute(
            select(storage.cards_t.c.note_key, storage.reviews_t.c.rating)
            .join(storage.reviews_t)
            .order_by(storage.reviews_t.c.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_a_short_session_in_a_real_terminal(terminal, db_path):
    terminal.at_prompt("Show the latest container", 0)
    terminal.send("docker ps --latest", "Enter")
    terminal.at_prompt("✓ right", 0)
    terminal.send("Enter")  # accept the pre-selected Good
    terminal.at_prompt("What is LXC?", 1)
    terminal.send("Space")  # reveal
    terminal.at_prompt("Linux Containers", 1)
    terminal.send("1")
    terminal.at_prompt("What is a hypervisor?", 2)
    terminal.send("C-d")
    terminal.wait_for("any other key quits")  # the summary's last key: u would undo
    terminal.send("q")
    screen = terminal.wait_for("EXIT=")
    assert "Reviewed 2 cards · 1 Again · retention 50%" in screen
    assert "EXIT=0" in screen and "Traceback" not in screen
    assert stored_answers(db_path) == [("one", 3), ("two", 1)]
    # The main file alone is the collection (the WAL was folded in at the end), as a
    # file-sync tool copies it. The import's backup was the day's: the review made no other.
    copy = db_path.with_name("copy.db")
    copy.write_bytes(db_path.read_bytes())
    assert stored_answers(copy) == [("one", 3), ("two", 1)]
    assert [backup.reason for backup in backups.listing(db_path)] == ["import"]


def test_an_answer_waits_for_a_lock_held_elsewhere_and_is_saved(terminal, db_path):
    terminal.at_prompt("Show the latest container", 0)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
    try:
        terminal.send("docker ps -l", "Enter")
        terminal.at_prompt("✓ right", 0)
        terminal.send("3")
        terminal.wait_for("your answer waits", timeout=30)
    finally:
        holder.execute("COMMIT")
        holder.close()
    terminal.at_prompt("What is LXC?", 1)
    terminal.send("C-d")
    terminal.wait_for("any other key quits")
    terminal.send("Enter")
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=0" in screen and "Traceback" not in screen
    assert stored_answers(db_path) == [("one", 3)]


def test_kill_9_loses_at_most_the_card_on_screen(terminal, db_path):
    terminal.at_prompt("Show the latest container", 0)
    terminal.send("docker ps -l", "Enter")
    terminal.at_prompt("✓ right", 0)
    terminal.send("3")
    terminal.at_prompt("What is LXC?", 1)
    terminal.send("Enter")
    terminal.at_prompt("Linux Containers", 1)
    terminal.send("4")
    terminal.at_prompt("What is a hypervisor?", 2)
    terminal.send("Enter")  # revealed, not rated: this one may be lost
    terminal.at_prompt("A virtual machine monitor", 2)
    os.kill(terminal.quiz_pid(), signal.SIGKILL)
    assert "EXIT=137" in terminal.wait_for("EXIT=")
    assert stored_answers(db_path) == [("one", 3), ("two", 4)]


def answer_the_first_card_then_quit(terminal: Terminal, last_key: str | None = "q") -> str:
    """Right on the command card, Good; Ctrl-D on the next; the summary's last key: the
    screen once quiz ended (with exit code 0)."""
    terminal.send("docker ps -l", "Enter")
    terminal.shown_times("rate>", 1)
    terminal.send("3")
    terminal.at_prompt("What is LXC?", 1)
    terminal.send("C-d")
    if last_key is not None:
        terminal.wait_for("any other key quits")
        terminal.send(last_key)
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=0" in screen and "Traceback" not in screen
    return screen


def test_a_chinese_session_at_40_columns(open_terminal, db_path):
    terminal = open_terminal(size=(40, 12), LANG="zh_CN.UTF-8")
    chinese = " 已完成 {} · 剩"
    terminal.at_prompt("Show the latest container", 0, chinese)
    assert "输入命令 · 直接回车显示答案 · ? 帮助" in terminal.screen()  # the first card teaches
    terminal.send("docker ps --latest", "Enter")
    screen = terminal.shown_times("评分>", 1)  # the rating prompt, after the verdict and the row
    rows = [line for line in screen.splitlines() if "[3 " in line]
    assert rows and all(len(line) <= 40 for line in rows)  # the rating row fits
    terminal.send("C-c")
    assert "再按一次 Ctrl-C 退出" in terminal.wait_for("再按一次")  # at 40 columns too
    terminal.send("Enter")
    terminal.at_prompt("What is LXC?", 1, chinese)
    terminal.send("x", "y")  # on a revealed card, keys are not echoed
    terminal.send("Space")
    terminal.shown_times("评分>", 2)
    assert "Linux Containers" in terminal.screen() and "xy" not in terminal.screen()
    terminal.send("4")
    terminal.at_prompt("What is a hypervisor?", 2, chinese)
    terminal.send("C-d")
    terminal.wait_for("u 撤销上一次评分")
    terminal.send("u")  # the summary's last key undoes the last answer: LXC again
    terminal.wait_for("已撤销上一张卡片的评分")
    terminal.shown_times("What is LXC?", 2)
    terminal.wait_for("空格或回车显示答案")  # its prompt (the hint of the live prompt only stays)
    terminal.send("C-d")
    terminal.wait_for("u 撤销上一次评分")
    terminal.send("q")
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=0" in screen and "Traceback" not in screen
    assert stored_answers(db_path) == [("one", 3)]


def test_esc_clears_the_input_and_ctrl_z_suspends_to_the_shell(open_terminal, db_path):
    terminal = open_terminal(shell=True)
    terminal.at_prompt("Show the latest container", 0)
    terminal.send("docker rm")
    terminal.wait_for("$ docker rm")
    terminal.send("Escape")
    deadline = time.monotonic() + 10
    while "docker rm" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "docker rm" not in terminal.screen()
    terminal.send("C-z")
    terminal.wait_for("Stopped")
    terminal.send("fg", "Enter")
    terminal.at_prompt("Show the latest container", 0)
    answer_the_first_card_then_quit(terminal)
    assert stored_answers(db_path) == [("one", 3)]


def test_with_no_wait_the_summary_ends_the_review(open_terminal, db_path):
    terminal = open_terminal(options=("--no-wait",))
    terminal.at_prompt("Show the latest container", 0)
    screen = answer_the_first_card_then_quit(terminal, last_key=None)  # no key asked for
    assert "Reviewed 1 card" in screen and "any other key quits" not in screen
    assert stored_answers(db_path) == [("one", 3)]


@pytest.mark.parametrize("key", ["n", "y"])
def test_quiz_remove_asks_on_a_terminal(open_terminal, db_path, tmp_path, key):
    open_terminal().close()  # only its collection: the smoke deck imported
    script = Path(sys.executable).with_name("quiz")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "quiz"]
    env = {"HOME": os.environ["HOME"], "PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    env["XDG_DATA_HOME"] = env["XDG_CACHE_HOME"] = str(tmp_path)
    asking = Terminal([*command, "--db", str(db_path), "remove", "smoke"], env, f"quiz-test-{os.getpid()}-rm")
    try:
        asking.wait_for("Remove smoke (3 cards, 0 reviews)? A backup is made first. [y/N]:")
        asking.send(key, "Enter")
        screen = asking.wait_for("EXIT=")
    finally:
        asking.close()
    assert "EXIT=0" in screen and "Traceback" not in screen
    connection = sqlite3.connect(db_path)
    decks = [name for (name,) in connection.execute("SELECT name FROM decks")]
    connection.close()
    if key == "n":
        assert "Nothing was removed." in screen and "smoke" in decks
    else:
        assert "Removed 1 deck: smoke (3 cards, 0 reviews)." in screen and "smoke" not in decks
        assert [b.reason for b in backups.listing(db_path)].count("removal") == 1
