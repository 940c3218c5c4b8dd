"""Honest backtests: expanding-window folds, the same for every model, scored per fold.

A model is fitted on everything before a fold and forecasts the fold; it never sees
its own future. Models without native intervals get conformal ones, from the sizes of
their backtest errors.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.errors import JobCancelledError
from services.metrics import interval_metrics, point_metrics
from services.models import CATALOG
from services.models.base import QUANTILES, Context, ModelSpec

log = logging.getLogger(__name__)
MAX_FOLDS = 5
Step = Callable[[str], None]
# A model of the catalog and its parameters (None: the defaults).
Candidate = tuple[str, dict[str, Any] | None]


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
    fold_metrics: list[dict[str, float]] = field(default_factory=list)
    series_metrics: dict[str | None, dict[str, float]] = field(default_factory=dict)
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    error: str | None = None
    conformal: bool = False
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    """What every model of one comparison shares.

    How many steps ahead, the season length, the transform fitted before each model
    (see :func:`pipeline`), and how many backtest folds (none for the final fits).
    """

    horizon: int
    season: int
    transform: str | None = None
    folds: int = 0


@dataclass
class SeriesData:
    """One series to forecast: its history and the user's drivers, as Darts series.

    ``past`` drivers are known up to the end of the history; ``future`` ones also for
    the forecast horizon (the rows after the last target value).
    """

    ts: Any
    past: Any | None = None
    future: Any | None = None

    def until(self, cut: int, horizon: int) -> SeriesData:
        """What a fold ending at ``cut`` may see (and the fold's future drivers)."""
        start = self.ts.start_time()
        end = self.ts.time_index[cut - 1]
        return SeriesData(
            self.ts[:cut],
            None if self.past is None else self.past.slice(start, end),
            None
            if self.future is None
            else self.future[: self.future.get_index_at_point(end) + 1 + horizon],
        )


class OverBudgetError(Exception):
    """A model used up its time budget."""


# spend(model key, seconds just used) → whether the model is over its time budget.
Spend = Callable[[str, float], bool]


def _never(_key: str, _seconds: float) -> bool:
    return False


def context_for(
    spec: ModelSpec,
    season: int,
    data: list[SeriesData],
    horizon: int,
    say: Callable[[str], None] | None = None,
) -> Context:
    """What a model fitted on ``data`` is built for."""
    length = min(len(d.ts) for d in data)
    takes = spec.covariates
    return Context(
        season if length >= 2 * season else 1,
        length=length,
        past_covariates=takes and data[0].past is not None,
        future_covariates=takes and data[0].future is not None,
        series_count=len(data),
        horizon=horizon,
        say=say,
    )


TRANSFORMS = (
    "none",
    "log",
    "box-cox",
    "differencing",
    "seasonal differencing",
    "scale",
)


def pipeline(
    transform: str | None, ts: Any, season: int, scale: bool = False
) -> Any | None:
    """Darts' invertible transformers for ``transform``, or None for none.

    Log and Box-Cox need positive values (else they are skipped); seasonal
    differencing needs a season. With ``scale``, every series ends on the same 0–1
    scale, so a global model learns shapes rather than sizes.
    """
    from darts.dataprocessing import Pipeline
    from darts.dataprocessing.transformers import BoxCox, Diff, Scaler

    steps: list[Any] = []
    if transform in ("log", "box-cox") and (ts.values() > 0).all():
        steps.append(BoxCox(lmbda=0) if transform == "log" else BoxCox())
    elif transform == "differencing":
        steps.append(Diff(lags=1))
    elif transform == "seasonal differencing" and season > 1:
        steps.append(Diff(lags=season))
    if transform == "scale" or scale:
        steps.append(Scaler())
    return Pipeline(steps) if steps else None


def _undo(steps: Any, train: Any, values: np.ndarray) -> np.ndarray:
    """Forecast quantiles back in the data's units.

    Differencing is undone from the training data onward, so each quantile column is
    appended to the transformed history and inverted with it.
    """
    columns = []
    for j in range(values.shape[1]):
        whole = steps.inverse_transform(train.append_values(values[:, j : j + 1]))
        columns.append(whole.values()[-len(values) :, 0])
    return np.column_stack(columns)


def fit_predict(
    spec: ModelSpec,
    params: dict[str, Any] | None,
    data: list[SeriesData],
    setup: Setup,
    say: Callable[[str], None] | None = None,
) -> tuple[list[np.ndarray], float, float]:
    """Fit one model on the series, forecast ``setup.horizon`` steps of each.

    Returns one (horizon × 5 quantiles) array per series and the fit and predict
    seconds. Local models get one series; global ones all of them at once, each
    series scaled to 0–1. The ``setup.transform`` (Darts' invertible transformers,
    see :func:`pipeline`) is fitted per series before the model and undone on its
    forecasts.
    """
    horizon = setup.horizon
    context = context_for(spec, setup.season, data, horizon, say)
    model = spec.model(params, context)
    together = spec.multi_series and len(data) > 1
    steps = [pipeline(setup.transform, d.ts, context.season, together) for d in data]
    trains = [
        d.ts if p is None else p.fit_transform(d.ts)
        for d, p in zip(data, steps, strict=True)
    ]
    covariates: dict[str, Any] = {}
    if context.past_covariates:
        covariates["past_covariates"] = [d.past for d in data]
    if context.future_covariates:
        covariates["future_covariates"] = [d.future for d in data]
    if not spec.multi_series:  # local models take one series, not a list
        covariates = {k: v[0] for k, v in covariates.items()}
    started = time.perf_counter()
    model.fit(trains if spec.multi_series else trains[0], **covariates)
    fitted = time.perf_counter()
    ask: dict[str, Any] = dict(covariates)
    if spec.multi_series:
        ask["series"] = trains
    if spec.sampled:
        ask["num_samples"] = 200
    elif spec.native_intervals:
        ask["predict_likelihood_parameters"] = True
    predicted = model.predict(horizon, **ask)
    outputs = []
    for forecast, train, step in zip(
        predicted if isinstance(predicted, list) else [predicted],
        trains,
        steps,
        strict=True,
    ):
        if spec.sampled:  # quantiles of 200 sample paths
            values = np.quantile(forecast.all_values()[:, 0, :], QUANTILES, axis=1).T
        else:
            values = forecast.values()
        if not spec.native_intervals:
            values = np.repeat(values[:, :1], len(QUANTILES), axis=1)
        outputs.append(values if step is None else _undo(step, train, values))
    return outputs, fitted - started, time.perf_counter() - fitted


def _failure(spec: ModelSpec, exc: Exception, label: str | None = None) -> str:
    if isinstance(exc, OverBudgetError):
        return str(exc)
    log.warning("%s failed on %s: %s", spec.key, label, exc)
    where = f" (series {label})" if label else ""
    return f"{type(exc).__name__}{where}: {exc}"[:300]


def _over_budget(spec: ModelSpec) -> OverBudgetError:
    return OverBudgetError(
        f"Stopped: {spec.name} went over its time budget of "
        f"{budget_seconds():g} seconds."
    )


def budget_seconds() -> float:
    """Seconds one model may spend in a comparison (the MODEL_TIME_BUDGET_S setting)."""
    import config

    return float(config.settings.get("MODEL_TIME_BUDGET_S", 900))


@dataclass
class Outcome:
    """One local model on one series: the fold forecasts, timings, or the error."""

    tested: SeriesBacktest | None
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    error: str | None = None


def backtest_series(
    label: str | None,
    data: SeriesData,
    candidates: list[Candidate],
    setup: Setup,
    step: Step,
    spend: Spend = _never,
) -> dict[str, Outcome]:
    """Backtest local models on one series, model after model, fold after fold."""
    outcomes = {}
    values = data.ts.values()[:, 0]
    horizon, folds = setup.horizon, setup.folds
    for key, params in candidates:
        spec = CATALOG[key]
        outcome = Outcome(SeriesBacktest())
        try:
            for number, cut in enumerate(cutoffs(len(data.ts), horizon, folds), 1):
                if spend(key, 0.0):
                    raise _over_budget(spec)
                step(
                    f"{spec.name}, fold {number} of {folds}"
                    + (f" ({label})" if label else "")
                )
                [forecast], fit_s, predict_s = fit_predict(
                    spec, params, [data.until(cut, horizon)], setup
                )
                outcome.fit_seconds += fit_s
                outcome.predict_seconds += predict_s
                spend(key, fit_s + predict_s)
                assert outcome.tested is not None
                outcome.tested.actuals.append(values[cut : cut + horizon])
                outcome.tested.forecasts.append(forecast)
                outcome.tested.histories.append(values[:cut])
        except JobCancelledError:
            raise  # the owner asked to stop: not this model's failure
        except Exception as exc:  # one failing model never fails the comparison
            outcome = Outcome(None, outcome.fit_seconds, outcome.predict_seconds)
            outcome.error = _failure(spec, exc, label)
        outcomes[key] = outcome
    return outcomes


def backtest_global(
    key: str,
    params: dict[str, Any] | None,
    series: dict[str | None, SeriesData],
    setup: Setup,
    step: Step,
    say: Callable[[str], None] | None = None,
) -> ModelBacktest:
    """Backtest a global model: per fold, one fit on every series' history."""
    spec = CATALOG[key]
    horizon, folds = setup.horizon, setup.folds
    result = ModelBacktest(
        key, spec.name, spec.complexity, conformal=not spec.native_intervals
    )
    tested = {label: SeriesBacktest() for label in series}
    try:
        for number in range(1, folds + 1):
            if result.fit_seconds + result.predict_seconds > budget_seconds():
                raise _over_budget(spec)
            step(f"{spec.name}, fold {number} of {folds} (all series at once)")
            cuts = {
                label: cutoffs(len(d.ts), horizon, folds)[number - 1]
                for label, d in series.items()
            }
            forecasts, fit_s, predict_s = fit_predict(
                spec,
                params,
                [d.until(cuts[label], horizon) for label, d in series.items()],
                setup,
                say,
            )
            result.fit_seconds += fit_s
            result.predict_seconds += predict_s
            for (label, d), forecast in zip(series.items(), forecasts, strict=True):
                values, cut = d.ts.values()[:, 0], cuts[label]
                tested[label].actuals.append(values[cut : cut + horizon])
                tested[label].forecasts.append(forecast)
                tested[label].histories.append(values[:cut])
        result.per_series = tested
    except JobCancelledError:
        raise
    except Exception as exc:
        result.error = _failure(spec, exc)
    return result


def gather(
    candidates: list[Candidate],
    outcomes: dict[str | None, dict[str, Outcome]],
) -> list[ModelBacktest]:
    """Per-series outcomes of local models → one backtest per model."""
    results = []
    for key, _params in candidates:
        spec = CATALOG[key]
        result = ModelBacktest(
            key, spec.name, spec.complexity, conformal=not spec.native_intervals
        )
        for label, by_model in outcomes.items():
            outcome = by_model[key]
            result.fit_seconds += outcome.fit_seconds
            result.predict_seconds += outcome.predict_seconds
            if outcome.error and not result.error:
                result.error = outcome.error
            if outcome.tested is not None:
                result.per_series[label] = outcome.tested
        if result.error:
            result.per_series = {}
        results.append(result)
    return results


Widths = tuple[list[float], list[float]]


def conformal_widths(tested: SeriesBacktest) -> Widths:
    """Half-widths of a series' 80% and 95% intervals, step by step ahead.

    Each step's width is a quantile of that step's absolute backtest errors over the
    folds, never narrower than the step before (uncertainty grows with the horizon).
    Each series gets its own: series differ in size.
    """
    errors = np.abs(
        np.array(
            [a - f[:, 2] for a, f in zip(tested.actuals, tested.forecasts, strict=True)]
        )
    )  # folds × steps
    w80 = np.maximum.accumulate(np.quantile(errors, 0.8, axis=0))
    w95 = np.maximum.accumulate(np.maximum(np.quantile(errors, 0.95, axis=0), w80))
    return [float(w) for w in w80], [float(w) for w in w95]


def _stretch(widths: list[float], steps: int) -> np.ndarray:
    """``steps`` widths: cut short, or the last one carried on further ahead."""
    w = np.asarray(widths, dtype=float)
    return np.concatenate([w, np.full(max(0, steps - len(w)), w[-1])])[:steps]


def widen(forecast: np.ndarray, widths: Widths) -> np.ndarray:
    """Give a point forecast (all quantile columns equal) conformal intervals."""
    point = forecast[:, 2]
    w80, w95 = (_stretch(w, len(point)) for w in widths)
    return np.column_stack([point - w95, point - w80, point, point + w80, point + w95])


def score(backtest: ModelBacktest, season: int) -> None:
    """Fill in the metrics: per series (averaged over folds), then over series."""
    if backtest.error or not backtest.per_series:
        return
    if backtest.conformal:
        for tested in backtest.per_series.values():
            widths = conformal_widths(tested)
            tested.forecasts = [widen(f, widths) for f in tested.forecasts]
    by_fold: list[list[dict[str, float]]] = []
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
        for number, scores in enumerate(folds):
            if number == len(by_fold):
                by_fold.append([])
            by_fold[number].append(scores)
        backtest.series_metrics[label] = {
            k: float(np.mean([f[k] for f in folds])) for k in folds[0]
        }
    backtest.metrics = _mean(list(backtest.series_metrics.values()))
    backtest.fold_metrics = [_mean(fold) for fold in by_fold]


def _mean(scores: list[dict[str, float]]) -> dict[str, float]:
    """Each metric's mean over series (or folds), ignoring the undefined ones."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric undefined everywhere
        return {k: float(np.nanmean([m[k] for m in scores])) for k in scores[0]}


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
