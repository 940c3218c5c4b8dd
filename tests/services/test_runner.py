"""The job runner: workers in separate processes, cancel, failures, crash recovery."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from services import db, jobs
from services.errors import ConflictError
from services.runner import (
    JOB_ID_VARIABLE,
    JobRunner,
    _pid_alive,
    execute,
    recover_interrupted,
)
from tests.services.job_kinds_for_tests import KINDS as HANDLERS


def wait_until(condition: Callable[[], Any], timeout: float = 60) -> Any:
    """Poll a condition on state until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _record(job_id: str) -> db.Job:
    with db.session() as s:
        return s.get_one(db.Job, job_id)


@pytest.fixture
def runner(database: None) -> Iterator[JobRunner]:
    runner = JobRunner(
        workers=2, kinds=HANDLERS, poll_interval_s=0.05, cancel_grace_s=5
    )
    runner.start()
    yield runner
    runner.stop()


def _running_pid(job_id: str) -> int:
    def started() -> int | None:
        job = _record(job_id)
        return job.worker_pid if job.status == "running" and job.progress > 0 else None

    return int(wait_until(started))


def test_a_job_succeeds_with_its_result(runner: JobRunner, make_account: Any) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "quick", {})
    done = wait_until(lambda: (j := jobs.get_job(owner, job.id)).ended and j)
    assert (done.status, done.result_ref, done.progress) == ("succeeded", "0" * 32, 1.0)


def test_cancel_stops_a_running_job(runner: JobRunner, make_account: Any) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "slow", {})
    _running_pid(job.id)
    jobs.cancel(owner, job.id)
    done = wait_until(lambda: (j := jobs.get_job(owner, job.id)).ended and j)
    assert done.status == "cancelled"
    with pytest.raises(ConflictError):
        jobs.cancel(owner, job.id)


def test_cancel_before_start_needs_no_worker(database: None, make_account: Any) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "slow", {})
    assert jobs.cancel(owner, job.id).status == "cancelled"


@pytest.mark.parametrize(
    "kind,message",
    [
        ("broken", "internal error"),
        ("refuses", "This input cannot be used, because of X."),
    ],
)
def test_failures_become_readable_messages(
    runner: JobRunner, make_account: Any, kind: str, message: str
) -> None:
    owner = make_account().id
    job = jobs.submit(owner, kind, {})
    done = wait_until(lambda: (j := jobs.get_job(owner, job.id)).ended and j)
    assert done.status == "failed"
    assert done.error is not None and message in done.error
    assert "Traceback" not in done.error


def test_a_killed_worker_is_noticed_by_its_runner(
    runner: JobRunner, make_account: Any
) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "slow", {})
    os.kill(_running_pid(job.id), signal.SIGKILL)
    done = wait_until(lambda: (j := jobs.get_job(owner, job.id)).ended and j)
    assert done.status == "interrupted"
    assert "interrupted" in done.message and "Start it again" in done.message


