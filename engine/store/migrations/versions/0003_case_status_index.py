"""index cases by status and version (active cases per version)

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_status_version", "cases", ["status", "process_version_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_status_version", table_name="cases")
