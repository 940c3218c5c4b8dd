"""gunicorn settings for `make run` and the container (address from settings)."""

import os
import shutil

from config import data_dir, settings

bind = f"{settings.HOST}:{settings.PORT}"
# One process with threads is the embedded default: its job runner owns the workers.
# More processes are fine (jobs are claimed atomically from the database).
workers = int(settings.WEB_PROCESSES)
threads = 8
timeout = 120
# The app logs every request itself, as a JSON line with its request id; gunicorn's
# own lines (workers starting and stopping) are JSON lines too.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "services.telemetry.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}
    },
}

# Each process counts its requests in files here; /metrics adds them up. Set before
# the processes start, so each imports prometheus_client already in this mode.
METRICS_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(data_dir() / "prometheus")
)


def on_starting(_server: object) -> None:
    """Start the counts afresh: the files of a previous run's processes are stale."""
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(_server: object, worker: object) -> None:
    """Forget the live-gauge values of a process that has exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
