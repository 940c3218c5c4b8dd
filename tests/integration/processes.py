"""What the integration tests and the benchmarks both need to run the app for real.

The local Redis (a database of one's own among 8–15, claimed, then emptied), the app's
web and job-worker processes started from this checkout in process groups of their
own, and the forecast request slow enough to cancel or kill mid-run. No pytest here:
``benchmarks/latency.py`` and ``benchmarks/jobs.py`` import it too.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# ``python -m`` commands of the scaled-out topology, run from ``ROOT``.
WEB = ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]
WORKER = ["flask", "--app", "app", "jobs", "worker"]
# Slow enough to cancel or kill mid-run: AutoARIMA on the eight series of
# samples/australian_accommodation.csv, five folds each.
SLOW = {
    "target": "takings_m_aud",
    "horizon": 4,
    "models": ["auto_arima"],
    "folds": 5,
    "series_id": ["state"],
}
# The local Redis's databases these runs may take; 0–7 are left to others.
REDIS_DATABASES = range(15, 7, -1)


def claim_redis_db(claim: str) -> str | None:
    """A URL of an empty database of the local Redis, claimed; ``None`` if none is.

    The claim is the key ``claim``, set only if absent, so two runs never take the
    same database and the others looking for an empty one pass it by.
    ``release_redis_db`` empties it again: Celery leaves keys of its own behind.
    Raises ``redis.exceptions.ConnectionError`` when Redis is not reachable on
    127.0.0.1:6379.
    """
    import redis

    for number in REDIS_DATABASES:
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        if client.dbsize() == 0 and client.set(claim, os.getpid(), nx=True):
            return f"redis://127.0.0.1:6379/{number}"
    return None


def release_redis_db(url: str) -> None:
    """Empty the database ``claim_redis_db`` claimed, claim included."""
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    command: Sequence[str],
    env: Mapping[str, str],
    log: Path | int | None = None,
    **settings: Any,
) -> subprocess.Popen[bytes]:
    """``python -m <command>`` from the checkout, in a process group of its own.

    ``settings`` are added to ``env`` as ``FORECAST_STUDIO_<NAME>`` variables. The
    output is appended to the file ``log``, or discarded (``subprocess.DEVNULL``), or
    left on this process's output (``None``). ``stop`` ends the whole group.
    """
    env = {**env, **{f"FORECAST_STUDIO_{k}": str(v) for k, v in settings.items()}}
    with contextlib.ExitStack() as files:  # the child keeps its own copy of the log
        output = files.enter_context(log.open("ab")) if isinstance(log, Path) else log
        return subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group, to stop it whole
        )


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    """SIGTERM to the process's group; SIGKILL when it has not ended in time."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_ready(
    port: int, processes: Sequence[subprocess.Popen[bytes]], timeout_s: float
) -> None:
    """Poll the app's ``/ready`` on ``port`` until it answers 200.

    Raises ``RuntimeError`` when one of ``processes`` exits first, or when
    ``timeout_s`` seconds pass.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"a process exited while the app on {port} started")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", "/ready")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):  # not listening, or loading
            pass
        finally:
            connection.close()
        time.sleep(0.5)
    raise RuntimeError(f"the app on {port} never became ready")
