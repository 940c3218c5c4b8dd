"""API latency under 20 concurrent readers, idle and while two forecasts run.

Run with ``make bench`` (or ``PYTHONPATH=. .venv/bin/python benchmarks/latency.py``).

Embedded: the default deployment, as ``make run`` starts it: gunicorn (one process,
8 threads) whose local pool runs the jobs (``JOB_WORKERS=2``), SQLite, a fresh data
folder. Scaled out: gunicorn with ``JOB_WORKERS=0`` and ``JOB_BACKEND=celery``, two
``flask --app app jobs worker`` processes (one job each) on Redis (127.0.0.1:6379, an
empty database among 8–15) and a throwaway PostgreSQL database (127.0.0.1:5432). It
runs only where that worker command exists; elsewhere the script says so instead of
inventing numbers.

Each phase: 20 threads, each with its own keep-alive connection, read the API in a
loop (the dataset list, one dataset, its preview, a job, ``/health``). "idle" reads
for 15 s with nothing else running; "two forecasts" submits two automatic forecasts of
the 8 series of ``samples/australian_accommodation.csv`` and reads from the moment
both run until both have ended (at most 10 minutes).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from tests import databases
from tests.integration import processes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "australian_accommodation.csv"
READERS = 20
IDLE_S = 15.0
BUSY_LIMIT_S = 600.0
FORECAST = {"target": "takings_m_aud", "horizon": 8}


class Api:
    """A keep-alive connection to the app with a user's token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(
        self, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if ctype:
            headers["Content-Type"] = ctype
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60
                )
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, payload: Any = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.call(method, path, body, "application/json")
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data)

    def upload(self, path: Path) -> Any:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, data = self.call(
            "POST",
            "/api/v1/datasets",
            body,
            f"multipart/form-data; boundary={boundary}",
        )
        if status != 201:
            raise RuntimeError(f"upload: {status} {data[:300]!r}")
        return json.loads(data)


