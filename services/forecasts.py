"""Stored forecasts: the forecast job, and reading results for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import select

from services import datasets, db, hierarchy, jobs, storage
from services.errors import InvalidInputError, NotFoundError
from services.forecast_request import ForecastRequest, resolve
from services.forecasting import forecast
from services.jobs import JobInfo
from services.profiling import Frequency
from services.tracking import track_comparison

if TYPE_CHECKING:
    from services.job_kinds import JobContext

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
    # The forecast this one refreshes; whether new data refreshes it; the owner's note.
    previous_id: str | None = None
    auto_refresh: bool = False
    note: str | None = None
    # A scenario's baseline forecast and name (see ``services.scenarios``).
    baseline_id: str | None = None
    scenario: str | None = None


def submit_forecast(user_id: int, dataset_id: str, request: ForecastRequest) -> JobInfo:
    """Check the request against the dataset and queue it as a ``forecast`` job.

    Raises
    ------
    NotFoundError
        When the dataset (or version) is not the user's.
    InvalidInputError
        When the request cannot be run on this dataset (see ``resolve``).

    """
    resolved = resolve(user_id, dataset_id, request)
    return jobs.submit(user_id, "forecast", resolved.model_dump(mode="json"))


# A job parameter beside the request: the forecast a refresh replaces.
REFRESHES = "refreshes"


def run_forecast_job(context: JobContext) -> str:
    """The ``forecast`` job: forecast a dataset version and store the result.

    A refresh (``services.refresh``) also names the forecast it replaces: the new
    forecast records it as ``previous_id`` and keeps its ``auto_refresh``.
    """
    params = dict(context.params)
    previous_id = params.pop(REFRESHES, None)
    request = ForecastRequest.model_validate(params)
    user_id = context.user_id
    if request.dataset_id is None or request.version is None or not request.time_column:
        raise InvalidInputError("This run's request was never checked; start it again.")
    dataset_id, version_id = request.dataset_id, request.version
    context.progress(0.02, "Reading the data")
    info = datasets.get_dataset(user_id, dataset_id)
    frame = datasets.open_version(user_id, dataset_id, version_id)
    series_columns = list(request.series_id or [])
    models = request.model_choices()
    options: dict[str, Any] = {
        "on_progress": lambda f, m: context.progress(0.05 + 0.85 * f, m),
        "transform": request.transform,
        "models": models,
        "folds": request.folds,
        "metric": request.metric,
        "per_series": request.per_series,
        "drivers": request.drivers,
    }
    if request.hierarchy:  # every level, made to add up
        series_columns = list(request.hierarchy)
        result = hierarchy.forecast_levels(
            frame,
            request.time_column,
            request.target,
            series_columns,
            request.reconciliation,
            horizon=request.horizon,
            frequency=request.frequency,
            **options,
        )
    else:
        result = forecast(
            frame,
            request.time_column,
            request.target,
            request.horizon,
            request.frequency,
            series_columns,
            **options,
        )
    forecast_id = db.new_id()
    points_path = storage.forecast_path(user_id, forecast_id)
    result.points.write_parquet(points_path)
    if result.backtests is not None:
        result.backtests.write_parquet(storage.backtests_path(user_id, forecast_id))
    context.progress(0.93, "Recording the run")
    with db.session() as s:
        version_hash = s.get_one(db.DatasetVersion, version_id).content_hash
    tracked = track_comparison(
        user_id,
        {
            "dataset_id": info.id,
            "version_id": version_id,
            "version_hash": version_hash,
            "target": request.target,
            "horizon": request.horizon,
            "folds": request.folds or "auto",
            "metric": request.metric,
            "transform": request.transform,
            "models": models or "auto",
            # As the logged model's config writes it (MLflow refuses a second value).
            "drivers": request.drivers or [],
        },
        result.leaderboard,
        result.model,
        points_path,
        fold_metrics=result.fold_metrics,
        model_params={m["key"]: m.get("params") or {} for m in models or []},
        recipe=result.recipe,
    )
    with db.session() as s:
        previous = s.get(db.Forecast, previous_id) if previous_id else None
        if previous is not None and previous.user_id != user_id:
            previous = None
        s.add(
            db.Forecast(
                id=forecast_id,
                previous_id=previous.id if previous else None,
                auto_refresh=previous.auto_refresh if previous else False,
                user_id=user_id,
                dataset_id=info.id,
                version_id=version_id,
                job_id=context.job_id,
                target=request.target,
                horizon=request.horizon,
                model=result.model,
                model_name=result.model_name,
                spec={
                    "time_column": request.time_column,
                    "series_columns": series_columns,
                    "frequency": request.frequency.model_dump()
                    if request.frequency
                    else None,
                    "request": {
                        **request.model_dump(
                            mode="json",
                            include={
                                "folds",
                                "metric",
                                "transform",
                                "per_series",
                                "drivers",
                                "hierarchy",
                                "reconciliation",
                            },
                        ),
                        "models": models,
                    },
                },
                metrics={
                    "holdout": result.holdout,
                    "leaderboard": result.leaderboard,
                    "series_leaderboards": result.series_leaderboards,
                    **({"levels": result.levels} if result.levels else {}),
                    "notes": [
                        *result.notes,
                        *([tracked.warning] if tracked.warning else []),
                    ],
                    "mlflow_run_id": tracked.run_id,
                    "mlflow_experiment_id": tracked.experiment_id,
                    "registered_model": tracked.model_name,
                    "registered_version": tracked.model_version,
                    # What a scenario refits (services.scenarios).
                    "recipe": result.recipe,
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
        row.previous_id,
        bool(row.auto_refresh),
        row.note,
        row.baseline_id,
        row.scenario,
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
    """The points of a forecast: series, time, forecast and the 80%/95% bounds.

    With its overrides applied (``services.overrides``): ``forecast`` is the final
    value, ``statistical_forecast`` the model's, ``override_reason`` why they differ.
    """
    from services.overrides import apply_overrides  # it reads forecasts through us

    info = get_forecast(user_id, forecast_id)
    return apply_overrides(
        info.id, pl.read_parquet(storage.forecast_path(user_id, info.id))
    )


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
        *(
            c
            for c in ("statistical_forecast", "override_reason")
            if c in points.columns
        ),
        *(["hierarchy_level"] if "hierarchy_level" in points.columns else []),
    )


def history(user_id: int, info: ForecastInfo) -> pl.DataFrame:
    """The history the forecast was made from: series, time, value."""
    frame = datasets.open_version(user_id, info.dataset_id, info.version_id)
    if info.request.get("hierarchy"):  # every level's history, as forecast
        return hierarchy.history(
            frame, info.time_column, info.target, info.request["hierarchy"]
        )
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
