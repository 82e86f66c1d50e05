"""Deck text is someone else's text: wherever quiz prints it, the characters a terminal
obeys (escape sequences, CR, BS, C1, bidi overrides) are shown as escapes instead."""

from __future__ import annotations

import io
import json
import re

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.output.vt100 import Vt100_Output
from sqlalchemy import update

from quiz import app, review, storage
from quiz.plumbing.textwidth import visible
from quiz.session import ReviewSession
from quiz.storage import cards_t
from tests.test_review import CTRL_D, ENTER, MORNING, UTC, Clock

# YAML double-quoted strings: \e is ESC, \a BEL, \r CR, \b BS, \u009b the C1 CSI, \u202e a
# right-to-left override. An OSC retitles the terminal, ESC [2J clears it, OSC 8 makes a link.
DECK = r"""
deck: evil
title: "Evil \e]0;pwned\a deck\n\e[2J\u009b31m"
description: "\e]8;;http://x.example\e\\link\e]8;;\e\\"
cards:
  - id: one
    front: "Front \e[2J\rover\bwrite \u009b31m \u202eevil"
    back: "Back \e]0;pwned\a"
    note: "Note \e]8;;http://x.example\e\\here\e]8;;\e\\"
    tags: ["tag\e[2J"]
    source: "http://x.example/\e[2J"
  - id: two
    type: command
    front: "Type \e[2J it"
    back: "echo \e]0;pwned\a"
"""
TITLE = "Evil \x1b]0;pwned\x07 deck\n\x1b[2J\x9b31m"
FRONT = "Front \x1b[2J\rover\x08write \x9b31m \u202eevil"

# What a terminal obeys rather than shows (tab and newline aside), written here from the
# standards, not taken from quiz.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OSC_TITLE, CLEAR, CSI, BS, CR, RLO = r"\u001b]0;pwned\u0007", r"\u001b[2J", r"\u009b", r"\u0008", r"\u000d", r"\u202e"


def shown(output: str, *escapes: str) -> None:
    """Nothing in `output` for the terminal to obey, and each of `escapes` there to read."""
    assert OBEYED.findall(output) == []
    for escape in escapes:
        assert escape in output


@pytest.fixture
def evil(run, tmp_path, db_path):
    """The deck imported; its cards' rows can be changed through the engine."""
    (tmp_path / "evil.yaml").write_text(DECK, encoding="utf-8")
    assert run("import", str(tmp_path / "evil.yaml")).exit_code == 0
    engine = app.open_collection(str(db_path), with_bundled=False)
    yield engine
    engine.dispose()


def change_card(engine, key: str, **values) -> None:
    with storage.writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.note_key == key).values(**values))


def test_visible_escapes_what_a_terminal_obeys_and_keeps_tabs_newlines_and_text():
    assert visible("a\tb\nc 中文 é") == "a\tb\nc 中文 é"
    assert visible("\x1b\r\x08\x00\x7f\x85\x9b\u202e\u2066") == (
        r"\u001b\u000d\u0008\u0000\u007f\u0085\u009b\u202e\u2066"
    )
    assert visible(visible(FRONT)) == visible(FRONT)


@pytest.mark.parametrize("plain", [[], ["ls", "tar -xf a.tar", "git log"]])  # with a plain column beside, or not
def test_a_table_cell_is_on_one_line_visible_and_measured_in_cells(plain, monkeypatch):
    from quiz.cli.table import format_columns

    monkeypatch.setenv("COLUMNS", "200")
    texts = ["a  b", " lead", "trail ", "new\nline", "tab\there", "\x1b[2Jx", "容器", "ok"]
    others = plain or ["x"] * len(texts)
    for rows in (texts, ["ok", "fine", "a  b"], ["ok", "fine", "容器"], ["ok", " x"], ["x ", "ok"], ["a", "b\nc"]):
        column = (others * len(rows))[: len(rows)]
        lines = format_columns([rows, column], ["text", "other"]).splitlines()
        expected = [" ".join(visible(t).split()) for t in rows]
        width = max(4, *(2 * len(t) if t == "容器" else len(t) for t in expected))  # CJK: two cells each
        assert lines == ["text" + " " * (width - 4) + "  other"] + [
            t + " " * (width - (4 if t == "容器" else len(t))) + "  " + o for t, o in zip(expected, column)
        ]


def test_a_column_cut_to_fit_is_never_made_wider():
    from quiz.cli.table import format_columns

    # Too wide for 5 cells: the first column may be cut to 8 cells, so one of 2 stays as it is
    lines = format_columns([["ab", "cd"], [10**9, 1]], ["x", "number"], [("cut", 0)], room=5).splitlines()
    assert lines == ["x       number", "ab  1000000000", "cd           1"]


