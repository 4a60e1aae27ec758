"""the register of issued reports

`issued`: every report version issued, by the SHA-256 of its bytes, with its quarter (or year),
unit, kind, language, the moment it stands at, when it was issued and where it was written —
what `lianjie verify FILE` answers from.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "issued",
        sa.Column("sha256", text(), nullable=False),
        sa.Column("quarter", text(), nullable=False),
        sa.Column("unit_code", text(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("lang", text(), nullable=False),
        sa.Column("as_of", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("path", text(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_index(op.f("ix_issued_quarter"), "issued", ["quarter"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_issued_quarter"), table_name="issued")
    op.drop_table("issued")
