"""family contacts

`family_contact`: a cadre's family member who may receive the organisation's holiday letters
(家庭助廉), kept apart from the roster by a key that hashes the cadre's id with the member's
name; their consent, and the day the cadre was first seen off the roster. `family_slip`: a
family's return slip (回执) back in a quarter.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "family_contact",
        sa.Column("key", text(), nullable=False),
        sa.Column("employee_id", text(), nullable=False),
        sa.Column("name", text(), nullable=False),
        sa.Column("relation", text(), nullable=False),
        sa.Column("phone", text(), nullable=True),
        sa.Column("email", text(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("cadre_left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        op.f("ix_family_contact_employee_id"), "family_contact", ["employee_id"], unique=False
    )
    op.create_table(
        "family_slip",
        sa.Column("key", text(), nullable=False),
        sa.Column("quarter", text(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("key", "quarter"),
    )


def downgrade() -> None:
    op.drop_table("family_slip")
    op.drop_index(op.f("ix_family_contact_employee_id"), table_name="family_contact")
    op.drop_table("family_contact")
