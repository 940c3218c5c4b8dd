"""Forecasting: compare models on backtests, choose one, forecast with intervals.

"Automatic" compares the catalog's automatic candidates and the median of the best
three; a user may name models instead. The chosen model is refit on all history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from services import backtest, parallel
from services.errors import InvalidInputError, SeriesTooShortError
from services.models import AUTOMATIC, CATALOG, COMBINED, ENSEMBLES
from services.profiling import SEASON_LENGTH, Frequency, pandas_frequency

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
MAX_HORIZON = 1000
METRICS = ("mase", "smape", "mape", "mae", "rmse", "msis")
METRIC_NAMES = {"smape": "sMAPE"} | {m: m.upper() for m in METRICS if m != "smape"}
TIE = 0.01  # within 1% of the best, the simpler model wins
# Backtests pick a single model noisily; combinations are steadier (M3, M4 and our own
# benchmarks), so a single model must beat the combination's backtest error by this
# much. Set on M3 monthly series that the accuracy benchmark does not use
# (benchmarks/combination.py): 25% gave MASE 0.750, 40% 0.734, 60% 0.731, the same as
# keeping the combination always, while a clearly better model (say, a season that
# repeats exactly) still wins.
COMBINATION_MARGIN = 0.6
ProgressFn = Callable[[float, str], None]
TRANSFORM_WORDS = {
    "log": "a log transform",
    "box-cox": "a Box-Cox transform",
    "differencing": "differencing (each value minus the one before)",
    "seasonal differencing": "seasonal differencing (each value minus the one a "
    "season before)",
    "scale": "scaling to 0–1",
}


@dataclass
class ForecastResult:
    """The chosen model, the leaderboard, the backtests and the forecast points."""

    model: str
    model_name: str
    points: pl.DataFrame
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    series_leaderboards: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    backtests: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    # Everything needed to refit the chosen model(s) on new data (JSON): see refit().
    recipe: dict[str, Any] = field(default_factory=dict)
    # Per model key: the metrics of each backtest fold (averaged over series).
    fold_metrics: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    @property
    def holdout(self) -> dict[str, dict[str, float]]:
        """Each model's backtest scores by key (models that failed are left out)."""
        return {
            row["model"]: {k: row[k] for k in METRICS}
            for row in self.leaderboard
            if not row["error"]
        }


def _series_label(key: tuple[Any, ...]) -> str:
    return " / ".join(str(part) for part in key)


def split_series(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    keep: list[str] | None = None,
) -> dict[str | None, pl.DataFrame]:
    """One frame per series: time, the target as value, and the ``keep`` columns.

    Rows are sorted by time; rows after the last target value are left out.

    Raises
    ------
    InvalidInputError
        When a series has the same time twice, or no values at all.

    """
    for name in (time_column, target, *series_columns):
        if name not in frame.columns:
            raise InvalidInputError(f"The dataset has no column “{name}”.")
    if not frame[target].dtype.is_numeric():
        raise InvalidInputError(
            f"“{target}” does not hold numbers; choose a numeric column to forecast."
        )
    groups: dict[str | None, pl.DataFrame] = {}
    if series_columns:
        parts = frame.partition_by(series_columns, as_dict=True, maintain_order=True)
        items = sorted(
            ((_series_label(k), v) for k, v in parts.items()), key=lambda kv: kv[0]
        )
    else:
        items = [(None, frame)]  # type: ignore[list-item]
    for label, part in items:
        data = (
            part.select(
                pl.col(time_column).alias("time"),
                pl.col(target).cast(pl.Float64).alias("value"),
                *(pl.col(name).cast(pl.Float64) for name in keep or []),
            )
            .drop_nulls("time")
            .sort("time")
        )
        observed = data["value"].is_not_null()
        if not observed.any():
            raise InvalidInputError(
                f"“{target}” has no values" + (f" for {label}." if label else ".")
            )
        data = data.head(int(observed.arg_true().max()) + 1)  # type: ignore[arg-type]
        if data["time"].is_duplicated().any():
            where = f" in series {label}" if label else ""
            raise InvalidInputError(
                f"Some times appear more than once{where}. Remove the duplicates, or "
                "tell the app which column identifies each series.",
                code="duplicate_timestamps",
            )
        groups[label] = data
    return groups


def _to_darts(
    data: pl.DataFrame, frequency: Frequency, columns: list[str] | None = None
) -> Any:
    from darts import TimeSeries
    from darts.utils.missing_values import fill_missing_values

    freq = pandas_frequency(frequency)
    if frequency.unit == "week":
        weekday = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"][
            data["time"][0].weekday()
        ]
        freq = f"{frequency.step if frequency.step != 1 else ''}W-{weekday}"
    series = TimeSeries.from_dataframe(
        data.to_pandas(),
        time_col="time",
        value_cols=columns or "value",
        freq=freq,
        fill_missing_dates=True,
    )
    if np.isnan(series.values()).any():
        series = fill_missing_values(series)
    return series


