"""Overrides of forecast values with reasons: the ``forecast_overrides`` table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_overrides",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("forecast_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("series", sa.Text(), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("statistical", sa.Float(), nullable=False),
        sa.Column("before", sa.Float(), nullable=False),
        sa.Column("after", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["forecast_id"], ["forecasts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("forecast_overrides") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_overrides_forecast_id"), ["forecast_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("forecast_overrides") as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_overrides_forecast_id"))
    op.drop_table("forecast_overrides")
