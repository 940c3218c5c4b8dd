"""Honest backtests: expanding-window folds, the same for every model, scored per fold.

A model is fitted on everything before a fold and forecasts the fold; it never sees
its own future. Models without native intervals get conformal ones, from the sizes of
their backtest errors.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.errors import JobCancelledError
from services.metrics import interval_metrics, point_metrics
from services.models.base import QUANTILES, Context, ModelSpec

log = logging.getLogger(__name__)
MAX_FOLDS = 5
Step = Callable[[str], None]


def fold_count(
    length: int, horizon: int, min_train: int, requested: int | None = None
) -> int:
    """How many folds fit: at most 5 (or the requested number), at least 1.

    Examples
    --------
    >>> fold_count(144, 12, 24), fold_count(40, 12, 24), fold_count(144, 12, 24, 2)
    (5, 1, 2)

    """
    fitting = max(1, (length - min_train) // horizon)
    return max(1, min(requested or MAX_FOLDS, fitting))


def cutoffs(length: int, horizon: int, folds: int) -> list[int]:
    """Where each fold starts: its training data is everything before it.

    Examples
    --------
    >>> cutoffs(100, 10, 3)
    [70, 80, 90]

    """
    return [length - (folds - i) * horizon for i in range(folds)]


@dataclass
class SeriesBacktest:
    """One model on one series: a (horizon × quantiles) forecast per fold."""

    actuals: list[np.ndarray] = field(default_factory=list)
    forecasts: list[np.ndarray] = field(default_factory=list)
    histories: list[np.ndarray] = field(default_factory=list)


@dataclass
class ModelBacktest:
    """One model on every series: forecasts, scores, timings or the error."""

    key: str
    name: str
    complexity: int
    per_series: dict[str | None, SeriesBacktest] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    series_metrics: dict[str | None, dict[str, float]] = field(default_factory=dict)
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    error: str | None = None
    conformal: bool = False
    members: list[str] = field(default_factory=list)


def fit_predict(
    model: Any,
    train: Any,
    horizon: int,
    transform: str | None,
    native: bool,
    sampled: bool = False,
) -> tuple[np.ndarray, float, float]:
    """Fit, forecast ``horizon`` steps; return (horizon × 5 quantiles), timings.

    A log or Box-Cox transform is applied before fitting and undone after; both are
    monotonic, so the forecast quantiles stay quantiles in the data's units.
    """
    from scipy.special import inv_boxcox
    from scipy.stats import boxcox

    values = train.values()
    lmbda: float | None = None
    if transform in ("log", "box-cox") and (values > 0).all():
        lmbda = 0.0 if transform == "log" else float(boxcox(values.ravel())[1])
        fixed = lmbda
        train = train.map(lambda x: np.log(x) if fixed == 0 else boxcox(x, fixed))
    started = time.perf_counter()
    model.fit(train)
    fitted = time.perf_counter()
    if sampled:  # quantiles of 200 sample paths
        samples = model.predict(horizon, num_samples=200).all_values()[:, 0, :]
        values = np.quantile(samples, QUANTILES, axis=1).T
    elif native:
        values = model.predict(horizon, predict_likelihood_parameters=True).values()
    else:
        values = model.predict(horizon).values()
    if not native:
        values = np.repeat(values[:, :1], len(QUANTILES), axis=1)
    if lmbda is not None:
        values = inv_boxcox(values, lmbda)
    return values, fitted - started, time.perf_counter() - fitted


def run_model(
    spec: ModelSpec,
    params: dict[str, Any] | None,
    series: dict[str | None, Any],
    horizon: int,
    folds: int,
    season: int,
    transform: str | None,
    step: Step,
) -> ModelBacktest:
    """Backtest one model on every series; a failure becomes the row's error."""
    result = ModelBacktest(
        spec.key, spec.name, spec.complexity, conformal=not spec.native_intervals
    )
    try:
        for label, ts in series.items():
            tested = SeriesBacktest()
            values = ts.values()[:, 0]
            for number, cut in enumerate(cutoffs(len(ts), horizon, folds), start=1):
                step(
                    f"{spec.name}, fold {number} of {folds}"
                    + (f" ({label})" if label else "")
                )
                train = ts[:cut]
                m = season if cut >= 2 * season else 1
                forecast, fit_s, predict_s = fit_predict(
                    spec.model(params, Context(m, length=cut)),
                    train,
                    horizon,
                    transform,
                    spec.native_intervals,
                    spec.sampled,
                )
                result.fit_seconds += fit_s
                result.predict_seconds += predict_s
                tested.actuals.append(values[cut : cut + horizon])
                tested.forecasts.append(forecast)
                tested.histories.append(values[:cut])
            result.per_series[label] = tested
    except JobCancelledError:
        raise  # the owner asked to stop: not this model's failure
    except Exception as exc:  # one failing model never fails the comparison
        log.warning("%s failed: %s", spec.key, exc)
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    return result


