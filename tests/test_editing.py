"""Editing a card from the review (quiz.editing): the editor's command line, then real edits
made by a real program (a Python script named as the editor it stands for, run by
run_editor), imported on SQLite and PostgreSQL: progress kept, lint errors told and fixed,
nothing changed on a cancel or a failed editor, a bundled deck edited in the learner's copy."""

from __future__ import annotations

import json
import shlex
import signal
import sys
import textwrap
from datetime import timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz import app, editing, storage
from quiz.dailyqueue import QueueCard
from quiz.decks import import_files
from quiz.errors import QuizError
from quiz.model import Rating
from quiz.plumbing import resources
from quiz.session import ReviewSession
from quiz.storage import cards_t, decks_t, reviews_t
from quiz.storage.schema import metadata
from tests.conftest import utc

NOW = utc(2026, 5, 4, 9)
MINI = """\
deck: mini
title: Mini
cards:
  - id: a
    front: "one?"
    back: "1"
  - id: b
    front: "two?"
    back: "2"
"""

# -- the editor's command line -------------------------------------------------------------------

DECK = Path("/home/u/decks/my deck.yaml")
SPOT = "/home/u/decks/my deck.yaml"


@pytest.mark.parametrize(
    ("editor", "with_line", "without_line"),
    [
        ("vi", ["vi", "+12", SPOT], ["vi", SPOT]),
        ("nvim", ["nvim", "+12", SPOT], ["nvim", SPOT]),
        ("/usr/bin/vim -u NONE", ["/usr/bin/vim", "-u", "NONE", "+12", SPOT], ["/usr/bin/vim", "-u", "NONE", SPOT]),
        ("nano", ["nano", "+12", SPOT], ["nano", SPOT]),
        ("emacsclient -t", ["emacsclient", "-t", "+12", SPOT], ["emacsclient", "-t", SPOT]),
        ("emacs -nw", ["emacs", "-nw", "+12", SPOT], ["emacs", "-nw", SPOT]),
        ("micro", ["micro", "+12", SPOT], ["micro", SPOT]),
        ("kak", ["kak", "+12", SPOT], ["kak", SPOT]),
        ("ne", ["ne", "+12", SPOT], ["ne", SPOT]),
        ("joe", ["joe", "+12", SPOT], ["joe", SPOT]),
        ("mg", ["mg", "+12", SPOT], ["mg", SPOT]),
        ("gvim", ["gvim", "-f", "+12", SPOT], ["gvim", "-f", SPOT]),
        ("gedit", ["gedit", "--wait", "+12", SPOT], ["gedit", "--wait", SPOT]),
        ("hx", ["hx", f"{SPOT}:12"], ["hx", SPOT]),
        ("helix", ["helix", f"{SPOT}:12"], ["helix", SPOT]),
        ("code", ["code", "--wait", "--goto", f"{SPOT}:12"], ["code", "--wait", SPOT]),
        ("code --wait", ["code", "--wait", "--goto", f"{SPOT}:12"], ["code", "--wait", SPOT]),
        ("code -w -n", ["code", "-w", "-n", "--goto", f"{SPOT}:12"], ["code", "-w", "-n", SPOT]),
        ("codium", ["codium", "--wait", "--goto", f"{SPOT}:12"], ["codium", "--wait", SPOT]),
        ("code-insiders", ["code-insiders", "--wait", "--goto", f"{SPOT}:12"], ["code-insiders", "--wait", SPOT]),
        ("cursor --wait", ["cursor", "--wait", "--goto", f"{SPOT}:12"], ["cursor", "--wait", SPOT]),
        ("subl", ["subl", "--wait", f"{SPOT}:12"], ["subl", "--wait", SPOT]),
        ("subl -w", ["subl", "-w", f"{SPOT}:12"], ["subl", "-w", SPOT]),
        ("'/opt/My Editor/ed' -x", ["/opt/My Editor/ed", "-x", SPOT], ["/opt/My Editor/ed", "-x", SPOT]),
        ("notepadqq", ["notepadqq", SPOT], ["notepadqq", SPOT]),
    ],
)
def test_the_editor_is_told_the_line_its_own_way_and_waits(editor, with_line, without_line):
    assert editing.editor_argv(editor, DECK, 12) == with_line
    assert editing.editor_argv(editor, DECK, None) == without_line


@pytest.mark.parametrize("editor", ["", "   ", "vim 'unclosed"])
def test_an_editor_that_is_no_command_line_is_one_line(editor):
    with pytest.raises(QuizError, match="is not a command line"):
        editing.editor_argv(editor, DECK, 3)


