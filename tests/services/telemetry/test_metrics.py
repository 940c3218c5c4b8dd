"""Metrics counted by several processes add up in one scrape (multiprocess mode)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

COUNT_ONE_REQUEST = (
    "from services.telemetry import metrics; "
    "metrics.observe_request('/api/v1/datasets', 'GET', 200, 0.02); "
    "metrics.observe_upload(1000)"
)
SCRAPE = (
    "import sys; from services.telemetry import metrics; "
    "sys.stdout.write(metrics.exposition().decode())"
)


def _run(code: str, **variables: str) -> str:
    """What ``code`` prints, run by a fresh Python with these environment variables."""
    env = {**os.environ, **variables}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def test_counts_of_several_processes_add_up(database: None, tmp_path: Path) -> None:
    for _ in range(2):  # two web processes, each answering one request
        _run(COUNT_ONE_REQUEST, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(
            _run(SCRAPE, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
        )
        for s in family.samples
    }
    labels = (("method", "GET"), ("route", "/api/v1/datasets"), ("status", "200"))
    assert found[("forecast_studio_http_requests_total", labels)] == 2
    assert found[("forecast_studio_upload_bytes_total", ())] == 2000
    assert found[("forecast_studio_database_up", ())] == 1


def test_an_unreachable_database_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    code = (
        "import json; from services.telemetry import metrics, readiness; "
        "print(json.dumps(readiness.problems())); "
        "print(metrics.exposition().decode())"
    )
    missing = f"sqlite:///{tmp_path}/no-such-folder/x.db"
    out = _run(code, FORECAST_STUDIO_DATABASE_URL=missing)
    problems, scrape = out.split("\n", 1)
    assert problems == '["The database is not reachable."]'
    assert "forecast_studio_database_up 0.0" in scrape
