"""What-if on drivers: a forecast made again with other future values of its drivers.

A scenario takes a forecast whose model uses drivers (LightGBM, linear regression, the
deep models, Chronos-2), replaces some of the drivers' future values (the rows after
the last target value) and forecasts again with the same model, so that it differs
from its baseline only through the drivers. It is a forecast of its own, with
``baseline_id`` and ``scenario`` (its name); the baseline is never changed.

How each model family forecasts again (2 CPU cores in mind)
-----------------------------------------------------------
No fitted model is kept: every family is **refitted with the baseline's recipe** (the
same models, parameters, seeds, transform, conformal widths and range stretches,
``final_forecast.refit``) on the baseline's own data version. Only future rows
change, so each model is trained on exactly the rows it was trained on before:

- LightGBM (fixed ``random_state``) and linear regression refit in well under a
  second on test-sized data and are deterministic. LightGBM's ranges come from
  sampling its quantiles, seeded by the model's own random state: a fresh model with
  the same seed draws the same samples, which a kept model asked a second time would
  not. Refitting is both cheaper to store and the way to reproduce the baseline.
- The deep models (N-BEATS, TiDE, TSMixer) are trained with their ``seed`` and
  repeat themselves on the CPU; a refit costs what the baseline's final fit cost
  (seconds to minutes), which is why a scenario runs as a job.
- Chronos-2 is pre-trained: nothing is fitted, it is only asked again with the new
  future covariates.

With unchanged drivers a scenario reproduces its baseline's values (a test checks
it). The scenario runs as a ``scenario`` job (the API answers 202 with the job; once
it has succeeded, the job carries ``forecast_id``).
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from services import datasets, db, jobs, storage
from services.errors import ConflictError, InvalidInputError
from services.forecasts import ForecastInfo, forecast_points, get_forecast
from services.jobs import JobInfo
from services.models import CATALOG
from services.tracking import track_scenario

if TYPE_CHECKING:
    from services.job_kinds import JobContext

# The longest scenario name, in characters.
NAME_MAX_CHARS = 120
SERIES = "__series__"


class DriverValue(BaseModel):
    """One future value of a driver: at a forecast step, of one series or all."""

    model_config = ConfigDict(extra="forbid")
    series: str | None = Field(
        None, description="The series, as in the forecast's points; null for all."
    )
    time: str = Field(
        description="ISO 8601 date or datetime of a forecast step (a date alone "
        "means midnight)."
    )
    value: float = Field(allow_inf_nan=False, description="The driver's new value.")


class ScenarioRequest(BaseModel):
    """A named scenario: new future values of some of the forecast's drivers."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=NAME_MAX_CHARS)
    drivers: dict[str, list[DriverValue]] = Field(
        min_length=1,
        description="Per driver column, the values to change; steps not listed keep "
        "the baseline's values.",
    )


def driver_models() -> list[str]:
    """The names of the catalog's models that use drivers (and can run here)."""
    return [s.name for s in CATALOG.values() if s.covariates and s.available]


def _or_list(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def recipe_of(info: ForecastInfo) -> dict[str, Any]:
    """The recipe to forecast ``info`` again, once it is known to take drivers.

    Raises
    ------
    ConflictError
        ``model_takes_no_drivers`` when its model uses no drivers, or it was made
        without drivers; ``scenario_unavailable`` for a forecast made before
        scenarios existed, or one with totals (a hierarchy).

    """
    recipe: dict[str, Any] | None = info.metrics.get("recipe")
    keys = (
        {k for _label, plan in recipe["plans"] for k in plan["keys"]}
        if recipe
        else {info.model}
    )
    choose = _or_list(driver_models())
    if not any(k in CATALOG and CATALOG[k].covariates for k in keys):
        plain = info.model_name.split(" (")[0]
        raise ConflictError(
            f"{plain} does not use drivers; choose {choose} on the Models "
            "page and forecast again with drivers, then compare scenarios.",
            code="model_takes_no_drivers",
        )
    if not info.request.get("drivers"):
        raise ConflictError(
            "This forecast was made without drivers, so there are none to change. "
            "Forecast with drivers first (under More options, pick the columns that "
            f"drive the number, such as a promotion or a price), with {choose}.",
            code="model_takes_no_drivers",
        )
    if not recipe:
        raise ConflictError(
            "This forecast was made before scenarios were possible; forecast again, "
            "then compare scenarios.",
            code="scenario_unavailable",
        )
    if info.request.get("hierarchy"):
        raise ConflictError(
            "Scenarios cannot be compared on a forecast with totals yet; forecast "
            "the series without totals, with drivers, then compare scenarios.",
            code="scenario_unavailable",
        )
    return recipe


def _labelled(frame: pl.DataFrame, info: ForecastInfo) -> pl.DataFrame:
    """The table with each row's series label (as in the points) in ``SERIES``."""
    label = (
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in info.series_columns], separator=" / "
        )
        if info.series_columns
        else pl.lit(None, dtype=pl.String)
    )
    return frame.with_columns(label.alias(SERIES))


