"""track reasons as codes: documents word why a cadre is on a track in their own language

The English text stays in `reason` (logs, the `tracks` export); `reason_code` and
`reason_params` let a Chinese record say 在职领导干部：职级为乡科级 instead of
"leading cadre in post: rank section". Rows from an earlier version keep an empty code and are
printed as stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment") as table:
        table.add_column(
            sa.Column(
                "reason_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        table.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignment") as table:
        table.drop_column("reason_params")
        table.drop_column("reason_code")