def conformal_widths(backtest: ModelBacktest) -> tuple[float, float]:
    """Half-widths of the 80% and 95% intervals from the absolute backtest errors."""
    errors = np.concatenate(
        [
            np.abs(a - f[:, 2])
            for s in backtest.per_series.values()
            for a, f in zip(s.actuals, s.forecasts, strict=True)
        ]
    )
    return float(np.quantile(errors, 0.8)), float(np.quantile(errors, 0.95))


def widen(forecast: np.ndarray, widths: tuple[float, float]) -> np.ndarray:
    """Give a point forecast (all quantile columns equal) conformal intervals."""
    point = forecast[:, 2]
    w80, w95 = widths
    return np.column_stack([point - w95, point - w80, point, point + w80, point + w95])


def score(backtest: ModelBacktest, season: int) -> None:
    """Fill in the metrics: per series (averaged over folds), then over series."""
    if backtest.error or not backtest.per_series:
        return
    if backtest.conformal:
        widths = conformal_widths(backtest)
        for tested in backtest.per_series.values():
            tested.forecasts = [widen(f, widths) for f in tested.forecasts]
    for label, tested in backtest.per_series.items():
        folds = []
        for actual, forecast, history in zip(
            tested.actuals, tested.forecasts, tested.histories, strict=True
        ):
            scores = point_metrics(actual, forecast[:, 2], history, season)
            scores.update(
                interval_metrics(
                    actual,
                    forecast[:, 1],
                    forecast[:, 3],
                    forecast[:, 0],
                    forecast[:, 4],
                    history,
                    season,
                )
            )
            folds.append(scores)
        backtest.series_metrics[label] = {
            k: float(np.mean([f[k] for f in folds])) for k in folds[0]
        }
    names = next(iter(backtest.series_metrics.values()))
    backtest.metrics = {
        k: float(np.nanmean([m[k] for m in backtest.series_metrics.values()]))
        for k in names
    }


def ensemble(
    name: str, key: str, members: list[ModelBacktest], how: str
) -> ModelBacktest:
    """Combine members' backtest forecasts point by point (median or mean)."""
    combine = np.median if how == "median" else np.mean
    result = ModelBacktest(
        key, name, complexity=6, conformal=True, members=[m.key for m in members]
    )
    for label in members[0].per_series:
        first = members[0].per_series[label]
        combined = SeriesBacktest(first.actuals, [], first.histories)
        for fold in range(len(first.forecasts)):
            points = combine(
                [m.per_series[label].forecasts[fold][:, 2] for m in members], axis=0
            )
            combined.forecasts.append(np.repeat(points[:, None], len(QUANTILES), 1))
        result.per_series[label] = combined
    result.fit_seconds = sum(m.fit_seconds for m in members)
    result.predict_seconds = sum(m.predict_seconds for m in members)
    return result