def future_drivers(user_id: int, forecast_id: str) -> pl.DataFrame:
    """The drivers' values at the forecast's steps: series, time, one column each.

    Raises
    ------
    NotFoundError
        When the forecast is not the user's.
    ConflictError
        When its model takes no drivers (see :func:`recipe_of`).

    """
    info = get_forecast(user_id, forecast_id)
    recipe_of(info)
    drivers = list(info.request["drivers"])
    frame = _labelled(
        datasets.open_version(user_id, info.dataset_id, info.version_id), info
    )
    steps = forecast_points(user_id, info.id).select("series", "time")
    table = frame.select(
        pl.col(SERIES).alias("series"),
        pl.col(info.time_column).alias("time"),
        *(pl.col(d).cast(pl.Float64) for d in drivers if d in frame.columns),
    ).unique(["series", "time"], keep="first")
    return steps.join(
        table.with_columns(pl.col("time").cast(steps.schema["time"])),
        on=["series", "time"],
        how="left",
        nulls_equal=True,
    ).sort("series", "time")


def _moment(value: Any) -> datetime:
    """A step's time or a given ISO text as a naive datetime (a date: midnight)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime) and isinstance(value, date):
        value = datetime(value.year, value.month, value.day)
    moment: datetime = value
    return moment.replace(tzinfo=None)


def _changes(
    info: ForecastInfo, future: pl.DataFrame, asked: ScenarioRequest
) -> list[dict[str, Any]]:
    """The request as one change per (driver, series, step), checked."""
    drivers = list(info.request["drivers"])
    steps = {
        (row["series"], _moment(row["time"])): row
        for row in future.iter_rows(named=True)
    }
    series = sorted({s for s, _ in steps if s is not None})
    changes: dict[tuple[str, str | None, datetime], float] = {}
    for column, values in asked.drivers.items():
        if column not in drivers:
            raise InvalidInputError(
                f"“{column}” is not a driver of this forecast; its drivers are "
                + ", ".join(f"“{d}”" for d in drivers)
                + ".",
                code="invalid_scenario",
            )
        _known_ahead(future, column)
        for entry in values:
            if entry.series is not None and entry.series not in series:
                raise InvalidInputError(
                    f"There is no series “{entry.series}” in this forecast.",
                    code="unknown_series",
                )
            try:
                moment = _moment(entry.time)
            except ValueError:
                raise InvalidInputError(
                    f"“{entry.time}” is not a date; write it as 2024-01-31 (or "
                    "2024-01-31T09:00).",
                    code="invalid_scenario",
                ) from None
            labels = [entry.series] if entry.series is not None else series or [None]
            for label in labels:
                row = steps.get((label, moment))
                if row is None:
                    raise InvalidInputError(
                        f"{entry.time} is not a step of this forecast"
                        + (f" for {label}" if label else "")
                        + "; use the times of its forecast points.",
                        code="invalid_scenario",
                    )
                if row.get(column) is None:
                    raise InvalidInputError(
                        f"“{column}” has no value in the data at {entry.time}, so "
                        "the forecast used only its past; add its planned values to "
                        "the data and forecast again.",
                        code="invalid_scenario",
                    )
                changes[(column, label, moment)] = entry.value
    return [
        {"column": c, "series": s, "time": t.isoformat(), "value": v}
        for (c, s, t), v in changes.items()
    ]


def _known_ahead(future: pl.DataFrame, column: str) -> None:
    """A driver changes a forecast only if it is known at every step of every series.

    Otherwise the models used only its past (``preparation.with_drivers``), and a
    scenario of its future values would silently equal its baseline.
    """
    if column not in future.columns:
        return
    unknown = future.filter(pl.col(column).is_null())
    if unknown.is_empty():
        return
    first = unknown.row(0, named=True)
    where = f" of {first['series']}" if first["series"] is not None else ""
    raise InvalidInputError(
        f"“{column}” has no value in the data at {_moment(first['time']):%Y-%m-%d}"
        f"{where} ({unknown.height} future "
        f"{'step' if unknown.height == 1 else 'steps'} without one), so the forecast "
        "used only its past and a scenario cannot change it. Add its planned "
        "values for every future step to the data and forecast again.",
        code="invalid_scenario",
    )


def create_scenario(
    user_id: int, forecast_id: str, name: str, drivers: dict[str, Any]
) -> JobInfo:
    """Check a scenario of a forecast and queue it as a ``scenario`` job.

    Parameters
    ----------
    drivers
        ``{column: [{"series"?: str | None, "time": ISO date, "value": float}]}``;
        an entry without a series applies to every series.

    Returns
    -------
    JobInfo
        The job; once it has succeeded, its result is the scenario's forecast id.

    Raises
    ------
    NotFoundError
        When the forecast is not the user's.
    ConflictError
        When its model uses no drivers, or it was made without any.
    InvalidInputError
        For a column that is not one of its drivers, a time that is not one of its
        steps, or a value that is not a finite number.

    Examples
    --------
    >>> create_scenario(7, forecast_id, "Promotion in June",  # doctest: +SKIP
    ...                 {"promo": [{"time": "2024-06-01", "value": 1}]})

    """
    from pydantic import ValidationError

    info = get_forecast(user_id, forecast_id)
    recipe_of(info)
    try:
        asked = ScenarioRequest.model_validate({"name": name, "drivers": drivers})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInputError(
            f"The scenario's {where}: {first['msg']}.", code="invalid_scenario"
        ) from exc
    if not asked.name.strip():
        raise InvalidInputError("Give the scenario a name.", code="invalid_scenario")
    changes = _changes(info, future_drivers(user_id, info.id), asked)
    params = {"baseline_id": info.id, "name": asked.name.strip(), "changes": changes}
    return jobs.submit(user_id, "scenario", params)


def with_changes(
    frame: pl.DataFrame, info: ForecastInfo, changes: list[dict[str, Any]]
) -> pl.DataFrame:
    """The table with the drivers' values replaced at the changed (series, step)."""
    columns = list(frame.columns)
    changed = _labelled(frame, info).with_columns(
        pl.col(info.time_column).cast(pl.Datetime("us")).alias("__time__")
    )
    for column in sorted({c["column"] for c in changes}):
        new = pl.DataFrame(
            [
                (c["series"], datetime.fromisoformat(c["time"]), float(c["value"]))
                for c in changes
                if c["column"] == column
            ],
            schema={
                SERIES: pl.String,
                "__time__": pl.Datetime("us"),
                "__new__": pl.Float64,
            },
            orient="row",
        )
        changed = changed.join(
            new, on=[SERIES, "__time__"], how="left", nulls_equal=True
        ).with_columns(
            # Kept as numbers: a 0/1 flag or a count stays numeric for the models,
            # and 2.5 promotions are not cut to 2 (nor 0.5 turned into "true").
            pl.coalesce(pl.col("__new__"), pl.col(column).cast(pl.Float64))
            .cast(
                frame.schema[column] if frame.schema[column].is_float() else pl.Float64
            )
            .alias(column)
        )
        changed = changed.drop("__new__")
    return changed.select(columns)


