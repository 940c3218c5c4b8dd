"""Experiment tracking in MLflow: a run per comparison and per what-if scenario.

A comparison's run has a child run per model; a scenario's run is tagged with its
baseline's run.

The store is ``sqlite:///DATA_DIR/mlflow.db`` with artifacts in ``DATA_DIR/mlartifacts``
unless the MLFLOW_TRACKING_URI setting names a server or another database (such as
PostgreSQL). Tracking never fails a forecast: a problem is logged and returned as a
warning.
"""

from __future__ import annotations

import fcntl
import logging
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import config
from services.db import with_driver

log = logging.getLogger(__name__)
EXPERIMENT = "forecast-studio"


def tracking_uri() -> str:
    """Where runs are written: the setting, else a SQLite file in DATA_DIR.

    The setting may name an MLflow server (``http://…``) or a database MLflow keeps
    its store in, such as the app's own PostgreSQL (``postgresql://…`` is read with
    the installed psycopg driver).
    """
    uri = str(config.settings.get("MLFLOW_TRACKING_URI") or "")
    return with_driver(uri) or f"sqlite:///{config.data_dir() / 'mlflow.db'}"


def _experiment(client: Any) -> str:
    found = client.get_experiment_by_name(EXPERIMENT)
    if found is not None:
        return str(found.experiment_id)
    location = (config.data_dir() / "mlartifacts").as_uri()
    return str(client.create_experiment(EXPERIMENT, artifact_location=location))


