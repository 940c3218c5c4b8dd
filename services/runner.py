"""Running jobs: ``execute(job_id)``, and the local pool of worker processes.

``execute`` is the one function any backend calls to run a job, in a process of its
own. The local ``JobRunner`` (a bounded pool, one process per job) and the Celery task
(``run_job``) both claim a job, start ``execute`` in a child, and watch the child:
they stop a cancelled one that does not stop by itself and mark a job whose worker
died as ``interrupted``. Workers are started with ``forkserver`` (or ``spawn``), never
plain ``fork``: a process forked after Polars has run hangs on its first Polars call.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import socket
import threading
import time
import traceback
from collections.abc import Mapping
from datetime import datetime
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import config
from services import db, jobs
from services.errors import JobCancelledError, ServiceError
from services.job_kinds import KINDS, JobContext, Loader
from services.jobs import INTERRUPTED
from services.telemetry import logs, tracing

log = logging.getLogger(__name__)

# Imported once in the fork server, so no job waits for the model libraries (or, for
# a report, for WeasyPrint, Plotly and Kaleido; or for MLflow).
PRELOAD = (
    "services.forecasts",
    "darts.models",
    "services.reports.exports",
    "mlflow.tracking",
)
ORPHANED = (
    f"{INTERRUPTED} (The worker that started it stopped, so nothing could have "
    "stopped it on request.)"
)

# Seconds between a worker's heartbeats.
HEARTBEAT_S = 5.0
# A process started this long after the job's last sign of life cannot be its worker:
# the number was reused by another process (the clocks compared are this host's).
PID_REUSE_SLACK_S = 2.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_started(pid: int) -> float | None:
    """When a process started, in seconds since the epoch (from ``/proc``).

    ``None`` where that cannot be read: not Linux, or the process has gone.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            line.split()[1]
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        # Field 22, counted after the command name (which may hold spaces).
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    return int(boot) + ticks / os.sysconf("SC_CLK_TCK")


def worker_alive(pid: int, alive_at: datetime) -> bool:
    """Whether process ``pid`` of this host still runs the job it was recorded for.

    Parameters
    ----------
    pid
        The process recorded for the job.
    alive_at
        A time the recorded process is known to have existed (the job's last
        heartbeat): a process with that number started later is another one.

    """
    if not _pid_alive(pid):
        return False
    started = _process_started(pid)
    return started is None or started <= alive_at.timestamp() + PID_REUSE_SLACK_S


def recover_interrupted(
    host: str, heartbeat_timeout_s: float, at_start: bool = False
) -> int:
    """Mark running jobs whose worker is gone as interrupted; return how many.

    A job run on this host is interrupted as soon as its recorded process (the
    runner that claimed it, then its worker) is gone; at start-up also when no
    process was recorded. A job run elsewhere is interrupted when its heartbeat is
    older than ``heartbeat_timeout_s``.
    """
    count = 0
    for job in jobs.running_jobs():
        gone = job.worker_host == host and (
            at_start
            if job.worker_pid is None
            else not worker_alive(job.worker_pid, jobs.last_beat(job))
        )
        if jobs.stale(job, heartbeat_timeout_s) or gone:
            jobs.finish(job.id, "interrupted", INTERRUPTED, error=INTERRUPTED)
            count += 1
    return count


JOB_ID_VARIABLE = "FORECAST_STUDIO_JOB_ID"
REQUEST_ID_VARIABLE = "FORECAST_STUDIO_REQUEST_ID"


def log_with_job_id() -> None:
    """Log JSON lines to stderr naming the running job and the request that made it.

    Both ids come from the environment, so the processes a job starts log them too.
    """
    logs.configure(
        str(config.settings.LOG_LEVEL),
        job_id=os.environ.get(JOB_ID_VARIABLE),
        request_id=os.environ.get(REQUEST_ID_VARIABLE),
    )


