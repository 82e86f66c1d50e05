"""Alembic environment: quiz passes its own connection; the alembic CLI uses QUIZ_DB."""

from alembic import context

from quiz import storage

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(
        connection=conn,
        target_metadata=storage.metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = storage.create(storage.database_url(storage.default_location()))
    with engine.connect() as conn:
        run(conn)
        conn.commit()
