"""Which engine runs jobs: the local pool (default) or Celery workers on Redis.

The job record in the database is the source of truth either way; a backend only
carries a job's id to a worker, which calls ``runner.execute``.
"""

from __future__ import annotations

import config

BACKENDS = ("local", "celery")


def name() -> str:
    """The ``JOB_BACKEND`` setting: ``local`` or ``celery``.

    Raises
    ------
    RuntimeError
        For any other value (at start-up, so a typo never queues jobs nobody runs).

    """
    value = str(config.settings.get("JOB_BACKEND", "local")).strip().lower()
    if value not in BACKENDS:
        raise RuntimeError(f'JOB_BACKEND must be "local" or "celery", not "{value}".')
    return value


def web_runs_jobs() -> bool:
    """Whether the web process starts its own local pool (else a worker runs jobs)."""
    return name() == "local" and int(config.settings.JOB_WORKERS) > 0


def check() -> None:
    """Fail at start-up with a clear message when the settings cannot run jobs."""
    if name() == "celery":
        from services.celery_jobs import redis_url

        redis_url()


def dispatch(job_id: str) -> None:
    """Hand a newly queued job to the backend (the local pool finds it by itself)."""
    if name() == "celery":
        from services.celery_jobs import send

        send(job_id)


def revoke(job_id: str) -> None:
    """Tell the backend a job was cancelled (its flag in the record already says so)."""
    if name() == "celery":
        from services.celery_jobs import revoke as revoke_task

        revoke_task(job_id)
