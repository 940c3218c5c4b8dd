"""The local job runner: a bounded pool of worker processes, one process per job.

Workers are started with ``forkserver`` (or ``spawn``), never plain ``fork``: a process
forked after Polars has run hangs on its first Polars call. The runner claims queued
jobs from the database, watches its workers, stops cancelled ones that do not stop by
themselves, and marks jobs whose worker died as ``interrupted``.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from services import db, jobs
from services.errors import JobCancelledError, ServiceError

log = logging.getLogger(__name__)

HANDLERS = {
    "forecast": "services.forecasts:run_forecast_job",
    "analysis": "services.analysis:run_analysis_job",
    "report": "services.reports.exports:run_report_job",
}
INTERRUPTED = (
    "This run was interrupted: the worker running it stopped before it "
    "finished. Start it again."
)


@dataclass
class JobContext:
    """What a job handler gets: the owner, the parameters, and a way to report."""

    job_id: str
    user_id: int
    params: dict[str, Any] = field(default_factory=dict)

    def progress(self, fraction: float, message: str) -> None:
        """Report progress; raise ``JobCancelledError`` if the owner asked to stop."""
        jobs.report(self.job_id, fraction, message)

    def cancelled(self) -> bool:
        """Whether the owner asked to stop."""
        return jobs.cancel_requested(self.job_id)


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
    now = db.utcnow()
    count = 0
    for job in jobs.running_jobs():
        beat = job.heartbeat_at or job.started_at or job.created_at
        if beat.tzinfo is None:
            beat = beat.replace(tzinfo=now.tzinfo)
        stale = now - beat > timedelta(seconds=heartbeat_timeout_s)
        gone = job.worker_host == host and (
            at_start
            if job.worker_pid is None
            else not worker_alive(job.worker_pid, beat)
        )
        if stale or gone:
            jobs.finish(job.id, "interrupted", INTERRUPTED, error=INTERRUPTED)
            count += 1
    return count


JOB_ID_VARIABLE = "FORECAST_STUDIO_JOB_ID"


def log_with_job_id() -> None:
    """Log to stderr with the running job's id (from the environment) on each line."""
    job_id = os.environ.get(JOB_ID_VARIABLE, "-")
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s %(levelname)s job {job_id} %(name)s: %(message)s",
        force=True,
    )


def _work(job_id: str, handler_path: str) -> None:
    """Run one job in a worker process and record how it ended."""
    # Every line this job (and the workers it starts) logs names the job.
    os.environ[JOB_ID_VARIABLE] = job_id
    log_with_job_id()
    # This process is the job's worker from now on, and beats before the first slow
    # import (a handler's module may take seconds to load the model libraries).
    jobs.set_worker(job_id, os.getpid())
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_S):
            jobs.heartbeat(job_id)

    threading.Thread(target=beat, name="job-heartbeat", daemon=True).start()
    try:
        module_name, function_name = handler_path.split(":")
        handler: Callable[[JobContext], str | None] = getattr(
            importlib.import_module(module_name), function_name
        )
        with db.session() as s:
            job = s.get_one(db.Job, job_id)
            context = JobContext(job.id, job.user_id, dict(job.params or {}))
        result = handler(context)
        jobs.finish(job_id, "succeeded", "Done", result_ref=result)
    except JobCancelledError:
        jobs.finish(job_id, "cancelled", "Cancelled")
    except ServiceError as exc:
        jobs.finish(job_id, "failed", exc.message, error=exc.message)
    except Exception:
        log.error("job %s failed:\n%s", job_id, traceback.format_exc())
        message = "The run failed because of an internal error. It has been logged."
        jobs.finish(job_id, "failed", message, error=message)
    finally:
        stop.set()


class JobRunner:
    """Runs queued jobs in at most ``workers`` processes at a time.

    Parameters
    ----------
    workers
        How many jobs run at once.
    handlers
        Job kind → ``"module:function"`` taking a ``JobContext`` and returning a
        result reference (or ``None``).
    cancel_grace_s
        How long a running job may take to notice a cancel before it is terminated.

    """

    def __init__(
        self,
        workers: int = 2,
        handlers: dict[str, str] | None = None,
        heartbeat_timeout_s: float = 120.0,
        cancel_grace_s: float = 10.0,
        poll_interval_s: float = 0.25,
        start_method: str = "forkserver",
        preload: tuple[str, ...] = (),
    ) -> None:
        self.workers = max(1, workers)
        self.handlers = handlers or HANDLERS
        self.heartbeat_timeout_s = heartbeat_timeout_s
        self.cancel_grace_s = cancel_grace_s
        self.poll_interval_s = poll_interval_s
        self.host = socket.gethostname()
        self._context: Any = multiprocessing.get_context(start_method)
        if start_method == "forkserver" and preload:
            self._context.set_forkserver_preload(list(preload))
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
            if not proc.is_alive():
                proc.join()
                del self._active[job_id]
                jobs.finish(
                    job_id,
                    "interrupted",
                    f"{INTERRUPTED} (The worker exited with code {proc.exitcode}.)",
                    error=INTERRUPTED,
                )
            elif jobs.cancel_requested(job_id):
                now = time.monotonic()
                if cancel_seen is None:
                    self._active[job_id] = (proc, now)
                elif now - cancel_seen > self.cancel_grace_s:
                    proc.terminate()
                    proc.join(timeout=5)
                    del self._active[job_id]
                    jobs.finish(job_id, "cancelled", "Cancelled")
        while len(self._active) < self.workers and not self._stop.is_set():
            # Claimed in this process's name: if it dies before the worker starts
            # (a cold fork server takes seconds), the next start sees it gone.
            job = jobs.claim_next(self.host, list(self.handlers), os.getpid())
            if job is None:
                break
            handler = self.handlers[job.kind]
            proc = self._context.Process(
                target=_work,
                args=(job.id, handler),
                name=f"job-{job.id[:8]}",
                # Not a daemon: a forecast spreads its series over worker processes
                # of its own (services.parallel); stop() ends jobs at shutdown
                # (app.py registers it to run at exit).
                daemon=False,
            )
            proc.start()
            jobs.set_worker(job.id, proc.pid or 0)
            self._active[job.id] = (proc, None)
