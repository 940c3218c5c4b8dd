"""Choosing from the backtests: the best model (or combination) for each series.

"Automatic" keeps a weighted average of ETS, Theta, Dynamic Theta, CES and ARIMA (with
many series, one LightGBM learnt from all of them instead of Dynamic Theta), each
weighted by how well it did on the series' backtests, unless one model is far better;
within 1% of the best, the simpler model wins. The chosen forecast's ranges are
stretched (or narrowed) to what its backtests showed. A series the chosen model cannot
serve (it failed there, or the series was too short to test on) gets its own best, or
a fallback that needs no backtests, and a note says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services import backtest
from services.backtest import ModelBacktest
from services.fitting import SeriesData
from services.models import (
    CATALOG,
    COMBINED,
    COMBINED_MANY,
    ENSEMBLES,
    GLOBAL_MEMBER,
)

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
# Without backtests: the first of these that admits the series' length.
FALLBACKS = ("auto_ets", "naive")


@dataclass
class Plan:
    """How one series is forecast: one model, or a weighted average of several.

    ``widths`` are the half-widths of conformal 80% and 95% intervals, step by step,
    for models that forecast a point only. ``weights`` are a combination's weights of
    its members (None: equal). ``stretch`` are the factors of the 80% and 95% ranges
    learnt on the backtests (:func:`backtest.stretch_factors`; None: as they are).
    ``member_widths`` are the conformal widths a combination's point members get
    before they are averaged. Plans saved before weights existed (a combination with
    ``widths``) take the median of the members' points.
    """

    keys: list[str]
    combine: bool = False
    widths: backtest.Widths | None = None
    weights: list[float] | None = None
    stretch: tuple[float, float] | None = None
    # Members without their own ranges get these conformal widths before averaging.
    member_widths: dict[str, backtest.Widths] | None = None

    @classmethod
    def of(cls, chosen: ModelBacktest, label: str | None) -> Plan:
        """The plan for a series' model (or ensemble) chosen on its backtests."""
        widths, stretch = None, None
        tested = chosen.per_series.get(label)
        if tested is not None and chosen.conformal:
            widths = backtest.conformal_widths(tested)
        elif tested is not None:
            factors = backtest.stretch_factors(tested.forecasts, tested.actuals)
            stretch = factors if all(map(math.isfinite, factors)) else None
        keys, weights = chosen.members or [chosen.key], chosen.weights.get(label)
        if weights is not None:  # the members weighted on this series
            kept = [(k, w) for k, w in zip(keys, weights, strict=True) if w > 0]
            keys, weights = [k for k, _ in kept], [w for _, w in kept]
        members = {
            k: w for k, w in chosen.member_widths.get(label, {}).items() if k in keys
        }
        return cls(
            keys, bool(chosen.members), widths, weights, stretch, members or None
        )


def rank(result: ModelBacktest, metric: str) -> float:
    """The result's score on ``metric`` (infinite when it has none)."""
    value = result.metrics.get(metric, float("nan"))
    return float("inf") if value != value else value


def choose(ranked: list[ModelBacktest], metric: str) -> ModelBacktest:
    """The best by ``metric``; within 1% of it, the simplest.

    Examples
    --------
    >>> a = ModelBacktest("a", "A", 4, metrics={"mase": 1.000})
    >>> b = ModelBacktest("b", "B", 1, metrics={"mase": 1.005})
    >>> choose([a, b], "mase").key
    'b'

    """
    best = min(rank(r, metric) for r in ranked)
    close = [r for r in ranked if rank(r, metric) <= best * (1 + TIE) + 1e-12]
    return min(close, key=lambda r: (r.complexity, rank(r, metric)))


def combination(
    results: list[ModelBacktest],
    metric: str,
    season: int,
    pool: Sequence[str] | None = None,
) -> ModelBacktest | None:
    """A weighted average of ETS, Theta, Dynamic Theta, CES and ARIMA (or the best 3).

    Each member weighs by its backtest MASE on the series (:func:`backtest.ensemble`).
    When the global LightGBM was compared (many series), it takes Dynamic Theta's
    place (:data:`COMBINED_MANY`). A series too short for one of them (ARIMA needs
    12 points) still gets the average of the others.
    """
    ok = sorted((r for r in results if r.per_series), key=lambda r: rank(r, metric))
    if pool is None:
        many = any(r.key == GLOBAL_MEMBER for r in ok)
        pool = COMBINED_MANY if many else COMBINED
    members = [r for r in ok if r.key in pool]
    if len(members) < 3:
        members = [r for r in ok if r.complexity > 0][:3] or ok[:3]
    if len(members) < 3:
        return None
    named = "combination_global" if GLOBAL_MEMBER in [m.key for m in members] else ""
    combined = backtest.ensemble(
        ENSEMBLES[named or "combination"], "combination", members, season
    )
    return combined if combined.per_series else None


