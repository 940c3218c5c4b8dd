"""Scenarios: a forecast made from another one with changed drivers.

``baseline_id`` is the forecast a scenario changes the drivers of (no foreign key, as
``previous_id``: both go with their dataset); ``scenario`` is the scenario's name.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.add_column(sa.Column("baseline_id", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("scenario", sa.Text(), nullable=True))
        batch_op.create_index("ix_forecasts_baseline_id", ["baseline_id"])


def downgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.drop_index("ix_forecasts_baseline_id")
        batch_op.drop_column("scenario")
        batch_op.drop_column("baseline_id")
