"""Durable job records: submit, read, cancel, and report progress from a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

import config
from services import db
from services.errors import ConflictError, JobCancelledError, NotFoundError
from services.telemetry import logs, tracing

ENDED = ("succeeded", "failed", "cancelled", "interrupted")
# Keys ``submit`` adds to a job's parameters: where the job came from (for its logs and
# traces), not what to do. Handlers and owners see the parameters without them.
ORIGIN_KEYS = ("request_id", "traceparent")
INTERRUPTED = (
    "This run was interrupted: the worker running it stopped before it "
    "finished. Start it again."
)


@dataclass(frozen=True)
class JobInfo:
    """A job as its owner sees it."""

    id: str
    kind: str
    params: dict[str, Any]
    status: str
    progress: float
    message: str
    error: str | None
    result_ref: str | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def ended(self) -> bool:
        """Whether the job will not change any more."""
        return self.status in ENDED


def handler_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """A job's parameters as its handler gets them: without ``ORIGIN_KEYS``."""
    return {k: v for k, v in (params or {}).items() if k not in ORIGIN_KEYS}


def origin(job_id: str) -> dict[str, str]:
    """Where a job came from: ``request_id`` and ``traceparent``, when known."""
    with db.session() as s:
        params = s.get_one(db.Job, job_id).params or {}
        return {k: str(params[k]) for k in ORIGIN_KEYS if params.get(k)}


def last_beat(job: db.Job) -> datetime:
    """The job's last sign of life: its heartbeat, else its start, else its submission.

    Times read back without a zone (SQLite) are UTC, as ``db.utcnow`` wrote them.
    """
    beat = job.heartbeat_at or job.started_at or job.created_at
    return beat if beat.tzinfo is not None else beat.replace(tzinfo=UTC)


def stale(job: db.Job, timeout_s: float) -> bool:
    """Whether a running job's worker has been silent for longer than ``timeout_s``.

    Parameters
    ----------
    job
        The job's record.
    timeout_s
        Seconds of silence (no heartbeat, no progress) after which the worker is
        taken for dead: the ``JOB_HEARTBEAT_TIMEOUT_S`` setting, or a runner's own.

    """
    if job.status != "running":
        return False
    return db.utcnow() - last_beat(job) > timedelta(seconds=timeout_s)


def _notice_stale(s: Any, job: db.Job) -> None:
    """A reader ends a job whose worker died, even when no runner is left to sweep."""
    if stale(job, float(config.settings.JOB_HEARTBEAT_TIMEOUT_S)):
        s.execute(
            update(db.Job)
            .where(
                db.Job.id == job.id,
                db.Job.status == "running",
                db.Job.heartbeat_at == job.heartbeat_at,
            )
            .values(
                status="interrupted",
                message=INTERRUPTED,
                error=INTERRUPTED,
                finished_at=db.utcnow(),
            )
        )
        s.refresh(job)


def _info(job: db.Job) -> JobInfo:
    return JobInfo(
        job.id,
        job.kind,
        handler_params(job.params),
        job.status,
        job.progress,
        job.message,
        job.error,
        job.result_ref,
        job.created_at,
        job.finished_at,
    )


def _origin() -> dict[str, str]:
    """The request (and trace) submitting a job, for the job's logs and spans."""
    request_id = logs.current_request_id()
    return {**({"request_id": request_id} if request_id else {}), **tracing.carrier()}


def submit(user_id: int, kind: str, params: dict[str, Any]) -> JobInfo:
    """Queue a job for the user; a worker picks it up when one is free.

    The params also record the request that submitted the job (``request_id``) and,
    when tracing, its trace (``traceparent``): see ``origin``.
    """
    from services import job_backend  # the Celery client loads only when used

    with db.session() as s:
        job = db.Job(
            id=db.new_id(),
            user_id=user_id,
            kind=kind,
            params={**params, **_origin()},
            status="queued",
            progress=0.0,
            message="Waiting for a free worker",
        )
        s.add(job)
        s.flush()
        info = _info(job)
    job_backend.dispatch(info.id)  # after the commit: the record is there to claim
    return info


def _owned(s: Any, user_id: int, job_id: str) -> db.Job:
    job = s.get(db.Job, job_id) if isinstance(job_id, str) else None
    if job is None or job.user_id != user_id:
        raise NotFoundError("This run does not exist, or it is not yours.")
    return job  # type: ignore[no-any-return]


def get_job(user_id: int, job_id: str) -> JobInfo:
    """One of the user's jobs.

    Raises
    ------
    NotFoundError
        When it does not exist or belongs to someone else.

    """
    with db.session() as s:
        job = _owned(s, user_id, job_id)
        _notice_stale(s, job)
        return _info(job)


