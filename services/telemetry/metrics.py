"""Prometheus metrics: requests counted per web process, jobs read from the database.

Requests and uploads are counted in the process that answers them. With several
gunicorn processes, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``gunicorn.conf.py``) makes
every process write its counts to files that one scrape adds up. Jobs, the queue and
model fit times are read from the database at scrape time, so they are right whichever
process or machine ran the jobs.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import platform
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from services import db

log = logging.getLogger(__name__)
PREFIX = "forecast_studio"
CONTENT_TYPE = CONTENT_TYPE_LATEST
JOB_SECONDS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)
FIT_SECONDS_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900)

# No *_created series: Prometheus does not need them and they double the output.
disable_created_metrics()  # type: ignore[no-untyped-call]
# registry=None: each scrape builds its own registry (see ``exposition``).
REQUESTS = Counter(
    f"{PREFIX}_http_requests",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
    registry=None,
)
REQUEST_SECONDS = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method.",
    ["route", "method"],
    registry=None,
)
UPLOAD_BYTES = Counter(
    f"{PREFIX}_upload_bytes",
    "Bytes of files received by uploads (the API and the Upload page).",
    registry=None,
)
PROCESS_METRICS = (REQUESTS, REQUEST_SECONDS, UPLOAD_BYTES)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    REQUESTS.labels(route, method, str(status)).inc()
    REQUEST_SECONDS.labels(route, method).observe(seconds)


def observe_upload(size: int) -> None:
    """Count the bytes of one received upload."""
    UPLOAD_BYTES.inc(max(0, size))


def _histogram(
    name: str,
    documentation: str,
    labels: Sequence[str],
    samples: Iterable[tuple[tuple[str, ...], float]],
    buckets: Sequence[float],
) -> HistogramMetricFamily:
    """A histogram family from (label values, observed value) pairs."""
    observed: dict[tuple[str, ...], list[float]] = {}
    for key, value in samples:
        observed.setdefault(key, []).append(value)
    family = HistogramMetricFamily(name, documentation, labels=list(labels))
    for key, values in sorted(observed.items()):
        cumulative = [
            (str(float(b)), float(sum(v <= b for v in values))) for b in buckets
        ]
        cumulative.append(("+Inf", float(len(values))))
        family.add_metric(list(key), cumulative, sum_value=sum(values))
    return family


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


class DatabaseCollector(Collector):
    """Jobs, queue depth and model fit times, read from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        """The database's figures, and whether it could be read at all."""
        up = GaugeMetricFamily(
            f"{PREFIX}_database_up", "Whether the metrics could read the database."
        )
        try:
            families = list(self._families())
        except Exception as exc:  # an unreachable database is a value, not a 500
            log.warning(
                "metrics: the database is not readable (%s)", type(exc).__name__
            )
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        now = db.utcnow()
        with db.session() as s:
            counts = s.execute(
                select(db.Job.kind, db.Job.status, func.count()).group_by(
                    db.Job.kind, db.Job.status
                )
            ).all()
            oldest = s.scalar(
                select(func.min(db.Job.created_at)).where(db.Job.status == "queued")
            )
            ended = s.execute(
                select(
                    db.Job.kind, db.Job.status, db.Job.started_at, db.Job.finished_at
                ).where(db.Job.finished_at.is_not(None))
            ).all()
            boards = s.scalars(
                select(db.Forecast.metrics["leaderboard"]).where(
                    db.Forecast.metrics["leaderboard"].is_not(None)
                )
            ).all()
        jobs = GaugeMetricFamily(
            f"{PREFIX}_jobs",
            "Jobs in the database, by kind and status.",
            labels=["kind", "status"],
        )
        queued = 0
        for kind, status, count in counts:
            jobs.add_metric([kind, status], float(count))
            queued += count if status == "queued" else 0
        yield jobs
        yield GaugeMetricFamily(
            f"{PREFIX}_job_queue_depth", "Jobs waiting for a worker.", value=queued
        )
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=now.tzinfo)
        yield GaugeMetricFamily(
            f"{PREFIX}_job_oldest_queued_age_seconds",
            "How long the oldest queued job has waited (0 when none waits).",
            value=_seconds(oldest, now) or 0.0,
        )
        yield _histogram(
            f"{PREFIX}_job_duration_seconds",
            "Time from a job's start to its end, by kind and how it ended.",
            ["kind", "status"],
            (
                ((kind, status), seconds)
                for kind, status, started, finished in ended
                if (seconds := _seconds(started, finished)) is not None
            ),
            JOB_SECONDS_BUCKETS,
        )
        yield _histogram(
            f"{PREFIX}_model_fit_seconds",
            "Seconds a model spent fitting in a forecast's backtests, by model.",
            ["model"],
            _fit_times(boards),
            FIT_SECONDS_BUCKETS,
        )


def _fit_times(boards: Iterable[Any]) -> Iterator[tuple[tuple[str, ...], float]]:
    for board in boards:
        for row in board if isinstance(board, list) else []:
            seconds = row.get("fit_seconds") if isinstance(row, dict) else None
            if isinstance(seconds, int | float) and row.get("model"):
                yield (str(row["model"]),), float(seconds)


class BuildInfoCollector(Collector):
    """A constant 1 labelled with the app's version and the Python it runs on."""

    def collect(self) -> Iterator[Metric]:
        """The build-info gauge."""
        try:
            version = importlib.metadata.version("forecast-studio")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        info = GaugeMetricFamily(
            f"{PREFIX}_build_info",
            "The running build: always 1, labelled with versions.",
            labels=["version", "python"],
        )
        info.add_metric([version, platform.python_version()], 1.0)
        yield info


def exposition() -> bytes:
    """Every metric, in Prometheus' text format, for one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in PROCESS_METRICS:
            registry.register(metric)
    registry.register(DatabaseCollector())
    registry.register(BuildInfoCollector())
    return generate_latest(registry)
