"""scenario sets stored with deployments; versions record a skipped test run

A deployment carries the designer's scenario files (`processes/tests/*.yaml`);
the latest set is what later deployments and drafts are tested against. A
version deployed without running them records who skipped and when.

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
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tests_skipped_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("tests_skipped_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "scenario_sets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_by", sa.String(length=200), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("scenario_sets")
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_column("tests_skipped_at")
        batch_op.drop_column("tests_skipped_by")
