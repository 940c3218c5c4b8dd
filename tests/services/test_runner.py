"""The job runner: workers in separate processes, cancel, failures, crash recovery."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from services import db, jobs
from services.errors import ConflictError
from services.runner import JobRunner, _pid_alive

HANDLERS = {
    kind: f"tests.services.job_handlers:{kind}"
    for kind in ("slow", "broken", "refuses", "quick")
}


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
        workers=2, handlers=HANDLERS, poll_interval_s=0.05, cancel_grace_s=5
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
    first = JobRunner(workers=1, handlers=HANDLERS, poll_interval_s=0.05)
    first.start()
    job = jobs.submit(owner, "slow", {})
    pid = _running_pid(job.id)
    first.stop(terminate=False)  # the server goes away without cleaning up…
    os.kill(pid, signal.SIGKILL)  # …and its worker dies with it
    wait_until(lambda: not _pid_alive(pid))
    second = JobRunner(workers=1, handlers=HANDLERS, poll_interval_s=0.05)
    second.start()
    try:
        done = jobs.get_job(owner, job.id)
        assert done.status == "interrupted"
        assert done.message.startswith("This run was interrupted")
    finally:
        second.stop()
