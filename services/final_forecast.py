"""The final forecast: the chosen model of each series refit on all its history.

Global models are fitted once on every series long enough for them, local ones series
by series (on every core); a combination takes the weighted average of its members,
and the ranges are stretched as the backtests said (see :class:`Plan`). A model that
fails here leaves its series to a fallback, said in the notes. Data that is never
negative gets no negative forecast or range.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from services import (
    backtest,
    calendar_grid,
    calendars,
    fitting,
    parallel,
    preparation,
    selection,
)
from services.backtest import ModelBacktest
from services.calendars import Frequency
from services.errors import InvalidInputError
from services.fitting import SeriesData, Setup
from services.models import CATALOG
from services.selection import Plan

log = logging.getLogger(__name__)

POINT_COLUMNS = [
    "series",
    "time",
    "forecast",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
]


def refit(
    frame: pl.DataFrame, recipe: dict[str, Any], horizon: int | None = None
) -> pl.DataFrame:
    """Refit a comparison's chosen model(s) on ``frame`` and forecast, no backtests.

    ``recipe`` is :attr:`ForecastResult.recipe`: the columns, the frequency, each
    series' model or ensemble members with their parameters, and the widths of
    conformal intervals learnt in the backtests.

    Raises
    ------
    InvalidInputError
        When the data lacks a column or holds a series the recipe has no model for.

    """
    frequency = Frequency(**recipe["frequency"])
    horizon = horizon or int(recipe["horizon"])
    data = recipe_data(frame, recipe, horizon)
    plans = {label: Plan(**plan) for label, plan in recipe["plans"]}
    unknown = [str(label) for label in data.series if label not in plans]
    if unknown:
        raise InvalidInputError(
            "No model was chosen for the series " + ", ".join(unknown) + "."
        )
    return fit_final(
        {label: plans[label] for label in data.series},
        recipe["params"],
        data.series,
        data.tables,
        Setup(horizon, calendars.season_length(frequency)),
        frequency,
        [],
        _quiet,
    )


@dataclass(frozen=True)
class RecipeData:
    """The data as a recipe's final fit sees it.

    ``series``: each series' values with its drivers and the recipe's transform;
    ``tables``: each series' rows (time, value), for the forecast's future times.
    """

    series: dict[str | None, SeriesData]
    tables: dict[str | None, pl.DataFrame]


def recipe_data(
    frame: pl.DataFrame, recipe: dict[str, Any], horizon: int
) -> RecipeData:
    """The series of ``frame`` prepared as ``recipe`` says, ready for its models.

    The same preparation, drivers (known ``horizon`` steps ahead or past only) and
    transform as the final fit, so a refit, a scenario and an explanation see what
    the forecast saw.

    Raises
    ------
    InvalidInputError
        When the data lacks a column, or a driver is not a numeric column.

    Examples
    --------
    >>> recipe_data(frame, info_recipe, 12).series[None].ts  # doctest: +SKIP

    """
    frequency = Frequency(**recipe["frequency"])
    prepared = preparation.prepare(
        frame,
        recipe["time_column"],
        recipe["target"],
        recipe["series_columns"],
        frequency,
    )
    params_of = recipe["params"]
    data = preparation.with_drivers(
        prepared.series,
        frame,
        recipe["time_column"],
        recipe["target"],
        recipe["series_columns"],
        recipe["drivers"],
        frequency,
        horizon,
        [(key, params_of.get(key)) for key in params_of],
        [],
    )
    season = calendars.season_length(frequency)
    for d in data.values():
        d.transform, _ = fitting.transform_for(
            recipe["transform"], d.ts.values()[:, 0], season
        )
    return RecipeData(data, prepared.tables)


def fit_final(
    plans: dict[str | None, Plan],
    params_of: dict[str, Any],
    data: dict[str | None, SeriesData],
    tables: dict[str | None, pl.DataFrame],
    setup: Setup,
    frequency: Frequency,
    notes: list[str],
    step: Callable[[str], None],
) -> pl.DataFrame:
    """Refit each series' chosen model (or ensemble members) on all history.

    A model that fails here leaves its series to a fallback (said in ``notes``).
    """
    outputs = _fit_all(plans, params_of, data, setup, step)
    frames, clipped = [], False
    for label, plan in plans.items():
        forecasts = [outputs.get((label, key)) for key in plan.keys]
        if any(f is None for f in forecasts):
            values = _rescue(label, plan, data[label], setup, notes)
        else:
            values = _combine(plan, [f for f in forecasts if f is not None])
        history = data[label].ts.values()[:, 0]
        safe = backtest.clip_at_zero(values, history)
        clipped = clipped or bool((safe != values).any())
        times = calendar_grid.future_times(
            frequency, tables[label]["time"], setup.horizon
        )
        frames.append(_points(safe, label, times))
    if clipped:
        notes.append(
            "The data is never negative, so forecasts and ranges below zero were "
            "raised to zero."
        )
    return pl.concat(frames)


def _fit_all(
    plans: dict[str | None, Plan],
    params_of: dict[str, Any],
    data: dict[str | None, SeriesData],
    setup: Setup,
    step: Callable[[str], None],
) -> dict[tuple[str | None, str], np.ndarray | None]:
    """Every planned model on its series: global ones once, local ones per series."""
    wanted = {key for plan in plans.values() for key in plan.keys}
    is_global = {key: CATALOG[key].multi_series and len(data) > 1 for key in wanted}
    outputs: dict[tuple[str | None, str], np.ndarray | None] = {}
    for key in sorted(k for k, g in is_global.items() if g):
        spec = CATALOG[key]
        step(f"Forecasting with {spec.name} (all series at once)")
        # Fitted on every series long enough for it, as in the backtests.
        fits = {label: d for label, d in data.items() if len(d.ts) >= spec.min_history}
        try:
            every, _fit, _predict = fitting.fit_predict(
                spec, params_of.get(key), list(fits.values()), setup
            )
            outputs.update(
                {(label, key): v for label, v in zip(fits, every, strict=True)}
            )
        except Exception:
            log.exception("final fit of %s failed", key)
    local = {
        label: [(k, params_of.get(k)) for k in plan.keys if not is_global[k]]
        for label, plan in plans.items()
    }
    outputs.update(parallel.forecast_all(local, data, setup, step))
    return outputs


def _combine(plan: Plan, forecasts: list[np.ndarray]) -> np.ndarray:
    """One (horizon × 5 quantiles) forecast from the plan's model(s).

    A combination's members without their own ranges get their backtests' conformal
    ranges first, as they had in the combination's backtests.
    """
    widths = plan.member_widths or {}
    forecasts = [
        backtest.widen(f, widths[key]) if key in widths else f
        for key, f in zip(plan.keys, forecasts, strict=True)
    ]
    stack = np.stack(forecasts)
    if not plan.combine:
        values = forecasts[0]
    elif plan.widths is not None:  # a plan saved before weights: the median point
        point = np.median(stack[:, :, 2], axis=0)
        values = np.repeat(point[:, None], 5, axis=1)
    else:  # the weighted average of the points and quantiles (untested: equal)
        weights = plan.weights or [1 / len(forecasts)] * len(forecasts)
        values = np.tensordot(np.asarray(weights), stack, axes=1)
    if plan.widths is not None:
        values = backtest.widen(values, plan.widths)
    if plan.stretch is not None:
        values = backtest.stretch(values, plan.stretch)
    return values


def _rescue(
    label: str | None,
    plan: Plan,
    data: SeriesData,
    setup: Setup,
    notes: list[str],
) -> np.ndarray:
    """A forecast for a series whose chosen model failed in the final fit."""
    names = ", ".join(CATALOG[k].name for k in plan.keys)
    for key in selection.FALLBACKS:
        spec = CATALOG[key]
        if spec.min_history > len(data.ts):
            continue
        try:
            [values], _fit, _predict = fitting.fit_predict(spec, None, [data], setup)
        except Exception:
            log.exception("fallback %s failed on %s", key, label)
            continue
        where = f" on {label}" if label else ""
        notes.append(
            f"{names} could not be fitted to all the history{where}, so "
            f"{spec.name} made that forecast instead."
        )
        return values
    raise InvalidInputError(
        "No model could be fitted to this series. Check that it holds enough "
        "regular values.",
        code="no_model_fits",
    )


def _points(values: np.ndarray, label: str | None, times: pl.Series) -> pl.DataFrame:
    ordered = np.sort(values, axis=1)  # quantiles never cross
    return pl.DataFrame(
        {
            "series": pl.Series([label] * len(times), dtype=pl.String),
            "time": times,
            "forecast": ordered[:, 2],
            "lower_80": ordered[:, 1],
            "upper_80": ordered[:, 3],
            "lower_95": ordered[:, 0],
            "upper_95": ordered[:, 4],
        }
    )


def backtest_frame(
    choice: dict[str | None, ModelBacktest],
    data: dict[str | None, SeriesData],
    tables: dict[str | None, pl.DataFrame],
    frequency: Frequency,
) -> pl.DataFrame:
    """The chosen models' fold forecasts next to the actuals, for the charts."""
    rows = []
    for label, chosen in choice.items():
        tested = chosen.per_series.get(label)
        if tested is None:
            continue
        times = preparation.data_times(
            frequency, data[label].ts, tables[label]["time"].dtype
        )
        for fold, (actual, forecast, history) in enumerate(
            zip(tested.actuals, tested.forecasts, tested.histories, strict=True),
            start=1,
        ):
            start = len(history)
            for h in range(len(actual)):
                rows.append(
                    (
                        label,
                        fold,
                        h + 1,
                        times[start + h],
                        float(actual[h]),
                        float(forecast[h, 2]),
                    )
                )
    return pl.DataFrame(
        rows,
        schema=["series", "fold", "step", "time", "actual", "forecast"],
        orient="row",
    )


def _quiet(_message: str) -> None:
    pass
