"""Stored forecasts: the forecast job, and reading results for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import select

from services import datasets, db, storage
from services.errors import InvalidInputError, NotFoundError
from services.forecasting import MAX_HORIZON, check_models, forecast
from services.profiling import Frequency
from services.selection import METRICS
from services.tracking import track_comparison

if TYPE_CHECKING:
    from services.runner import JobContext

LEVELS = {80: ("lower_80", "upper_80"), 95: ("lower_95", "upper_95")}


@dataclass(frozen=True)
class ForecastInfo:
    """A stored forecast's description (its points are read separately)."""

    id: str
    dataset_id: str
    version_id: str
    target: str
    horizon: int
    model: str
    model_name: str
    time_column: str
    series_columns: list[str]
    metrics: dict[str, Any]
    created_at: datetime
    # How it was asked for: models and their settings, folds, metric, transform,
    # per_series, drivers (empty for forecasts made before this was kept).
    request: dict[str, Any] = field(default_factory=dict)
    # The frequency the forecast was made at.
    frequency: Frequency | None = None


def forecast_params(
    user_id: int,
    dataset_id: str,
    target: str,
    horizon: int,
    models: list[dict[str, Any]] | None = None,
    folds: int | None = None,
    metric: str = "mase",
    transform: str | None = None,
    version_id: str | None = None,
    per_series: bool = False,
    series_id: list[str] | None = None,
    drivers: list[str] | None = None,
) -> dict[str, Any]:
    """Check a forecast request against the dataset and return the job's parameters.

    The column choices in force now travel with the job, so it is reproducible.

    Raises
    ------
    NotFoundError
        When the dataset (or version) is not the user's.
    InvalidInputError
        When the target is not a numeric column, there is no time column, or the
        horizon, a model, the folds or the metric are out of range.

    """
    info = datasets.get_dataset(user_id, dataset_id)
    profile = info.profile
    if profile.time_column is None:
        raise InvalidInputError(
            profile.time_explanation or "The data has no time column.",
            code="no_time_column",
        )
    if target not in profile.target_candidates:
        choices = ", ".join(profile.target_candidates) or "none"
        raise InvalidInputError(
            f"“{target}” cannot be forecast. Numeric columns you can "
            f"choose: {choices}.",
            code="invalid_target",
        )
    if not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInputError(f"Choose a horizon between 1 and {MAX_HORIZON} steps.")
    if metric not in METRICS:
        raise InvalidInputError("metric must be one of " + ", ".join(METRICS) + ".")
    if folds is not None and not 1 <= folds <= 10:
        raise InvalidInputError("folds must be between 1 and 10.")
    if version_id is not None:
        datasets.version_file(user_id, dataset_id, version_id)  # it must be theirs
    check_models(models)
    names = {c.name: c for c in profile.columns}
    for name in series_id or []:
        if name not in names or name in (target, profile.time_column):
            raise InvalidInputError(
                f"“{name}” cannot identify the series: choose columns of the data "
                "other than the time and the target.",
                code="invalid_series_id",
            )
    for name in drivers or []:
        if name not in names or names[name].role not in ("numeric", "boolean"):
            raise InvalidInputError(
                f"“{name}” cannot be a driver: choose numeric columns.",
                code="invalid_driver",
            )
        if name in (target, *(series_id or profile.series_id_columns)):
            raise InvalidInputError(
                f"“{name}” is the target or a series column, not a driver.",
                code="invalid_driver",
            )
    return {
        "dataset_id": dataset_id,
        "version_id": version_id or info.version_id,
        "target": target,
        "horizon": horizon,
        "time_column": profile.time_column,
        "series_id_columns": profile.series_id_columns
        if series_id is None
        else series_id,
        "drivers": list(drivers or []),
        "frequency": profile.frequency.model_dump() if profile.frequency else None,
        "transform": transform
        if transform is not None
        else info.columns_config.transform,
        "models": models,
        "folds": folds,
        "metric": metric,
        "per_series": per_series,
    }


def run_forecast_job(context: JobContext) -> str:
    """The ``forecast`` job: forecast a dataset version and store the result."""
    params = context.params
    user_id = context.user_id
    context.progress(0.02, "Reading the data")
    info = datasets.get_dataset(user_id, params["dataset_id"])
    frame = datasets.open_version(user_id, params["dataset_id"], params["version_id"])
    time_column = params["time_column"]
    series_columns = list(params["series_id_columns"])
    frequency = Frequency(**params["frequency"]) if params["frequency"] else None
    result = forecast(
        frame,
        time_column,
        params["target"],
        int(params["horizon"]),
        frequency,
        series_columns,
        on_progress=lambda f, m: context.progress(0.05 + 0.85 * f, m),
        transform=params.get("transform"),
        models=params.get("models"),
        folds=params.get("folds"),
        metric=params.get("metric", "mase"),
        per_series=bool(params.get("per_series")),
        drivers=params.get("drivers"),
    )
    forecast_id = db.new_id()
    points_path = storage.forecast_path(user_id, forecast_id)
    result.points.write_parquet(points_path)
    if result.backtests is not None:
        result.backtests.write_parquet(storage.backtests_path(user_id, forecast_id))
    context.progress(0.93, "Recording the run")
    with db.session() as s:
        version = s.get_one(db.DatasetVersion, params["version_id"])
        version_hash = version.content_hash
    tracked = track_comparison(
        user_id,
        {
            "dataset_id": info.id,
            "version_id": params["version_id"],
            "version_hash": version_hash,
            "target": params["target"],
            "horizon": params["horizon"],
            "folds": params.get("folds") or "auto",
            "metric": params.get("metric", "mase"),
            "transform": params.get("transform"),
            "models": params.get("models") or "auto",
            # As the logged model's config writes it (MLflow refuses a second value).
            "drivers": params.get("drivers") or [],
        },
        result.leaderboard,
        result.model,
        points_path,
        fold_metrics=result.fold_metrics,
        model_params={
            m["key"]: m.get("params") or {} for m in params.get("models") or []
        },
        recipe=result.recipe,
    )
    with db.session() as s:
        s.add(
            db.Forecast(
                id=forecast_id,
                user_id=user_id,
                dataset_id=info.id,
                version_id=params["version_id"],
                job_id=context.job_id,
                target=params["target"],
                horizon=int(params["horizon"]),
                model=result.model,
                model_name=result.model_name,
                spec={
                    "time_column": time_column,
                    "series_columns": series_columns,
                    "frequency": params["frequency"],
                    "request": {
                        name: params.get(name)
                        for name in (
                            "models",
                            "folds",
                            "metric",
                            "transform",
                            "per_series",
                            "drivers",
                        )
                    },
                },
                metrics={
                    "holdout": result.holdout,
                    "leaderboard": result.leaderboard,
                    "series_leaderboards": result.series_leaderboards,
                    "notes": [
                        *result.notes,
                        *([tracked.warning] if tracked.warning else []),
                    ],
                    "mlflow_run_id": tracked.run_id,
                    "mlflow_experiment_id": tracked.experiment_id,
                    "registered_model": tracked.model_name,
                    "registered_version": tracked.model_version,
                },
            )
        )
    return forecast_id


