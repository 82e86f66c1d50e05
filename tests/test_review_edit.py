"""The review's edit and card actions through the screen, keys piped in: `:edit` and `e`
open the learner's editor (here a script that edits the file as a learner would) at the
card's line and import the file again, with its problems told and a way back; :flag, :due
and :forget as typed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz.decks import import_files
from quiz.model import Rating
from quiz.storage import cards_t, reviews_t
from quiz.storage.schema import events_t
from tests.test_review import ENTER
from tests.test_review_screen import screen, session_for

DECK = """\
deck: s
title: Screen deck
cards:
  - id: ps-l
    type: command
    front: Show the latest container
    back: docker ps -l
  - {id: lxc, front: What is LXC?, back: Linux Containers}
"""
# The editor: each run takes the next of its edits (old text -> new), and logs its arguments.
EDITOR = """\
import json, sys
from pathlib import Path
log = Path(sys.argv[0]).with_suffix(".log")
runs = log.read_text().splitlines() if log.exists() else []
log.write_text("\\n".join([*runs, json.dumps(sys.argv[1:])]) + "\\n")
edits = json.loads(Path(sys.argv[0]).with_suffix(".json").read_text())
old, new = edits[len(runs)]
path = Path(sys.argv[-1])
path.write_text(path.read_text().replace(old, new))
"""


@pytest.fixture
def deck(engine, tmp_path):
    (tmp_path / "s.yaml").write_text(DECK)
    import_files(engine, [tmp_path / "s.yaml"])
    return engine


def editor(tmp_path: Path, monkeypatch, *edits: tuple[str, str]) -> Path:
    """The learner's editor (VISUAL), named vim so that it is told the line as vim is."""
    import json

    script = tmp_path / "bin" / "vim"
    script.parent.mkdir(exist_ok=True)
    script.write_text(f"#!{sys.executable}\n" + EDITOR)
    script.chmod(0o755)
    script.with_suffix(".json").write_text(json.dumps(edits))
    monkeypatch.setenv("VISUAL", str(script))
    return script


def runs(script: Path) -> list[list[str]]:
    import json

    log = script.with_suffix(".log")
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def fronts(engine) -> dict[str, str]:
    import json

    with engine.connect() as conn:
        rows = conn.execute(select(cards_t.c.note_key, cards_t.c.content).where(~cards_t.c.retired)).all()
    return {key: json.loads(content)["front"] for key, content in rows}


def test_edit_opens_the_card_at_its_line_and_shows_it_again_edited(deck, tmp_path, monkeypatch):
    script = editor(tmp_path, monkeypatch, ("the latest container", "the newest container"))
    _shown, transcript = screen(session_for(deck), [":edit" + ENTER])
    assert runs(script) == [["+4", str(tmp_path / "s.yaml")]]  # ps-l's entry starts on line 4
    assert fronts(deck)["ps-l"] == "Show the newest container"
    told = "".join(transcript)
    assert "imported: s ps-l as it is now" in told
    assert told.index("Show the latest container") < told.index("imported") < told.index("Show the newest container")


def test_e_after_the_answer_edits_the_card_and_keeps_its_progress(deck, tmp_path, monkeypatch):
    script = editor(tmp_path, monkeypatch, ("What is LXC?", "What is LXC (one line)?"))
    session = session_for(deck)
    first = session.current()
    assert first is not None and first.key == "ps-l"
    session.answer(first, Rating.GOOD)
    with deck.connect() as conn:
        before = conn.execute(select(reviews_t)).all()
    _shown, transcript = screen(session, [ENTER, "e"])  # lxc revealed, then edited at the rating prompt
    assert runs(script) == [["+8", str(tmp_path / "s.yaml")]]
    assert fronts(deck)["lxc"] == "What is LXC (one line)?"
    with deck.connect() as conn:
        assert conn.execute(select(reviews_t)).all() == before
    assert "What is LXC (one line)?" in "".join(transcript)


