"""collected on: the day a completion file was collected, as the collect run saw it

A returned sheet settles its session from that day: people it leaves out are "not recorded" and,
after the policy's wait, booked on a make-up. The day is the run's own (`--as-of`), not the
clock's, so a quarter replayed on past days keeps its order. Older imports keep NULL and are
read as collected on the day they were imported.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("file_import") as table:
        table.add_column(sa.Column("collected_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("file_import") as table:
        table.drop_column("collected_on")
