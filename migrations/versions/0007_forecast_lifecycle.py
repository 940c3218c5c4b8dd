"""Forecasts are refreshed, refresh themselves when data is added, and carry a note.

``previous_id`` is the forecast a refresh replaced (no foreign key: a forecast's
history outlives nothing but its dataset, which takes them all with it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.String(32), nullable=True))
        batch_op.add_column(
            sa.Column(
                "auto_refresh",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.create_index("ix_forecasts_previous_id", ["previous_id"])


def downgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.drop_index("ix_forecasts_previous_id")
        batch_op.drop_column("note")
        batch_op.drop_column("auto_refresh")
        batch_op.drop_column("previous_id")
