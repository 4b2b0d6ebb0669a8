"""index a case's tasks by state; drop indexes a unique constraint already covers

The returned case view and the projection read a case's ready tasks on every
input. Through the case_id index alone that read walks every task the case
ever had, so it slowed down with history; (case_id, state) keeps it flat.
`ix_tasks_case_id` and `ix_journal_events_case_id` repeat the leading column of
the unique constraints (case_id, ref) and (case_id, seq), and `ix_cases_status`
that of `ix_cases_status_version`: each cost writes for nothing.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_case_state", "tasks", ["case_id", "state"])
    op.drop_index("ix_tasks_case_id", table_name="tasks")
    op.drop_index("ix_journal_events_case_id", table_name="journal_events")
    op.drop_index("ix_cases_status", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_journal_events_case_id", "journal_events", ["case_id"])
    op.create_index("ix_tasks_case_id", "tasks", ["case_id"])
    op.drop_index("ix_tasks_case_state", table_name="tasks")
