"""Readiness: whether this process reaches what it needs to answer requests."""

from __future__ import annotations

import logging

import redis
from sqlalchemy import text

import config
from services import db

log = logging.getLogger(__name__)
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
    except Exception as exc:  # a missing driver or a bad URL count too: not ready
        log.warning("readiness: the database is not reachable (%s)", type(exc).__name__)
        found.append("The database is not reachable.")
    url = str(config.settings.get("REDIS_URL", "") or "")
    if url:
        try:
            client = redis.Redis.from_url(
                url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S
            )
            client.ping()
            client.close()
        except (redis.RedisError, ValueError) as exc:
            log.warning("readiness: Redis is not reachable (%s)", type(exc).__name__)
            found.append("Redis (REDIS_URL) is not reachable.")
    return found
