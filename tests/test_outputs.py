"""Files quiz writes (`export anki -o`, `generate -o`, `--update`): the real target, whole."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from quiz.cli.main import cli
from quiz.errors import QuizError
from quiz.plumbing import files

NOTE = "# Git\n\n```bash\n# show the status\ngit status\n```\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_symlinked_target_is_updated_through_the_link(tmp_path):
    real = tmp_path / "real" / "git.yaml"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "git.yaml"
    link.symlink_to(real)
    (tmp_path / "git.md").write_text(NOTE)

    result = run("generate", str(tmp_path / "git.md"), "-o", str(link), "--force")

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "git status" in real.read_text()


def test_an_export_through_a_symlink_updates_its_target(tmp_path):
    real = tmp_path / "exports" / "quiz.apkg"
    real.parent.mkdir()
    link = tmp_path / "quiz.apkg"
    link.symlink_to(real)  # dangling: the export makes the target

    result = run("--db", str(tmp_path / "quiz.db"), "export", "anki", "-o", str(link))

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and zipfile.is_zipfile(real)


def test_a_device_is_written_directly_and_stays_a_device(tmp_path):
    (tmp_path / "git.md").write_text(NOTE)
    before = os.stat("/dev/null")

    for args in (["generate", str(tmp_path / "git.md"), "-o", "/dev/null"], ["export", "anki", "-o", "/dev/null"]):
        result = run("--db", str(tmp_path / "quiz.db"), *args)
        assert result.exit_code == 0, result.output

    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_rdev, after.st_mode) == (before.st_ino, before.st_rdev, before.st_mode)
    assert not list(tmp_path.glob(".*.part")) and not list((tmp_path.parent).glob(".null.*"))


def test_generate_writes_to_standard_output_as_a_stream(tmp_path):
    (tmp_path / "git.md").write_text(NOTE)
    probe = subprocess.run(
        [sys.executable, "-m", "quiz", "generate", str(tmp_path / "git.md"), "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    assert "back: git status" in probe.stdout and "\ndeck: git" in probe.stdout


def test_a_fifo_is_written_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    (tmp_path / "git.md").write_text(NOTE)
    result = run("generate", str(tmp_path / "git.md"), "-o", str(fifo))
    out, _ = reader.communicate(timeout=10)
    assert result.exit_code == 0, result.output
    assert b"git status" in out and fifo.is_fifo()


def test_a_folder_or_a_socket_is_refused(tmp_path):
    import socket

    (tmp_path / "git.md").write_text(NOTE)
    place = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(place))
    try:
        for target in (place, tmp_path):
            result = run("generate", str(tmp_path / "git.md"), "-o", str(target), "--force")
            assert result.exit_code != 0
            assert "Traceback" not in result.output and result.stderr.splitlines()[-1].startswith("Error: ")
    finally:
        server.close()
    assert place.exists() and not place.is_file()


def test_an_export_will_not_replace_a_file_that_is_not_an_anki_package(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a package\n")

    refused = run("--db", str(tmp_path / "quiz.db"), "export", "anki", "-o", str(notes))
    assert refused.exit_code == 1
    assert "is not an Anki package" in refused.stderr and "--force" in refused.stderr
    assert notes.read_text() == "my notes, not a package\n"

    again = run("--db", str(tmp_path / "quiz.db"), "export", "anki", "-o", str(tmp_path / "quiz.apkg"))
    assert again.exit_code == 0
    replaced = run("--db", str(tmp_path / "quiz.db"), "export", "anki", "-o", str(tmp_path / "quiz.apkg"))
    assert replaced.exit_code == 0, replaced.output  # an earlier export is replaced without asking
    forced = run("--db", str(tmp_path / "quiz.db"), "export", "anki", "-o", str(notes), "--force")
    assert forced.exit_code == 0 and zipfile.is_zipfile(notes)


def test_temporary_files_do_not_match_the_targets_glob(tmp_path):
    target = tmp_path / "quiz.apkg"
    with files.replacing(target) as (_, temporary):
        assert temporary.parent == tmp_path
        assert not temporary.match("*.apkg") and temporary.name.startswith(".")
    assert [p.name for p in tmp_path.iterdir()] == ["quiz.apkg"]


def test_a_killed_writers_part_file_is_removed_on_the_next_write(tmp_path):
    target = tmp_path / "deck.yaml"
    code = (
        "import os, sys, time; from pathlib import Path; from quiz.plumbing import files\n"
        "with files.replacing(Path(sys.argv[1])) as (out, _):\n"
        "    out.write(b'x' * 100000); out.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    writer.kill()
    writer.wait()
    (stale,) = tmp_path.glob(".deck.yaml.*.part")
    other = tmp_path / ".notes.yaml.1.quiz-abc.part"  # another target's: not this write's business
    other.write_bytes(b"")

    with files.replacing(target) as (out, _):
        out.write(b"deck: x\n")

    assert not stale.exists() and other.exists()
    assert target.read_bytes() == b"deck: x\n"


def test_a_live_writers_part_file_is_left_alone(tmp_path):
    target = tmp_path / "deck.yaml"
    live = tmp_path / f".deck.yaml.{os.getppid()}.quiz-abc.part"  # our parent: alive
    live.write_bytes(b"half")
    with files.replacing(target) as (out, _):
        out.write(b"deck: x\n")
    assert live.exists()


def test_check_writable_names_the_problem(tmp_path):
    with pytest.raises(QuizError, match="no folder"):
        files.check_writable(tmp_path / "missing" / "x.apkg")
    with pytest.raises(QuizError, match="it is a folder"):
        files.check_writable(tmp_path)
