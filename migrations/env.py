"""Alembic environment: runs migrations on the connection services.db hands over."""

from alembic import context
from sqlalchemy import create_engine

from services.db import Base


def _run(connection: object) -> None:
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, used to write new migrations
    with create_engine(
        context.config.get_main_option("sqlalchemy.url")
    ).begin() as conn:
        _run(conn)
