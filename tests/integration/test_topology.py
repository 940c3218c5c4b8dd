"""The scaled-out topology without Docker: two gunicorn processes and two
``flask --app app jobs worker`` processes on a throwaway PostgreSQL database and the
real Redis, driven through the HTTP API by three users at once.

One worker is killed (SIGKILL) while it runs a job and one web process is restarted
(SIGTERM, then started again): every job still ends ``succeeded`` or ``interrupted``
(the killed worker's), none stays ``running``, and no user reaches another's data.
Skips, with the reason, when PostgreSQL or Redis is not reachable.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tests.integration import processes

pytestmark = pytest.mark.integration

# The runner beats every 5 s (runner.HEARTBEAT_S); a dead worker's job is seen after:
HEARTBEAT_TIMEOUT_S = 15
# Generous: a loaded 2-core machine starts a process in tens of seconds.
WAIT_S = 600
SMALL = {
    "target": "passengers",
    "horizon": 6,
    "models": ["naive", "seasonal_naive", "auto_ets"],
    "folds": 2,
}
PASSWORD = "correct horse battery"
# The process a running job is in (its worker's, until the job's own process starts).
RUNNING_PID = "SELECT worker_pid FROM jobs WHERE id = :id AND status = 'running'"


class Topology:
    """The processes of one scaled-out deployment sharing a database and data folder."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self, name: str, command: list[str], **settings: Any
    ) -> subprocess.Popen[bytes]:
        proc = processes.start(command, self.env, self.logs / f"{name}.log", **settings)
        self.processes.append(proc)
        return proc

    def web(self, port: int) -> subprocess.Popen[bytes]:
        return self.start(f"web-{port}", processes.WEB, PORT=port, JOB_WORKERS=0)

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.start(name, processes.WORKER, JOB_WORKERS=2)

    def run(self, code: str) -> str:
        """Run Python code with the deployment's settings; its standard output."""
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=processes.ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WAIT_S,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def stop(self) -> None:
        for proc in self.processes:
            processes.stop(proc)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # what a killed leader left


@pytest.fixture
def topology(
    postgresql_database: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[Topology, str]]:
    """Settings for the processes: PostgreSQL, a Redis database of their own, Celery."""
    data = tmp_path / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORECAST_STUDIO_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env |= {
        "PYTHONPATH": str(processes.ROOT),
        "FORECAST_STUDIO_ENV": "testing",
        "FORECAST_STUDIO_DATA_DIR": str(data),
        "FORECAST_STUDIO_DATABASE_URL": postgresql_database,
        "FORECAST_STUDIO_JOB_BACKEND": "celery",
        "FORECAST_STUDIO_REDIS_URL": redis_url,
        "FORECAST_STUDIO_JOB_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
        "FORECAST_STUDIO_FORECAST_PROCESSES": "1",
        "FORECAST_STUDIO_WEB_PROCESSES": "1",
    }
    deployment = Topology(env, tmp_path)
    try:
        yield deployment, postgresql_database
    finally:
        deployment.stop()


class User:
    """One user of the HTTP API, on whichever web process is asked."""

    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, port: int, path: str) -> Any:
        import requests

        url = f"http://127.0.0.1:{port}/api/v1{path}"
        return requests.get(url, headers=self.headers, timeout=120)

    def post(self, port: int, path: str, **kwargs: Any) -> Any:
        import requests

        url = f"http://127.0.0.1:{port}/api/v1{path}"
        return requests.post(url, headers=self.headers, timeout=120, **kwargs)

    def upload(self, port: int, sample: str) -> str:
        with (SAMPLES / sample).open("rb") as handle:
            answer = self.post(port, "/datasets", files={"file": (sample, handle)})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


