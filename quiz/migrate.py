"""Schema upgrades through Alembic, after a backup: imported only when one is needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from quiz import backups
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.plumbing import resources
from quiz.storage import database, schema, sqlitefile


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.migrations_dir()))
    return config


def upgrade(engine: Engine, revision: str = "head") -> Path | None:
    """Bring the schema to `revision`; the backup made first, if there was data to keep."""
    backup = _backup(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # SQLite rebuilds tables to alter them; foreign keys must be off meanwhile
        # (only possible outside a transaction) and are checked before commit.
        if sqlite:
            _outside_transactions(conn, "PRAGMA foreign_keys = OFF")
        try:
            conn = conn.execution_options(quiz_write=True)
            with conn.begin():
                config = alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise QuizError(_("the schema upgrade broke a foreign key; nothing was changed"))
        finally:
            if sqlite:
                _outside_transactions(conn, "PRAGMA foreign_keys = ON")
    return backup


def _outside_transactions(conn: Connection, sql: str) -> None:
    """Straight to SQLite, not in SQLAlchemy's transaction (where a PRAGMA would do nothing)."""
    driver = conn.connection.dbapi_connection
    assert driver is not None
    driver.cursor().execute(sql)


def _backup(engine: Engine) -> Path | None:
    """The copy before the upgrade: whole or absent (a kill leaves no half copy), and one
    per revision (another attempt replaces it rather than adding one)."""
    path = database.sqlite_path(engine)
    current = schema.schema_revision(engine)
    if path is None or current is None or not path.exists():
        return None  # a new database, or a server whose backups are its operator's
    target = backups.upgrade_backup(path, current)
    sqlitefile.copy(path, target)
    return target