def test_decks_shows_a_title_on_one_line_its_escapes_visible_and_the_columns_aligned(run, evil, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the whole title (at 80 columns it is cut to fit)
    output = run("decks").output
    shown(output, OSC_TITLE, CLEAR, CSI)
    header = output.splitlines()[0]
    (row,) = [line for line in output.splitlines() if line.startswith("evil ")]
    assert rf"Evil {OSC_TITLE} deck {CLEAR}{CSI}31m" in row  # the newline: a space
    assert row.index(" 2 ") + 2 == header.index("cards") + len("cards")  # measured as shown


def test_decks_json_has_no_raw_c1_and_still_reads_back_the_same(run, evil):
    output = run("decks", "--json").output
    shown(output)
    assert {row["deck"]: row["title"] for row in json.loads(output)}["evil"] == TITLE


def test_suspended_shows_a_front_visible(run, evil):
    change_card(evil, "one", suspended=True)
    output = run("suspended").output
    shown(output, CLEAR, BS, CSI)  # clipped before the override
    as_json = run("suspended", "--json").output
    shown(as_json)
    assert json.loads(as_json)[0]["front"] == " ".join(FRONT.split())


def test_lint_echoes_a_bad_key_and_a_bad_value_visible(run, tmp_path):
    broken = DECK.replace("    type: command\n", '    type: "command\\e]0;pwned\\a"\n    "bad\\e[2J": 1\n')
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    result = run("lint", str(tmp_path / "broken.yaml"))
    assert result.exit_code == 1
    shown(result.output, OSC_TITLE, CLEAR)
    problems = [line for line in result.output.splitlines() if line.startswith(str(tmp_path / "broken.yaml"))]
    assert len(problems) == 2
    assert any(f'unknown key "bad{CLEAR}"' in line for line in problems)


def test_stats_shows_the_hardest_cards_fronts_visible(run, evil):
    change_card(evil, "one", lapses=3)
    output = run("stats").output
    shown(output, "evil/one: Front", CLEAR, BS, CSI)
    as_json = run("stats", "--json").output
    shown(as_json)
    assert json.loads(as_json)["hardest"][0]["front"] == " ".join(FRONT.split())


def test_generate_reports_the_note_visible(run, tmp_path):
    note = tmp_path / "note.md"
    body = "# Evil \x1b]0;pwned\x07 note\n\n```\n# list the files\nls -l\n```\n\n```\necho hi \x9b31m \u202eevil\n```\n"
    note.write_text(body, encoding="utf-8")
    result = run("generate", str(note), "-o", str(tmp_path / "deck.yaml"))
    assert result.exit_code == 0
    shown(result.output, CSI, RLO)  # echo hi ...: a command without a comment, skipped
    as_json = run("generate", str(note), "--json").output
    shown(as_json)
    assert json.loads(as_json)["title"] == "Evil \x1b]0;pwned\x07 note"


def test_generate_update_reports_the_notes_version_visible(run, tmp_path):
    note, deck = tmp_path / "note.md", tmp_path / "deck.yaml"
    note.write_text("# Note\n\n```\n# list the files\nls -l\n```\n", encoding="utf-8")
    assert run("generate", str(note), "-o", str(deck)).exit_code == 0
    deck.write_text(deck.read_text(encoding="utf-8").replace("back: ls -l\n", "back: ls -la\n"), encoding="utf-8")
    note.write_text("# Note\n\n```\n# list the files\nls -l\x1b[2J\n```\n", encoding="utf-8")
    result = run("generate", str(note), "--update", str(deck))
    assert result.exit_code == 0
    assert f"kept your edits: ls-l (the note's version, line 5: ls -l{CLEAR})" in result.output
    shown(result.output)


def test_tools_shows_a_decks_tool_names_visible(run, tmp_path):
    deck = DECK.replace("cards:\n", 'tools:\n  "\\u202efrob":\n    options: ["-v"]\ncards:\n', 1)
    (tmp_path / "evil.yaml").write_text(deck, encoding="utf-8")
    assert run("import", str(tmp_path / "evil.yaml")).exit_code == 0
    shown(run("tools").output, RLO + "frob")
    shown(run("tools", "--json").output, RLO + "frob")
    shown(run("tools", "show", "\u202efrob").output, RLO + "frob")


class Terminal(Vt100_Output):
    """A VT100 terminal (80x24 unless told) that keeps the text written to it, apart from the
    control sequences of its own that prompt_toolkit writes raw (colours, cursor moves: ESC, CR, BS)."""

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        super().__init__(
            io.StringIO(),
            lambda: Size(rows=rows, columns=columns),
            term="xterm",
            default_color_depth=ColorDepth.from_env(),  # NO_COLOR, as prompt_toolkit's create_output reads it
            enable_cpr=False,
        )
        self.text: list[str] = []

    def write(self, data: str) -> None:
        self.text.append(data)
        super().write(data)  # which turns ESC into ? and nothing else


def test_the_review_screen_shows_the_cards_visible(evil):
    terminal = Terminal()
    session = ReviewSession.open(evil, ["evil"], UTC, 4, "en", clock=Clock(MORNING))
    keys = ENTER + "3" + "echo pwned" + ENTER + ENTER  # one: reveal, Good; two: a wrong answer, Again
    with create_pipe_input() as pipe:
        pipe.send_text(keys + CTRL_D)
        with create_app_session(input=pipe, output=terminal):
            review.run(session, wait=False)
    printed = "".join(terminal.text).replace("\r\n", "\n")  # prompt_toolkit's own line ends
    # the rule's title and tag, the front, the back, the note, the typed answer's diff
    shown(printed, f"Evil {OSC_TITLE} deck {CLEAR}{CSI}31m", f"tag{CLEAR}", f"over{BS}write {CSI}31m {RLO}evil")
    shown(printed, f"Back {OSC_TITLE}", r"Note \u001b]8;;http://x.example", r"echo \u001b]0;", r"pwned\u0007")