def test_run_editor_waits_for_the_editor_and_a_missing_one_is_one_line(tmp_path):
    script = tmp_path / "ed"
    script.write_text(f"#!{sys.executable}\nimport sys, time\ntime.sleep(0.2)\nsys.exit(3)\n")
    script.chmod(0o755)
    assert editing.run_editor([str(script), "file"]) == 3
    with pytest.raises(QuizError, match=r"cannot start the editor .*nowhere/ed"):
        editing.run_editor([str(tmp_path / "nowhere" / "ed"), "file"])


def test_ctrl_c_in_the_editor_is_the_editors(tmp_path):
    """The terminal sends Ctrl-C to quiz and the editor alike: quiz keeps waiting, and the
    editor is not killed (it finishes, and says so)."""
    script, done = tmp_path / "ed", tmp_path / "done"
    script.write_text(
        textwrap.dedent(f"""\
            #!{sys.executable}
            import os, signal, time
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # as an editor reads Ctrl-C as a key
            os.kill(os.getppid(), signal.SIGINT)  # the rest of the terminal's foreground
            time.sleep(0.3)
            open({str(done)!r}, "w").close()
            """)
    )
    script.chmod(0o755)
    try:
        status = editing.run_editor([str(script)])
    except KeyboardInterrupt:
        pytest.fail("quiz stopped waiting for the editor at Ctrl-C")
    assert status == 0 and done.exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # as it was


# -- real edits ----------------------------------------------------------------------------------


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """`editor(body)`: the learner's editor (VISUAL) is a script named vim that runs `body`
    with `run` (1 on its first run), `path` and `text` (the file's) set; returns its log:
    the arguments of each run."""
    log = tmp_path / "editor.log"

    def make(body: str, name: str = "vim") -> Path:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        script = folder / name
        prelude = f"""\
            #!{sys.executable}
            import json, sys
            from pathlib import Path
            log = Path({str(log)!r})
            run = len(log.read_text().splitlines()) + 1 if log.exists() else 1
            with log.open("a") as file:
                file.write(json.dumps(sys.argv[1:]) + "\\n")
            path = Path(sys.argv[-1])
            text = path.read_text(encoding="utf-8")
            """
        script.write_text(textwrap.dedent(prelude) + textwrap.dedent(body), encoding="utf-8")
        script.chmod(0o755)
        monkeypatch.setenv("VISUAL", f"{shlex.quote(str(script))} -n")
        return log

    return make


def runs(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


class Learner:
    """What the review would show (`told`) and the answers to "back to the editor?"."""

    def __init__(self, *answers: bool):
        self.told: list[str] = []
        self.answers = list(answers)

    def tell(self, lines: list[str]) -> None:
        self.told += lines

    def again(self) -> bool:
        return self.answers.pop(0)  # an IndexError if asked once more than expected


def edit(engine, card: QueueCard, learner: Learner):
    return editing.edit_card(engine, card, run=editing.run_editor, tell=learner.tell, again=learner.again)


@pytest.fixture
def mini(engine, tmp_path):
    """mini.yaml imported, card a answered once: (the file, card a as the review holds it)."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    import_files(engine, [path])
    return path, answered(engine, "mini")


def answered(engine, deck: str) -> QueueCard:
    """The deck's first card, answered Good; as the review would hold it next."""
    session = ReviewSession.open(engine, [deck], timezone.utc, 4, "en", clock=lambda: NOW)
    card = session.current()
    assert card is not None
    session.answer(card, Rating.GOOD)
    with engine.connect() as conn:
        (row,) = storage.select_decks(conn, [deck])
        (note,) = [c for c in storage.note_cards(conn, row, card.key) if c.ord == card.ord]
    assert note.reps == 1
    held = editing.card_again(engine, card, [])
    assert held is not None and held.id == card.id
    return held


def progress(engine, card_id: int) -> tuple:
    """The card's schedule and its review log, as stored."""
    c, r = cards_t.c, reviews_t.c
    with engine.connect() as conn:
        schedule = conn.execute(
            select(c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.reps, c.lapses).where(
                c.id == card_id
            )
        ).one()
        log = conn.execute(select(reviews_t).where(r.card_id == card_id).order_by(r.id)).all()
    return tuple(schedule), [tuple(row) for row in log]


def everything(engine) -> dict[str, list]:
    """Every row of every table."""
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in metadata.sorted_tables}