def _with_drivers(
    series: dict[str | None, Any],
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    drivers: list[str],
    frequency: Frequency,
    horizon: int,
    candidates: list[tuple[str, Any]],
    notes: list[str],
) -> dict[str | None, backtest.SeriesData]:
    """Each series with its drivers, known-future ones or past-only ones.

    A driver is known in the future where the rows after the last target value give
    it for the whole horizon, in every series.

    Raises
    ------
    InvalidInputError
        When a driver is not a numeric column of the data, or is the target.

    """
    if not drivers:
        return {label: backtest.SeriesData(ts) for label, ts in series.items()}
    for name in drivers:
        dtype = frame.schema.get(name)
        if dtype is None or not (dtype.is_numeric() or dtype == pl.Boolean):
            raise InvalidInputError(f"The driver “{name}” is not a numeric column.")
        if name in (target, time_column, *series_columns):
            raise InvalidInputError(f"“{name}” cannot be a driver of itself.")
    tables = split_series(
        frame.with_columns(pl.lit(1.0).alias("__all__")),
        time_column,
        "__all__",
        series_columns,
        keep=drivers,
    )
    future_known = [
        name
        for name in drivers
        if all(
            t.filter(pl.col("time") > series[label].end_time())[name].drop_nulls().len()
            >= horizon
            for label, t in tables.items()
        )
    ]
    past_only = [name for name in drivers if name not in future_known]
    data = {}
    for label, ts in series.items():
        covariates = _to_darts(tables[label], frequency, drivers)
        future = past = None
        if future_known:
            end = ts.end_time() + horizon * ts.freq
            future = covariates[future_known].slice(ts.start_time(), end)
        if past_only:
            past = covariates[past_only].slice(ts.start_time(), ts.end_time())
        data[label] = backtest.SeriesData(ts, past, future)
    users = [CATALOG[k].name for k, _ in candidates if CATALOG[k].covariates]
    if future_known:
        notes.append(
            "Known future values of "
            + ", ".join(f"“{n}”" for n in future_known)
            + " (the rows after the last value to forecast) are used for the forecast."
        )
    if past_only:
        notes.append(
            ", ".join(f"“{n}”" for n in past_only)
            + " has no values for the coming periods, so only its past is used."
        )
    notes.append(
        "Drivers are used by " + ", ".join(users) + "; the other models ignore them."
        if users
        else "None of the compared models uses drivers (LightGBM and linear "
        "regression do)."
    )
    return data


def check_models(models: list[dict[str, Any]] | None) -> None:
    """Check a list of models before a job is queued.

    Raises
    ------
    InvalidInputError
        For an unknown or unavailable model or invalid parameters.

    """
    _requested(models)


def _requested(
    models: list[dict[str, Any]] | None,
) -> tuple[list[tuple[str, Any]], bool]:
    if not models or models == [{"key": "auto"}]:
        return [(key, None) for key in AUTOMATIC], True
    chosen = []
    for entry in models:
        key = entry.get("key")
        if key not in CATALOG:
            raise InvalidInputError(
                f"There is no model “{key}”. Models: " + ", ".join(CATALOG) + ".",
                code="unknown_model",
            )
        if not CATALOG[key].available:
            raise InvalidInputError(
                CATALOG[key].unavailable_reason, code="model_unavailable"
            )
        try:
            CATALOG[key].params.model_validate(entry.get("params") or {})
        except Exception as exc:
            raise InvalidInputError(
                f"Parameters of {key}: {exc}", code="invalid_request"
            ) from exc
        chosen.append((key, entry.get("params")))
    return chosen, False


