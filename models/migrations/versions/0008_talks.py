"""integrity talks and commitment letters

`talk` holds each talk a roster opened (appointment, supervision, reminder …), once by its
kind, cadre and what opened it, with its due day, its talker and, once held, its record;
`pledge` each commitment letter (廉洁承诺书) opened with an appointment talk, its version,
when it was issued and when it came back signed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "talk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", text(), nullable=False),
        sa.Column("employee_id", text(), nullable=False),
        sa.Column("unit_code", text(), nullable=False),
        sa.Column("opened_by", text(), nullable=False),
        sa.Column("opened_in", text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("talker", text(), nullable=False),
        sa.Column("talker_id", text(), nullable=True),
        sa.Column("state", text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("place", text(), nullable=False),
        sa.Column("recorder", text(), nullable=False),
        sa.Column("outline", text(), nullable=False),
        sa.Column("waived_because", text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "employee_id", "opened_by"),
    )
    op.create_index(op.f("ix_talk_employee_id"), "talk", ["employee_id"], unique=False)
    op.create_table(
        "pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", text(), nullable=False),
        sa.Column("unit_code", text(), nullable=False),
        sa.Column("opened_by", text(), nullable=False),
        sa.Column("opened_in", text(), nullable=False),
        sa.Column("version", text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("employee_id", "opened_by"),
    )
    op.create_index(op.f("ix_pledge_employee_id"), "pledge", ["employee_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pledge_employee_id"), table_name="pledge")
    op.drop_table("pledge")
    op.drop_index(op.f("ix_talk_employee_id"), table_name="talk")
    op.drop_table("talk")
