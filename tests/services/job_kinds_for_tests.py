"""Job kinds of the runner tests: loaders that import their handlers in the worker."""

from __future__ import annotations

from services.job_kinds import Handler, Loader


def slow() -> Handler:
    """Reports progress for up to a minute."""
    from tests.services import job_handlers

    return job_handlers.slow


def broken() -> Handler:
    """Fails the way a bug does."""
    from tests.services import job_handlers

    return job_handlers.broken


def refuses() -> Handler:
    """Fails the way bad input does."""
    from tests.services import job_handlers

    return job_handlers.refuses


def quick() -> Handler:
    """Succeeds with a result reference."""
    from tests.services import job_handlers

    return job_handlers.quick


def at_import() -> Handler:
    """Notes, while its module is imported, whether the worker already beats."""
    from tests.services import job_handlers_at_import

    return job_handlers_at_import.seen_at_import


KINDS: dict[str, Loader] = {
    "slow": slow,
    "broken": broken,
    "refuses": refuses,
    "quick": quick,
    "at_import": at_import,
}