def test_an_edited_front_is_imported_and_the_card_keeps_its_progress(engine, mini, editor):
    path, card = mini
    before = progress(engine, card.id)
    assert card.key == "a" and before[1]  # answered: one review
    log = editor('path.write_text(text.replace(\'"one?"\', \'"one, really?"\'), encoding="utf-8")\n')
    learner = Learner()
    edited = edit(engine, card, learner)
    assert runs(log) == [["-n", "+4", str(path)]]  # at the card's line
    assert edited is not None and learner.told == []
    assert [(r.deck, r.updated) for r in edited.reports] == [("mini", 1)]
    assert edited.card is not None
    assert (edited.card.id, edited.card.deck, edited.card.key, edited.card.ord) == (card.id, "mini", "a", 0)
    assert edited.card.content["front"] == "one, really?" and edited.card.schedule == card.schedule
    assert progress(engine, card.id) == before


def test_a_lint_error_is_told_at_its_place_and_fixed_in_the_editor(engine, mini, editor):
    path, card = mini
    before = progress(engine, card.id)
    log = editor("""\
        if run == 1:
            text = text.replace('"one?"', '"first?"').replace('front: "two?"', 'frnt: "two?"')
        else:
            text = text.replace("frnt:", "front:")
        path.write_text(text, encoding="utf-8")
        """)
    learner = Learner(True)
    edited = edit(engine, card, learner)
    assert learner.told == [
        f'{path}:7:5: card "b": missing "front"',
        f'{path}:8:5: card "b": unknown key "frnt" (did you mean "front"?)',
        "2 problems; nothing was changed",
    ]
    assert runs(log) == [["-n", "+4", str(path)], ["-n", "+7", str(path)]]  # back at the first problem
    assert edited is not None and edited.card is not None and edited.card.content["front"] == "first?"
    assert progress(engine, card.id) == before and learner.answers == []


def test_giving_up_after_a_lint_error_leaves_the_collection_as_it_was(engine, mini, editor):
    path, card = mini
    before = everything(engine)
    # a good change of card a with the bad one of card b: an import of half the file would show
    editor("""\
        text = text.replace('"one?"', '"first?"').replace('front: "two?"', 'frnt: "two?"')
        path.write_text(text, encoding="utf-8")
        """)
    learner = Learner(False)
    assert edit(engine, card, learner) is None
    assert everything(engine) == before
    assert learner.told[-1] == f"your edits stay in {path}, not imported: quiz import {path} brings them in"
    assert "frnt" in path.read_text(encoding="utf-8")  # the learner's work is theirs to keep


def test_an_editor_that_fails_imports_nothing(engine, mini, editor):
    path, card = mini
    before = everything(engine)
    log = editor("""\
        path.write_text(text.replace('"one?"', '"first?"'), encoding="utf-8")
        sys.exit(1)  # as vim's :cq
        """)
    learner = Learner()  # never asked
    assert edit(engine, card, learner) is None
    assert learner.told == [f"the editor exited with status 1: {path} was not imported"]
    assert len(runs(log)) == 1 and everything(engine) == before


def test_a_file_left_as_it_was_is_imported_as_unchanged(engine, mini, editor):
    card = mini[1]
    before = progress(engine, card.id)
    editor("pass\n")
    edited = edit(engine, card, Learner())
    assert edited is not None and [r.unchanged for r in edited.reports] == [True]
    assert edited.card == card and progress(engine, card.id) == before


def test_a_card_deleted_in_the_editor_is_retired_with_its_history(engine, mini, editor):
    path, card = mini
    before = progress(engine, card.id)
    editor("""\
        path.write_text(text.replace('  - id: a\\n    front: "one?"\\n    back: "1"\\n', ""), encoding="utf-8")
        """)
    learner = Learner()
    edited = edit(engine, card, learner)
    assert edited is not None and edited.card is None
    assert [(r.deck, r.retired) for r in edited.reports] == [("mini", 1)]
    message = f'card "a" is no longer in {path}: it is retired, with its history (a new id is a new card)'
    assert learner.told == [message]
    with engine.connect() as conn:
        assert conn.execute(select(cards_t.c.retired).where(cards_t.c.id == card.id)).scalar_one()
    assert progress(engine, card.id) == before


def test_a_deck_renamed_in_the_editor_keeps_the_card_under_its_new_name(engine, mini, editor):
    card = mini[1]
    before = progress(engine, card.id)
    editor('path.write_text(text.replace("deck: mini", "deck: mini-two"), encoding="utf-8")\n')
    edited = edit(engine, card, Learner())
    assert edited is not None and edited.card is not None
    assert [r.renamed_from for r in edited.reports] == ["mini"]
    assert (edited.card.id, edited.card.deck) == (card.id, "mini-two") and progress(engine, card.id) == before


