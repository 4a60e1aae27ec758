"""reports and records: reject reasons as codes, the log of cadre records produced

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Reports print a rejected row's reason in their own language, from its code.
    with op.batch_alter_table("rejected_row") as table:
        table.add_column(sa.Column(
                "reason_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            ))
        table.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))
    op.create_table(
        "record_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("os_user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("produced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_access_employee_id", "record_access", ["employee_id"])


def downgrade() -> None:
    op.drop_index("ix_record_access_employee_id", table_name="record_access")
    op.drop_table("record_access")
    with op.batch_alter_table("rejected_row") as table:
        table.drop_column("reason_params")
        table.drop_column("reason_code")