def test_a_lint_error_is_told_and_e_goes_back_to_the_editor(deck, tmp_path, monkeypatch):
    broken = ("back: docker ps -l", "back: [docker ps -l")  # a flow sequence never closed
    script = editor(tmp_path, monkeypatch, broken, ("[docker ps -l", "docker ps --latest"))
    _shown, transcript = screen(session_for(deck), [":edit" + ENTER, "e"])
    told = "".join(transcript)
    assert f"{tmp_path / 's.yaml'}:" in told and "1 problem; nothing was changed" in told
    assert len(runs(script)) == 2 and runs(script)[1][0].startswith("+")  # at the problem's line
    with deck.connect() as conn:
        content = conn.execute(select(cards_t.c.content).where(cards_t.c.note_key == "ps-l")).scalar_one()
    assert "docker ps --latest" in content


def test_giving_up_after_a_lint_error_leaves_the_collection_as_it_was(deck, tmp_path, monkeypatch):
    editor(tmp_path, monkeypatch, ("back: docker ps -l", "back: [docker ps -l"))
    with deck.connect() as conn:
        before = conn.execute(select(cards_t).order_by(cards_t.c.id)).all()
    _shown, transcript = screen(session_for(deck), [":edit" + ENTER, "q"])
    told = "".join(transcript)
    assert "1 problem; nothing was changed" in told and "your edits stay in" in told
    with deck.connect() as conn:
        assert conn.execute(select(cards_t).order_by(cards_t.c.id)).all() == before


def test_flag_due_and_forget_as_typed(deck):
    session = session_for(deck)
    first = session.current()
    assert first is not None
    session.answer(first, Rating.GOOD)  # ps-l now learning: it has a schedule
    _shown, transcript = screen(
        session, [":flag green" + ENTER, ":flag mauve" + ENTER, ":forget" + ENTER, ":due tomorrow" + ENTER]
    )
    told = "".join(transcript)
    assert "flagged green" in told and "mauve is no flag colour: red, orange, green" in told
    assert "lxc: new already; nothing was changed" in told  # the card on screen is lxc, new
    assert "tomorrow is no due date: :due +3d, or a date like 2026-05-04" in told
    with deck.connect() as conn:
        flags = dict(conn.execute(select(cards_t.c.note_key, cards_t.c.flag)).all())
        assert conn.execute(select(events_t)).all() == []
    assert flags == {"ps-l": 0, "lxc": 3}


def test_due_and_forget_on_a_card_with_a_schedule(deck):
    session = session_for(deck)
    first = session.current()
    assert first is not None
    session.answer(first, Rating.GOOD)
    session.bury(session.current())  # lxc out of the way: ps-l, learning, is shown (learn ahead)
    _shown, transcript = screen(session, [":due +3d" + ENTER])
    assert "due 2026-05-07: out of today's reviews" in "".join(transcript)
    with deck.connect() as conn:
        assert [row.kind for row in conn.execute(select(events_t))] == ["reschedule"]
        state = conn.execute(select(cards_t.c.state).where(cards_t.c.note_key == "ps-l")).scalar_one()
    assert state == 2


def test_a_cram_sessions_status_bar_counts_the_cards_left_to_cram(deck):
    from quiz.review import keys, render
    from quiz.review.words import words_for
    from quiz.session import ReviewSession
    from quiz.study import Study
    from tests.test_review import MORNING, UTC, Clock

    cram = ReviewSession.open(deck, None, UTC, 4, "en", clock=Clock(MORNING), study=Study(cram=True))
    words = words_for("en")
    bar = keys.toolbar(
        cram.counts, lambda: len(cram.ratings), lambda: "0m01s", keys.QuitGuard(), words, lambda: 80, True
    )
    assert render.plain(bar()) == " cram 2  │  done 0  │  0m01s "
    _shown, transcript = screen(cram, [ENTER, "3"])  # ps-l: an empty answer reveals it, 3 rates it Good
    assert "→ Good · cram: its schedule stays as it was" in "".join(transcript)
    assert render.plain(bar()) == " cram 1  │  done 1  │  0m01s "
