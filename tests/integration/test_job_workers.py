"""Job workers in processes of their own: ``flask --app app jobs worker`` in a
subprocess, as a Celery worker on the real local Redis or as a local pool, sharing the
test run's database and data folder.

The Celery tests skip, with the reason, when Redis is not reachable on 127.0.0.1:6379.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES, make_dataset
from tests.integration import processes

pytestmark = pytest.mark.integration

HEARTBEAT_TIMEOUT_S = 20
# A quick forecast: one naive model on the air passengers.
QUICK = {"target": "passengers", "horizon": 3, "models": ["naive"]}


def _stop_this_process_pool() -> None:
    """Stop the local pool another test of the session started: it would take jobs."""
    app_module = sys.modules.get("app")
    if app_module is not None:
        runner = app_module.server.extensions.get("job_runner")
        if runner is not None:
            runner.stop(terminate=False)


@pytest.fixture
def celery_backend(database: None, redis_url: str) -> Iterator[str]:
    """This process submits to Celery on a Redis database of its own."""
    import config
    from services import celery_jobs

    _stop_this_process_pool()
    saved = {k: config.settings.get(k) for k in ("JOB_BACKEND", "REDIS_URL")}
    saved["JOB_HEARTBEAT_TIMEOUT_S"] = config.settings.JOB_HEARTBEAT_TIMEOUT_S
    config.settings.set("JOB_BACKEND", "celery")
    config.settings.set("REDIS_URL", redis_url)
    config.settings.set("JOB_HEARTBEAT_TIMEOUT_S", HEARTBEAT_TIMEOUT_S)
    celery_jobs.celery_app.cache_clear()
    try:
        yield redis_url
    finally:
        for key, value in saved.items():
            config.settings.set(key, value)
        celery_jobs.celery_app.cache_clear()


@pytest.fixture
def start_worker(
    celery_backend: str,
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start ``flask --app app jobs worker`` with the Celery backend (own group)."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        proc = processes.start(
            processes.WORKER,
            os.environ,
            JOB_BACKEND="celery",
            REDIS_URL=celery_backend,
            JOB_HEARTBEAT_TIMEOUT_S=HEARTBEAT_TIMEOUT_S,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        processes.stop(proc)


def _submit(owner: int, tmp_path: Path, sample: str, **wanted: Any) -> str:
    from services import forecasts
    from services.forecast_request import ForecastRequest

    dataset = make_dataset(owner, SAMPLES / sample, tmp_path)
    request = ForecastRequest.model_validate(wanted)
    return forecasts.submit_forecast(owner, dataset.id, request).id


def _wait(
    owner: int, job_id: str, until: Callable[[Any], bool], timeout: float = 300
) -> Any:
    """Poll the job's record until ``until`` holds (waiting on state, not time)."""
    from services import jobs

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get_job(owner, job_id)
        if until(job):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} never got there: {jobs.get_job(owner, job_id)}")


def _running(job: Any) -> bool:
    return bool(job.status == "running" and job.progress > 0.1 or job.ended)


def test_a_forecast_runs_on_a_celery_worker(
    start_worker: Callable[[], Any], make_account: Any, tmp_path: Path
) -> None:
    owner = make_account().id
    job_id = _submit(
        owner,
        tmp_path,
        "air_passengers.csv",
        target="passengers",
        horizon=6,
        models=["naive", "seasonal_naive"],
    )
    start_worker()
    done = _wait(owner, job_id, lambda j: j.ended)
    assert done.status == "succeeded", done
    from services import forecasts

    forecast = forecasts.get_forecast(owner, done.result_ref)
    assert forecast.horizon == 6 and forecast.model in ("naive", "seasonal_naive")


def test_a_cancelled_job_stops(
    start_worker: Callable[[], Any], make_account: Any, tmp_path: Path
) -> None:
    from services import jobs

    owner = make_account().id
    job_id = _submit(owner, tmp_path, "australian_accommodation.csv", **processes.SLOW)
    start_worker()
    running = _wait(owner, job_id, _running)
    assert running.status == "running", running
    jobs.cancel(owner, job_id)
    done = _wait(owner, job_id, lambda j: j.ended)
    assert done.status == "cancelled", done


def test_a_job_is_not_run_twice(
    celery_backend: str, make_account: Any, tmp_path: Path
) -> None:
    """A second delivery of a job's task (a broker's redelivery) runs nothing."""
    from services import jobs, runner

    owner = make_account().id
    job_id = _submit(owner, tmp_path, "air_passengers.csv", **QUICK)
    assert runner.run_job(job_id) is True
    first = jobs.get_job(owner, job_id)
    assert first.status == "succeeded", first
    assert runner.run_job(job_id) is False
    assert jobs.get_job(owner, job_id) == first


@pytest.mark.parametrize("whole_group", [False, True], ids=["worker", "host"])
def test_a_killed_worker_leaves_its_job_interrupted(
    whole_group: bool,
    start_worker: Callable[[], Any],
    make_account: Any,
    tmp_path: Path,
) -> None:
    """SIGKILL of the worker (its job's process notices), or of everything (a lost
    host: the job's record, read after the heartbeat timeout, says so)."""
    owner = make_account().id
    job_id = _submit(owner, tmp_path, "australian_accommodation.csv", **processes.SLOW)
    worker = start_worker()
    _wait(owner, job_id, _running)
    if whole_group:
        os.killpg(worker.pid, signal.SIGKILL)
    else:
        worker.send_signal(signal.SIGKILL)
    worker.wait()
    done = _wait(owner, job_id, lambda j: j.ended)
    assert done.status == "interrupted", done
    assert "Start it again" in done.message


def test_a_separate_local_worker_runs_the_jobs(
    database: None, make_account: Any, tmp_path: Path
) -> None:
    """JOB_BACKEND=local with the web's JOB_WORKERS=0: the worker command runs them."""
    _stop_this_process_pool()
    owner = make_account().id
    job_id = _submit(owner, tmp_path, "air_passengers.csv", **QUICK)
    worker = processes.start(
        processes.WORKER, os.environ, JOB_BACKEND="local", JOB_WORKERS=1
    )
    try:
        done = _wait(owner, job_id, lambda j: j.ended)
    finally:
        processes.stop(worker)
    assert done.status == "succeeded", done
