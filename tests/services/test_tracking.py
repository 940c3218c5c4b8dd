"""MLflow tracking: a comparison's runs land in the store and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from mlflow.tracking import MlflowClient

import config
from services.tracking import track_comparison, tracking_uri


def test_parent_and_child_runs_with_metrics_and_artifacts(tmp_path: Path) -> None:
    _track_and_read_back(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path)


@pytest.mark.integration
def test_the_store_can_be_postgresql(postgresql_database: str, tmp_path: Path) -> None:
    # As an operator writes it: without a driver, which the app then chooses.
    plain = postgresql_database.replace("postgresql+psycopg://", "postgresql://")
    _track_and_read_back(plain, tmp_path)


def _track_and_read_back(store: str, tmp_path: Path) -> None:
    previous = config.settings.get("MLFLOW_TRACKING_URI")
    config.settings.set("MLFLOW_TRACKING_URI", store)
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
        tracked = track_comparison(
            7,
            {"dataset_id": "d", "target": "sales", "horizon": 12},
            board,
            "auto_ets",
            points,
            fold_metrics={"auto_ets": [{"mase": 0.7}, {"mase": 0.9}]},
            model_params={"auto_ets": {"damped": True}},
        )
        run_id = tracked.run_id
        assert tracked.warning is None and run_id
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
        assert by_model["auto_ets"].data.params["damped"] == "True"
        history = client.get_metric_history(
            by_model["auto_ets"].info.run_id, "fold_mase"
        )
        assert [(m.step, m.value) for m in history] == [(1, 0.7), (2, 0.9)]
        assert by_model["lightgbm"].data.tags["error"] == "boom"
        artifacts = {a.path for a in client.list_artifacts(run_id)}
        assert {"leaderboard.csv", "points.parquet", "comparison.html"} <= artifacts
    finally:
        config.settings.set("MLFLOW_TRACKING_URI", previous or "")


def test_a_broken_store_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    previous = config.settings.get("MLFLOW_TRACKING_URI")
    config.settings.set("MLFLOW_TRACKING_URI", "sqlite:////nonexistent/dir/x.db")
    try:
        tracked = track_comparison(1, {}, [], "none", tmp_path / "missing")
        assert tracked.run_id is None
        assert tracked.warning and "forecast itself is fine" in tracked.warning
    finally:
        config.settings.set("MLFLOW_TRACKING_URI", previous or "")


def test_the_chosen_model_is_registered_per_owner_and_loads_back(
    tmp_path: Path,
) -> None:
    import mlflow

    from services.forecasting import forecast
    from services.profiling import Frequency
    from tests.conftest import SAMPLES

    previous = config.settings.get("MLFLOW_TRACKING_URI")
    config.settings.set("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    try:
        frame = pl.read_csv(SAMPLES / "air_passengers.csv", try_parse_dates=True)
        result = forecast(
            frame,
            "month",
            "passengers",
            12,
            Frequency(unit="month", step=1),
            models=[{"key": "naive"}, {"key": "auto_theta"}],
            folds=2,
        )
        points = tmp_path / "points.parquet"
        result.points.write_parquet(points)
        context = {"dataset_id": "abcdef123456", "target": "passengers"}
        names = []
        for owner in (7, 8):
            tracked = track_comparison(
                owner,
                context,
                result.leaderboard,
                result.model,
                points,
                recipe=result.recipe,
            )
            assert tracked.warning is None and tracked.model_version == "1"
            names.append(tracked.model_name)
        assert names == [
            "user-7.dataset-abcdef12.passengers",
            "user-8.dataset-abcdef12.passengers",
        ]
        model = mlflow.pyfunc.load_model(f"models:/{names[0]}/1")
        predicted = model.predict(frame.to_pandas())
        assert predicted["forecast"].tolist() == result.points["forecast"].to_list()
        saved = mlflow.artifacts.download_artifacts(
            f"models:/{names[0]}/1", dst_path=str(tmp_path / "model")
        )
        files = {p.name for p in Path(saved).rglob("*")}
        assert "recipe_model.py" in files and "MLmodel" in files
        assert not [f for f in files if f.endswith((".pkl", ".pickle"))]
    finally:
        config.settings.set("MLFLOW_TRACKING_URI", previous or "")
