"""Rate limits per client address (Flask-Limiter): sign-in, registration, share pages.

The per-account count lives in the database (``services.users.authenticate``); this
limits what one address may try across accounts, and how often one address may open
shared read-only pages (``/s/<token>``, their downloads and their assets), which need
no sign-in. Counts are kept in memory per web process, or in Redis, shared by every
process, when ``REDIS_URL`` is set. Nothing else is limited: the API and Dash's
callbacks have no default limit.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

import config

limiter = Limiter(
    key_func=get_remote_address,  # the proxy's client address with TRUSTED_PROXIES
    default_limits=[],
    strategy="moving-window",  # exact: no double burst at a window's edge
    headers_enabled=True,  # Retry-After on a refusal
    key_prefix="forecast-studio",
)


def login_limit() -> str:
    """Sign-in attempts one address may make (read afresh, so tests can lower it)."""
    return str(config.settings.LOGIN_RATE_LIMIT)


def register_limit() -> str:
    """Accounts one address may try to create."""
    return str(config.settings.REGISTER_RATE_LIMIT)


def share_limit() -> str:
    """Requests one address may make to shared pages, their files and assets."""
    return str(config.settings.SHARE_RATE_LIMIT)


def storage_uri() -> str:
    """Redis when ``REDIS_URL`` is set, else this process's memory."""
    return str(config.settings.get("REDIS_URL") or "memory://")


def init_limits(server: Flask) -> None:
    """Attach the limiter to the server, with its storage from settings."""
    server.config["RATELIMIT_STORAGE_URI"] = storage_uri()
    limiter.init_app(server)
