"""Decks whole: removed (after a backup), renamed in their file, claimed by another file,
a dry run, re-syncing the files imported before, folders, and unsuspend's refusals."""

from __future__ import annotations

import os
from datetime import timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from quiz import app, backups, storage
from quiz.cli.main import cli
from quiz.decks import load_decks
from quiz.model import Rating
from quiz.plumbing import resources
from quiz.session import ReviewSession
from quiz.storage import cards_t, decks_t, reviews_t
from tests.conftest import utc

GIT = """\
deck: git
title: Git
cards:
  - {id: status, front: Show the state, back: git status}
  - {id: log, front: Show the history, back: git log}
  - {id: diff, front: Show the changes, back: git diff}
"""
TAR = """\
deck: tar
title: Tar
cards:
  - {id: x, front: Extract, back: tar -xf a.tar}
"""
NOW = utc(2026, 5, 4, 9)


@pytest.fixture
def quiz(location):
    """quiz's command line on the test's collection (SQLite file or PostgreSQL database)."""
    runner = CliRunner()

    def run(*args: str, **options):
        return runner.invoke(cli, ["--db", location, *args], **options)

    return run


@pytest.fixture
def decks(tmp_path, quiz, location):
    """git.yaml and tar.yaml imported; one answer on each deck."""
    (tmp_path / "git.yaml").write_text(GIT)
    (tmp_path / "tar.yaml").write_text(TAR)
    assert quiz("import", str(tmp_path / "git.yaml"), str(tmp_path / "tar.yaml")).exit_code == 0
    engine = app.open_collection(location, with_bundled=False)
    for deck in ("git", "tar"):
        session = ReviewSession.open(engine, [deck], timezone.utc, 4, "en", clock=lambda: NOW)
        card = session.current()
        assert card is not None
        session.answer(card, Rating.GOOD)
    yield engine
    engine.dispose()


def history(engine, deck: str) -> list:
    with engine.connect() as conn:
        query = (
            select(cards_t.c.note_key, reviews_t.c.rating, reviews_t.c.reviewed_at)
            .join(reviews_t)
            .join(decks_t, decks_t.c.id == cards_t.c.deck_id)
            .where(decks_t.c.name == deck)
            .order_by(reviews_t.c.id)
        )
        return [tuple(row) for row in conn.execute(query)]


def cards_of(engine, deck: str) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(cards_t.join(decks_t)).where(decks_t.c.name == deck)
        return conn.execute(query).scalar_one()


BUNDLED = {spec.name for spec in load_decks(resources.bundled_decks())}


def names(engine, bundled: bool = False) -> list[str]:
    """The decks in the collection (those quiz ships too with `bundled`)."""
    with engine.connect() as conn:
        return [name for name in storage.deck_names(conn) if bundled or name not in BUNDLED]


# -- remove ----------------------------------------------------------------------------------


