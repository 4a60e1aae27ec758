"""the reports site: its accounts, and its reads in the access log

`account` holds who may sign in to `lianjie web`, with a role (and, for a cadre's own account,
the cadre), a password hash (scrypt) and the count of failed sign-ins. The access log, which held the records produced, now also holds
the site's downloads and refusals: `action` says which (rows from before are `record`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("employee_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("record_access") as table:
        table.add_column(
            sa.Column(
                "action", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="record"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("record_access") as table:
        table.drop_column("action")
    op.drop_table("account")