def list_jobs(
    user_id: int,
    limit: int = 20,
    kinds: tuple[str, ...] | None = None,
    forecast_id: str | None = None,
    dataset_id: str | None = None,
) -> list[JobInfo]:
    """The user's most recent jobs (of these kinds, of one forecast or dataset)."""
    query = select(db.Job).where(db.Job.user_id == user_id)
    if kinds:
        query = query.where(db.Job.kind.in_(kinds))
    if forecast_id:
        query = query.where(db.Job.params["forecast_id"].as_string() == forecast_id)
    if dataset_id:
        query = query.where(db.Job.params["dataset_id"].as_string() == dataset_id)
    with db.session() as s:
        rows = list(s.scalars(query.order_by(db.Job.created_at.desc()).limit(limit)))
        for job in rows:
            _notice_stale(s, job)
        return [_info(j) for j in rows]


def cancel(user_id: int, job_id: str) -> JobInfo:
    """Ask a job to stop: a queued job stops at once, a running one at its next step.

    Raises
    ------
    ConflictError
        When the job has already ended.

    """
    from services import job_backend

    with db.session() as s:
        job = _owned(s, user_id, job_id)
        if job.status in ENDED:
            raise ConflictError(
                f"This run has already ended ({job.status}).", code="job_ended"
            )
        job.cancel_requested = True
        if job.status == "queued":
            job.status, job.message = "cancelled", "Cancelled before it started"
            job.finished_at = db.utcnow()
        else:
            job.message = "Stopping…"
        info = _info(job)
    job_backend.revoke(job_id)
    return info


# The worker's side. These calls trust the job id: it came from the record, not a user.


def claim_next(host: str, kinds: list[str], pid: int | None = None) -> db.Job | None:
    """Atomically take the oldest queued job of these kinds, or ``None``.

    Several processes may claim at once; each job goes to exactly one of them
    (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL).

    ``pid`` is the claiming process, recorded with the host in the same statement:
    until the worker records itself, the job lives and dies with the claimer.
    """
    queued = (
        select(db.Job.id)
        .where(db.Job.status == "queued", db.Job.kind.in_(kinds))
        .order_by(db.Job.created_at)
    )
    with db.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            # The row stays locked until this claim commits; other claimers skip it
            # and take the next one instead of waiting or taking it twice.
            queued = queued.with_for_update(skip_locked=True).limit(1)
        else:
            # SQLite has no row locks: the conditional update below decides, and a
            # claimer that loses the race tries the next few.
            queued = queued.limit(5)
        for job_id in s.scalars(queued):
            if _take(s, job_id, host, pid):
                return s.get(db.Job, job_id)
    return None


def set_worker(job_id: str, pid: int) -> None:
    """Remember which process runs the job; it is alive now (a heartbeat)."""
    with db.session() as s:
        s.execute(
            update(db.Job)
            .where(db.Job.id == job_id)
            .values(worker_pid=pid, heartbeat_at=db.utcnow())
        )


def report(job_id: str, progress: float, message: str) -> None:
    """Record progress (0..1) and a readable message; stop if cancellation was asked.

    Raises
    ------
    JobCancelledError
        When the owner asked to stop the job.

    """
    with db.session() as s:
        job = s.get_one(db.Job, job_id)
        if job.cancel_requested:
            raise JobCancelledError
        job.progress = max(0.0, min(1.0, progress))
        job.message = message
        job.heartbeat_at = db.utcnow()


def heartbeat(job_id: str) -> None:
    """Tell the runner the worker is alive."""
    with db.session() as s:
        s.execute(
            update(db.Job)
            .where(db.Job.id == job_id, db.Job.status == "running")
            .values(heartbeat_at=db.utcnow())
        )


def finish(
    job_id: str,
    status: str,
    message: str,
    error: str | None = None,
    result_ref: str | None = None,
) -> None:
    """Record how a job ended, unless it has ended already."""
    with db.session() as s:
        s.execute(
            update(db.Job)
            .where(db.Job.id == job_id, db.Job.status.not_in(ENDED))
            .values(
                status=status,
                message=message,
                error=error,
                result_ref=result_ref,
                finished_at=db.utcnow(),
                progress=1.0 if status == "succeeded" else db.Job.progress,
            )
        )


def running_jobs() -> list[db.Job]:
    """Every job currently marked running, on any host."""
    with db.session() as s:
        return list(s.scalars(select(db.Job).where(db.Job.status == "running")))


def cancel_requested(job_id: str) -> bool:
    """Whether the owner asked this job to stop."""
    with db.session() as s:
        return bool(s.get_one(db.Job, job_id).cancel_requested)


def claim(job_id: str, host: str, pid: int) -> bool:
    """Atomically take this queued job for process ``pid`` of ``host``.

    ``False`` when it is not queued (taken already, cancelled, ended): a job a broker
    delivers twice runs once.
    """
    with db.session() as s:
        return _take(s, job_id, host, pid)


def _take(s: Any, job_id: str, host: str, pid: int | None) -> bool:
    """Mark a queued job ``running`` for ``pid`` of ``host``, if it is still queued."""
    taken = s.execute(
        update(db.Job)
        .where(db.Job.id == job_id, db.Job.status == "queued")
        .values(
            status="running",
            worker_host=host,
            worker_pid=pid,
            started_at=db.utcnow(),
            heartbeat_at=db.utcnow(),
            message="Starting",
        )
    ).rowcount
    return bool(taken)
