"""Throwaway databases for tests: a SQLite file, or a database on a PostgreSQL server.

``FORECAST_STUDIO_TEST_DATABASE_URL`` chooses the server the whole test run uses
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The database it names is only
where ``CREATE DATABASE`` is sent: each run, and each test that needs an empty
database, gets its own ``fs_test_…`` database, dropped afterwards, so runs and helpers
sharing a server never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from services.db import with_driver

TEST_DATABASE_URL = os.environ.get("FORECAST_STUDIO_TEST_DATABASE_URL", "")
# The project's machines run PostgreSQL here (tests that need it skip without it).
LOCAL_POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PREFIX = "fs_test_"


def on_postgresql(url: str) -> bool:
    """Whether the URL names a PostgreSQL server."""
    return make_url(url).get_backend_name() == "postgresql"


def postgresql_server() -> str:
    """The PostgreSQL server of the run, else the project machines' local one."""
    if TEST_DATABASE_URL and on_postgresql(TEST_DATABASE_URL):
        return TEST_DATABASE_URL
    return LOCAL_POSTGRESQL


def _maintenance(server_url: str) -> Engine:
    return create_engine(
        with_driver(server_url),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )


def create_database(server_url: str) -> str:
    """A new, empty database on the server of ``server_url``; its URL."""
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    maintenance = _maintenance(server_url)
    try:
        with maintenance.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        maintenance.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database ``create_database`` made, closing whatever still uses it."""
    parsed = make_url(url)
    assert parsed.database and parsed.database.startswith(PREFIX), url
    maintenance = _maintenance(postgresql_server())
    try:
        with maintenance.connect() as connection:
            connection.execute(
                text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
            )
    finally:
        maintenance.dispose()


def fresh_url(folder: Path) -> str:
    """An empty database of the kind the test run uses (a SQLite file in ``folder``)."""
    if TEST_DATABASE_URL and on_postgresql(TEST_DATABASE_URL):
        return create_database(TEST_DATABASE_URL)
    return f"sqlite:///{folder / 'fresh.db'}"
