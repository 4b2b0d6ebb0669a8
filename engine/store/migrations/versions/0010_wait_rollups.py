"""wait rollups: the exact waits of each office's tasks completed on each day

One row per office and day, filled by the worker (engine.waits) once the day
closed; until then the dashboard reads that day from the tasks table, so
nothing is backfilled here.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("office", sa.String(length=20)),
    ("day", sa.Date()),
    ("tasks", sa.Integer()),
    ("rolled_at", sa.DateTime(timezone=True)),
    ("stale", sa.Boolean()),
    ("groups", sa.JSON()),
    ("waits", sa.LargeBinary()),
)


def upgrade() -> None:
    op.create_table(
        "wait_days",
        *(sa.Column(name, kind, nullable=False) for name, kind in _COLUMNS),
        sa.PrimaryKeyConstraint("office", "day"),
    )


def downgrade() -> None:
    op.drop_table("wait_days")
