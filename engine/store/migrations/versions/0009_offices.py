"""offices: cases, tasks and users carry one; inbox index leads with it; figure counters

Existing cases, tasks and officers go to the default office `utama`;
existing figure counters are computed from the task projection and cases.

Revision ID: 0009
Revises: 0007
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_DEFAULT = "utama"


def upgrade() -> None:
    offices = op.create_table(
        "offices",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.execute(offices.insert().values(code=_DEFAULT, name="Kantor LTSA", created_at=sa.func.now()))
    for table in ("cases", "tasks"):
        op.add_column(
            table,
            sa.Column("office", sa.String(length=20), server_default=_DEFAULT, nullable=False),
        )
    op.add_column("users", sa.Column("office", sa.String(length=20), nullable=True))
    op.execute(
        sa.text("UPDATE users SET office = :c WHERE role IN ('officer', 'kepala')").bindparams(
            c=_DEFAULT
        )
    )
    op.drop_index("ix_tasks_inbox", table_name="tasks")
    op.create_index("ix_tasks_office_inbox", "tasks", ["office", "state", "desk", "created_at"])
    op.create_index(
        "ix_tasks_office_done",
        "tasks",
        ["office", "completed_at"],
        postgresql_include=["state", "desk", "name", "created_at"],
    )
    op.create_index("ix_cases_office_id", "cases", ["office", "id"])
    op.create_table(
        "figure_counters",
        sa.Column("office", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("office", "key", "shard"),
    )
    # the queues of today's projection, and the weekly outcomes of the cases so far
    op.execute(
        "INSERT INTO figure_counters (office, key, shard, value) "
        "SELECT office, 'queue|' || COALESCE(desk, '-'), 0, COUNT(*) FROM tasks "
        "WHERE state = 'ready' GROUP BY office, desk"
    )
    connection = op.get_bind()
    counts: dict[tuple[str, str], int] = {}
    rows = connection.execute(sa.text("SELECT office, status, created_at, updated_at FROM cases"))
    for office, status, created_at, updated_at in rows:
        for kind, at in (("started", created_at), (status, updated_at)):
            if kind != "active":
                key = (office, f"{kind}|{_week(at)}")
                counts[key] = counts.get(key, 0) + 1
    if counts:
        connection.execute(
            sa.text(
                "INSERT INTO figure_counters (office, key, shard, value) VALUES (:o, :k, 0, :v)"
            ),
            [{"o": o, "k": k, "v": v} for (o, k), v in counts.items()],
        )


def _week(at: datetime | str) -> str:
    """The Monday (Asia/Jakarta, the engine's default zone) of the week of `at`."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    day = moment.astimezone(ZoneInfo("Asia/Jakarta")).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def downgrade() -> None:
    op.drop_table("figure_counters")
    op.drop_index("ix_cases_office_id", table_name="cases")
    op.drop_index("ix_tasks_office_done", table_name="tasks")
    op.drop_index("ix_tasks_office_inbox", table_name="tasks")
    op.create_index("ix_tasks_inbox", "tasks", ["state", "desk", "created_at"])
    with op.batch_alter_table("users") as batch:
        batch.drop_column("office")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("office")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("office")
    op.drop_table("offices")
