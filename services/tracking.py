"""Experiment tracking in MLflow: a parent run per comparison, a child run per model.

The store is ``sqlite:///DATA_DIR/mlflow.db`` with artifacts in ``DATA_DIR/mlartifacts``
unless the MLFLOW_TRACKING_URI setting names a server. Tracking never fails a forecast:
a problem is logged and returned as a warning.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import config

log = logging.getLogger(__name__)
EXPERIMENT = "forecast-studio"


def tracking_uri() -> str:
    """Where runs are written: the setting, else a SQLite file in DATA_DIR."""
    uri = str(config.settings.get("MLFLOW_TRACKING_URI") or "")
    return uri or f"sqlite:///{config.data_dir() / 'mlflow.db'}"


def _experiment(client: Any) -> str:
    found = client.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return str(found.experiment_id)
    location = (config.data_dir() / "mlartifacts").as_uri()
    return str(client.create_experiment(EXPERIMENT, artifact_location=location))


def _clean(metrics: dict[str, Any]) -> dict[str, float]:
    return {
        k: float(v) for k, v in metrics.items() if isinstance(v, int | float) and v == v
    }


def track_comparison(
    user_id: int,
    context: dict[str, Any],
    leaderboard: list[dict[str, Any]],
    chosen: str,
    points_path: Path,
) -> tuple[str | None, str | None]:
    """Record a comparison; return (parent run id, warning).

    Parameters
    ----------
    context
        Dataset id, version id, version hash, target, horizon, folds, metric, models.
    leaderboard
        One row per model: metrics, timings and the error if it failed.

    """
    try:
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri())
        experiment = _experiment(client)
        tags = {
            "user_id": str(user_id),
            "dataset_id": str(context.get("dataset_id")),
            "chosen_model": chosen,
        }
        parent = client.create_run(
            experiment,
            tags=tags,
            run_name=f"{context.get('target')} × {context.get('horizon')}",
        )
        run_id = parent.info.run_id
        for key, value in context.items():
            client.log_param(run_id, key, str(value)[:500])
        for row in leaderboard:
            child = client.create_run(
                experiment,
                run_name=row["model"],
                tags={**tags, "mlflow.parentRunId": run_id, "model": row["model"]},
            )
            client.log_param(child.info.run_id, "model", row["model"])
            for name, value in _clean(
                {k: v for k, v in row.items() if k not in ("model", "name")}
            ).items():
                client.log_metric(child.info.run_id, name, value)
            if row.get("error"):
                client.set_tag(child.info.run_id, "error", str(row["error"])[:500])
            client.set_terminated(
                child.info.run_id, "FAILED" if row.get("error") else "FINISHED"
            )
        with tempfile.TemporaryDirectory() as folder:
            board = Path(folder) / "leaderboard.csv"
            import polars as pl

            pl.DataFrame(leaderboard).write_csv(board)
            client.log_artifact(run_id, str(board))
            client.log_artifact(run_id, str(points_path))
        best = next((r for r in leaderboard if r["model"] == chosen), {})
        for name, value in _clean(
            {k: v for k, v in best.items() if k not in ("model", "name")}
        ).items():
            client.log_metric(run_id, name, value)
        client.set_terminated(run_id, "FINISHED")
        return run_id, None
    except Exception as exc:  # tracking must never fail a forecast
        log.warning("MLflow tracking failed: %s", exc)
        return None, (
            "The run could not be recorded in the experiment store "
            f"({type(exc).__name__}); the forecast itself is fine."
        )
