"""Notes added on the phone to decks quiz exported: `quiz export anki` -> Anki (the real `anki`
package, tests/ankipackages.py) -> a note added there -> export from Anki -> `quiz import anki`.
The note joins the quiz deck it was added to, in that deck's own file."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from quiz import anki, app
from quiz.cli import cli
from quiz.decks import import_files
from quiz.editing import decks_folder
from quiz.errors import QuizError
from quiz.plumbing import resources
from quiz.plumbing.yamlread import load
from quiz.storage.schema import cards_t, decks_t
from tests import ankipackages
from tests.test_anki_import import run_import, snapshot

UTC = timezone.utc

# A deck as a learner writes one by hand: flow items, an item indent of 4, a key after the cards
LEARNERS = """\
deck: shell
title: Shell everyday
lang: en
cards:
    - {id: ps-a, type: command, front: List all containers, back: docker ps -a}
    - id: amp
      front: "What does a && b do?"
      back: Runs b when a exits 0
    # more to come
settings:
  new_per_day: 5
"""


def through_the_phone(engine, tmp_path: Path, added: dict[str, str], rename: dict[str, str] | None = None) -> Path:
    """quiz's decks exported, imported into a new Anki collection, a Basic note added to each
    Anki deck named in `added` (deck title -> front), decks renamed there (`rename`), exported."""
    out = tmp_path / "quiz.apkg"
    anki.export_decks(engine, [], out, lang="en", clock=anki.Clock(datetime.now(UTC), UTC, 4), with_progress=True)
    phone = ankipackages.new_collection(tmp_path / "phone" / "collection.anki2")
    ankipackages.import_apkg(phone, out)
    with ankipackages.opened(phone) as col:
        for title, front in added.items():
            note = col.new_note(col.models.by_name("Basic"))
            note.fields[0], note.fields[1] = front, "added on the phone"
            col.add_note(note, col.decks.id(title, create=False))
        for old, new in (rename or {}).items():
            deck = col.decks.by_name(old)
            deck["name"] = new
            col.decks.save(deck)
    return ankipackages.export_apkg(phone, tmp_path / "phone.apkg")


def deck_cards(engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(decks_t.c.name, cards_t.c.note_key).join(decks_t).order_by(cards_t.c.id)).all()
    found: dict[str, list[str]] = {}
    for deck, key in rows:
        found.setdefault(deck, []).append(key)
    return found


def test_a_note_added_to_the_learners_deck_goes_into_the_learners_file(engine, tmp_path):
    """Even under another name in Anki: the deck is known by the notes quiz has in it."""
    own = tmp_path / "mine" / "shell.yaml"
    own.parent.mkdir()
    own.write_text(LEARNERS, encoding="utf-8")
    import_files(engine, [own])
    package = through_the_phone(
        engine, tmp_path, {"Shell everyday": "tail -f follows a file"}, {"Shell everyday": "Unix"}
    )
    report = run_import(engine, package, tmp_path / "decks")
    assert (report.new_cards, report.merged_cards, report.files) == (1, 2, [own])
    assert deck_cards(engine) == {"shell": ["ps-a", "amp", "tail-f-follows-a-file"]}
    text = own.read_text(encoding="utf-8")
    head, tail = LEARNERS.split("    # more to come\n")
    assert text.startswith(head + "\n    - id: tail-f-follows-a-file\n      front: tail -f follows a file\n"), text
    assert text.endswith("    # more to come\n" + tail)
    deck = load(text)
    assert [card["id"] for card in deck["cards"]] == ["ps-a", "amp", "tail-f-follows-a-file"]
    assert deck["settings"] == {"new_per_day": 5}
    assert not (tmp_path / "decks").exists()
    before, written = snapshot(engine), own.read_bytes()
    again = run_import(engine, package, tmp_path / "decks")
    assert (again.new_cards, again.files) == (0, [])
    assert (snapshot(engine), own.read_bytes()) == (before, written)


def test_with_a_prefix_the_notes_added_in_anki_make_decks_of_their_own(engine, tmp_path):
    own = tmp_path / "shell.yaml"
    own.write_text(LEARNERS, encoding="utf-8")
    import_files(engine, [own])
    package = through_the_phone(engine, tmp_path, {"Shell everyday": "tail -f follows a file"})
    report = run_import(engine, package, tmp_path / "decks", prefix="phone")
    assert report.files == [tmp_path / "decks" / "phone-shell-everyday.yaml"]
    assert deck_cards(engine) == {"shell": ["ps-a", "amp"], "phone-shell-everyday": ["tail-f-follows-a-file"]}
    assert own.read_text(encoding="utf-8") == LEARNERS


def test_a_note_added_to_a_bundled_deck_goes_into_the_learners_copy_of_it(location, tmp_path):
    engine = app.open_collection(location, with_bundled=True)
    try:
        bundled = {path.stem: path for path in resources.bundled_decks()}["docker"]
        before = deck_cards(engine)
        package = through_the_phone(engine, tmp_path, {"Docker commands and concepts": "docker compose up -d"})
        dry = run_import(engine, package, tmp_path / "decks", dry_run=True)
        copy = decks_folder() / "docker.yaml"
        assert (dry.files, dry.copies) == ([copy], {"docker": copy})
        assert not copy.exists() and deck_cards(engine) == before
        report = run_import(engine, package, tmp_path / "decks")
        assert report.copies == {"docker": copy}
        assert deck_cards(engine) == {"docker": [*before["docker"], "docker-compose-up-d"]}
        text = copy.read_text(encoding="utf-8")
        assert text.startswith("# Your copy of quiz's bundled deck docker")
        assert bundled.read_text(encoding="utf-8").rstrip("\n") in text
        assert load(text)["cards"][-1]["front"] == "docker compose up -d"
        with engine.connect() as conn:
            source = conn.execute(select(decks_t.c.source).where(decks_t.c.name == "docker")).scalar_one()
        assert source == str(copy.resolve())
        engine.dispose()
        engine = app.open_collection(location, with_bundled=True)  # the bundled file's sync leaves the copy's deck
        assert deck_cards(engine)["docker"][-1] == "docker-compose-up-d"
    finally:
        engine.dispose()


def test_a_deck_file_that_cannot_take_the_notes_is_one_line_and_changes_nothing(engine, tmp_path):
    own = tmp_path / "shell.yaml"
    own.write_text(LEARNERS, encoding="utf-8")
    import_files(engine, [own])
    package = through_the_phone(engine, tmp_path, {"Shell everyday": "tail -f follows a file"})
    flow = (
        "deck: shell\ntitle: Shell everyday\ncards: [{id: ps-a, type: command, front: List all containers,"
        ' back: docker ps -a}, {id: amp, front: "What does a && b do?", back: Runs b when a exits 0}]\n'
    )
    own.write_text(flow, encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(QuizError, match=rf"cannot add the notes new in Anki to {own}: its `cards:` must be"):
        run_import(engine, package, tmp_path / "decks")
    own.unlink()
    with pytest.raises(QuizError, match=rf"added in Anki to deck shell belong in its file {own}, which is gone"):
        run_import(engine, package, tmp_path / "decks")
    assert snapshot(engine) == before and not (tmp_path / "decks").exists()


def test_the_command_says_where_a_bundled_decks_notes_went(tmp_path):
    db = tmp_path / "quiz.db"
    engine = app.open_collection(str(db), with_bundled=True)
    package = through_the_phone(engine, tmp_path, {"Docker commands and concepts": "docker compose up -d"})
    engine.dispose()
    done = CliRunner().invoke(cli, ["--db", str(db), "import", "anki", str(package)])
    assert done.exit_code == 0, done.output
    copy = decks_folder() / "docker.yaml"
    assert (
        f"docker is a bundled deck: the notes added in Anki go to your copy, {copy}, now the deck's file" in done.output
    )
    assert "docker: 1 added" in done.output
