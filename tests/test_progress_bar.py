"""The progress bar of long work (quiz.cli.progress): on a terminal it fits on one line,
measured in cells; elsewhere its label alone; only for work of some size."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quiz import anki, app
from quiz.cli import cli
from quiz.cli.progress import MIN_STEPS, ProgressBar
from quiz.decks import import_files
from quiz.plumbing.textwidth import display_width

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def drawn(columns: int, label: str, monkeypatch) -> list[str]:
    """Each line the bar drew on a terminal `columns` wide, for work of MIN_STEPS steps."""
    monkeypatch.setenv("COLUMNS", str(columns))
    terminal = Terminal()
    with ProgressBar(terminal, label) as bar:
        for done in range(0, MIN_STEPS + 1, MIN_STEPS // 4):
            bar.update(done, MIN_STEPS)
    return [line for line in ESCAPES.sub("", terminal.getvalue()).replace("\n", "\r").split("\r") if line.strip()]


@pytest.mark.parametrize(
    ("columns", "label"), [(80, "importing"), (40, "正在导入"), (40, "exporting"), (33, "正在导出")]
)
def test_the_bar_fits_on_one_line_of_the_terminal(columns, label, monkeypatch):
    lines = drawn(columns, label, monkeypatch)
    assert any("100%" in line for line in lines), lines
    assert all(display_width(line) < columns for line in lines), [(display_width(line), line) for line in lines]


def test_a_terminal_too_narrow_for_a_bar_gets_none(monkeypatch):
    assert drawn(20, "正在导入", monkeypatch) == []


def test_small_work_shows_no_bar(monkeypatch):
    terminal = Terminal()
    with ProgressBar(terminal, "importing") as bar:
        bar.update(MIN_STEPS - 1, MIN_STEPS - 1)
    assert terminal.getvalue() == ""


def package_of(tmp_path: Path, cards: int) -> Path:
    """An .apkg quiz exported, of a deck of `cards` basic cards."""
    lines = ["deck: big", "title: Big", "cards:"]
    lines += [f"  - {{id: c{i}, front: 'q {i}', back: 'a {i}'}}" for i in range(cards)]
    deck = tmp_path / f"deck-{cards}.yaml"
    deck.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = app.open_collection(str(tmp_path / f"from-{cards}.db"), with_bundled=False)
    import_files(engine, [deck])
    package = tmp_path / f"big-{cards}.apkg"
    anki.export_decks(engine, [], package, lang="en", clock=anki.Clock(datetime.now(timezone.utc), timezone.utc, 4))
    engine.dispose()
    return package


@pytest.mark.parametrize(("cards", "shown"), [(MIN_STEPS // 6 + 1, True), (50, False)])
def test_a_large_anki_import_says_it_is_importing(tmp_path, cards, shown):
    package = package_of(tmp_path, cards)
    target = tmp_path / "into.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "import", "anki", str(package), "-o", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    assert ("importing" in result.stderr) is shown  # not a terminal: the label alone
    assert f"{cards} new cards" in result.stdout
