"""Honest backtests: expanding-window folds, the same for every model, scored per fold.

A model is fitted on everything before a fold and forecasts the fold; it never sees
its own future. Models without native intervals get conformal ones, from the sizes of
their backtest errors.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.stats import norm

from services.errors import JobCancelledError
from services.fitting import (
    MIN_TEST,
    MIN_TRAIN,
    SeriesData,
    Setup,
    TooShortError,
    check_length,
    fit_predict,
)
from services.metrics import interval_metrics, point_metrics
from services.models import CATALOG
from services.models.base import ModelSpec

log = logging.getLogger(__name__)
MAX_FOLDS = 5
# A combination weighs its members by 1 / backtest MASE ** POWER, moved toward equal
# weights by SHRINK (benchmarks/README.md, "Automatic on M1 and M3"; 0.75 rather than
# 0.5 since the global member joined: a few folds rank members noisily, and nearer
# equal weights did better on M3 quarterly, the same on M3 monthly and M1).
SHRINK = 0.75
POWER = 1.0
# The backtest quantiles that set the 80% and 95% ranges: a little above the nominal
# levels, since the errors of one fold's steps move together, so a few folds show
# less of the spread than new data will (set on all of M3 monthly and a sample of M3
# quarterly, see benchmarks/README.md).
LEVELS = (0.83, 0.965)
# Backtests that hit (almost) every value never narrow a range below this share of
# the model's own: a few exact folds are no promise that the future repeats exactly.
MIN_STRETCH = 0.5
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


def plan_folds(
    length: int, horizon: int, season: int, needs: int, requested: int | None = None
) -> tuple[list[int], int]:
    """Where a series' folds start, and how many steps each tests.

    Each fold trains on at least ``needs`` points (the most any compared model needs),
    at least :data:`MIN_TRAIN`, and two seasons when the series is long enough. A
    series too short for folds of ``horizon`` steps gets one shorter fold; one too
    short for :data:`MIN_TEST` steps gets none.

    Examples
    --------
    >>> plan_folds(144, 12, 12, 12), plan_folds(30, 12, 12, 8), plan_folds(9, 3, 1, 8)
    (([84, 96, 108, 120, 132], 12), ([18], 12), ([], 0))
    >>> plan_folds(24, 12, 12, 8, requested=3)
    ([12], 12)
    >>> plan_folds(15, 12, 12, 8)
    ([8], 7)

    """
    seasons = 2 * season if length >= horizon + 2 * season else 0
    min_train = max(MIN_TRAIN, needs, seasons)
    room = length - min_train
    if room < MIN_TEST:
        return [], 0
    test = min(horizon, room)
    folds = fold_count(length, test, min_train, requested)
    return cutoffs(length, test, folds), test


def folds_of(data: SeriesData, setup: Setup) -> tuple[list[int], int]:
    """A series' fold starts and test length: its own plan, or the setup's folds."""
    if data.cuts:
        return data.cuts, data.test
    if not setup.folds:
        return [], 0
    return cutoffs(len(data.ts), setup.horizon, setup.folds), setup.horizon


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
    # A combination's weights of its members, per series (from all its folds).
    weights: dict[str | None, list[float]] = field(default_factory=dict)
    # A combination's members without their own ranges: per series, the conformal
    # widths each was given before it was averaged (member key → widths).
    member_widths: dict[str | None, dict[str, Widths]] = field(default_factory=dict)
    # Series the model failed on, with the reason in plain words (the model still
    # scores on the others).
    series_errors: dict[str | None, str] = field(default_factory=dict)


class OverBudgetError(Exception):
    """A model used up its time budget."""


# spend(model key, seconds just used) → whether the model is over its time budget.
Spend = Callable[[str, float], bool]


def _never(_key: str, _seconds: float) -> bool:
    return False


def failure(
    spec: ModelSpec,
    exc: Exception,
    label: str | None = None,
    values: np.ndarray | None = None,
    subject: str = "this series",
) -> str:
    """Why a model failed, in plain words; the details go to the log."""
    if isinstance(exc, OverBudgetError | TooShortError):
        return str(exc)
    log.warning("%s failed on series %s", spec.key, label, exc_info=exc)
    if values is not None and len(values) and np.ptp(values) == 0:
        return f"{spec.name} could not be fitted: the values never change."
    return f"{spec.name} could not be fitted to {subject}."


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
    """Backtest local models on one series, model after model, fold after fold.

    A series without folds (too short to test) gets no outcomes.
    """
    outcomes: dict[str, Outcome] = {}
    values = data.ts.values()[:, 0]
    cuts, test = folds_of(data, setup)
    if not cuts:
        return outcomes
    for key, params in candidates:
        spec = CATALOG[key]
        outcome = Outcome(SeriesBacktest())
        try:
            check_length(spec, len(data.ts), testing=True)
            for number, cut in enumerate(cuts, 1):
                if spend(key, 0.0):
                    raise _over_budget(spec)
                step(
                    f"{spec.name}, fold {number} of {len(cuts)}"
                    + (f" ({label})" if label else "")
                )
                [forecast], fit_s, predict_s = fit_predict(
                    spec, params, [data.until(cut, test)], replace(setup, horizon=test)
                )
                outcome.fit_seconds += fit_s
                outcome.predict_seconds += predict_s
                spend(key, fit_s + predict_s)
                assert outcome.tested is not None
                outcome.tested.actuals.append(values[cut : cut + test])
                outcome.tested.forecasts.append(forecast)
                outcome.tested.histories.append(values[:cut])
        except JobCancelledError:
            raise  # the owner asked to stop: not this model's failure
        except Exception as exc:  # one failing model never fails the comparison
            outcome = Outcome(None, outcome.fit_seconds, outcome.predict_seconds)
            outcome.error = failure(spec, exc, label, values)
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
    """Backtest a global model: per fold, one fit on every series' history.

    Folds are counted back from the end, so a series with fewer folds than another
    joins the later ones only; a series too short for the model is left out of its
    fits and keeps the reason.
    """
    spec = CATALOG[key]
    result = ModelBacktest(
        key, spec.name, spec.complexity, conformal=not spec.native_intervals
    )
    plans: dict[str | None, tuple[list[int], int]] = {}
    for label, d in series.items():
        cuts, test = folds_of(d, setup)
        if not cuts:
            continue
        try:
            check_length(spec, len(d.ts), testing=True)
            plans[label] = (cuts, test)
        except TooShortError as exc:
            result.series_errors[label] = str(exc)
    tested = {label: SeriesBacktest() for label in plans}
    folds = max((len(cuts) for cuts, _ in plans.values()), default=0)
    try:
        for back in range(folds, 0, -1):  # from the earliest fold to the latest
            if result.fit_seconds + result.predict_seconds > budget_seconds():
                raise _over_budget(spec)
            step(
                f"{spec.name}, fold {folds - back + 1} of {folds} (all series at once)"
            )
            fold = {
                label: (cuts[-back], test)
                for label, (cuts, test) in plans.items()
                if len(cuts) >= back
            }
            longest = max(test for _, test in fold.values())
            forecasts, fit_s, predict_s = fit_predict(
                spec,
                params,
                [series[label].until(cut, longest) for label, (cut, _) in fold.items()],
                replace(setup, horizon=longest),
                say,
            )
            result.fit_seconds += fit_s
            result.predict_seconds += predict_s
            for (label, (cut, test)), forecast in zip(
                fold.items(), forecasts, strict=True
            ):
                values = series[label].ts.values()[:, 0]
                tested[label].actuals.append(values[cut : cut + test])
                tested[label].forecasts.append(forecast[:test])
                tested[label].histories.append(values[:cut])
        result.per_series = {k: v for k, v in tested.items() if v.forecasts}
    except JobCancelledError:
        raise
    except Exception as exc:
        result.error = failure(
            spec, exc, subject="these series" if len(plans) > 1 else "this series"
        )
        result.per_series = {}
    if not result.per_series and not result.error:
        result.error = _only_reason(result.series_errors) or (
            "Not tested: the history is too short to hold back any points."
        )
    return result


def _only_reason(reasons: dict[str | None, str]) -> str | None:
    """One sentence for a model that failed on every series.

    Examples
    --------
    >>> _only_reason({"a": "Needs at least 30 points; this series has 12.",
    ...               "b": "Needs at least 30 points; this series has 9."})
    'Needs at least 30 points; the series have 9 to 12.'

    """
    distinct = sorted(set(reasons.values()))
    if len(distinct) <= 1:
        return distinct[0] if distinct else None
    needs = {r.split("; this series has ")[0] for r in distinct}
    if len(needs) == 1 and all("; this series has " in r for r in distinct):
        lengths = sorted(int(r.rsplit(" ", 1)[1].rstrip(".")) for r in distinct)
        return f"{needs.pop()}; the series have {lengths[0]} to {lengths[-1]}."
    label, reason = next(iter(reasons.items()))
    return f"{reason.rstrip('.')} (series {label}; other series failed too)."


def gather(
    candidates: list[Candidate],
    outcomes: dict[str | None, dict[str, Outcome]],
) -> list[ModelBacktest]:
    """Per-series outcomes of local models → one backtest per model.

    A model that failed on some series keeps its backtests on the others, with the
    reasons in ``series_errors``; one that failed everywhere has an ``error``.
    """
    results = []
    for key, _params in candidates:
        spec = CATALOG[key]
        result = ModelBacktest(
            key, spec.name, spec.complexity, conformal=not spec.native_intervals
        )
        for label, by_model in outcomes.items():
            outcome = by_model.get(key)
            if outcome is None:
                continue  # the series has no folds
            result.fit_seconds += outcome.fit_seconds
            result.predict_seconds += outcome.predict_seconds
            if outcome.error:
                result.series_errors[label] = outcome.error
            elif outcome.tested is not None:
                result.per_series[label] = outcome.tested
        if not result.per_series:
            result.error = _only_reason(result.series_errors) or (
                "Not tested: the history is too short to hold back any points."
            )
        results.append(result)
    return results


Widths = tuple[list[float], list[float]]
# How much wider a 95% range is than an 80% one for normal errors (1.53).
WIDER_95 = float(norm.ppf(0.975) / norm.ppf(0.9))


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
    # Few folds hold few errors, whose 95% quantile is hardly past their 80% one: the
    # 95% range is at least as much wider as it is for normal errors.
    w95 = np.maximum(np.quantile(errors, 0.95, axis=0), w80 * WIDER_95)
    w95 = np.maximum.accumulate(w95)
    return [float(w) for w in w80], [float(w) for w in w95]


def inverse_error_weights(
    errors: list[float], shrink: float = 0.0, power: float = 1.0
) -> np.ndarray:
    """Weights for a combination: the smaller a member's backtest error, the larger.

    Each weight is proportional to ``1 / error ** power``, then moved toward equal
    weights by ``shrink`` (0: not at all, 1: all the way). A member without a finite
    error counts as the worst one; members that all scored 0 weigh the same.

    Examples
    --------
    >>> inverse_error_weights([1.0, 2.0, 4.0]).round(4).tolist()
    [0.5714, 0.2857, 0.1429]
    >>> inverse_error_weights([1.0, 3.0], shrink=0.5).round(4).tolist()
    [0.625, 0.375]

    """
    e = np.asarray(errors, dtype=float)
    finite = np.isfinite(e)
    worst = e[finite].max() if finite.any() else 1.0
    e = np.where(finite, e, worst)
    if (e <= 0).any():  # a perfect member: it and any other perfect one share it all
        raw = (e <= 0).astype(float)
    else:
        raw = e**-power
    weights = raw / raw.sum()
    return np.asarray(shrink / len(e) + (1 - shrink) * weights)


def _rank_quantile(values: np.ndarray, level: float) -> float:
    """The conformal quantile: the ⌈(n + 1)·level⌉-th smallest value (or the largest).

    Examples
    --------
    >>> _rank_quantile(np.array([3.0, 1.0, 2.0, 4.0]), 0.8)
    4.0
    >>> _rank_quantile(np.arange(1.0, 10.0), 0.8)
    8.0

    """
    ordered = np.sort(values)
    rank = min(int(np.ceil((len(ordered) + 1) * level)), len(ordered))
    return float(ordered[rank - 1])


def stretch_factors(
    folds: list[np.ndarray],
    actuals: list[np.ndarray],
    levels: tuple[float, float] = LEVELS,
) -> tuple[float, float]:
    """How much the 80% and 95% ranges must stretch to cover the backtests honestly.

    Each backtest error is measured in units of the range's own distance from the
    point on its side at that step (so a range that widens with the horizon keeps
    widening); the factor is the conformal quantile of those ratios over every fold
    and step: 1 when the ranges were right, above 1 when too narrow, and never below
    ``MIN_STRETCH``.

    Examples
    --------
    A forecast of 10 with an 80% range of ±2 (95%: ±4); the actuals miss by 1, 2, 3,
    4 and 6:

    >>> fold = np.array([[6.0, 8.0, 10.0, 12.0, 14.0]] * 5)
    >>> stretch_factors([fold], [np.array([11.0, 8.0, 13.0, 6.0, 16.0])])
    (3.0, 3.0)

    """
    ratios: dict[int, list[np.ndarray]] = {80: [], 95: []}
    for forecast, actual in zip(folds, actuals, strict=True):
        point = forecast[:, 2]
        error = actual - point
        for level, (low, high) in ((80, (1, 3)), (95, (0, 4))):
            side = np.where(
                error >= 0, forecast[:, high] - point, point - forecast[:, low]
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.abs(error) / side
            ratio = np.where(side > 0, ratio, np.where(error == 0, 0.0, np.inf))
            ratios[level].append(ratio)
    k80 = _rank_quantile(np.concatenate(ratios[80]), levels[0])
    k95 = _rank_quantile(np.concatenate(ratios[95]), levels[1])
    # Few errors say little about a 95% quantile (with fewer than 19, it is their
    # largest): the 95% range stretches at least as much as the 80% one.
    k80 = max(k80, MIN_STRETCH)
    return k80, max(k95, k80)


def stretch(forecast: np.ndarray, factors: tuple[float, float]) -> np.ndarray:
    """A forecast whose 80% and 95% ranges are stretched by ``factors`` around it.

    Examples
    --------
    >>> stretch(np.array([[6.0, 8.0, 10.0, 12.0, 14.0]]), (3.0, 1.5)).tolist()
    [[4.0, 4.0, 10.0, 16.0, 16.0]]

    """
    point = forecast[:, 2:3]
    k = np.array([factors[1], factors[0], 1.0, factors[0], factors[1]])
    out: np.ndarray = point + (forecast - point) * k
    # The 95% range never inside the 80% one.
    out[:, 0] = np.minimum(out[:, 0], out[:, 1])
    out[:, 4] = np.maximum(out[:, 4], out[:, 3])
    return out


def calibrate(
    final: np.ndarray,
    folds: list[np.ndarray],
    actuals: list[np.ndarray],
    levels: tuple[float, float] = LEVELS,
) -> np.ndarray:
    """The final forecast with its ranges stretched to what the backtests showed."""
    factors = stretch_factors(folds, actuals, levels)
    if not all(np.isfinite(factors)):
        return final
    return stretch(final, factors)


def _stretch(widths: list[float], steps: int) -> np.ndarray:
    """``steps`` widths: cut short, or the last one carried on further ahead."""
    w = np.asarray(widths, dtype=float)
    return np.concatenate([w, np.full(max(0, steps - len(w)), w[-1])])[:steps]


def widen(forecast: np.ndarray, widths: Widths) -> np.ndarray:
    """Give a point forecast (all quantile columns equal) conformal intervals."""
    point = forecast[:, 2]
    w80, w95 = (_stretch(w, len(point)) for w in widths)
    return np.column_stack([point - w95, point - w80, point, point + w80, point + w95])


def clip_at_zero(forecast: np.ndarray, history: np.ndarray) -> np.ndarray:
    """Raise a forecast and its range to zero when the history is never negative."""
    return (
        np.maximum(forecast, 0.0) if len(history) and history.min() >= 0 else forecast
    )


def score(backtest: ModelBacktest, season: int) -> None:
    """Fill in the metrics: per series (averaged over folds), then over series.

    Forecasts of a series that was never negative are raised to zero first, as the
    final forecast is. Fold metrics count folds back from the end, so series with
    fewer folds line up with the latest ones.
    """
    if backtest.error or not backtest.per_series:
        return
    for tested in backtest.per_series.values():
        if backtest.conformal:
            widths = conformal_widths(tested)
            tested.forecasts = [widen(f, widths) for f in tested.forecasts]
        tested.forecasts = [
            clip_at_zero(f, h)
            for f, h in zip(tested.forecasts, tested.histories, strict=True)
        ]
    by_fold: list[list[dict[str, float]]] = []  # the latest fold first
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
        for back, scores in enumerate(reversed(folds)):
            if back == len(by_fold):
                by_fold.append([])
            by_fold[back].append(scores)
        backtest.series_metrics[label] = {
            k: float(np.mean([f[k] for f in folds])) for k in folds[0]
        }
    backtest.metrics = _mean(list(backtest.series_metrics.values()))
    backtest.fold_metrics = [_mean(fold) for fold in reversed(by_fold)]


def _mean(scores: list[dict[str, float]]) -> dict[str, float]:
    """Each metric's mean over series (or folds), ignoring the undefined ones."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric undefined everywhere
        return {k: float(np.nanmean([m[k] for m in scores])) for k in scores[0]}


