"""access log (who read a case's personal data), verification jobs, search indexes

The access log is hash-chained per day; audit jobs and their per-case results
let a verification run resume after the web process dies. The journal gets
the indexes the auditor's search needs (actor, desk, kind, period).

Revision ID: 0008
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("office", sa.String(length=40), nullable=True),
        sa.Column("case_id", _BIG_ID, nullable=False),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("document", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "seq"),
    )
    op.create_index("ix_access_log_case", "access_log", ["case_id", "id"])
    op.create_index("ix_access_log_actor_time", "access_log", ["actor", "recorded_at"])
    op.create_table(
        "audit_jobs",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_by", sa.String(length=200), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_job_results",
        sa.Column("job_id", _BIG_ID, nullable=False),
        sa.Column("case_id", _BIG_ID, nullable=False),
        sa.Column("intact", sa.Boolean(), nullable=False),
        sa.Column("first_bad_event", sa.Integer(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["audit_jobs.id"]),
        sa.PrimaryKeyConstraint("job_id", "case_id"),
    )
    for name, columns in _JOURNAL_INDEXES.items():
        op.create_index(name, "journal_events", columns)


_JOURNAL_INDEXES = {
    "ix_journal_events_actor_time": ["actor", "recorded_at", "case_id"],
    "ix_journal_events_desk_time": ["desk", "recorded_at", "case_id"],
    "ix_journal_events_kind_time": ["kind", "recorded_at", "case_id"],
    "ix_journal_events_time": ["recorded_at", "case_id"],
}


def downgrade() -> None:
    for name in _JOURNAL_INDEXES:
        op.drop_index(name, table_name="journal_events")
    op.drop_table("audit_job_results")
    op.drop_table("audit_jobs")
    op.drop_index("ix_access_log_actor_time", table_name="access_log")
    op.drop_index("ix_access_log_case", table_name="access_log")
    op.drop_table("access_log")
