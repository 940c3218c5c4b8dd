"""``flask --app app jobs worker``: run jobs in this process, away from the web.

With ``JOB_BACKEND = "local"`` it runs the local pool (the web processes then run with
``JOB_WORKERS = 0``, so restarting them never touches a running job); with
``"celery"`` it is a Celery worker on ``REDIS_URL``. Either way it runs
``JOB_WORKERS`` jobs at once (``--concurrency`` overrides it). With ``--callbacks``
(Celery only) it serves the pages' background callbacks instead: a worker of their own,
so a long forecast never keeps a page waiting for a free job slot.
"""

from __future__ import annotations

import os
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
@click.option(
    "--callbacks",
    is_flag=True,
    help="Serve the pages' background callbacks instead of jobs (JOB_BACKEND=celery).",
)
def worker(concurrency: int | None, callbacks: bool) -> None:
    """Run jobs until stopped (Ctrl+C or SIGTERM)."""
    workers = concurrency or max(1, int(config.settings.JOB_WORKERS))
    timeout = float(config.settings.JOB_HEARTBEAT_TIMEOUT_S)
    if callbacks:
        if job_backend.name() != "celery":
            raise click.UsageError(
                'With JOB_BACKEND = "local" the web process runs background '
                'callbacks itself; --callbacks needs JOB_BACKEND = "celery".'
            )
        from app import callbacks_celery  # the module `flask --app app` has loaded

        callbacks_celery().worker_main(
            [
                "worker",
                # threads: Celery's default pool forks, and forking after Polars
                # has run hangs the child.
                "--pool=threads",
                f"--concurrency={workers}",
                "--queues=callbacks",
                f"--hostname=forecast-studio-callbacks-{os.getpid()}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ]
        )
        return
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
