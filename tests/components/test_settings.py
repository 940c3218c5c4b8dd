"""Settings → System as drawn: models, the store, the link only when set, the jobs."""

from __future__ import annotations

import datetime as dt

from components.settings import system_view, tokens_table
from services.system import ModelSetup, RunningJob, SystemStatus

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


def _status(url: str | None) -> SystemStatus:
    return SystemStatus(
        models=[
            ModelSetup("naive", "Naive", "baseline", True, ""),
            ModelSetup("chronos2", "Chronos-2", "foundation", False, "Set WEIGHTS."),
        ],
        tracking_uri="postgresql+psycopg://db/runs",
        mlflow_ui_url=url,
        job_backend="celery",
        job_workers=3,
        heartbeat_timeout_s=120,
        queued=4,
        running=[
            RunningJob("a" * 32, "forecast", "web-1", 11, NOW, NOW, False),
            RunningJob("b" * 32, "report", "web-2", 22, NOW, None, True),
        ],
    )


def test_system_names_what_is_missing_and_the_jobs_with_their_heartbeats() -> None:
    drawn = str(system_view(_status(None)))
    assert "Set up: Naive." in drawn and "Set WEIGHTS." in drawn
    assert "postgresql+psycopg://db/runs" in drawn
    assert "settings-system-mlflow-link" not in drawn  # no address: no link
    assert "Backend: celery" in drawn and "Workers per web process: 3" in drawn
    assert "2 running, 4 queued" in drawn
    assert "web-2 · 22" in drawn and "'late'" in drawn and "'alive'" in drawn


def test_the_mlflow_ui_link_when_its_address_is_set() -> None:
    drawn = str(system_view(_status("http://127.0.0.1:5000")))
    assert "settings-system-mlflow-link" in drawn
    assert "href='http://127.0.0.1:5000'" in drawn


def test_no_tokens_yet_reads_as_a_sentence() -> None:
    assert "You have no API tokens." in str(tokens_table([]))
