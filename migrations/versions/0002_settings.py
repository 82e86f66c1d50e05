"""Per-deck scheduler settings and the learner's own settings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deck_settings",
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("desired_retention", sa.Float(), nullable=True),
        sa.Column("learning_steps", sa.Text(), nullable=True),
        sa.Column("relearning_steps", sa.Text(), nullable=True),
        sa.Column("new_per_day", sa.Integer(), nullable=True),
        sa.Column("reviews_per_day", sa.Integer(), nullable=True),
        sa.Column("maximum_interval", sa.Integer(), nullable=True),
        sa.Column("leech_threshold", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["deck_id"], ["decks.id"], name=op.f("fk_deck_settings_deck_id_decks")),
        sa.PrimaryKeyConstraint("deck_id", name=op.f("pk_deck_settings")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("deck_settings")
