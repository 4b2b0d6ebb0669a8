"""wait rollups: the exact waits of each office's tasks completed on each day

Filled by the worker (engine.waits) for days that closed; until then the
dashboard reads those days from the tasks table, so nothing is backfilled here.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _office_day() -> list[sa.Column[object]]:
    """The key both tables lead with: an office and a day in the engine's time zone."""
    return [
        sa.Column("office", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "wait_days",
        *_office_day(),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("office", "day"),
    )
    op.create_table(
        "wait_rollups",
        *_office_day(),
        sa.Column("grouping", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("waits", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("office", "day", "grouping", "key"),
    )


def downgrade() -> None:
    op.drop_table("wait_rollups")
    op.drop_table("wait_days")
