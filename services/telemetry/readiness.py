"""Readiness: whether this process reaches what it needs to answer requests."""

from __future__ import annotations

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import config
from services import db

# Seconds to wait for the database or Redis before calling it unreachable.
TIMEOUT_S = 3.0


def problems() -> list[str]:
    """What stops the app from working, in words for an operator (empty: ready).

    The database is always checked; Redis when ``REDIS_URL`` is set.
    """
    found = []
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        found.append("The database is not reachable.")
    url = str(config.settings.get("REDIS_URL", "") or "")
    if url:
        try:
            client = redis.Redis.from_url(
                url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S
            )
            client.ping()
            client.close()
        except (redis.RedisError, ValueError):
            found.append("Redis (REDIS_URL) is not reachable.")
    return found
