"""The installation as an administrator sees it: models, experiments, job workers.

Which models are set up and what the others need, where experiments are tracked, and
the job workers' state. The operator's details (settings, folders, addresses) live
here and on Settings → System, for administrators only; the pages users see never
name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import config
from services import db, tracking
from services.models import CATALOG


@dataclass(frozen=True)
class ModelSetup:
    """One catalog model: ready, or what an operator must add."""

    key: str
    name: str
    family: str
    ready: bool
    instructions: str


@dataclass(frozen=True)
class RunningJob:
    """A running job as its worker last reported it (from the job record)."""

    id: str
    kind: str
    host: str | None
    pid: int | None
    started_at: datetime | None
    heartbeat_at: datetime | None
    late: bool


@dataclass(frozen=True)
class SystemStatus:
    """The installation as an administrator sees it on Settings → System."""

    models: list[ModelSetup]
    tracking_uri: str
    mlflow_ui_url: str | None
    job_backend: str
    job_workers: int
    heartbeat_timeout_s: float
    queued: int
    running: list[RunningJob]

    @property
    def missing(self) -> list[ModelSetup]:
        """The models that cannot run here yet."""
        return [m for m in self.models if not m.ready]


def without_secrets(uri: str) -> str:
    """A URI without its user name, password and query (which may carry tokens).

    Examples
    --------
    >>> without_secrets("postgresql+psycopg://mlflow:s3cret@db:5432/runs?sslmode=x")
    'postgresql+psycopg://db:5432/runs'
    >>> without_secrets("sqlite:////srv/data/mlflow.db")
    'sqlite:////srv/data/mlflow.db'

    """
    parts = urlsplit(uri)
    if "@" not in parts.netloc and not parts.query:
        return uri  # also keeps sqlite:////absolute/path whole
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


def model_setup() -> list[ModelSetup]:
    """Every catalog model, with the operator's sentence for those not set up."""
    return [
        ModelSetup(
            s.key, s.name, s.family, not s.setup_instructions, s.setup_instructions
        )
        for s in CATALOG.values()
    ]


def _running_jobs(s: Session, timeout: timedelta) -> list[RunningJob]:
    now = db.utcnow()
    found = s.scalars(
        select(db.Job).where(db.Job.status == "running").order_by(db.Job.started_at)
    )
    running = []
    for job in found:
        beat = job.heartbeat_at or job.started_at or job.created_at
        running.append(
            RunningJob(
                job.id,
                job.kind,
                job.worker_host,
                job.worker_pid,
                job.started_at,
                job.heartbeat_at,
                now - beat > timeout,
            )
        )
    return running


def status() -> SystemStatus:
    """The installation's models, experiment store and job workers, read now.

    The job counts and heartbeats come from the job records, so they cover every
    web process and worker machine that shares the database.
    """
    timeout_s = float(config.settings.JOB_HEARTBEAT_TIMEOUT_S)
    with db.session() as s:
        queued = s.scalar(
            select(func.count()).select_from(db.Job).where(db.Job.status == "queued")
        )
        running = _running_jobs(s, timedelta(seconds=timeout_s))
    return SystemStatus(
        models=model_setup(),
        tracking_uri=without_secrets(tracking.tracking_uri()),
        mlflow_ui_url=tracking.ui_url(),
        job_backend=str(config.settings.get("JOB_BACKEND", "local")),
        job_workers=int(config.settings.JOB_WORKERS),
        heartbeat_timeout_s=timeout_s,
        queued=int(queued or 0),
        running=running,
    )
