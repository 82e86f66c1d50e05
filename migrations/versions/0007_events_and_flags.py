"""The log's entries that are not scheduled answers (cram answers; forget and reschedule,
the manual changes), and each card's flag (Anki's seven colours).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("cards", sa.Column("flag", sa.SmallInteger(), server_default="0", nullable=False))
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("state_before", sa.SmallInteger(), nullable=False),
        sa.Column("step_before", sa.Integer(), nullable=True),
        sa.Column("stability_before", sa.Float(), nullable=True),
        sa.Column("difficulty_before", sa.Float(), nullable=True),
        sa.Column("due_before", UTC_DATETIME, nullable=True),
        sa.Column("last_review_before", UTC_DATETIME, nullable=True),
        sa.Column("reps_before", sa.Integer(), nullable=False),
        sa.Column("lapses_before", sa.Integer(), nullable=False),
        sa.Column("state_after", sa.SmallInteger(), nullable=False),
        sa.Column("step_after", sa.Integer(), nullable=True),
        sa.Column("due_after", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_events_card_id_cards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_card", "events", ["card_id", "at"])
    op.create_index("ix_events_at", "events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_events_at", table_name="events")
    op.drop_index("ix_events_card", table_name="events")
    op.drop_table("events")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("flag")
