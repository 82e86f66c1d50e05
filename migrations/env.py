"""Alembic environment: quiz passes its own connection; the alembic CLI uses QUIZ_DB."""

from alembic import context

from quiz.storage import database, schema

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(
        connection=conn,
        target_metadata=schema.metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = database.create(database.database_url(database.default_location()))
    with engine.connect() as conn:
        run(conn)
        conn.commit()