def execute(job_id: str, kinds: Mapping[str, Loader] = KINDS) -> str | None:
    """Run one job in this process, from its record to how it ended.

    It claims nothing: its backend has claimed the job for this host (the job is
    ``running`` with this host recorded) and started this process for it. It records
    itself as the job's worker, beats every ``HEARTBEAT_S``, loads the job's handler,
    runs it, and records the result, the failure or the cancel. If the process that
    started it dies, the job ends ``interrupted`` and so does this process.

    Returns
    -------
    str | None
        The status the job ended with; ``None`` when the job was not claimed for this
        host (it is then left alone).

    """
    # Every line this job (and the workers it starts) logs names the job.
    # (Set per job, not per process: a Celery worker's thread runs many.)
    os.environ[JOB_ID_VARIABLE] = job_id
    with db.session() as s:
        job = s.get(db.Job, job_id)
        if job is None or job.status != "running" or job.worker_host != _HOST:
            log_with_job_id()
            log.warning("job %s is not claimed for this host; not run", job_id)
            return None
        context = JobContext(job.id, job.user_id, jobs.handler_params(job.params))
        kind, origin = job.kind, dict(job.params or {})
    os.environ[REQUEST_ID_VARIABLE] = str(origin.get("request_id", ""))
    log_with_job_id()
    # This process is the job's worker from now on, and beats before the first slow
    # import (a handler's module may take seconds to load the model libraries).
    jobs.set_worker(job_id, os.getpid())
    stop = threading.Event()
    starter = multiprocessing.parent_process()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_S):
            if starter is not None and not starter.is_alive():
                jobs.finish(job_id, "interrupted", ORPHANED, error=INTERRUPTED)
                os._exit(1)  # its own workers see their parent go and end too
            jobs.heartbeat(job_id)

    threading.Thread(target=beat, name="job-heartbeat", daemon=True).start()
    try:
        with tracing.job_span(job_id, kind, origin):
            result = kinds[kind]()(context)
        status, message, error = "succeeded", "Done", None
    except JobCancelledError:
        status, message, error, result = "cancelled", "Cancelled", None, None
    except ServiceError as exc:
        status, message, error, result = "failed", exc.message, exc.message, None
    except Exception:
        log.error("job %s failed:\n%s", job_id, traceback.format_exc())
        message = "The run failed because of an internal error. It has been logged."
        status, error, result = "failed", message, None
    finally:
        stop.set()
    jobs.finish(job_id, status, message, error=error, result_ref=result)
    return status


_HOST = socket.gethostname()


@functools.cache
def worker_context(start_method: str = "forkserver") -> Any:
    """The multiprocessing context jobs start in (the fork server preloads once)."""
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    return context


def start_worker(job_id: str, kinds: Mapping[str, Loader] = KINDS) -> BaseProcess:
    """A child process running ``execute(job_id)``, started."""
    proc: BaseProcess = worker_context().Process(
        target=execute,
        args=(job_id, kinds),
        name=f"job-{job_id[:8]}",
        # Not a daemon: a forecast spreads its series over worker processes of its
        # own (services.parallel).
        daemon=False,
    )
    proc.start()
    jobs.set_worker(job_id, proc.pid or 0)
    return proc


def watch(
    job_id: str, proc: BaseProcess, cancel_seen: float | None, grace_s: float
) -> tuple[bool, float | None]:
    """One look at a job's worker process: is the job over, since when is it cancelled.

    A worker that exited leaves its job ``interrupted`` unless it ended it; one that
    has not stopped ``grace_s`` seconds after a cancel is terminated.
    """
    if not proc.is_alive():
        proc.join()
        jobs.finish(
            job_id,
            "interrupted",
            f"{INTERRUPTED} (The worker exited with code {proc.exitcode}.)",
            error=INTERRUPTED,
        )
        return True, cancel_seen
    if jobs.cancel_requested(job_id):
        now = time.monotonic()
        if cancel_seen is None:
            return False, now
        if now - cancel_seen > grace_s:
            proc.terminate()
            proc.join(timeout=5)
            jobs.finish(job_id, "cancelled", "Cancelled")
            return True, cancel_seen
    return False, cancel_seen


