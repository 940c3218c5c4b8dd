"""Forecasting: compare models on backtests, choose one, forecast with intervals.

The stages, in order: prepare the series (:mod:`services.preparation`), plan each
series' folds and transform, compare the models on the backtests
(:mod:`services.backtest`), choose per series (:mod:`services.selection`), and refit
the choice on all history to forecast. "Automatic" compares the catalog's automatic
candidates and the median of the statistical ones; a user may name models instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from services import backtest, calendars, fitting, parallel, preparation, selection
from services.backtest import ModelBacktest
from services.calendars import Frequency
from services.errors import InvalidInputError
from services.fitting import SeriesData, Setup
from services.models import AUTOMATIC, CATALOG
from services.selection import METRICS, Plan

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


class _Progress:
    """Steps of the comparison as a fraction of the job, passed to ``report``."""

    def __init__(self, report: ProgressFn, total: int) -> None:
        self.report, self.start, self.done, self.total = report, 0.0, 0, max(total, 1)

    def fraction(self) -> float:
        share = self.done / self.total
        return min(self.start + (1 - self.start) * share, 0.99)

    def say(self, message: str) -> None:
        self.report(self.fraction(), message)

    def step(self, message: str) -> None:
        self.say(message)
        self.done += 1

    def restart(self, total: int) -> None:
        """The rest of the bar, from here, for ``total`` more steps."""
        self.start, self.done, self.total = self.fraction(), 0, max(total, 1)


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
    if not models or [m.get("key") for m in models] == ["auto"]:
        return [(key, None) for key in AUTOMATIC], True
    chosen: list[tuple[str, Any]] = []
    for entry in models:
        key = entry.get("key")
        if key in [k for k, _ in chosen]:
            raise InvalidInputError(
                f"“{key}” is listed twice; list each model once.",
                code="invalid_request",
            )
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


def _check(
    horizon: int, metric: str, transform: str | None, frequency: Frequency | None
) -> Frequency:
    if not 1 <= horizon <= MAX_HORIZON:
        raise InvalidInputError(f"Choose a horizon between 1 and {MAX_HORIZON} steps.")
    if metric not in METRICS:
        raise InvalidInputError("metric must be one of " + ", ".join(METRICS) + ".")
    if transform not in (None, *fitting.TRANSFORMS):
        raise InvalidInputError(
            "transform must be one of " + ", ".join(fitting.TRANSFORMS) + "."
        )
    if frequency is None:
        raise InvalidInputError(
            "The time column has no regular rhythm, so the app cannot tell when the "
            "next step falls. On the Cleaning page, change the frequency (for "
            "example to weekly or monthly), then forecast again.",
            code="irregular_time",
        )
    return frequency


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
        When no series has the few values any model needs.
    InvalidInputError
        For an irregular time column, too many gaps, duplicate times, an unknown
        column, model or metric, or a bad horizon.

    """
    progress = _Progress(on_progress or (lambda _f, _m: None), 1)
    frequency = _check(horizon, metric, transform, frequency)
    candidates, automatic = _requested(models)
    prepared = preparation.prepare(
        frame, time_column, target, series_columns or [], frequency
    )
    notes = prepared.notes
    season = calendars.season_length(frequency)
    data = _with_drivers(
        prepared.series,
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
    _plan(data, candidates, horizon, season, transform, folds, notes)
    setup = Setup(horizon, season)
    results = _compare(candidates, data, setup, progress)
    for tested in results:
        backtest.score(tested, season)
    combined = selection.combination(results, metric) if automatic else None
    if combined is not None:
        backtest.score(combined, season)
        results.append(combined)
    choice = _choose(results, data, candidates, automatic, metric, per_series, notes)
    plans = {label: Plan.of(chosen, label) for label, chosen in choice.items()}
    used = {key for plan in plans.values() for key in plan.keys}
    params_of = {key: params for key, params in candidates if key in used}
    progress.restart(sum(len(p.keys) for p in plans.values()) + 1)
    points = _final(
        plans, params_of, data, prepared.tables, setup, frequency, notes, progress.step
    )
    _transform_note(transform, notes)
    progress.report(1.0, "Done")
    keys = {c.key for c in choice.values()}
    best = next(iter(choice.values()))
    if len(keys) > 1:
        best = ModelBacktest("per_series", "Best model per series", 0)
    return ForecastResult(
        best.key,
        best.name,
        points,
        leaderboard=[
            selection.row(r, len(data))
            for r in sorted(
                results, key=lambda r: (r.error is not None, selection.rank(r, metric))
            )
        ],
        series_leaderboards=selection.series_boards(results, metric),
        backtests=_backtest_frame(choice, data, prepared.tables, frequency),
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
) -> dict[str | None, SeriesData]:
    """Each series with its drivers, known-future ones or past-only ones.

    A driver is known in the future where the rows after the last target value give
    it for the whole horizon, in every series.

    Raises
    ------
    InvalidInputError
        When a driver is not a numeric column of the data, or is the target.

    """
    if not drivers:
        return {label: SeriesData(ts) for label, ts in series.items()}
    for name in drivers:
        dtype = frame.schema.get(name)
        if dtype is None or not (dtype.is_numeric() or dtype == pl.Boolean):
            raise InvalidInputError(f"The driver “{name}” is not a numeric column.")
        if name in (target, time_column, *series_columns):
            raise InvalidInputError(f"“{name}” cannot be a driver of itself.")
    tables = preparation.split_series(
        frame.with_columns(pl.lit(1.0).alias("__all__")),
        time_column,
        "__all__",
        series_columns,
        keep=drivers,
    )
    ends = {label: ts.time_index[-1] for label, ts in series.items()}
    future_known = [
        name
        for name in drivers
        if all(
            _after(tables[label], frequency, end)[name].drop_nulls().len() >= horizon
            for label, end in ends.items()
        )
    ]
    past_only = [name for name in drivers if name not in future_known]
    data = {}
    for label, ts in series.items():
        covariates = preparation.to_darts(tables[label], frequency, drivers)
        future = past = None
        if future_known:
            end = ts.end_time() + horizon * ts.freq
            future = covariates[future_known].slice(ts.start_time(), end)
        if past_only:
            past = covariates[past_only].slice(ts.start_time(), ts.end_time())
        data[label] = SeriesData(ts, past, future)
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


def _after(table: pl.DataFrame, frequency: Frequency, end: Any) -> pl.DataFrame:
    """The rows of ``table`` after ``end`` (a time on the models' grid)."""
    grid = calendars.to_grid(frequency, table["time"]).cast(pl.Datetime("us"))
    return table.filter(grid > end.to_pydatetime())


def _plan(
    data: dict[str | None, SeriesData],
    candidates: list[tuple[str, Any]],
    horizon: int,
    season: int,
    transform: str | None,
    folds: int | None,
    notes: list[str],
) -> None:
    """Each series' transform and backtest folds, with notes on what was adapted."""
    skipped: dict[str, list[str]] = {}
    untested, shorter = [], []
    for label, d in data.items():
        length = len(d.ts)
        d.transform, why = fitting.transform_for(transform, d.ts.values()[:, 0], season)
        if why:
            skipped.setdefault(why, []).append(str(label) if label else "")
        fitting_ones = [
            CATALOG[k].min_history
            for k, _ in candidates
            if CATALOG[k].min_history + fitting.MIN_TEST <= length
        ]
        needs = max(fitting_ones, default=fitting.MIN_TRAIN)
        d.cuts, d.test = backtest.plan_folds(length, horizon, season, needs, folds)
        if not d.cuts:
            untested.append((label, length))
        elif d.test < horizon:
            shorter.append(d.test)
    for why, labels in skipped.items():
        where = f" for {', '.join(labels)}" if any(labels) else ""
        notes.append(f"The {transform} transform was skipped{where}: {why}.")
    if shorter:
        notes.append(
            f"The history is short, so the backtests checked {max(shorter)} steps "
            f"ahead or fewer instead of {horizon}."
        )
    for label, length in untested:
        subject = f"Series {label}" if label else "The history"
        notes.append(
            f"{subject} ({length} points) is too short to hold back any points for a "
            "backtest, so the accuracy of its forecast could not be measured."
        )


def _compare(
    candidates: list[tuple[str, Any]],
    data: dict[str | None, SeriesData],
    setup: Setup,
    progress: _Progress,
) -> list[ModelBacktest]:
    """Backtest every candidate: local models series by series, global ones at once."""
    is_global = {k: CATALOG[k].multi_series and len(data) > 1 for k, _ in candidates}
    local = [(k, p) for k, p in candidates if not is_global[k]]
    folds = [len(backtest.folds_of(d, setup)[0]) for d in data.values()]
    progress.total = max(1, len(local) * sum(folds)) + (
        len(candidates) - len(local)
    ) * max(folds)
    results = backtest.gather(
        local, parallel.backtest_all(local, data, setup, progress.step)
    )
    for key, params in candidates:
        if is_global[key]:
            results.append(
                backtest.backtest_global(
                    key, params, data, setup, progress.step, progress.say
                )
            )
    order = [k for k, _ in candidates]
    return sorted(results, key=lambda r: order.index(r.key))


def _choose(
    results: list[ModelBacktest],
    data: dict[str | None, SeriesData],
    candidates: list[tuple[str, Any]],
    automatic: bool,
    metric: str,
    per_series: bool,
    notes: list[str],
) -> dict[str | None, ModelBacktest]:
    """The model (or combination) that forecasts each series, with notes."""
    ok = [r for r in results if r.per_series]
    tested = [label for label, d in data.items() if d.cuts]
    combined = next((r for r in ok if r.members), None)
    best = selection.overall(ok, tested, metric, combined, notes)
    many = len(data) > 1
    if best is None and tested and ok and not (per_series and many):
        notes.append(
            "No model worked on every series, so each series uses the model that did "
            "best on it."
        )
    choice: dict[str | None, ModelBacktest] = {}
    requested = [k for k, _ in candidates]
    for label, d in data.items():
        chosen = best
        if (
            (per_series and many)
            or chosen is None
            or not selection.serves(chosen, label, d)
        ):
            chosen = selection.best_for(label, ok, metric) or chosen
        if chosen is None or not selection.serves(chosen, label, d):
            chosen = selection.fallback(label, d, requested, automatic)
            where = f"Series {label}" if label else "The series"
            notes.append(
                f"{where} is forecast with {chosen.name}, which needs no backtests."
            )
        choice[label] = chosen
    if per_series and many:
        notes.append(
            "Each series uses its own best model: "
            + "; ".join(f"{label}: {c.name}" for label, c in choice.items())
            + "."
        )
    return choice


def _transform_note(transform: str | None, notes: list[str]) -> None:
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
    prepared = preparation.prepare(
        frame,
        recipe["time_column"],
        recipe["target"],
        recipe["series_columns"],
        frequency,
    )
    plans = {label: Plan(**plan) for label, plan in recipe["plans"]}
    unknown = [str(label) for label in prepared.series if label not in plans]
    if unknown:
        raise InvalidInputError(
            "No model was chosen for the series " + ", ".join(unknown) + "."
        )
    season = calendars.season_length(frequency)
    params_of = recipe["params"]
    data = _with_drivers(
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
    for d in data.values():
        d.transform, _ = fitting.transform_for(
            recipe["transform"], d.ts.values()[:, 0], season
        )
    plans = {label: plans[label] for label in prepared.series}
    return _final(
        plans,
        params_of,
        data,
        prepared.tables,
        Setup(horizon, season),
        frequency,
        [],
        _quiet,
    )


def _quiet(_message: str) -> None:
    pass


def _final(
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
        times = calendars.future_times(frequency, tables[label]["time"], setup.horizon)
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
    """One (horizon × 5 quantiles) forecast from the plan's model(s)."""
    if not plan.combine:
        values = forecasts[0]
    elif plan.widths is not None:
        point = np.median([f[:, 2] for f in forecasts], axis=0)
        values = np.repeat(point[:, None], 5, axis=1)
    else:  # untested: the median of the members' own quantiles
        values = np.median(np.stack(forecasts), axis=0)
    if plan.widths is not None:
        values = backtest.widen(values, plan.widths)
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


def _backtest_frame(
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