def forecast(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    horizon: int,
    frequency: Frequency | None,
    series_columns: list[str] | None = None,
    on_progress: ProgressFn | None = None,
    transform: str | None = None,
    models: list[dict[str, Any]] | None = None,
    folds: int | None = None,
    metric: str = "mase",
    per_series: bool = False,
    drivers: list[str] | None = None,
) -> ForecastResult:
    """Compare models on expanding-window backtests, refit the best, forecast.

    Parameters
    ----------
    models
        ``[{"key": …, "params": {…}}]``; ``None`` (or ``[{"key": "auto"}]``) compares
        the automatic candidates and their median ensemble.
    folds
        Backtest folds; by default as many as the history allows, at most 5.
    metric
        The leaderboard's order and the choice: mase, smape, mape, mae, rmse or msis.
    per_series
        With several series, each gets the model that did best on it (instead of the
        model that did best over all).
    drivers
        Numeric columns the models that take covariates learn from. A driver with
        values in the rows after the last target value (for the whole horizon) is a
        known-future covariate; otherwise only its past is used.
    on_progress
        Called with (fraction done, message); it may raise to stop the work.

    Raises
    ------
    SeriesTooShortError
        When a series is too short for one fold of ``horizon`` points.
    InvalidInputError
        For an irregular time column, an unknown column, model or metric, or a bad
        horizon.

    """
    report = on_progress or (lambda _f, _m: None)
    if not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInputError(f"Choose a horizon between 1 and {MAX_HORIZON} steps.")
    if metric not in METRICS:
        raise InvalidInputError("metric must be one of " + ", ".join(METRICS) + ".")
    if transform not in (None, *backtest.TRANSFORMS):
        raise InvalidInputError(
            "transform must be one of " + ", ".join(backtest.TRANSFORMS) + "."
        )
    if frequency is None:
        raise InvalidInputError(
            "The time column is not regular, so the app cannot tell "
            "what “next step” means. Resample the data first.",
            code="irregular_time",
        )
    candidates, automatic = _requested(models)
    groups = split_series(frame, time_column, target, series_columns or [])
    season = SEASON_LENGTH[frequency.unit] if frequency.step == 1 else 1
    series = {label: _to_darts(data, frequency) for label, data in groups.items()}
    shortest = min(len(s) for s in series.values())
    min_train = max(8, 2 * season if shortest >= horizon + 2 * season else 8)
    if shortest < horizon + min_train:
        raise SeriesTooShortError(
            f"There are only {shortest} points in the shortest series: too few to "
            f"check a forecast of {horizon} steps. Choose a shorter horizon (at most "
            f"{max(1, shortest - min_train)}), or use more history."
        )
    notes = [
        f"Missing periods{' in ' + str(k) if k else ''} were filled by interpolation."
        for k, s in series.items()
        if len(s) != len(groups[k])
    ]
    n_folds = backtest.fold_count(shortest, horizon, min_train, folds)
    candidates = [
        (k, p)
        for k, p in candidates
        if not automatic or CATALOG[k].min_history <= shortest - horizon
    ]
    data = _with_drivers(
        series,
        frame,
        time_column,
        target,
        series_columns or [],
        drivers or [],
        frequency,
        horizon,
        candidates,
        notes,
    )
    is_global = {k: CATALOG[k].multi_series and len(series) > 1 for k, _ in candidates}
    local = [(k, p) for k, p in candidates if not is_global[k]]
    # Progress: one step per model, fold and series (global models: per fold), then
    # the final fits (counted once the choice is known).
    total = (len(local) * len(series) + len(candidates) - len(local)) * n_folds
    steps = {"start": 0.0, "done": 0, "total": total + len(series) + 1}

    def fraction() -> float:
        share = steps["done"] / steps["total"]
        return min(steps["start"] + (1 - steps["start"]) * share, 0.99)

    def step(message: str) -> None:
        say(message)
        steps["done"] += 1

    def say(message: str) -> None:
        report(fraction(), message)

    setup = backtest.Setup(horizon, season, transform, n_folds)
    results = backtest.gather(local, parallel.backtest_all(local, data, setup, step))
    for key, params in candidates:
        if is_global[key]:
            results.append(
                backtest.backtest_global(key, params, data, setup, step, say)
            )
    for tested in results:
        backtest.score(tested, season)
    ok = sorted((r for r in results if not r.error), key=lambda r: _rank(r, metric))
    combined = None
    if automatic and len(ok) >= 3:
        members = [r for r in ok if r.key in COMBINED]
        if len(members) < 3:
            members = [r for r in ok if r.complexity > 0][:3] or ok[:3]
        combined = backtest.ensemble(
            ENSEMBLES["combination"], "combination", members, "median"
        )
        backtest.score(combined, season)
        results.append(combined)
        ok = sorted([*ok, combined], key=lambda r: _rank(r, metric))
    if not ok:
        raise InvalidInputError(
            "No model could be fitted to this series. Check that "
            "it holds enough regular values.",
            code="no_model_fits",
        )
    best = choose(ok, metric)
    if (
        combined is not None
        and best is not combined
        and _rank(best, metric) > (1 - COMBINATION_MARGIN) * _rank(combined, metric)
    ):
        if _rank(best, metric) < _rank(combined, metric) and not (
            per_series and len(series) > 1
        ):
            notes.append(
                f"{best.name} scored better than the combination in the backtests, "
                "but the combination was kept: a single model replaces it only when "
                f"its {METRIC_NAMES[metric]} is at least {COMBINATION_MARGIN:.0%} "
                "lower, because the median of several models is steadier on new data."
            )
        best = combined  # a single model must be clearly better to beat the combination
    choice = {label: best for label in series}
    if per_series and len(series) > 1:
        choice = {label: _best_for(label, ok, metric) for label in series}
        names = {label: chosen.name for label, chosen in choice.items()}
        notes.append(
            "Each series uses its own best model: "
            + "; ".join(f"{label}: {name}" for label, name in names.items())
            + "."
        )
        if len({c.key for c in choice.values()}) > 1:
            best = backtest.ModelBacktest("per_series", "Best model per series", 0)
    plans = {label: Plan.of(chosen, label) for label, chosen in choice.items()}
    used = {key for plan in plans.values() for key in plan.keys}
    params_of = {key: params for key, params in candidates if key in used}
    # The final fits share what is left of the bar, from where the backtests ended.
    final = sum(len(p.keys) for p in plans.values()) + 1
    steps.update(start=fraction(), done=0, total=final)
    points = _final(plans, params_of, data, groups, setup, step)
    if transform and transform != "none":
        notes.append(
            f"Models were fitted on the values after {TRANSFORM_WORDS[transform]}; "
            "forecasts and errors are back in the data's own units."
            + (
                " After differencing, the ranges add up step by step, so they are "
                "on the wide side."
                if "differencing" in transform
                else ""
            )
        )
    report(1.0, "Done")
    return ForecastResult(
        best.key,
        best.name,
        points,
        leaderboard=[
            _row(r)
            for r in sorted(
                results, key=lambda r: (r.error is not None, _rank(r, metric))
            )
        ],
        series_leaderboards=_per_series(results, metric),
        backtests=_backtest_frame(best, groups, horizon),
        notes=notes,
        recipe={
            "time_column": time_column,
            "target": target,
            "series_columns": list(series_columns or []),
            "frequency": frequency.model_dump(),
            "horizon": horizon,
            "transform": transform,
            "drivers": list(drivers or []),
            "params": params_of,
            "plans": [[label, plan.__dict__] for label, plan in plans.items()],
        },
        fold_metrics={r.key: r.fold_metrics for r in results if not r.error},
    )


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
    groups = split_series(
        frame, recipe["time_column"], recipe["target"], recipe["series_columns"]
    )
    plans = {label: Plan(**plan) for label, plan in recipe["plans"]}
    unknown = [str(label) for label in groups if label not in plans]
    if unknown:
        raise InvalidInputError(
            "No model was chosen for the series " + ", ".join(unknown) + "."
        )
    season = SEASON_LENGTH[frequency.unit] if frequency.step == 1 else 1
    series = {label: _to_darts(data, frequency) for label, data in groups.items()}
    params_of = recipe["params"]
    data = _with_drivers(
        series,
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
    plans = {label: plans[label] for label in groups}
    setup = backtest.Setup(horizon, season, recipe["transform"])
    return _final(plans, params_of, data, groups, setup, _quiet)


def _quiet(_message: str) -> None:
    pass


@dataclass
class Plan:
    """How one series is forecast: one model, or the median of several.

    ``widths`` are the half-widths of conformal 80% and 95% intervals, step by step,
    for models that forecast a point only.
    """

    keys: list[str]
    combine: bool = False
    widths: backtest.Widths | None = None

    @classmethod
    def of(cls, chosen: backtest.ModelBacktest, label: str | None) -> Plan:
        """The plan for a series' model (or ensemble) chosen on its backtests."""
        widths = None
        if chosen.conformal:
            widths = backtest.conformal_widths(chosen.per_series[label])
        return cls(chosen.members or [chosen.key], bool(chosen.members), widths)


def _rank(result: backtest.ModelBacktest, metric: str) -> float:
    value = result.metrics.get(metric, float("nan"))
    return float("inf") if value != value else value


def choose(ranked: list[backtest.ModelBacktest], metric: str) -> backtest.ModelBacktest:
    """The best by ``metric``; within 1% of it, the simplest.

    Examples
    --------
    >>> a = backtest.ModelBacktest("a", "A", 4, metrics={"mase": 1.000})
    >>> b = backtest.ModelBacktest("b", "B", 1, metrics={"mase": 1.005})
    >>> choose([a, b], "mase").key
    'b'

    """
    best = min(_rank(r, metric) for r in ranked)
    close = [r for r in ranked if _rank(r, metric) <= best * (1 + TIE) + 1e-12]
    return min(close, key=lambda r: (r.complexity, _rank(r, metric)))


def _row(result: backtest.ModelBacktest) -> dict[str, Any]:
    metrics = {k: result.metrics.get(k) for k in (*METRICS, "coverage")}
    clean = {k: (None if v is None or v != v else v) for k, v in metrics.items()}
    return {
        "model": result.key,
        "name": result.name,
        **clean,
        "fit_seconds": round(result.fit_seconds, 3),
        "predict_seconds": round(result.predict_seconds, 3),
        "error": result.error,
    }


def _per_series(
    results: list[backtest.ModelBacktest], metric: str
) -> dict[str, list[dict[str, Any]]]:
    labels = {label for r in results for label in r.series_metrics if label is not None}
    boards = {}
    for label in sorted(labels):
        ranked = sorted(
            (r for r in results if label in r.series_metrics),
            key=lambda r: r.series_metrics[label].get(metric, float("inf")),
        )
        boards[label] = [
            {"model": r.key, "name": r.name, **r.series_metrics[label]} for r in ranked
        ]
    return boards


def _best_for(
    label: str | None, ranked: list[backtest.ModelBacktest], metric: str
) -> backtest.ModelBacktest:
    """The model that did best on one series (the tie rule as for the whole)."""
    scored = [
        backtest.ModelBacktest(
            r.key, r.name, r.complexity, metrics=r.series_metrics.get(label, {})
        )
        for r in ranked
        if label in r.series_metrics
    ]
    key = choose(scored, metric).key
    return next(r for r in ranked if r.key == key)


def _final(
    plans: dict[str | None, Plan],
    params_of: dict[str, Any],
    data: dict[str | None, backtest.SeriesData],
    groups: dict[str | None, pl.DataFrame],
    setup: backtest.Setup,
    step: Callable[[str], None],
) -> pl.DataFrame:
    """Refit each series' chosen model (or ensemble members) on all history."""
    is_global = {
        key: CATALOG[key].multi_series and len(data) > 1
        for plan in plans.values()
        for key in plan.keys
    }
    outputs: dict[tuple[str | None, str], np.ndarray] = {}
    for key in sorted(k for k, g in is_global.items() if g):
        step(f"Forecasting with {CATALOG[key].name} (all series at once)")
        every, _fit, _predict = backtest.fit_predict(
            CATALOG[key],
            params_of.get(key),
            list(data.values()),
            setup,
        )
        outputs.update({(label, key): v for label, v in zip(data, every, strict=True)})
    local = {
        label: [(k, params_of.get(k)) for k in plan.keys if not is_global[k]]
        for label, plan in plans.items()
    }
    outputs.update(parallel.forecast_all(local, data, setup, step))
    frames = []
    for label, plan in plans.items():
        forecasts = [outputs[(label, key)] for key in plan.keys]
        if plan.combine:
            values = np.repeat(
                np.median([o[:, 2] for o in forecasts], axis=0)[:, None], 5, axis=1
            )
        else:
            values = forecasts[0]
        if plan.widths is not None:
            values = backtest.widen(values, plan.widths)
        when = groups[label]["time"].dtype
        frames.append(_points(values, data[label].ts, label, when, setup.horizon))
    return pl.concat(frames)


def _points(
    values: np.ndarray,
    history: Any,
    label: str | None,
    time_dtype: pl.DataType,
    horizon: int,
) -> pl.DataFrame:
    index = history.time_index
    future = pd.date_range(start=index[-1], periods=horizon + 1, freq=index.freq)[1:]
    times = pl.Series("time", future.to_numpy()).cast(time_dtype)
    ordered = np.sort(values, axis=1)  # quantiles never cross
    return pl.DataFrame(
        {
            "series": pl.Series([label] * horizon, dtype=pl.String),
            "time": times,
            "forecast": ordered[:, 2],
            "lower_80": ordered[:, 1],
            "upper_80": ordered[:, 3],
            "lower_95": ordered[:, 0],
            "upper_95": ordered[:, 4],
        }
    )


def _backtest_frame(
    best: backtest.ModelBacktest, groups: dict[str | None, pl.DataFrame], horizon: int
) -> pl.DataFrame:
    """The chosen model's fold forecasts next to the actuals, for the charts."""
    rows = []
    for label, tested in best.per_series.items():
        times = groups[label]["time"]
        for fold, (actual, forecast, history) in enumerate(
            zip(tested.actuals, tested.forecasts, tested.histories, strict=True),
            start=1,
        ):
            start = len(history)
            for h in range(len(actual)):
                if start + h < len(times):
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