def run_job(job_id: str, cancel_grace_s: float = 10.0, poll_s: float = 0.5) -> bool:
    """Claim a queued job and run it in a child process, watching it to its end.

    What a Celery task does. ``False`` when the job was not queued (a second delivery,
    or a job cancelled before it started): it is not run again.
    """
    if not jobs.claim(job_id, _HOST, os.getpid()):
        log.info("job %s is not queued; not run again", job_id)
        return False
    proc = start_worker(job_id)
    over, cancel_seen = False, None
    while not over:
        proc.join(poll_s)
        over, cancel_seen = watch(job_id, proc, cancel_seen, cancel_grace_s)
    return True


def sweep(
    heartbeat_timeout_s: float, stop: threading.Event, every_s: float = 5.0
) -> None:
    """Until ``stop`` is set, mark jobs whose worker died ``interrupted``."""
    while not stop.wait(every_s):
        try:
            recover_interrupted(_HOST, heartbeat_timeout_s)
        except Exception:  # the sweeper must outlive a database hiccup
            log.exception("sweeping interrupted jobs failed")


class JobRunner:
    """Runs queued jobs in at most ``workers`` processes at a time.

    Parameters
    ----------
    workers
        How many jobs run at once.
    kinds
        Job kind → the loader of its handler (by default ``job_kinds.KINDS``).
    cancel_grace_s
        How long a running job may take to notice a cancel before it is terminated.

    """

    def __init__(
        self,
        workers: int = 2,
        kinds: Mapping[str, Loader] | None = None,
        heartbeat_timeout_s: float = 120.0,
        cancel_grace_s: float = 10.0,
        poll_interval_s: float = 0.25,
    ) -> None:
        self.workers = max(1, workers)
        self.kinds = kinds or KINDS
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self.cancel_grace_s = cancel_grace_s
        self.poll_interval_s = poll_interval_s
        self.host = _HOST
        self._active: dict[str, tuple[BaseProcess, float | None]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @property
    def active_processes(self) -> dict[str, BaseProcess]:
        """Job id → the worker process running it (for operators and tests)."""
        return {job_id: proc for job_id, (proc, _) in self._active.items()}

    def ensure_running(self) -> None:
        """Start unless already running (safe to call from every request thread)."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self.start()

    def start(self) -> None:
        """Recover interrupted jobs, then run queued ones in a background thread."""
        recover_interrupted(self.host, self.heartbeat_timeout_s, at_start=True)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name="job-runner", daemon=True
        )
        self._thread.start()

    def stop(self, terminate: bool = True) -> None:
        """Stop taking jobs.

        With ``terminate``, end running workers and mark their jobs interrupted;
        without, leave them as a crashed server would, for the next start to recover.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for job_id, (proc, _) in list(self._active.items()):
            if not terminate:
                continue
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=5)
            jobs.finish(job_id, "interrupted", INTERRUPTED, error=INTERRUPTED)
        self._active.clear()

    def _loop(self) -> None:
        last_sweep = time.monotonic()
        try:
            while not self._stop.is_set():
                try:
                    self._tick()
                    if time.monotonic() - last_sweep > 10:
                        recover_interrupted(self.host, self.heartbeat_timeout_s)
                        last_sweep = time.monotonic()
                except Exception:  # the runner must outlive any one bad tick
                    log.exception("job runner tick failed")
                self._stop.wait(self.poll_interval_s)
        except SystemExit:  # the server is shutting its threads down
            return

    def _tick(self) -> None:
        for job_id, (proc, cancel_seen) in list(self._active.items()):
            over, cancel_seen = watch(job_id, proc, cancel_seen, self.cancel_grace_s)
            if over:
                del self._active[job_id]
            else:
                self._active[job_id] = (proc, cancel_seen)
        while len(self._active) < self.workers and not self._stop.is_set():
            # Claimed in this process's name: if it dies before the worker starts
            # (a cold fork server takes seconds), the next start sees it gone.
            job = jobs.claim_next(self.host, list(self.kinds), os.getpid())
            if job is None:
                break
            # stop() ends the workers at shutdown (app.py registers it at exit).
            self._active[job.id] = (start_worker(job.id, self.kinds), None)
