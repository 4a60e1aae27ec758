"""sheets: a rejected row names its sheet when a workbook's data spans several

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rejected_row") as table:
        table.add_column(
            sa.Column("sheet", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("rejected_row") as table:
        table.drop_column("sheet")