def read_while(
    port: int, token: str, paths: list[str], keep_on: Any
) -> list[tuple[str, float]]:
    """(path, seconds) of 20 readers cycling through ``paths`` while ``keep_on()``."""
    latencies: list[tuple[str, float]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def reader(offset: int) -> None:
        api = Api(port, token)
        mine, step = [], offset
        while keep_on():
            path = paths[step % len(paths)]
            step += 1
            started = time.perf_counter()
            status, _ = api.call("GET", path)
            mine.append((path, time.perf_counter() - started))
            if status != 200:
                failures.append(f"{path}: {status}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} reads failed, e.g. {failures[:3]}")
    return latencies


def percentiles(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def summary(
    name: str, reads: list[tuple[str, float]], seconds: float
) -> dict[str, Any]:
    by_path: dict[str, list[float]] = {}
    for path, latency in reads:
        by_path.setdefault(path, []).append(latency)
    return {
        "phase": name,
        "requests": len(reads),
        "seconds": round(seconds, 1),
        "per_second": round(len(reads) / seconds, 1),
        **percentiles([latency for _, latency in reads]),
        # Ids in paths are replaced by their route's placeholder.
        "routes": {
            re.sub(r"[0-9a-f]{32}", "<id>", path): percentiles(values)
            for path, values in by_path.items()
        },
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def run(variant: str, env: dict[str, str], workers: int) -> list[dict[str, Any]]:
    """Start the topology, measure both phases, stop it."""
    data = Path(env["FORECAST_STUDIO_DATA_DIR"])
    port = int(env["FORECAST_STUDIO_PORT"])
    # The user and token, made before the app starts (the first user is an admin).
    subprocess.run(
        [sys.executable, "-c", "from services import db; db.migrate()"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    token = subprocess.run(
        [
            sys.executable,
            "-c",
            "from services import users; users.create_user('bench', 'bench password');"
            "print(users.create_token('bench'))",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log = data / "server.log"
    servers = [
        processes.start(command, env, log)
        for command in [processes.WEB] + [processes.WORKER] * workers
    ]
    try:
        processes.wait_ready(port, servers, 180)
        api = Api(port, token)
        dataset = api.upload(SAMPLE)
        paths = [
            "/api/v1/datasets",
            f"/api/v1/datasets/{dataset['id']}",
            f"/api/v1/datasets/{dataset['id']}/preview",
            "/health",
        ]
        # Warm up: the first reads of each route load code and caches.
        read_deadline = time.monotonic() + 3
        read_while(port, token, paths, lambda: time.monotonic() < read_deadline)
        started = time.monotonic()
        idle = read_while(
            port, token, paths, lambda: time.monotonic() - started < IDLE_S
        )
        results = [summary(f"{variant}: idle", idle, time.monotonic() - started)]
        jobs = [
            api.json("POST", f"/api/v1/datasets/{dataset['id']}/forecasts", FORECAST)[
                "job_id"
            ]
            for _ in range(2)
        ]
        paths.append(f"/api/v1/jobs/{jobs[0]}")
        submitted = time.monotonic()
        while any(
            api.json("GET", f"/api/v1/jobs/{j}")["status"] == "queued" for j in jobs
        ):
            time.sleep(0.2)
        started = time.monotonic()
        checked = {"at": 0.0, "running": True}
        lock = threading.Lock()

        def forecasts_running() -> bool:
            with lock:
                if time.monotonic() - checked["at"] > 1.0:
                    checked["at"] = time.monotonic()
                    states = [
                        api.json("GET", f"/api/v1/jobs/{j}")["status"] for j in jobs
                    ]
                    checked["running"] = any(s in ("queued", "running") for s in states)
                return bool(checked["running"]) and (
                    time.monotonic() - started < BUSY_LIMIT_S
                )

        busy = read_while(port, token, paths, forecasts_running)
        elapsed = time.monotonic() - started
        ends = [api.json("GET", f"/api/v1/jobs/{j}") for j in jobs]
        result = summary(f"{variant}: two forecasts", busy, elapsed)
        result["forecasts"] = [e["status"] for e in ends]
        result["forecast_wall_s"] = round(time.monotonic() - submitted, 1)
        results.append(result)
        return results
    finally:
        for server in servers:
            processes.stop(server, 60)


def base_env(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FORECAST_STUDIO_", "PROMETHEUS_MULTIPROC_DIR"))
    }
    return env | {
        "PYTHONPATH": str(ROOT),
        "FORECAST_STUDIO_DATA_DIR": str(data),
        "FORECAST_STUDIO_PORT": str(processes.free_port()),
        "FORECAST_STUDIO_LOG_LEVEL": "WARNING",
    }


def scaled_out_available() -> bool:
    """Whether this checkout has the worker command (the Celery backend)."""
    probe = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--help"],
        cwd=ROOT,
        env=base_env(Path(tempfile.mkdtemp(prefix="latency-probe-"))),
        capture_output=True,
    )
    return probe.returncode == 0


def free_redis_url() -> str | None:
    """An empty database of the local Redis, claimed, or None when there is none."""
    try:
        return processes.claim_redis_db("latency-bench")
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return None


def postgres_database() -> str | None:
    """The URL of a throwaway PostgreSQL database, or None when unreachable."""
    try:
        return databases.create_database(databases.postgresql_server())
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return None


def main() -> None:
    results: list[dict[str, Any]] = []
    notes: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="latency-embedded-"))
    try:
        env = base_env(data) | {"FORECAST_STUDIO_JOB_WORKERS": "2"}
        results += run("embedded", env, workers=0)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    if not scaled_out_available():
        notes.append(
            "TODO scaled out: this checkout has no `flask --app app jobs worker` "
            "(JOB_BACKEND=celery is not on main yet); run this script again once it is."
        )
    elif (redis_url := free_redis_url()) is None:
        notes.append("scaled out: skipped, no empty Redis database on 127.0.0.1:6379")
    elif (database := postgres_database()) is None:
        notes.append("scaled out: skipped, PostgreSQL on 127.0.0.1:5432 not reachable")
    else:
        data = Path(tempfile.mkdtemp(prefix="latency-scaled-"))
        try:
            # One job per worker; with the celery backend the web runs none itself.
            env = base_env(data) | {
                "FORECAST_STUDIO_JOB_BACKEND": "celery",
                "FORECAST_STUDIO_REDIS_URL": redis_url,
                "FORECAST_STUDIO_DATABASE_URL": database,
                "FORECAST_STUDIO_JOB_WORKERS": "1",
            }
            results += run("scaled out", env, workers=2)
        finally:
            shutil.rmtree(data, ignore_errors=True)
            databases.drop_database(database)
            processes.release_redis_db(redis_url)
    header = f"{'phase':32} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
    print(header + f" {'max ms':>8}  forecasts")
    for r in results:
        print(
            f"{r['phase']:32} {r['requests']:>8} {r['per_second']:>7} "
            f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8}  "
            + (
                f"{'/'.join(r['forecasts'])} in {r['forecast_wall_s']} s"
                if "forecasts" in r
                else ""
            )
        )
    for r in results:
        for route, cut in r["routes"].items():
            print(f"  {route:50} p50 {cut['p50_ms']:>7} ms  p95 {cut['p95_ms']:>7} ms")
        print(f"  load average at the end: {r['load_average']}")
    for note in notes:
        print(note)
    print(json.dumps({"results": results, "notes": notes}))


if __name__ == "__main__":
    main()