def run_scenario_job(context: JobContext) -> str:
    """The ``scenario`` job: forecast the baseline again with the changed drivers."""
    from services.final_forecast import refit

    user_id, params = context.user_id, context.params
    info = get_forecast(user_id, str(params["baseline_id"]))
    recipe = recipe_of(info)
    context.progress(0.05, "Reading the data")
    frame = datasets.open_version(user_id, info.dataset_id, info.version_id)
    changed = with_changes(frame, info, list(params["changes"]))
    context.progress(0.2, f"Forecasting again with {info.model_name}")
    points = refit(changed, recipe, info.horizon)
    forecast_id = db.new_id()
    points.write_parquet(storage.forecast_path(user_id, forecast_id))
    backtests = storage.backtests_path(user_id, info.id)
    if backtests.exists():  # the same model, so the same backtests
        shutil.copyfile(backtests, storage.backtests_path(user_id, forecast_id))
    context.progress(0.95, "Saving the scenario")
    name = str(params["name"])
    columns = sorted({c["column"] for c in params["changes"]})
    count = len(params["changes"])
    note = (
        f"Scenario “{name}” of the forecast made on "
        f"{info.created_at:%Y-%m-%d %H:%M}: {count} future "
        f"{'value' if count == 1 else 'values'} of "
        + ", ".join(f"“{c}”" for c in columns)
        + " changed."
    )
    with db.session() as s:
        baseline = s.get_one(db.Forecast, info.id)
        metrics, spec = dict(baseline.metrics or {}), dict(baseline.spec or {})
    tracked = track_scenario(
        user_id,
        {**metrics, "id": info.id, "dataset_id": info.dataset_id, "model": info.model},
        name,
        list(params["changes"]),
        storage.forecast_path(user_id, forecast_id),
    )
    metrics["notes"] = [note, *metrics.get("notes", [])]
    metrics["notes"] += [tracked.warning] if tracked.warning else []
    metrics["scenario_changes"] = list(params["changes"])
    # The scenario's own run; the baseline's stays on the baseline.
    metrics["mlflow_run_id"] = tracked.run_id
    metrics["mlflow_experiment_id"] = tracked.experiment_id
    with db.session() as s:
        s.add(
            db.Forecast(
                id=forecast_id,
                user_id=user_id,
                dataset_id=info.dataset_id,
                version_id=info.version_id,
                job_id=context.job_id,
                target=info.target,
                horizon=info.horizon,
                model=info.model,
                model_name=info.model_name,
                spec=spec,
                metrics=metrics,
                baseline_id=info.id,
                scenario=name,
            )
        )
    return forecast_id