def _open_store() -> tuple[Any, str]:
    """The MLflow client and the experiment's id, one process at a time.

    MLflow creates or upgrades its store on first use, and so does the experiment:
    two job processes doing it at once collide ("table … already exists"), so they
    take turns on a lock file in DATA_DIR, which every web and worker process shares.
    """
    from mlflow.tracking import MlflowClient

    with (config.data_dir() / "mlflow.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        client = MlflowClient(tracking_uri=tracking_uri())
        return client, _experiment(client)


def _clean(metrics: dict[str, Any]) -> dict[str, float]:
    return {
        k: float(v) for k, v in metrics.items() if isinstance(v, int | float) and v == v
    }


@dataclass
class Tracked:
    """Where a comparison was recorded, or why it was not."""

    run_id: str | None = None
    experiment_id: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    warning: str | None = None


def _params(values: dict[str, Any]) -> list[Any]:
    from mlflow.entities import Param

    return [Param(key, str(value)[:500]) for key, value in values.items()]


def _metrics(scores: dict[str, Any], prefix: str = "", step: int = 0) -> list[Any]:
    """A row's numbers as MLflow metrics (names and text fields left out)."""
    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    return [Metric(prefix + k, v, now, step) for k, v in _clean(scores).items()]


def ui_url() -> str | None:
    """The MLflow UI's address (the MLFLOW_UI_URL setting), or ``None`` when unset.

    Only administrators are shown it: the UI lists every user's runs.
    """
    return str(config.settings.get("MLFLOW_UI_URL") or "").rstrip("/") or None


def model_name(user_id: int, dataset_id: str, target: str) -> str:
    """The registered model's name: its owner first, so users never collide.

    Examples
    --------
    >>> model_name(7, "3f2a9c1d0e", "Sales (EUR)")
    'user-7.dataset-3f2a9c1d.Sales-EUR-'

    """
    return f"user-{user_id}.dataset-{dataset_id[:8]}." + re.sub(
        r"[^A-Za-z0-9_-]+", "-", target
    )


def track_comparison(
    user_id: int,
    context: dict[str, Any],
    leaderboard: list[dict[str, Any]],
    chosen: str,
    points_path: Path,
    fold_metrics: dict[str, list[dict[str, float]]] | None = None,
    model_params: dict[str, dict[str, Any]] | None = None,
    recipe: dict[str, Any] | None = None,
) -> Tracked:
    """Record a comparison, save and register its chosen model(s).

    Parameters
    ----------
    context
        Dataset id, version id, version hash, target, horizon, folds, metric, models.
    leaderboard
        One row per model: metrics, timings and the error if it failed.
    fold_metrics
        Per model key, each backtest fold's metrics (logged with the fold as step).
    model_params
        Per model key, the parameters the user set.
    recipe
        The refit recipe of the chosen model(s) (``ForecastResult.recipe``); saved as
        an MLflow model and registered under the owner's name.

    """
    try:
        from mlflow.entities import RunTag

        client, experiment = _open_store()
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
        client.log_batch(run_id, params=_params(context))
        for row in leaderboard:
            child = client.create_run(
                experiment,
                run_name=row["model"],
                tags={**tags, "mlflow.parentRunId": run_id, "model": row["model"]},
            )
            folds = (fold_metrics or {}).get(row["model"], [])
            # One write per run: each single log call is a transaction of the store.
            client.log_batch(
                child.info.run_id,
                metrics=_metrics(row)
                + [
                    metric
                    for fold, scores in enumerate(folds, start=1)
                    for metric in _metrics(scores, prefix="fold_", step=fold)
                ],
                params=_params(
                    {
                        "model": row["model"],
                        **(model_params or {}).get(row["model"], {}),
                    }
                ),
                tags=[RunTag("error", str(row["error"])[:500])]
                if row.get("error")
                else [],
            )
            client.set_terminated(
                child.info.run_id, "FAILED" if row.get("error") else "FINISHED"
            )
        with tempfile.TemporaryDirectory() as folder:
            board = Path(folder) / "leaderboard.csv"
            import polars as pl

            pl.DataFrame(leaderboard).write_csv(board)
            client.log_artifact(run_id, str(board))
            client.log_artifact(run_id, str(points_path))
            chart = Path(folder) / "comparison.html"
            _comparison_chart(leaderboard, chosen).write_html(
                chart, include_plotlyjs="cdn", full_html=True
            )
            client.log_artifact(run_id, str(chart))
        best = next((r for r in leaderboard if r["model"] == chosen), {})
        client.log_batch(run_id, metrics=_metrics(best))
        tracked = Tracked(run_id, experiment)
        if recipe:
            name = model_name(user_id, str(context.get("dataset_id")), recipe["target"])
            tracked.model_name = name
            tracked.model_version = _register(run_id, name, recipe)
        client.set_terminated(run_id, "FINISHED")
        return tracked
    except Exception as exc:  # tracking must never fail a forecast
        log.warning("MLflow tracking failed: %s", exc)
        return Tracked(
            warning="The run could not be recorded in the experiment store; "
            "the forecast itself is fine."
        )


def track_scenario(
    user_id: int,
    baseline: dict[str, Any],
    name: str,
    changes: list[dict[str, Any]],
    points_path: Path,
) -> Tracked:
    """Record a what-if scenario as a run of its own, tagged with its baseline's run.

    Parameters
    ----------
    baseline
        The baseline forecast's ``id``, ``dataset_id``, ``model`` and, when it was
        tracked, ``mlflow_run_id``.
    changes
        The changed future driver values (``column``, ``series``, ``time``, ``value``),
        kept as the run's ``changes.csv``.
    points_path
        The scenario's points (Parquet), kept as an artifact.

    """
    try:
        client, experiment = _open_store()
        tags = {
            "user_id": str(user_id),
            "dataset_id": str(baseline["dataset_id"]),
            "chosen_model": str(baseline["model"]),
            "scenario": name,
            "baseline_forecast_id": str(baseline["id"]),
        }
        if baseline.get("mlflow_run_id"):
            tags["baseline_run_id"] = str(baseline["mlflow_run_id"])
        run_id = client.create_run(
            experiment, tags=tags, run_name=f"scenario: {name}"
        ).info.run_id
        columns = sorted({str(c["column"]) for c in changes})
        client.log_batch(
            run_id,
            params=_params(
                {
                    "baseline_id": baseline["id"],
                    "scenario": name,
                    "model": baseline["model"],
                    "changed_columns": ", ".join(columns),
                    "changed_values": len(changes),
                }
            ),
        )
        with tempfile.TemporaryDirectory() as folder:
            import polars as pl

            table = Path(folder) / "changes.csv"
            pl.DataFrame(
                [{k: str(v) for k, v in change.items()} for change in changes]
            ).write_csv(table)
            client.log_artifact(run_id, str(table))
            client.log_artifact(run_id, str(points_path))
        client.set_terminated(run_id, "FINISHED")
        return Tracked(run_id, experiment)
    except Exception as exc:  # tracking must never fail a scenario
        log.warning("MLflow tracking of a scenario failed: %s", exc)
        return Tracked(
            warning="The scenario could not be recorded in the experiment store; "
            "the scenario itself is fine."
        )


def _register(run_id: str, name: str, recipe: dict[str, Any]) -> str:
    """Log the recipe as a model of the run and register it; return its version."""
    import mlflow
    from mlflow.models.signature import ModelSignature
    from mlflow.types.schema import ColSpec, Schema

    from services import recipe_model

    # What predict returns. Its input is any table like the one the models were chosen
    # on, so it has no fixed schema (and, declared, MLflow stops guessing one).
    signature = ModelSignature(
        outputs=Schema(
            [
                ColSpec("string", "series", required=False),
                ColSpec("datetime", "time"),
                *[
                    ColSpec("double", column)
                    for column in ("forecast", "lower_80", "upper_80")
                    + ("lower_95", "upper_95")
                ],
            ]
        )
    )
    mlflow.set_tracking_uri(tracking_uri())
    with mlflow.start_run(run_id=run_id), warnings.catch_warnings():
        # An input example would be a piece of the user's history: none is kept.
        warnings.filterwarnings("ignore", ".*An input example was not provided")
        logged = mlflow.pyfunc.log_model(
            name="model",
            python_model=recipe_model.__file__,
            model_config=recipe,
            signature=signature,
            pip_requirements=["forecast-studio"],
        )
    version = mlflow.register_model(logged.model_uri, name)
    return str(version.version)


def _comparison_chart(leaderboard: list[dict[str, Any]], chosen: str) -> Any:
    """The models' backtest MASE side by side, the chosen one highlighted."""
    import plotly.graph_objects as go

    scored = sorted(
        (r for r in leaderboard if r.get("mase") is not None),
        key=lambda r: r["mase"],
        reverse=True,
    )
    figure = go.Figure(
        go.Bar(
            x=[r["mase"] for r in scored],
            y=[r["name"] for r in scored],
            orientation="h",
            marker_color=[
                "#198754" if r["model"] == chosen else "#6c757d" for r in scored
            ],
            text=[f"{r['mase']:.3f}" for r in scored],
        )
    )
    figure.update_layout(
        title="Backtest error by model (MASE, lower is better)",
        xaxis_title="MASE",
        template="plotly_white",
        height=120 + 40 * len(scored),
    )
    return figure
