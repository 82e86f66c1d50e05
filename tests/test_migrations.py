"""Migrations: from the first revision with data in it, and in step with the models."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, text

from quiz import app, migrate, storage
from quiz.errors import QuizError
from quiz.model import DeckSettings
from quiz.storage import database, schema
from tests.conftest import utc

FIRST = "0001"


def test_head_revision_constant_matches_the_scripts():
    assert ScriptDirectory.from_config(migrate.alembic_config()).get_current_head() == schema.HEAD_REVISION


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []


def upgrade_to(engine, revision: str) -> None:
    with storage.writing(engine) as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def fill_first_revision(engine) -> dict:
    """A deck, a studied card and its review, written at revision 0001; the rows as they read back."""
    upgrade_to(engine, FIRST)
    c = storage.cards_t.c
    with storage.writing(engine) as conn:
        # Only the columns revision 0001 has, typed as the models type them (instants stay UTC everywhere).
        conn.execute(insert(storage.decks_t).values(id=1, name="old", title='"Old"', lang="en"))
        conn.execute(
            insert(storage.cards_t).values(
                {
                    c.id: 7,
                    c.deck_id: 1,
                    c.note_key: "k",
                    c.ord: 0,
                    c.kind: "basic",
                    c.content: '{"front":"f","back":"b"}',
                    c.tags: "x y",
                    c.position: 0,
                    c.retired: False,
                    c.suspended: False,
                    c.state: 2,
                    c.step: None,
                    c.stability: 12.5,
                    c.difficulty: 4.2,
                    c.due: utc(2026, 2, 1, 9),
                    c.last_review: utc(2026, 1, 20, 9),
                    c.reps: 3,
                    c.lapses: 1,
                }
            )
        )
        r = storage.reviews_t.c
        conn.execute(
            insert(storage.reviews_t).values(
                {
                    r.card_id: 7,
                    r.reviewed_at: utc(2026, 1, 20, 9),
                    r.rating: 3,
                    r.duration_ms: 2100,
                    r.answer: "docker ps",
                    r.state_before: 2,
                    r.reps_before: 2,
                    r.lapses_before: 1,
                    r.state_after: 2,
                    r.stability_after: 12.5,
                    r.difficulty_after: 4.2,
                    r.due_after: utc(2026, 2, 1, 9),
                }
            )
        )
        before = {}
        for table in ("decks", "cards", "reviews"):
            result = conn.execute(text(f"SELECT * FROM {table}"))
            before[table] = (", ".join(result.keys()), result.all())
    engine.dispose()
    return before


def test_upgrade_from_the_first_revision_keeps_every_row(location):
    before = fill_first_revision(database.create(database.database_url(location)))

    upgraded = app.open_collection(location, with_bundled=False)

    assert schema.schema_revision(upgraded) == schema.HEAD_REVISION
    with upgraded.connect() as conn:
        for table, (columns, rows) in before.items():
            assert conn.execute(text(f"SELECT {columns} FROM {table}")).all() == rows
        assert storage.deck_settings(conn, 1) == DeckSettings()
        assert conn.execute(text("SELECT leech, suspended FROM cards")).all() == [(False, False)]  # later columns
        assert conn.execute(text("SELECT line FROM cards")).all() == [(None,)]  # known at the next import
        assert conn.execute(text("SELECT leech FROM reviews")).all() == [(False,)]
    upgraded.dispose()


def test_an_upgrade_first_copies_the_collection_file(db_path):
    before = fill_first_revision(database.create(database.database_url(str(db_path))))
    app.open_collection(str(db_path), with_bundled=False).dispose()
    backups = list(db_path.parent.glob("quiz.db.0001*.bak"))
    assert [path.name for path in backups] == ["quiz.db.0001.bak"]
    copy = database.create(database.database_url(str(backups[0])))
    assert schema.schema_revision(copy) == FIRST
    with copy.connect() as conn:
        assert conn.execute(text("SELECT * FROM cards")).all() == before["cards"][1]


def test_a_new_database_needs_no_backup(db_path):
    app.open_collection(str(db_path), with_bundled=False)
    assert list(db_path.parent.glob("*.bak")) == []


def test_new_and_current_collections_open_without_importing_alembic(db_path, tmp_path):
    app.open_collection(str(db_path), with_bundled=False).dispose()
    probe = (
        "import sys; from quiz import app; "
        f"app.open_collection({str(db_path)!r}); "
        f"app.open_collection({str(tmp_path / 'brand-new.db')!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'genanki')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def schema_of(engine) -> dict:
    inspector = inspect(engine)
    return {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(table)),
            sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in inspector.get_table_names()
    }


def test_a_new_collection_matches_one_built_by_the_migrations(tmp_path):
    created = app.open_collection(str(tmp_path / "created.db"), with_bundled=False)
    migrated = database.create(database.database_url(str(tmp_path / "migrated.db")))
    upgrade_to(migrated, "head")
    assert schema.schema_revision(created) == schema.schema_revision(migrated) == schema.HEAD_REVISION
    assert schema_of(created) == schema_of(migrated)


def test_migrations_agree_with_the_models(location):
    migrated = database.create(database.database_url(location))
    upgrade_to(migrated, "head")
    with migrated.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []


def test_a_collection_from_a_newer_quiz_is_refused_and_left_alone(db_path):
    app.open_collection(str(db_path), with_bundled=False).dispose()
    engine = database.create(database.database_url(str(db_path)))
    with database.writing(engine) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(QuizError, match="written by a newer quiz"):
        app.open_collection(str(db_path), with_bundled=False)
    assert list(db_path.parent.glob("*.bak")) == []


def test_a_failed_upgrade_tried_again_keeps_one_whole_copy(db_path, monkeypatch):
    before = fill_first_revision(database.create(database.database_url(str(db_path))))

    def broken(config, revision):
        raise RuntimeError("the upgrade stopped halfway")

    with monkeypatch.context() as patch:
        patch.setattr(migrate.command, "upgrade", broken)
        for _ in range(2):
            with pytest.raises(RuntimeError):
                app.open_collection(str(db_path), with_bundled=False)
    app.open_collection(str(db_path), with_bundled=False).dispose()

    assert sorted(p.name for p in db_path.parent.iterdir() if ".bak" in p.name or ".part" in p.name) == [
        "quiz.db.0001.bak"
    ]
    copy = database.create(database.database_url(str(db_path.with_name("quiz.db.0001.bak"))))
    assert schema.schema_revision(copy) == FIRST
    with copy.connect() as conn:
        assert conn.execute(text("SELECT * FROM cards")).all() == before["cards"][1]
    copy.dispose()
