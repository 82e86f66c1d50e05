"""Migrations: from the first revision with data in it, and in step with the models."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from quiz import app, migrate, storage

FIRST = "0001"


def test_head_revision_constant_matches_the_scripts():
    assert ScriptDirectory.from_config(migrate.alembic_config()).get_current_head() == storage.HEAD_REVISION


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), storage.metadata) == []


def upgrade_to(engine, revision: str) -> None:
    with storage.writing(engine) as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def test_upgrade_from_the_first_revision_keeps_every_row(db_path):
    engine = storage.create(storage.database_url(str(db_path)))
    upgrade_to(engine, FIRST)
    with storage.writing(engine) as conn:
        conn.execute(text("INSERT INTO decks (id, name, title, lang) VALUES (1, 'old', '\"Old\"', 'en')"))
        conn.execute(text(
            "INSERT INTO cards (id, deck_id, note_key, ord, kind, content, tags, position, retired, suspended,"
            " state, step, stability, difficulty, due, last_review, reps, lapses) VALUES"
            " (7, 1, 'k', 0, 'basic', '{\"front\":\"f\",\"back\":\"b\"}', 'x y', 0, 0, 0,"
            " 2, NULL, 12.5, 4.2, '2026-02-01 09:00:00.000000', '2026-01-20 09:00:00.000000', 3, 1)"))
        conn.execute(text(
            "INSERT INTO reviews (card_id, reviewed_at, rating, duration_ms, answer, state_before, reps_before,"
            " lapses_before, state_after, stability_after, difficulty_after, due_after)"
            " VALUES (7, '2026-01-20 09:00:00.000000', 3, 2100, 'docker ps', 2, 2, 1, 2, 12.5, 4.2,"
            " '2026-02-01 09:00:00.000000')"))
        before = {}
        for table in ("decks", "cards", "reviews"):
            result = conn.execute(text(f"SELECT * FROM {table}"))
            before[table] = (", ".join(result.keys()), result.all())
    engine.dispose()

    upgraded = app.open_collection(str(db_path), with_bundled=False)

    assert storage.schema_revision(upgraded) == storage.HEAD_REVISION
    with upgraded.connect() as conn:
        for table, (columns, rows) in before.items():
            assert conn.execute(text(f"SELECT {columns} FROM {table}")).all() == rows
        assert storage.deck_settings(conn, 1) == storage.DeckSettings()
        assert conn.execute(text("SELECT leech, suspended FROM cards")).all() == [(0, 0)]  # later columns: defaults
        assert conn.execute(text("SELECT leech FROM reviews")).all() == [(0,)]
    backups = list(db_path.parent.glob("quiz.db.0001-*.bak"))
    assert len(backups) == 1
    copy = storage.create(storage.database_url(str(backups[0])))
    assert storage.schema_revision(copy) == FIRST
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
            sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"]) for f in inspector.get_foreign_keys(table)),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in inspector.get_table_names()
    }


def test_a_new_collection_matches_one_built_by_the_migrations(tmp_path):
    created = app.open_collection(str(tmp_path / "created.db"), with_bundled=False)
    migrated = storage.create(storage.database_url(str(tmp_path / "migrated.db")))
    upgrade_to(migrated, "head")
    assert storage.schema_revision(created) == storage.schema_revision(migrated) == storage.HEAD_REVISION
    assert schema_of(created) == schema_of(migrated)


def test_migrations_agree_with_the_models(tmp_path):
    migrated = storage.create(storage.database_url(str(tmp_path / "migrated.db")))
    upgrade_to(migrated, "head")
    with migrated.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), storage.metadata) == []
