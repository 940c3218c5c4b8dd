"""Read-only share links to a forecast: the ``shares`` table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("forecast_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["forecast_id"], ["forecasts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shares") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shares_token_hash"), ["token_hash"], unique=True
        )
        batch_op.create_index(batch_op.f("ix_shares_forecast_id"), ["forecast_id"])
        batch_op.create_index(batch_op.f("ix_shares_user_id"), ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("shares") as batch_op:
        batch_op.drop_index(batch_op.f("ix_shares_user_id"))
        batch_op.drop_index(batch_op.f("ix_shares_forecast_id"))
        batch_op.drop_index(batch_op.f("ix_shares_token_hash"))
    op.drop_table("shares")