def overall(
    results: list[ModelBacktest],
    tested: list[str | None],
    metric: str,
    combined: ModelBacktest | None,
    notes: list[str],
) -> ModelBacktest | None:
    """The model that did best over all tested series (None if none covers them all).

    Models that failed on a tested series are not compared: their averages cover
    other series.
    """
    complete = [
        r
        for r in results
        if r.per_series and all(label in r.per_series for label in tested)
    ]
    if not complete:
        return None
    best = choose(complete, metric)
    if (
        combined is not None
        and combined in complete
        and best is not combined
        and rank(best, metric) > (1 - COMBINATION_MARGIN) * rank(combined, metric)
    ):
        if rank(best, metric) < rank(combined, metric):
            notes.append(
                ("Over all series, " if len(tested) > 1 else "")
                + f"{best.name} scored better than the combination in the backtests, "
                "but the combination was kept: a single model replaces it only when "
                f"its {METRIC_NAMES[metric]} is at least {COMBINATION_MARGIN:.0%} "
                "lower, because a combination of models is steadier on new data."
            )
        best = combined  # a single model must be clearly better to beat the combination
    return best


def best_for(
    label: str | None, ranked: list[ModelBacktest], metric: str
) -> ModelBacktest | None:
    """The model that did best on one series (the tie rule as for the whole)."""
    scored = [
        ModelBacktest(r.key, r.name, r.complexity, metrics=r.series_metrics[label])
        for r in ranked
        if label in r.series_metrics
    ]
    if not scored:
        return None
    key = choose(scored, metric).key
    return next(r for r in ranked if r.key == key)


def serves(chosen: ModelBacktest, label: str | None, data: SeriesData) -> bool:
    """Whether ``chosen`` can forecast this series with a range."""
    if label in chosen.per_series:
        return True
    if label in chosen.series_errors:
        return False
    keys = chosen.members or [chosen.key]
    if any(CATALOG[k].min_history > len(data.ts) for k in keys):
        return False
    # Untested here: a range needs the model's own (not conformal) intervals.
    return all(CATALOG[k].native_intervals for k in keys)


def fallback(
    label: str | None, data: SeriesData, requested: list[str], automatic: bool
) -> ModelBacktest:
    """A model for a series that could not be tested: the first one that fits it.

    The requested models with their own intervals come first (unless automatic), then
    :data:`FALLBACKS`.
    """
    order = [*([] if automatic else requested), *FALLBACKS]
    for key in order:
        spec = CATALOG[key]
        if spec.native_intervals and spec.min_history <= len(data.ts):
            return ModelBacktest(key, spec.name, spec.complexity)
    spec = CATALOG[FALLBACKS[-1]]
    return ModelBacktest(spec.key, spec.name, spec.complexity)


def row(result: ModelBacktest, labels: int) -> dict[str, Any]:
    """A leaderboard row: scores (None when undefined), timings, error and note."""
    metrics = {k: result.metrics.get(k) for k in (*METRICS, "coverage")}
    clean = {
        k: (None if v is None or not math.isfinite(v) else v)
        for k, v in metrics.items()
    }
    note = None
    if result.series_errors and result.per_series:
        failed = list(result.series_errors.items())
        where = "; ".join(f"{label}: {why.rstrip('.')}" for label, why in failed[:3])
        more = f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        note = (
            f"Failed on {len(failed)} of {labels} series, scored on the others "
            f"({where}{more})."
        )
    return {
        "model": result.key,
        "name": result.name,
        **clean,
        "fit_seconds": round(result.fit_seconds, 3),
        "predict_seconds": round(result.predict_seconds, 3),
        "error": result.error,
        "note": note,
    }


def series_boards(
    results: list[ModelBacktest], metric: str
) -> dict[str, list[dict[str, Any]]]:
    """Per series: its leaderboard, best first, then the models that failed on it.

    A model that failed as a whole (a global model fitted on every series at once)
    shows its reason on every series' board.
    """
    labels = {
        label
        for r in results
        for label in (*r.series_metrics, *r.series_errors)
        if label is not None
    }
    boards = {}
    for label in sorted(labels):
        ranked = sorted(
            (r for r in results if label in r.series_metrics),
            key=lambda r: r.series_metrics[label].get(metric, float("inf")),
        )
        boards[label] = (
            [
                {
                    "model": r.key,
                    "name": r.name,
                    **{
                        k: (v if math.isfinite(v) else None)
                        for k, v in r.series_metrics[label].items()
                    },
                }
                for r in ranked
            ]
            + [
                {"model": r.key, "name": r.name, "error": r.series_errors[label]}
                for r in results
                if label in r.series_errors
            ]
            + [  # failed as a whole (a global model fitted on every series at once)
                {"model": r.key, "name": r.name, "error": r.error}
                for r in results
                if r.error and label not in (*r.series_errors, *r.series_metrics)
            ]
        )
    return boards
