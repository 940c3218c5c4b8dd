"""The metadata database: migrations on SQLite and PostgreSQL, run by many at once."""

from __future__ import annotations

import multiprocessing
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from services import db

STARTING_AT_ONCE = 4


def _migrate_with_the_others(url: str, barrier: Any) -> None:
    """A web process or worker starting: wait for the others, then migrate."""
    barrier.wait()
    db.migrate(url)


def _head() -> str:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    return str(ScriptDirectory.from_config(cfg).get_current_head())


def test_processes_starting_at_once_on_an_empty_database_make_one_schema(
    fresh_database: str,
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(STARTING_AT_ONCE)
    starting = [
        context.Process(target=_migrate_with_the_others, args=(fresh_database, barrier))
        for _ in range(STARTING_AT_ONCE)
    ]
    for process in starting:
        process.start()
    for process in starting:
        process.join(timeout=240)
    assert [p.exitcode for p in starting] == [0] * STARTING_AT_ONCE
    with db.engine(fresh_database).connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version"))
        assert versions.scalars().all() == [_head()]
        tables = set(inspect(connection).get_table_names())
    assert tables == set(db.Base.metadata.tables) | {"alembic_version"}


def test_migrating_an_up_to_date_database_changes_nothing(fresh_database: str) -> None:
    db.migrate(fresh_database)
    db.migrate(fresh_database)
    with db.engine(fresh_database).connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version"))
        assert versions.scalars().all() == [_head()]


def test_postgresql_urls_use_the_installed_driver() -> None:
    assert (
        db.with_driver("postgresql://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    )
    assert db.with_driver("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    for unchanged in ("postgresql+psycopg://u@h/d", "sqlite:///x.db", ""):
        assert db.with_driver(unchanged) == unchanged


def test_the_migrations_build_the_tables_the_code_declares(fresh_database: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db.migrate(fresh_database)
    with db.engine(fresh_database).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.Base.metadata) == []
