"""Forecasts per minute on Celery workers: one worker, then two (one job each at once).

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/jobs.py`` (needs the local Redis on
127.0.0.1:6379; it uses an empty database there and deletes only its own keys). Each
worker is ``flask --app app jobs worker`` with ``JOB_BACKEND=celery`` and
``JOB_WORKERS=1``, in a scratch data folder with its SQLite database. Worker start-up
is not timed: one warm-up forecast per worker runs first. Then ``FORECASTS`` forecasts
of the air passengers (four models compared on three folds, 12 months ahead) are
submitted at once, and the clock stops when the last one has ended.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.integration import processes

SCRATCH = Path(tempfile.mkdtemp(prefix="jobs-bench-"))
os.environ["FORECAST_STUDIO_DATA_DIR"] = str(SCRATCH)
os.environ["FORECAST_STUDIO_JOB_BACKEND"] = "celery"
os.environ["FORECAST_STUDIO_FORECAST_PROCESSES"] = "1"

ROOT = Path(__file__).resolve().parents[1]
FORECASTS = 8
REQUEST = {
    "target": "passengers",
    "horizon": 12,
    "models": ["seasonal_naive", "auto_ets", "auto_theta", "drift"],
    "folds": 3,
}


def start_worker() -> subprocess.Popen[bytes]:
    """``flask --app app jobs worker`` running one job at a time."""
    return processes.start(
        processes.WORKER, os.environ, subprocess.DEVNULL, JOB_WORKERS=1
    )


def run_all(owner: int, dataset_id: str, count: int) -> float:
    """Submit ``count`` forecasts at once; seconds until every one has ended."""
    from services import forecasts, jobs
    from services.forecast_request import ForecastRequest

    started = time.perf_counter()
    ids = [
        forecasts.submit_forecast(
            owner, dataset_id, ForecastRequest.model_validate(REQUEST)
        ).id
        for _ in range(count)
    ]
    while True:
        ended = [jobs.get_job(owner, i) for i in ids]
        if all(j.ended for j in ended):
            break
        time.sleep(0.2)
    failed = [j for j in ended if j.status != "succeeded"]
    if failed:
        raise SystemExit(f"{len(failed)} forecasts did not succeed: {failed[0]}")
    return time.perf_counter() - started


def main() -> None:
    """Measure one worker, then two, and print a Markdown table."""
    url = processes.claim_redis_db("jobs-bench")
    if url is None:
        raise SystemExit("No empty Redis database among 8–15")
    os.environ["FORECAST_STUDIO_REDIS_URL"] = url
    from services import datasets, db, users

    db.migrate()
    owner = users.create_user("bench", "a bench password").id
    upload = SCRATCH / "air_passengers.csv"
    shutil.copy(ROOT / "samples" / "air_passengers.csv", upload)
    dataset = datasets.create_dataset(owner, upload.name, upload)
    rows = []
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for count in (1, 2):
            while len(workers) < count:
                workers.append(start_worker())
            run_all(owner, dataset.id, count)  # warm-up: each worker takes one
            seconds = run_all(owner, dataset.id, FORECASTS)
            rows.append((count, seconds, FORECASTS / seconds * 60))
    finally:
        for worker in workers:
            processes.stop(worker, 60)
        processes.release_redis_db(url)  # ours alone (claimed)
    print(f"{FORECASTS} forecasts, load average {os.getloadavg()[0]:.1f} at the end")
    print("| workers | seconds | forecasts per minute |\n|---|---|---|")
    for count, seconds, per_minute in rows:
        print(f"| {count} | {seconds:.1f} | {per_minute:.1f} |")


if __name__ == "__main__":
    main()
