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

import polars as pl
from pydantic import ValidationError

from services import (
    backtest,
    calendars,
    final_forecast,
    fitting,
    parallel,
    preparation,
    selection,
)
from services.backtest import ModelBacktest
from services.calendars import Frequency
from services.errors import InvalidInputError
from services.fitting import SeriesData, Setup
from services.models import AUTOMATIC, AUTOMATIC_MANY, CATALOG, MANY_SERIES
from services.selection import METRICS, Plan

log = logging.getLogger(__name__)

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
    # What final_forecast.refit() needs to refit the chosen model(s) on new data.
    recipe: dict[str, Any] = field(default_factory=dict)
    # Per model key: the metrics of each backtest fold (averaged over series).
    fold_metrics: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    # With a hierarchy: the backtest scores per level (services.hierarchy).
    levels: list[dict[str, Any]] = field(default_factory=list)

    @property
    def holdout(self) -> dict[str, dict[str, float]]:
        """Each model's backtest scores by key (models that failed are left out)."""
        return {
            row["model"]: {k: row[k] for k in METRICS}
            for row in self.leaderboard
            if not row["error"]
        }


class Progress:
    """Steps of the work as a fraction of the whole, passed to ``report``."""

    def __init__(self, report: ProgressFn, total: int) -> None:
        self.report, self.start, self.done, self.total = report, 0.0, 0, max(total, 1)

    def fraction(self) -> float:
        """How much of the whole is done (never 1 before the end)."""
        share = self.done / self.total
        return min(self.start + (1 - self.start) * share, 0.99)

    def say(self, message: str) -> None:
        """Report what is happening, without counting a step."""
        self.report(self.fraction(), message)

    def step(self, message: str) -> None:
        """Report a step and count it done."""
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
            CATALOG[key].params.model_validate(entry.get("params") or {}, strict=True)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "params"
            raise InvalidInputError(
                f"Parameters of {key}: {where}: {first['msg']}.",
                code="invalid_request",
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
        the automatic candidates (with :data:`MANY_SERIES` series or more, one
        LightGBM learnt from all of them instead of Dynamic Optimized Theta) and
        their weighted combination.
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
    progress = Progress(on_progress or (lambda _f, _m: None), 1)
    frequency = _check(horizon, metric, transform, frequency)
    candidates, automatic = _requested(models)
    prepared = _prepare(
        frame,
        time_column,
        target,
        series_columns or [],
        drivers or [],
        frequency,
        horizon,
        candidates,
        transform,
        folds,
    )
    if automatic and len(prepared.data) >= MANY_SERIES:
        candidates = [(key, None) for key in AUTOMATIC_MANY]
    results = _compare(candidates, prepared, automatic, metric, progress)
    notes = prepared.notes
    choice = _choose(
        results, prepared.data, candidates, automatic, metric, per_series, notes
    )
    plans, params_of, points = _fit(choice, candidates, prepared, frequency, progress)
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
            selection.row(r, len(prepared.data))
            for r in sorted(
                results, key=lambda r: (r.error is not None, selection.rank(r, metric))
            )
        ],
        series_leaderboards=selection.series_boards(results, metric),
        backtests=final_forecast.backtest_frame(
            choice, prepared.data, prepared.tables, frequency
        ),
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


@dataclass
class Prepared:
    """The series ready to compare: values, drivers, folds, and notes on the way."""

    data: dict[str | None, SeriesData]
    tables: dict[str | None, pl.DataFrame]  # each series' own rows
    setup: Setup
    notes: list[str]


def _prepare(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    drivers: list[str],
    frequency: Frequency,
    horizon: int,
    candidates: list[tuple[str, Any]],
    transform: str | None,
    folds: int | None,
) -> Prepared:
    """Stage 1: the series on a regular grid, their drivers, transforms and folds."""
    prepared = preparation.prepare(
        frame, time_column, target, series_columns, frequency
    )
    notes = prepared.notes
    season = calendars.season_length(frequency)
    data = preparation.with_drivers(
        prepared.series,
        frame,
        time_column,
        target,
        series_columns,
        drivers,
        frequency,
        horizon,
        candidates,
        notes,
    )
    _plan(data, candidates, horizon, season, transform, folds, notes)
    return Prepared(data, prepared.tables, Setup(horizon, season), notes)


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
    prepared: Prepared,
    automatic: bool,
    metric: str,
    progress: Progress,
) -> list[ModelBacktest]:
    """Stage 2: backtest and score every candidate (and, if automatic, the median)."""
    season = prepared.setup.season
    results = _backtest(candidates, prepared.data, prepared.setup, progress)
    for tested in results:
        backtest.score(tested, season)
    combined = selection.combination(results, metric, season) if automatic else None
    if combined is not None:
        backtest.score(combined, season)
        results.append(combined)
    return results


def _fit(
    choice: dict[str | None, ModelBacktest],
    candidates: list[tuple[str, Any]],
    prepared: Prepared,
    frequency: Frequency,
    progress: Progress,
) -> tuple[dict[str | None, Plan], dict[str, Any], pl.DataFrame]:
    """Stage 4: refit each series' choice on all its history and forecast.

    Returns each series' plan, the parameters of the models used, and the points.
    """
    plans = {label: Plan.of(chosen, label) for label, chosen in choice.items()}
    used = {key for plan in plans.values() for key in plan.keys}
    params_of = {key: params for key, params in candidates if key in used}
    progress.restart(sum(len(p.keys) for p in plans.values()) + 1)
    points = final_forecast.fit_final(
        plans,
        params_of,
        prepared.data,
        prepared.tables,
        prepared.setup,
        frequency,
        prepared.notes,
        progress.step,
    )
    return plans, params_of, points


def _backtest(
    candidates: list[tuple[str, Any]],
    data: dict[str | None, SeriesData],
    setup: Setup,
    progress: Progress,
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
    """Stage 3: the model (or combination) that forecasts each series, with notes."""
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
