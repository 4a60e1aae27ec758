"""talks chased up the ladder

`talk.chased_level`: the highest rung a talk not held by its day has been chased to (0 none,
1 its talker, 2 whoever stands above the talker), so that each rung is climbed once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("talk") as talk:
        talk.add_column(
            sa.Column("chased_level", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("talk") as talk:
        talk.drop_column("chased_level")