def comparison(user_id: int, scenario_id: str) -> pl.DataFrame:
    """A scenario next to its baseline, step by step.

    Columns: series, time, baseline, scenario, difference (scenario minus baseline)
    and percent (of the baseline; null where the baseline is zero). Both are the
    model's values: the baseline's values changed by hand are left out (the refit
    behind the scenario never saw them), so the difference is the drivers' alone.

    Raises
    ------
    NotFoundError
        When the scenario or its baseline is not the user's (or is gone).
    InvalidInputError
        When the forecast is not a scenario.

    """
    info = get_forecast(user_id, scenario_id)
    if info.baseline_id is None:
        raise InvalidInputError(
            "This forecast is not a scenario.", code="invalid_scenario"
        )
    base = forecast_points(user_id, info.baseline_id).select(
        "series", "time", pl.col("statistical_forecast").alias("baseline")
    )
    mine = forecast_points(user_id, info.id).select(
        "series", "time", pl.col("statistical_forecast").alias("scenario")
    )
    joined = base.join(mine, on=["series", "time"], how="inner", nulls_equal=True)
    return joined.with_columns(
        (pl.col("scenario") - pl.col("baseline")).alias("difference"),
        pl.when(pl.col("baseline") != 0)
        .then(100 * (pl.col("scenario") - pl.col("baseline")) / pl.col("baseline"))
        .otherwise(None)
        .alias("percent"),
    ).sort("series", "time")


def is_finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (text from a grid cell included)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
