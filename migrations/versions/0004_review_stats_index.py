"""A covering index for `quiz stats`: the review log's aggregates (answers, time,
true retention, heatmap) read this index alone instead of the whole table.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ["reviewed_at", "card_id", "state_before", "rating", "duration_ms", "due_before", "last_review_before"]


def upgrade() -> None:
    op.create_index("ix_reviews_stats", "reviews", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_reviews_stats", table_name="reviews")
