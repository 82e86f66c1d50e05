"""Leeches (a card that lapsed too often is marked and suspended; its review says so),
and the command tables a deck declares for its own tools.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cards", sa.Column("leech", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("reviews", sa.Column("leech", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("decks", sa.Column("tools", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decks") as batch:
        batch.drop_column("tools")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("leech")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("leech")
