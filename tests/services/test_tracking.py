"""MLflow tracking: a comparison's runs land in the store and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from mlflow.tracking import MlflowClient

import config
from services.tracking import track_comparison, tracking_uri


def test_parent_and_child_runs_with_metrics_and_artifacts(tmp_path: Path) -> None:
    previous = config.settings.get("MLFLOW_TRACKING_URI")
    config.settings.set("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    try:
        points = tmp_path / "points.parquet"
        pl.DataFrame({"forecast": [1.0]}).write_parquet(points)
        board: list[dict[str, Any]] = [
            {
                "model": "auto_ets",
                "name": "AutoETS",
                "mase": 0.8,
                "smape": 5.0,
                "fit_seconds": 0.2,
                "error": None,
            },
            {"model": "lightgbm", "name": "LightGBM", "mase": None, "error": "boom"},
        ]
        run_id, warning = track_comparison(
            7,
            {"dataset_id": "d", "target": "sales", "horizon": 12},
            board,
            "auto_ets",
            points,
        )
        assert warning is None and run_id
        client = MlflowClient(tracking_uri())
        parent = client.get_run(run_id)
        assert parent.data.params["target"] == "sales"
        assert parent.data.metrics["mase"] == 0.8
        assert parent.data.tags["user_id"] == "7"
        children = client.search_runs(
            [parent.info.experiment_id],
            filter_string=f"tags.mlflow.parentRunId = '{run_id}'",
        )
        by_model = {c.data.tags["model"]: c for c in children}
        assert by_model["auto_ets"].data.metrics["smape"] == 5.0
        assert by_model["lightgbm"].data.tags["error"] == "boom"
        artifacts = {a.path for a in client.list_artifacts(run_id)}
        assert {"leaderboard.csv", "points.parquet"} <= artifacts
    finally:
        config.settings.set("MLFLOW_TRACKING_URI", previous or "")


def test_a_broken_store_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    previous = config.settings.get("MLFLOW_TRACKING_URI")
    config.settings.set("MLFLOW_TRACKING_URI", "sqlite:////nonexistent/dir/x.db")
    try:
        run_id, warning = track_comparison(1, {}, [], "none", tmp_path / "missing")
        assert run_id is None and warning and "forecast itself is fine" in warning
    finally:
        config.settings.set("MLFLOW_TRACKING_URI", previous or "")
