"""Settings → System: models, the experiment store and the job workers, read now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import config
from services import db, jobs, system


def test_secrets_are_left_out_of_the_store_address() -> None:
    assert system.without_secrets(
        "https://ana:s3cret@mlflow.example:443/x?token=t"
    ) == ("https://mlflow.example:443/x")
    assert system.without_secrets("postgresql+psycopg://u:p@db/runs") == (
        "postgresql+psycopg://db/runs"
    )
    for kept in ("sqlite:////srv/data/mlflow.db", "http://mlflow:5000", "databricks"):
        assert system.without_secrets(kept) == kept


def test_a_model_without_what_it_needs_says_how_to_set_it_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: None
) -> None:
    assert all(m.ready for m in system.status().models)  # the tiny Chronos-2
    monkeypatch.setenv("FORECAST_STUDIO_CHRONOS_MODEL_DIR", str(tmp_path))
    [missing] = system.status().missing
    assert missing.key == "chronos2"
    assert "FORECAST_STUDIO_CHRONOS_MODEL_DIR" in missing.instructions


def test_the_mlflow_ui_link_is_there_only_when_set(database: None) -> None:
    assert config.settings.get("MLFLOW_UI_URL") == ""  # the default: no link
    assert system.status().mlflow_ui_url is None
    config.settings.set("MLFLOW_UI_URL", "http://127.0.0.1:5000/")
    try:
        assert system.status().mlflow_ui_url == "http://127.0.0.1:5000"
    finally:
        config.settings.set("MLFLOW_UI_URL", "")


def _job(make_account: Any, status: str, beat_ago_s: float | None) -> str:
    account = make_account()
    job = jobs.submit(account.id, "no-such-kind", {})
    with db.session() as s:
        row = s.get_one(db.Job, job.id)
        row.status = status
        if beat_ago_s is not None:
            row.started_at = db.utcnow() - timedelta(seconds=beat_ago_s + 1)
            row.heartbeat_at = db.utcnow() - timedelta(seconds=beat_ago_s)
            row.worker_host, row.worker_pid = "worker-7", 4242
    return job.id


def test_job_counts_and_heartbeats_come_from_the_job_records(
    make_account: Any,
) -> None:
    before = system.status()
    fresh = _job(make_account, "running", 1)
    late = _job(make_account, "running", 10 * before.heartbeat_timeout_s)
    _job(make_account, "queued", None)
    try:
        after = system.status()
        assert after.queued == before.queued + 1
        assert len(after.running) == len(before.running) + 2
        shown = {job.id: job for job in after.running}
        assert not shown[fresh].late and shown[late].late
        assert (shown[late].host, shown[late].pid) == ("worker-7", 4242)
    finally:
        with db.session() as s:  # the runner must not pick these up
            for job in s.query(db.Job).filter(db.Job.kind == "no-such-kind"):
                job.status = "failed"
