"""``flask --app app jobs worker``: run jobs in this process, away from the web.

With ``JOB_BACKEND = "local"`` it runs the local pool (the web processes then run with
``JOB_WORKERS = 0``, so restarting them never touches a running job); with
``"celery"`` it is a Celery worker on ``REDIS_URL``. Either way it runs
``JOB_WORKERS`` jobs at once (``--concurrency`` overrides it).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup

import config
from services import job_backend
from services.runner import JobRunner

jobs_cli = AppGroup("jobs", help="Run jobs (forecasts, analyses, large reports).")


@jobs_cli.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs run at once (default: JOB_WORKERS, at least 1).",
)
def worker(concurrency: int | None) -> None:
    """Run jobs until stopped (Ctrl+C or SIGTERM)."""
    workers = concurrency or max(1, int(config.settings.JOB_WORKERS))
    timeout = float(config.settings.JOB_HEARTBEAT_TIMEOUT_S)
    if job_backend.name() == "celery":
        from services import celery_jobs

        celery_jobs.run_worker(workers, timeout)
        return
    runner = JobRunner(workers=workers, heartbeat_timeout_s=timeout)
    stopped = threading.Event()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        stopped.set()

    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, stop)
    runner.start()
    click.echo(f"Running up to {workers} jobs at once (local pool); Ctrl+C stops.")
    stopped.wait()
    runner.stop()