def test_remove_takes_the_deck_its_cards_and_history_and_leaves_the_others(decks, quiz, location, tmp_path):
    tar_before = history(decks, "tar")
    assert len(history(decks, "git")) == 1 and len(tar_before) == 1
    removed = quiz("remove", "git", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "git (3 cards, 1 review)" in removed.output
    assert names(decks) == ["tar"] and history(decks, "git") == [] and history(decks, "tar") == tar_before
    assert cards_of(decks, "git") == 0 and cards_of(decks, "tar") == 1
    if location.endswith(".db"):  # a backup of the collection as it was, made first
        (made,) = [b for b in backups.listing(Path(location)) if b.reason == "removal"]
        assert storage_names(made.path) == ["git", "tar"]


def storage_names(path: Path) -> list[str]:
    engine = app.open_collection(str(path), with_bundled=False)
    try:
        return names(engine)
    finally:
        engine.dispose()


def test_remove_without_a_terminal_asks_for_yes_and_removes_nothing(decks, quiz):
    refused = quiz("remove", "git")
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert names(decks) == ["git", "tar"] and len(history(decks, "git")) == 1


def test_remove_of_an_unknown_deck_names_it_and_removes_nothing(decks, quiz):
    refused = quiz("remove", "git", "nope", "--yes")
    assert refused.exit_code == 1 and "nope" in refused.stderr and "Traceback" not in refused.output
    assert names(decks) == ["git", "tar"]


def test_a_removed_bundled_deck_stays_removed_across_upgrades_until_imported_again(location):
    engine = app.open_collection(location)  # with the bundled decks
    bundled = names(engine, bundled=True)
    assert bundled == sorted(BUNDLED)
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", location, "remove", *bundled, "--yes"]).exit_code == 0
    with storage.writing(engine) as conn:  # as a new quiz version would find it: its decks to sync
        storage.set_setting(conn, app.BUNDLED_KEY, "an older quiz")
    assert app.sync_bundled_decks(engine)
    assert names(engine, bundled=True) == []
    back = runner.invoke(cli, ["--db", location, "import", *map(str, resources.bundled_decks())])
    assert back.exit_code == 0, back.output
    with storage.writing(engine) as conn:
        storage.set_setting(conn, app.BUNDLED_KEY, "an older quiz")
    app.sync_bundled_decks(engine)
    assert names(engine, bundled=True) == bundled
    engine.dispose()


# -- rename, another file, dry run, reorder ------------------------------------------------------


def test_a_deck_renamed_in_its_file_is_renamed_with_its_progress(decks, quiz, tmp_path):
    git_before, tar_before = history(decks, "git"), history(decks, "tar")
    (tmp_path / "git.yaml").write_text(GIT.replace("deck: git", "deck: git-everyday"))
    renamed = quiz("import", str(tmp_path / "git.yaml"))
    assert renamed.exit_code == 0, renamed.output
    assert "git-everyday: renamed from git" in renamed.output
    assert names(decks) == ["git-everyday", "tar"]
    assert history(decks, "git-everyday") == git_before and history(decks, "tar") == tar_before


def test_a_file_defining_a_deck_another_file_brought_is_refused_unless_replace(decks, quiz, tmp_path):
    other = tmp_path / "other" / "git.yaml"
    other.parent.mkdir()
    other.write_text(GIT.replace("Show the state", "Working tree status"))
    before = history(decks, "git"), history(decks, "tar")
    refused = quiz("import", str(other))
    assert refused.exit_code == 1
    assert str(other) in refused.stderr and str((tmp_path / "git.yaml").resolve()) in refused.stderr
    assert "--replace" in refused.stderr
    with decks.connect() as conn:
        assert storage.deck_sources(conn)["git"].source == str((tmp_path / "git.yaml").resolve())
    replaced = quiz("import", "--replace", str(other))
    assert replaced.exit_code == 0 and "git: 1 updated" in replaced.output
    with decks.connect() as conn:
        assert storage.deck_sources(conn)["git"].source == str(other.resolve())
    assert (history(decks, "git"), history(decks, "tar")) == before  # matched by id: progress kept


def test_a_dry_run_says_what_would_change_and_changes_nothing(decks, quiz, tmp_path, location):
    (tmp_path / "git.yaml").write_text(
        GIT.replace("git log}", "git log}\n  - {id: show, front: Show a commit, back: git show}")
    )
    copies = backups.listing(Path(location)) if location.endswith(".db") else []
    dry = quiz("import", "--dry-run", str(tmp_path / "git.yaml"))
    assert dry.exit_code == 0, dry.output
    assert "git: 1 added" in dry.output and "nothing was changed" in dry.output
    assert cards_of(decks, "git") == 3
    if location.endswith(".db"):
        assert backups.listing(Path(location)) == copies  # and no backup for it
    real = quiz("import", str(tmp_path / "git.yaml"))
    assert "git: 1 added" in real.output


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Git", "title: Git every day"),
        ("title: Git", "title: Git\nlang: de"),
        ("title: Git", "title: Git\ndescription: The commands of a day"),
        ("title: Git", "title: Git\nsettings:\n  desired_retention: 0.85"),
        ("title: Git", "title: Git\nsettings:\n  learning_steps: [5m]"),
        ("title: Git", 'title: Git\ntools:\n  git: {"commands": {"status": {"options": ["--frob"]}}}'),
    ],
)
def test_a_change_of_the_deck_alone_is_said(decks, quiz, tmp_path, old, new):
    """Its title, language, description, settings or tools: what would change, and what did."""
    (tmp_path / "git.yaml").write_text(GIT.replace(old, new))
    dry = quiz("import", "--dry-run", str(tmp_path / "git.yaml"))
    assert (dry.exit_code, dry.output.splitlines()[0]) == (0, "git: details updated"), dry.output
    real = quiz("import", str(tmp_path / "git.yaml"))
    assert (real.exit_code, real.output.strip()) == (0, "git: details updated"), real.output
    (tmp_path / "git.yaml").write_text(GIT.replace(old, new).replace("Show the state", "Show the status"))
    assert quiz("import", str(tmp_path / "git.yaml")).output.strip() == "git: 1 updated"  # the card alone


