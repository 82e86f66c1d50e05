"""Each deck's review order (Anki's review sort order): which reviews the day's limit
takes and in what order.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deck_settings", sa.Column("review_order", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deck_settings") as batch:
        batch.drop_column("review_order")
