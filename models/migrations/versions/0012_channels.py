"""work-app accounts and text messages' routes

`cadre`: the WeCom and DingTalk accounts the roster gives (企业微信账号, 钉钉账号).
`message`: the route a text message took, its place in the recipient's order, the provider's id
for the receipt, and its template parameters.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    with op.batch_alter_table("cadre") as cadre:
        cadre.add_column(sa.Column("wecom_user_id", text(), nullable=True))
        cadre.add_column(sa.Column("dingtalk_user_id", text(), nullable=True))
    with op.batch_alter_table("message") as message:
        message.add_column(sa.Column("route", text(), nullable=True))
        message.add_column(
            sa.Column("route_index", sa.Integer(), nullable=False, server_default="0")
        )
        message.add_column(sa.Column("provider_ref", text(), nullable=True))
        message.add_column(sa.Column("params", text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as message:
        for column in ("params", "provider_ref", "route_index", "route"):
            message.drop_column(column)
    with op.batch_alter_table("cadre") as cadre:
        cadre.drop_column("dingtalk_user_id")
        cadre.drop_column("wecom_user_id")