def ensemble(
    name: str,
    key: str,
    members: list[ModelBacktest],
    season: int,
    shrink: float = SHRINK,
    power: float = POWER,
) -> ModelBacktest:
    """A weighted average of the members' forecasts, tested as a model of its own.

    On each series, each fold's forecast (point and quantiles) averages the members'
    with weights from how well each did on that series' earlier folds (see
    :func:`inverse_error_weights`; equal weights on the first fold), so no fold is
    weighted by its own errors. The weights from every fold are kept for the final
    forecast. On a series some members could not be tested on (too short for
    them), the others are combined (at least two; their weights there are 0).

    A member without its own ranges (a point forecast) is averaged with the
    conformal ranges of its backtests on that series, in every fold and in the final
    forecast alike (kept in ``member_widths``): averaged as a bare point it would
    pull the combination's ranges in.
    """
    result = ModelBacktest(key, name, complexity=6, members=[m.key for m in members])
    labels = {label for m in members for label in m.per_series}
    for label in sorted(labels, key=str):
        present = [label in m.per_series for m in members]
        if sum(present) < 2:
            continue
        tested = [m.per_series[label] for m in members if label in m.per_series]
        widths = {
            m.key: conformal_widths(m.per_series[label])
            for m in members
            if m.conformal and label in m.per_series
        }
        if widths:
            result.member_widths[label] = widths
        ranged = [
            _widened(m.per_series[label], widths.get(m.key))
            for m in members
            if label in m.per_series
        ]
        first = tested[0]
        errors = np.array(
            [
                [
                    point_metrics(a, f[:, 2], h, season)["mase"]
                    for a, f, h in zip(
                        first.actuals, t.forecasts, first.histories, strict=True
                    )
                ]
                for t in tested
            ]
        )  # members × folds
        combined = SeriesBacktest(first.actuals, [], first.histories)
        for fold in range(len(first.forecasts)):
            weights = fold_weights(errors[:, :fold], shrink, power)
            stack = np.stack([t.forecasts[fold] for t in ranged])
            combined.forecasts.append(np.tensordot(weights, stack, axes=1))
        result.per_series[label] = combined
        final = iter(fold_weights(errors, shrink, power).tolist())
        result.weights[label] = [next(final) if p else 0.0 for p in present]
    result.fit_seconds = sum(m.fit_seconds for m in members)
    result.predict_seconds = sum(m.predict_seconds for m in members)
    return result


def _widened(tested: SeriesBacktest, widths: Widths | None) -> SeriesBacktest:
    """A point model's backtests with its conformal ranges (as they are without)."""
    if widths is None:
        return tested
    return SeriesBacktest(
        tested.actuals,
        [widen(f, widths) for f in tested.forecasts],
        tested.histories,
    )


def fold_weights(errors: np.ndarray, shrink: float, power: float) -> np.ndarray:
    """Members' weights from their errors on some folds (members × folds).

    Without any fold yet, equal weights.

    Examples
    --------
    >>> fold_weights(np.array([[1.0, 3.0], [2.0, 6.0]]), 0.0, 1.0).round(4).tolist()
    [0.6667, 0.3333]
    >>> fold_weights(np.zeros((4, 0)), 0.0, 1.0).tolist()
    [0.25, 0.25, 0.25, 0.25]

    """
    if errors.shape[1] == 0:
        return np.full(errors.shape[0], 1 / errors.shape[0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(errors, axis=1)
    return inverse_error_weights(mean.tolist(), shrink, power)