def test_a_deck_whose_file_is_gone_is_not_edited(engine, mini, editor):
    path, card = mini
    path.unlink()
    log = editor("pass\n")
    with pytest.raises(QuizError, match=r"cannot edit deck mini: its file .*mini\.yaml is gone"):
        edit(engine, card, Learner())
    assert runs(log) == []


# -- a bundled deck ------------------------------------------------------------------------------


@pytest.fixture
def bundled(location):
    """A collection with the bundled decks, docker's first card answered."""
    engine = app.open_collection(location)
    yield engine, answered(engine, "docker")
    engine.dispose()


def source(engine, deck: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(decks_t.c.source).where(decks_t.c.name == deck)).scalar_one()


def test_a_bundled_decks_card_is_edited_in_the_learners_copy_and_stays_theirs(bundled, editor, tmp_path):
    engine, card = bundled
    (shipped,) = [path for path in resources.bundled_decks() if path.name == "docker.yaml"]
    original = shipped.read_bytes()
    assert source(engine, "docker") == str(shipped)
    before = progress(engine, card.id)
    with engine.connect() as conn:
        (row,) = storage.select_decks(conn, ["docker"])
        line = storage.note_cards(conn, row, card.key)[0].line
    front = card.content["front"]["zh"]
    log = editor(f'path.write_text(text.replace({front!r}, "我的问题"), encoding="utf-8")\n')
    learner = Learner()
    edited = edit(engine, card, learner)
    copy = tmp_path / "data" / "quiz" / "decks" / "docker.yaml"  # XDG_DATA_HOME is tmp_path/data
    assert learner.told == [f"docker is a bundled deck: your edits go to a copy, {copy}, which is now the deck's file"]
    assert runs(log) == [["-n", f"+{line + 1}", str(copy)]]  # the copy has one line more, a comment
    assert shipped.read_bytes() == original
    lines = copy.read_bytes().split(b"\n", 1)
    assert lines[0].startswith(b"# ") and lines[1] == original.replace(front.encode(), "我的问题".encode())
    assert edited is not None and edited.card is not None and edited.card.content["front"]["zh"] == "我的问题"
    assert source(engine, "docker") == str(copy) and progress(engine, card.id) == before
    with storage.writing(engine) as conn:  # as the next quiz version would find it: its decks to sync
        storage.set_setting(conn, app.BUNDLED_KEY, "an older quiz")
    assert app.sync_bundled_decks(engine)
    again = editing.card_again(engine, card, [])
    assert again is not None and again.content["front"]["zh"] == "我的问题"
    assert source(engine, "docker") == str(copy) and progress(engine, card.id) == before


def test_a_file_in_the_way_of_the_copy_is_left_alone(bundled, editor, tmp_path):
    engine, card = bundled
    folder = tmp_path / "data" / "quiz" / "decks"
    folder.mkdir(parents=True)
    (folder / "docker.yaml").write_text("mine\n")
    (folder / "docker-2.yaml").symlink_to(tmp_path / "elsewhere.yaml")  # a link to no file yet
    first = editing.place_of(engine, "docker", card.key)
    assert first.path == folder / "docker-3.yaml" and first.told and str(first.path) in first.told
    assert (folder / "docker.yaml").read_text() == "mine\n" and not (tmp_path / "elsewhere.yaml").exists()
    again = editing.place_of(engine, "docker", card.key)  # the deck's file now: no other copy
    assert again == editing.Place(first.path, first.line, None)
    assert sorted(path.name for path in folder.iterdir()) == ["docker-2.yaml", "docker-3.yaml", "docker.yaml"]


def test_a_copy_left_by_an_import_that_failed_is_used_again(bundled, monkeypatch, tmp_path):
    engine, card = bundled

    def locked(*args, **kwargs):
        raise QuizError("the collection is locked")

    with monkeypatch.context() as patched:
        patched.setattr(editing, "import_files", locked)
        with pytest.raises(QuizError, match="locked"):
            editing.place_of(engine, "docker", card.key)
    folder = tmp_path / "data" / "quiz" / "decks"
    assert [path.name for path in folder.iterdir()] == ["docker.yaml"]
    place = editing.place_of(engine, "docker", card.key)
    assert place.path == folder / "docker.yaml" and [path.name for path in folder.iterdir()] == ["docker.yaml"]
    assert source(engine, "docker") == str(place.path)