def _info(row: db.Forecast) -> ForecastInfo:
    spec = row.spec or {}
    return ForecastInfo(
        row.id,
        row.dataset_id,
        row.version_id,
        row.target,
        row.horizon,
        row.model,
        row.model_name,
        spec.get("time_column", "time"),
        list(spec.get("series_columns") or []),
        dict(row.metrics or {}),
        row.created_at,
        dict(spec.get("request") or {}),
        Frequency(**spec["frequency"]) if spec.get("frequency") else None,
    )


def get_forecast(user_id: int, forecast_id: str) -> ForecastInfo:
    """One of the user's forecasts.

    Raises
    ------
    NotFoundError
        When it does not exist or belongs to someone else.

    """
    with db.session() as s:
        row = s.get(db.Forecast, forecast_id) if isinstance(forecast_id, str) else None
        if row is None or row.user_id != user_id:
            raise NotFoundError("This forecast does not exist, or it is not yours.")
        return _info(row)


def list_forecasts(
    user_id: int, limit: int = 20, dataset_id: str | None = None
) -> list[ForecastInfo]:
    """The user's newest forecasts (of one dataset, when ``dataset_id`` is given)."""
    query = select(db.Forecast).where(db.Forecast.user_id == user_id)
    if dataset_id:
        query = query.where(db.Forecast.dataset_id == dataset_id)
    with db.session() as s:
        rows = s.scalars(query.order_by(db.Forecast.created_at.desc()).limit(limit))
        return [_info(r) for r in rows]


def forecast_points(user_id: int, forecast_id: str) -> pl.DataFrame:
    """The points of a forecast: series, time, forecast and the 80%/95% bounds."""
    info = get_forecast(user_id, forecast_id)
    return pl.read_parquet(storage.forecast_path(user_id, info.id))


def series_count(user_id: int, forecast_id: str) -> int:
    """How many series a forecast covers (1 for a single series)."""
    info = get_forecast(user_id, forecast_id)
    counted = (
        pl.scan_parquet(storage.forecast_path(user_id, info.id))
        .select(pl.col("series").n_unique())
        .collect()
    )
    return int(counted.item())


def forecast_backtests(user_id: int, forecast_id: str) -> pl.DataFrame | None:
    """The chosen model's backtests: series, fold, step, time, actual, forecast."""
    info = get_forecast(user_id, forecast_id)
    path = storage.backtests_path(user_id, info.id)
    return pl.read_parquet(path) if path.exists() else None


def points_at_level(points: pl.DataFrame, level: int) -> pl.DataFrame:
    """The points with ``lower``/``upper`` for one interval level (80 or 95).

    Raises
    ------
    InvalidInputError
        For any other level.

    """
    if level not in LEVELS:
        raise InvalidInputError(
            "The interval level must be 80 or 95.", code="invalid_level"
        )
    lower, upper = LEVELS[level]
    return points.select(
        "series",
        "time",
        pl.col("forecast").alias("value"),
        pl.col(lower).alias("lower"),
        pl.col(upper).alias("upper"),
    )


def history(user_id: int, info: ForecastInfo) -> pl.DataFrame:
    """The history the forecast was made from: series, time, value."""
    frame = datasets.open_version(user_id, info.dataset_id, info.version_id)
    label = (
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in info.series_columns], separator=" / "
        )
        if info.series_columns
        else pl.lit(None, dtype=pl.String)
    )
    return (
        frame.select(
            label.alias("series"),
            pl.col(info.time_column).alias("time"),
            pl.col(info.target).cast(pl.Float64).alias("value"),
        )
        .drop_nulls(["time", "value"])
        .sort("series", "time")
    )


def file_name(info: ForecastInfo, fmt: str) -> str:
    """The name of a forecast's download, e.g. ``forecast_passengers_1a2b3c4d.pdf``.

    Its target (letters and digits only) and the start of its id.
    """
    safe_target = "".join(ch if ch.isalnum() else "_" for ch in info.target)[:40]
    return f"forecast_{safe_target}_{info.id[:8]}.{fmt}"