def test_a_pure_reorder_of_cards_is_no_update(decks, quiz, tmp_path):
    lines = GIT.splitlines()
    (tmp_path / "git.yaml").write_text("\n".join(lines[:3] + [lines[5], lines[4], lines[3]]) + "\n")
    reordered = quiz("import", str(tmp_path / "git.yaml"))
    assert reordered.exit_code == 0 and reordered.output.strip() == "git: unchanged"
    with decks.connect() as conn:
        git = select(decks_t.c.id).where(decks_t.c.name == "git").scalar_subquery()
        order = select(cards_t.c.note_key).where(cards_t.c.deck_id == git).order_by(cards_t.c.position)
        assert list(conn.execute(order).scalars()) == ["diff", "log", "status"]  # the new order is kept
        lines = select(cards_t.c.note_key, cards_t.c.line).where(cards_t.c.deck_id == git)
        assert dict(conn.execute(lines).all()) == {"diff": 4, "log": 5, "status": 6}  # and the new lines
    assert "git.yaml:6\n" in quiz("card", "git", "status").output


# -- the files imported before -------------------------------------------------------------------


def test_import_without_files_brings_in_the_files_that_changed(decks, quiz, tmp_path):
    unchanged = quiz("import")
    assert unchanged.exit_code == 0 and unchanged.output.strip() == "No deck file changed since its import."
    (tmp_path / "tar.yaml").write_text(TAR.replace("Extract", "Extract an archive"))
    resynced = quiz("import")
    assert resynced.exit_code == 0 and resynced.output.strip() == "tar: 1 updated"
    (tmp_path / "git.yaml").unlink()
    gone = quiz("import")
    assert "git: its file" in gone.output and "is gone" in gone.output


def test_a_changed_deck_file_is_noticed_without_reading_it(decks, tmp_path):
    shipped = {str(path.resolve()) for path in resources.bundled_decks()}  # quiz's own: synced on upgrades
    with decks.connect() as conn:
        assert storage.changed_files(conn, shipped) == ([], [])
    path = tmp_path / "git.yaml"
    path.write_text(GIT.replace("git diff", "git diff --staged"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    with decks.connect() as conn:
        assert storage.changed_files(conn, shipped) == ([path.resolve()], [])


def test_a_folder_stands_for_its_deck_files_and_a_note_is_pointed_to_generate(tmp_path, quiz):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "git.yaml").write_text(GIT)
    (folder / "tar.yml").write_text(TAR)
    (folder / "README.md").write_text("# notes\n")
    linted = quiz("lint", str(folder))
    assert linted.exit_code == 0 and "2 decks, 4 cards" in linted.output
    imported = quiz("import", str(folder))
    assert imported.exit_code == 0 and "git: new deck" in imported.output and "tar: new deck" in imported.output
    note = quiz("import", str(folder / "README.md"))
    assert note.exit_code == 1 and "quiz generate" in note.stderr


def test_unsuspend_of_a_card_that_is_not_suspended_says_so(decks, quiz):
    refused = quiz("unsuspend", "git", "status")
    assert refused.exit_code == 1 and "status" in refused.stderr and "not suspended" in refused.stderr


def test_a_touched_but_unchanged_file_is_noticed_once(decks, quiz, tmp_path):
    path = tmp_path / "tar.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert quiz("import").output.strip() == "tar: unchanged"
    assert quiz("import").output.strip() == "No deck file changed since its import."


def test_the_prompts_cache_file_follows_import_and_remove(run, tmp_path):
    cache = tmp_path / "cache" / "quiz" / "due"
    (tmp_path / "tar.yaml").write_text(TAR)
    assert run("import", str(tmp_path / "tar.yaml")).exit_code == 0
    # the bundled docker deck's 20 new cards a day, and tar's one
    assert cache.read_text(encoding="utf-8").strip() == "0 due, 21 new"
    assert run("remove", "tar", "--yes").exit_code == 0
    assert cache.read_text(encoding="utf-8").strip() == "0 due, 20 new"


def test_a_folder_without_deck_files_is_one_line(tmp_path, quiz):
    (tmp_path / "notes").mkdir()
    for command in ("lint", "import"):
        refused = quiz(command, str(tmp_path / "notes"))
        assert refused.exit_code == 1 and "holds no deck file" in refused.stderr


def test_a_copy_of_a_deck_file_byte_for_byte_is_another_file(decks, quiz, tmp_path):
    other = tmp_path / "other" / "git.yaml"
    other.parent.mkdir()
    other.write_bytes((tmp_path / "git.yaml").read_bytes())
    refused = quiz("import", str(other))
    assert refused.exit_code == 1 and "--replace" in refused.stderr
    replaced = quiz("import", "--replace", str(other))
    assert replaced.exit_code == 0, replaced.output
    with decks.connect() as conn:
        assert storage.deck_sources(conn)["git"].source == str(other.resolve())
    assert quiz("import", str(other)).output.strip() == "git: unchanged"
