"""The command tables read from the learner's fish completions, cached: reading a large
completion file (git.fish) takes a third of a second, so it is read once per change.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tool_tables",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", "path", name=op.f("pk_tool_tables")),
    )


def downgrade() -> None:
    op.drop_table("tool_tables")
