"""Jobs on Celery workers with Redis as broker: a task carries only the job's id.

The job record stays the source of truth. A task is sent with ``task_id`` = the job's
id, so a cancel can revoke it without another column. Tasks are acknowledged when a
worker takes them (``acks_late`` off): a broker never hands a job to a second worker
because the first one died. A lost worker is caught by its job's heartbeat instead,
and ``runner.run_job`` claims only a ``queued`` job, so a repeated delivery is a no-op.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
from typing import Any

import config
from services import runner

TASK = "forecast_studio.run_job"


def redis_url() -> str:
    """The broker and result store of the Celery backend.

    Raises
    ------
    RuntimeError
        When ``REDIS_URL`` is empty (at start-up, with a message that says so).

    """
    url = str(config.settings.get("REDIS_URL") or "").strip()
    if not url:
        raise RuntimeError(
            'JOB_BACKEND = "celery" needs REDIS_URL (for example '
            "redis://127.0.0.1:6379/0): Celery uses that Redis as its broker."
        )
    return url


def _run(job_id: str) -> bool:
    """The task: run one queued job to its end in a child process of this worker."""
    return runner.run_job(job_id)


@functools.cache
def celery_app() -> Any:
    """The Celery application on ``REDIS_URL`` (one per process)."""
    from celery import Celery

    url = redis_url()
    app = Celery("forecast_studio", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_acks_late=False,
        task_reject_on_worker_lost=False,
        task_ignore_result=True,
        # A worker takes only the jobs it can start now (no prefetch: Redis only);
        # the others stay queued for any free worker, so a worker that dies holds
        # no job it had not started.
        worker_prefetch_multiplier=1,
        worker_disable_prefetch=True,
        # Tasks are acknowledged as they start, so only a message fetched but not
        # yet started is ever unacknowledged: if its worker died just then, Redis
        # gives it to another worker after this long (not the default hour).
        broker_transport_options={"visibility_timeout": 300},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_default_queue="forecast-studio-jobs",
    )
    app.task(name=TASK, ignore_result=True)(_run)
    return app


def send(job_id: str) -> None:
    """Queue the Celery task that runs this job."""
    celery_app().send_task(TASK, args=[job_id], task_id=job_id)


def revoke(job_id: str) -> None:
    """Drop the job's task if no worker has taken it yet.

    The cancel flag does the rest: a running job stops at its next step, or its
    watcher terminates it.
    """
    celery_app().control.revoke(job_id, terminate=True)


def run_worker(concurrency: int, heartbeat_timeout_s: float) -> None:
    """Run a Celery worker in this process until it is stopped.

    The ``threads`` pool: each job runs in a child process that this worker starts
    (by the fork server), watches and can terminate; Celery's prefork children are
    daemonic and could not start the processes a forecast spreads its series over.
    A sweeper marks jobs whose worker died ``interrupted``.
    """
    stop = threading.Event()
    threading.Thread(
        target=runner.sweep, args=(heartbeat_timeout_s, stop), daemon=True
    ).start()
    runner.recover_interrupted(socket.gethostname(), heartbeat_timeout_s)
    try:
        celery_app().worker_main(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={max(1, concurrency)}",
                # Unique per worker, so several can run on one host.
                f"--hostname=forecast-studio-{os.getpid()}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ]
        )
    finally:
        stop.set()
