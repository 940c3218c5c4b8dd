"""A forecast's target is text of any length (a column's header has no limit).

SQLite never enforced VARCHAR(255); PostgreSQL refused longer names, and the forecast
failed as it was saved.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.alter_column(
            "target", existing_type=sa.String(255), type_=sa.Text(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("forecasts") as batch_op:
        batch_op.alter_column(
            "target", existing_type=sa.Text(), type_=sa.String(255), nullable=False
        )
