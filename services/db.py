"""The metadata database: tables, sessions and migrations (SQLAlchemy + Alembic)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    create_engine,
    event,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The PostgreSQL advisory lock that serialises migrations: any fixed 64-bit number that
# no other code on the server uses (these are the bytes of "fs-migra").
MIGRATION_LOCK = 0x66732D6D69677261


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_id() -> str:
    """A server-issued identifier: a random UUID as 32 hex digits."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime, also on SQLite (which forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        """Attach UTC to the naive datetimes SQLite returns."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """Base class of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A person who signs in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Sign-in attempts counted since failures_since (reset by a right password).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Stamped into every session cookie; raising it ends all of the user's sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How numbers are written to this user: a services.numbers.NumberStyle value.
    number_format: Mapped[str] = mapped_column(
        String(16), default="1,234.5", server_default="1,234.5"
    )


class ApiToken(Base):
    """A bearer token for the API, stored as a SHA-256 hash."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AppSetting(Base):
    """A setting an administrator changed in the app (it wins over settings.toml)."""

    __tablename__ = "app_settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Dataset(Base):
    """An uploaded table: its raw file, its versions and the user's column choices."""

    __tablename__ = "datasets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    raw_suffix: Mapped[str] = mapped_column(String(16))
    current_version_id: Mapped[str | None] = mapped_column(String(32))
    columns_config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The current version's profile with the user's column choices applied.
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DatasetVersion(Base):
    """An immutable table derived from its parent by a recipe."""

    __tablename__ = "dataset_versions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    recipe: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    missing: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[list[Any] | None] = mapped_column(JSON)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Job(Base):
    """Long work done out of the request by a worker process."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="Waiting for a free worker")
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_host: Mapped[str | None] = mapped_column(String(255))
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    result_ref: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Forecast(Base):
    """A forecast a job produced; its points live in the owner's folder as Parquet."""

    __tablename__ = "forecasts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    version_id: Mapped[str] = mapped_column(String(32))
    job_id: Mapped[str | None] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    horizon: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(80))
    model_name: Mapped[str] = mapped_column(String(120))
    # time column, series columns and frequency: what is needed to draw and export it
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The forecast this one refreshes (same setup, newer data), if any.
    previous_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Refresh it whenever new data is added to its dataset.
    auto_refresh: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The owner's short note ("includes the March promotion").
    note: Mapped[str | None] = mapped_column(Text)
    # A scenario: the forecast whose drivers it changes, and the scenario's name.
    baseline_id: Mapped[str | None] = mapped_column(String(32), index=True)
    scenario: Mapped[str | None] = mapped_column(Text)


class Share(Base):
    """A read-only link to one forecast, for people without an account.

    The link's token is never kept: only its SHA-256 hash. Deleting the forecast
    deletes its links (``ON DELETE CASCADE``).
    """

    __tablename__ = "shares"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    forecast_id: Mapped[str] = mapped_column(
        ForeignKey("forecasts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    views: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ForecastOverride(Base):
    """One change to a forecast's value at one step: the overrides' audit trail.

    A step's current override is its newest row: ``set`` with the value ``after``,
    or ``removed`` (back to the statistical value). The forecast's Parquet file is
    never edited; ``services.overrides`` applies these rows when points are read.
    """

    __tablename__ = "forecast_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    forecast_id: Mapped[str] = mapped_column(
        ForeignKey("forecasts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    series: Mapped[str | None] = mapped_column(Text)
    # The step as ISO 8601 text (the point's time, naive).
    step: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(8))
    statistical: Mapped[float] = mapped_column(Float)
    before: Mapped[float] = mapped_column(Float)
    after: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)


_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web process read while a worker process writes progress.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def with_driver(url: str) -> str:
    """The URL with the installed PostgreSQL driver named (psycopg 3).

    ``postgresql://`` and ``postgres://`` mean psycopg2 to SQLAlchemy, which is not
    installed; ``postgresql+psycopg://`` is. Other URLs are returned unchanged.

    Examples
    --------
    >>> with_driver("postgresql://postgres@127.0.0.1:5432/app")
    'postgresql+psycopg://postgres@127.0.0.1:5432/app'

    """
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (the configured database by default), made once."""
    url = url or config.database_url()
    with _lock:
        if url not in _engines:
            made = create_engine(with_driver(url))
            if made.dialect.name == "sqlite":
                event.listen(made, "connect", _sqlite_pragmas)
            _engines[url] = made
        return _engines[url]


def dispose_all() -> None:
    """Close every pooled connection (after a fork, or at the end of tests)."""
    with _lock:
        for made in _engines.values():
            made.dispose()
        _engines.clear()


@contextmanager
def session() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    with Session(engine(), expire_on_commit=False) as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


def migrate(url: str | None = None) -> None:
    """Bring the database schema up to the newest migration.

    Several processes may call this at once on an empty database (web processes and
    workers starting together). On PostgreSQL they take turns, holding an advisory
    lock for the transaction the migration runs in; each later one finds the schema
    up to date. On SQLite they take turns holding the file's write lock.
    """
    from alembic import command
    from alembic.config import Config

    url = url or config.database_url()
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", with_driver(url).replace("%", "%%"))
    with engine(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        elif connection.dialect.name == "sqlite":
            # The file's write lock, taken before the first read (busy_timeout waits).
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
