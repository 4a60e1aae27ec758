"""roster truth: a log of roster changes, kept rows, import warnings, discipline as written, attendance_counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The old table allowed one (person, change, field) per quarter, so a return to an earlier
    # roster could not be recorded; its rows move to a log without that constraint.
    op.create_table(
        "roster_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("employee_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False, server_default=""),
        sa.Column("unit_code", sa.String(), nullable=False, server_default=""),
        sa.Column("change", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=False, server_default=""),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_roster_change_quarter", "roster_change", ["quarter"], unique=False)
    op.execute(
        "INSERT INTO roster_change (quarter, employee_id, change, field, old, new, source) "
        "SELECT quarter, employee_id, change, field, old, new, '' FROM rosterchange ORDER BY id"
    )
    op.drop_index("ix_rosterchange_quarter", table_name="rosterchange")
    op.drop_table("rosterchange")
    with op.batch_alter_table("rejected_row") as batch_op:
        batch_op.add_column(sa.Column("kept_from", sa.String(), nullable=True))
    with op.batch_alter_table("cadre") as batch_op:
        batch_op.add_column(sa.Column("discipline_kind", sa.String(), nullable=True))
    with op.batch_alter_table("programme") as batch_op:
        batch_op.add_column(
            sa.Column("attendance_counts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("file_import") as batch_op:
        batch_op.add_column(
            sa.Column("warnings", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch_op:
        batch_op.drop_column("attendance_counts")
    with op.batch_alter_table("cadre") as batch_op:
        batch_op.drop_column("discipline_kind")
    with op.batch_alter_table("file_import") as batch_op:
        batch_op.drop_column("warnings")
    with op.batch_alter_table("rejected_row") as batch_op:
        batch_op.drop_column("kept_from")
    op.create_table(
        "rosterchange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(), nullable=False),
        sa.Column("employee_id", sa.String(), nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter", "employee_id", "change", "field"),
    )
    op.create_index("ix_rosterchange_quarter", "rosterchange", ["quarter"], unique=False)
    op.drop_index("ix_roster_change_quarter", table_name="roster_change")
    op.drop_table("roster_change")