def test_a_job_whose_worker_died_with_the_server_is_interrupted_at_restart(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    first = JobRunner(workers=1, kinds=HANDLERS, poll_interval_s=0.05)
    first.start()
    job = jobs.submit(owner, "slow", {})
    pid = _running_pid(job.id)
    first.stop(terminate=False)  # the server goes away without cleaning up…
    os.kill(pid, signal.SIGKILL)  # …and its worker dies with it
    wait_until(lambda: not _pid_alive(pid))
    second = JobRunner(workers=1, kinds=HANDLERS, poll_interval_s=0.05)
    second.start()
    try:
        done = jobs.get_job(owner, job.id)
        assert done.status == "interrupted"
        assert done.message.startswith("This run was interrupted")
    finally:
        second.stop()


def _claim_and_die(kinds: list[str]) -> None:
    """A server that claims a job and dies before its worker starts."""
    jobs.claim_next(socket.gethostname(), kinds, os.getpid())
    os._exit(0)


def _running(owner: int, **record: Any) -> str:
    """A job the database says is running, as a dead or distant server left it."""
    job = jobs.submit(owner, "slow", {})
    with db.session() as s:
        row = s.get_one(db.Job, job.id)
        row.status, row.message = "running", "Starting"
        row.started_at = row.heartbeat_at = record.pop("beat", db.utcnow())
        for name, value in record.items():
            setattr(row, name, value)
    return job.id


def test_a_job_whose_server_died_before_its_worker_started_is_interrupted_at_restart(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "slow", {})
    server = multiprocessing.get_context("spawn").Process(
        target=_claim_and_die, args=(list(HANDLERS),)
    )
    server.start()
    server.join(timeout=60)
    claimed = _record(job.id)
    assert (claimed.status, claimed.worker_pid) == ("running", server.pid)
    restarted = JobRunner(workers=1, kinds=HANDLERS, poll_interval_s=0.05)
    restarted.start()  # heartbeat_timeout_s is 120: only the dead claimer tells
    try:
        done = jobs.get_job(owner, job.id)
        assert done.status == "interrupted" and "Start it again" in done.message
    finally:
        restarted.stop()


def test_at_start_a_job_with_no_recorded_worker_here_is_interrupted(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    here = _running(owner, worker_host=socket.gethostname(), worker_pid=None)
    assert recover_interrupted(socket.gethostname(), 120) == 0  # a sweep waits
    recover_interrupted(socket.gethostname(), 120, at_start=True)
    assert jobs.get_job(owner, here).status == "interrupted"


def test_jobs_of_workers_elsewhere_are_left_to_their_heartbeat(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    gone = 2**22 + 1  # no process has this number here, and it does not matter
    elsewhere = _running(owner, worker_host="another-host", worker_pid=gone)
    silent = _running(
        owner,
        worker_host="another-host",
        worker_pid=gone,
        beat=db.utcnow() - timedelta(seconds=600),
    )
    recover_interrupted(socket.gethostname(), 120, at_start=True)
    assert jobs.get_job(owner, elsewhere).status == "running"
    assert jobs.get_job(owner, silent).status == "interrupted"
    jobs.finish(elsewhere, "cancelled", "Cancelled")


def test_reading_a_job_whose_worker_fell_silent_ends_it(
    database: None, make_account: Any
) -> None:
    """No runner left to sweep (every worker lost): the next reader marks the job."""
    owner = make_account().id
    old = db.utcnow() - timedelta(seconds=600)  # JOB_HEARTBEAT_TIMEOUT_S is 120
    listed = _running(owner, worker_host="lost-host", beat=old)
    read = _running(owner, worker_host="lost-host", beat=old)
    alive = _running(owner, worker_host="lost-host")
    done = jobs.get_job(owner, read)
    assert done.status == "interrupted" and "Start it again" in done.message
    assert {j.id: j.status for j in jobs.list_jobs(owner)}[listed] == "interrupted"
    assert jobs.get_job(owner, alive).status == "running"
    jobs.finish(alive, "cancelled", "Cancelled")


def test_a_process_that_reuses_a_dead_workers_number_does_not_keep_its_job(
    database: None, make_account: Any
) -> None:
    owner = make_account().id
    beat = db.utcnow() - timedelta(seconds=30)  # recent enough for the heartbeat rule
    newcomer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        job_id = _running(
            owner, worker_host=socket.gethostname(), worker_pid=newcomer.pid, beat=beat
        )
        recover_interrupted(socket.gethostname(), 120, at_start=True)
        assert jobs.get_job(owner, job_id).status == "interrupted"
    finally:
        newcomer.kill()
        newcomer.wait()


def test_a_live_worker_of_another_runner_here_keeps_its_job(
    runner: JobRunner, make_account: Any
) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "slow", {})
    _running_pid(job.id)
    second = JobRunner(workers=1, kinds=HANDLERS, poll_interval_s=0.05)
    second.start()  # another web process of this host starts
    try:
        assert jobs.get_job(owner, job.id).status == "running"
    finally:
        second.stop()
        jobs.cancel(owner, job.id)


def test_the_worker_records_itself_and_beats_before_importing_its_handler(
    runner: JobRunner, make_account: Any
) -> None:
    owner = make_account().id
    job = jobs.submit(owner, "at_import", {})
    done = wait_until(lambda: (j := jobs.get_job(owner, job.id)).ended and j)
    assert done.status == "succeeded", done
    assert done.result_ref is not None and done.result_ref.startswith("11")


def test_execute_runs_only_a_job_claimed_for_this_host(
    database: None, make_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # execute() names its job in the environment and the log format: undone after.
    monkeypatch.setenv(JOB_ID_VARIABLE, "-")
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    monkeypatch.setattr(logging.root, "level", logging.root.level)
    owner = make_account().id
    queued = jobs.submit(owner, "quick", {})
    assert execute(queued.id, HANDLERS) is None  # nobody claimed it
    assert jobs.get_job(owner, queued.id).status == "queued"
    assert jobs.claim(queued.id, socket.gethostname(), os.getpid())
    assert not jobs.claim(queued.id, socket.gethostname(), os.getpid())  # once
    assert execute(queued.id, HANDLERS) == "succeeded"
    assert execute(queued.id, HANDLERS) is None  # ended: never run again
    assert jobs.get_job(owner, queued.id).result_ref == "0" * 32