def _wait_for(what: str, check: Callable[[], bool]) -> None:
    """Poll until ``check()`` holds (waiting on state, not asserting a time)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"never happened: {what}")


def _runs(worker: subprocess.Popen[bytes], pid: int) -> bool:
    """Whether process ``pid`` is the worker or one of its descendants."""
    import psutil

    try:
        return worker.pid in {pid} | {p.pid for p in psutil.Process(pid).parents()}
    except psutil.NoSuchProcess:
        return False


def test_two_webs_two_workers_three_users(
    topology: tuple[Topology, str],
) -> None:
    from sqlalchemy import create_engine, text

    deployment, database_url = topology
    ports = [processes.free_port(), processes.free_port()]
    # Both web processes start at once on the empty database (the migration is locked).
    webs = [deployment.web(port) for port in ports]
    workers = [deployment.worker("worker-a"), deployment.worker("worker-b")]
    for port, web in zip(ports, webs, strict=True):
        processes.wait_ready(port, [web], WAIT_S)
    # An administrator first (the first account is one), then three plain users.
    tokens = deployment.run(
        "from services import users\n"
        f"users.create_user('operator', {PASSWORD!r})\n"
        "for name in ('ann', 'bob', 'cyd'):\n"
        f"    users.create_user(name, {PASSWORD!r})\n"
        "    print(users.create_token(name))\n"
    ).split()
    people = [User(token) for token in tokens]
    datasets = [
        u.upload(ports[i % 2], "air_passengers.csv") for i, u in enumerate(people)
    ]
    slow_dataset = people[0].upload(ports[1], "australian_accommodation.csv")

    # Ten forecasts at once: three users, both web processes; the first is the slow one.
    wanted = [(0, slow_dataset, processes.SLOW)] + [
        (i % 3, datasets[i % 3], SMALL) for i in range(9)
    ]

    def submit(n: int) -> tuple[int, str]:
        who, dataset, request = wanted[n]
        answer = people[who].post(
            ports[n % 2], f"/datasets/{dataset}/forecasts", json=request
        )
        assert answer.status_code == 202, answer.text
        return who, str(answer.json()["job_id"])

    with ThreadPoolExecutor(len(wanted)) as pool:
        jobs = list(pool.map(submit, range(len(wanted))))
    slow_job = jobs[0][1]

    def status(who: int, job_id: str, port: int = ports[0]) -> dict[str, Any]:
        answer = people[who].get(port, f"/jobs/{job_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # Kill the worker running the slow job, once its job process is at work.
    engine = create_engine(database_url)
    try:

        def slow_job_pid() -> int | None:
            with engine.connect() as connection:
                return connection.execute(
                    text(RUNNING_PID),
                    {"id": slow_job},
                ).scalar()

        _wait_for(
            "the slow job runs in a job process",
            lambda: (
                (pid := slow_job_pid()) is not None
                and any(_runs(w, pid) for w in workers)
            ),
        )
        pid = slow_job_pid()
        assert pid is not None
        killed = next(w for w in workers if _runs(w, pid))
    finally:
        engine.dispose()
    killed.send_signal(signal.SIGKILL)
    killed.wait()

    # Restart one web process while the jobs go on: SIGTERM, then start it again.
    processes.stop(webs[1])
    webs[1] = deployment.web(ports[1])
    processes.wait_ready(ports[1], [webs[1]], WAIT_S)

    def all_ended() -> bool:
        return all(
            status(who, job_id, ports[1])["status"] not in ("queued", "running")
            for who, job_id in jobs
        )

    _wait_for("every job ends", all_ended)
    ends = {job_id: status(who, job_id) for who, job_id in jobs}
    assert ends[slow_job]["status"] == "interrupted", ends[slow_job]
    assert "Start it again" in ends[slow_job]["message"]
    for end in ends.values():
        assert end["status"] in ("succeeded", "interrupted"), end
    assert any(end["status"] == "succeeded" for end in ends.values()), ends
    # Job processes starting at once on a fresh data folder all reached MLflow's store.
    for log in deployment.logs.glob("worker-*.log"):
        assert "MLflow tracking failed" not in log.read_text(errors="replace"), log

    # Each user sees their own data and gets 404 for everyone else's.
    owned: list[list[str]] = [[], [], []]
    for who, job_id in jobs:
        owned[who].append(f"/jobs/{job_id}")
        if forecast := ends[job_id]["forecast_id"]:
            owned[who].append(f"/forecasts/{forecast}")
    for who, dataset in enumerate(datasets):
        owned[who].append(f"/datasets/{dataset}")
    owned[0].append(f"/datasets/{slow_dataset}")
    for who, person in enumerate(people):
        listed = {j["id"] for j in person.get(ports[0], "/jobs").json()["jobs"]}
        assert listed == {job_id for owner, job_id in jobs if owner == who}
        for owner, paths in enumerate(owned):
            for path in paths:
                answer = person.get(ports[owner % 2], path)
                assert answer.status_code == (200 if owner == who else 404), path
