"""Each deck's easy days (Anki's): the workload of each weekday, for the load balancer.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deck_settings", sa.Column("easy_days", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deck_settings") as batch:
        batch.drop_column("easy_days")
