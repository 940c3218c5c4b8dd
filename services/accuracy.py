"""How a forecast did: its points against the actuals the dataset now holds.

A forecast is made from one version of a dataset; once newer data is added, the
dataset's current version holds actual values for some of the forecast's steps. This
module scores the forecast on those steps with the leaderboard's own metric functions
(``services.metrics``) and says in a sentence whether it did as its backtests promised.

The verdict compares the realised MASE with the backtests' MASE of the model that
made the forecast, and checks how many actual values fell inside the 80% range:

- ``worse_than_backtests``: the realised MASE is more than :data:`WORSE_MASE_RATIO`
  times the backtests' (1.5×), or, with at least :data:`COVERAGE_MIN_POINTS` actual
  values (5), fewer than :data:`COVERAGE_80_FLOOR` of them (50%) fell inside the 80%
  range;
- ``better_than_backtests``: the realised MASE is less than
  :data:`BETTER_MASE_RATIO` times the backtests' (two thirds);
- ``as_expected``: in between;
- ``no_actuals_yet``: no step of the forecast has an actual value yet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from services import calendars, datasets, forecasts
from services.errors import InvalidInputError
from services.forecasts import ForecastInfo
from services.metrics import interval_metrics, point_metrics
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number, format_percent
from services.override_value import OverrideValue, value_added

# The realised MASE is "clearly above" the backtests' beyond this many times theirs:
# a forecast's error on a few new values varies about that much around its backtests'
# when nothing has changed.
WORSE_MASE_RATIO = 1.5
# ... and clearly below them under this many times theirs (1 / WORSE_MASE_RATIO).
BETTER_MASE_RATIO = 2 / 3
# "Far below 80%": fewer than this share of the actual values inside the 80% range.
COVERAGE_80_FLOOR = 0.5
# Coverage is judged only from this many actual values on: one miss in a handful is
# what an 80% range allows.
COVERAGE_MIN_POINTS = 5

POINT_COLUMNS = [
    "series",
    "time",
    "forecast",
    "actual",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
]


@dataclass(frozen=True)
class Scores:
    """Errors over the steps that have an actual value (``None`` when undefined).

    ``n`` counts those steps; ``bias`` is the mean of forecast minus actual (above 0:
    the forecast was too high); ``smape`` runs from 0 to 200, as in the leaderboard;
    coverage is the share (0 to 1) of actual values inside the 80% or 95% range.
    """

    n: int
    mae: float | None = None
    mase: float | None = None
    smape: float | None = None
    bias: float | None = None
    coverage_80: float | None = None
    coverage_95: float | None = None


@dataclass(frozen=True)
class SeriesScores:
    """One series' scores (``series`` is ``None`` for a single series)."""

    series: str | None
    scores: Scores
    # The backtests' MASE of the model that made this series' forecast, if known.
    backtest_mase: float | None = None


@dataclass(frozen=True)
class Verdict:
    """How the forecast did, as a stable code and a sentence for people."""

    code: str
    message: str


@dataclass(frozen=True)
class Accuracy:
    """A forecast against the actuals known now.

    ``points`` has every forecast step (:data:`POINT_COLUMNS`), ``actual`` null where
    the data has no value yet. ``overall`` pools the steps of every series, except
    ``mase``: the mean of the series' MASE, as in the leaderboard. ``backtest_mase``
    is what the verdict compared that with.
    """

    forecast_id: str
    overall: Scores
    series: list[SeriesScores]
    points: pl.DataFrame
    verdict: Verdict
    backtest_mase: float | None = None
    # Whether the overrides helped (None without overrides).
    overrides: OverrideValue | None = None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _scores(rows: pl.DataFrame, history: np.ndarray, season: int) -> Scores:
    """Scores of the rows (all with an actual) against one series' history."""
    if rows.height == 0:
        return Scores(0)
    actual = rows["actual"].to_numpy().astype(float)
    forecast = rows["forecast"].to_numpy().astype(float)
    bounds = [rows[c].to_numpy().astype(float) for c in POINT_COLUMNS[4:]]
    lower_80, upper_80, lower_95, upper_95 = bounds
    with np.errstate(all="ignore"):
        point = point_metrics(actual, forecast, history, season)
        ranges = interval_metrics(
            actual, lower_80, upper_80, lower_95, upper_95, history, season
        )
        wide = interval_metrics(
            actual, lower_95, upper_95, lower_95, upper_95, history, season
        )
    return Scores(
        rows.height,
        _finite(point["mae"]),
        _finite(point["mase"]),
        _finite(point["smape"]),
        float(np.mean(forecast - actual)),
        ranges["coverage"],
        wide["coverage"],
    )


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.mean(known)) if known else None


def measure(
    forecast_id: str,
    points: pl.DataFrame,
    actuals: pl.DataFrame,
    made_from: pl.DataFrame,
    season: int,
    backtest_mase: float | None,
    style: NumberStyle = DEFAULT_STYLE,
    series_backtest_mase: Mapping[str | None, float] | None = None,
) -> Accuracy:
    """Score forecast points against actuals; the pure part of :func:`accuracy`.

    Parameters
    ----------
    points
        The forecast: series, time, forecast and the 80%/95% bounds.
    actuals
        The data now: series, time, value.
    made_from
        The history the forecast was made from (series, time, value): its seasonal
        naive error scales each series' MASE, as in the backtests.
    season
        The season length of the data's frequency (1 for none).
    backtest_mase
        The backtests' MASE of the model that made the forecast, for the verdict.
    style
        How the verdict writes numbers.
    series_backtest_mase
        The backtests' MASE per series, when known: the verdict then compares with
        their mean over the series that have actual values, so a forecast whose
        actuals have come in for some series only is judged against those.

    Examples
    --------
    >>> import datetime as dt
    >>> day = [dt.date(2026, 1, d) for d in (1, 2, 3, 4)]
    >>> points = pl.DataFrame({"series": [None], "time": [day[3]],
    ...     "forecast": [12.0], "lower_80": [11.0], "upper_80": [13.0],
    ...     "lower_95": [10.0], "upper_95": [14.0]})
    >>> history = pl.DataFrame({"series": [None] * 3, "time": day[:3],
    ...     "value": [8.0, 9.0, 10.0]})
    >>> now = pl.concat([history, pl.DataFrame({"series": [None], "time": [day[3]],
    ...     "value": [11.0]})])
    >>> result = measure("f", points, now, history, 1, 1.0)
    >>> result.overall.mase, result.overall.coverage_80, result.verdict.code
    (1.0, 1.0, 'as_expected')

    """
    known = actuals.select(
        pl.col("series").cast(pl.String),
        pl.col("time").cast(points.schema["time"]),
        pl.col("value").cast(pl.Float64).alias("actual"),
    ).unique(["series", "time"], keep="last")
    joined = (
        points.with_columns(pl.col("series").cast(pl.String))
        .join(known, on=["series", "time"], how="left", nulls_equal=True)
        .select(POINT_COLUMNS)
        .sort("series", "time", nulls_last=False)
    )
    by_series = dict(series_backtest_mase or {})
    series: list[SeriesScores] = []
    for part in joined.partition_by("series", maintain_order=True):
        label = part["series"][0]
        history = (
            made_from.filter(
                pl.col("series").is_null()
                if label is None
                else pl.col("series") == label
            )
            .sort("time")["value"]
            .to_numpy()
            .astype(float)
        )
        scores = _scores(part.drop_nulls("actual"), history, season)
        series.append(SeriesScores(label, scores, by_series.get(label)))
    with_actual = joined.drop_nulls("actual")
    pooled = _scores(with_actual, np.array([]), season)
    overall = replace(
        pooled,
        mase=_mean([s.scores.mase for s in series if s.scores.n]),
    )
    expected = _mean([s.backtest_mase for s in series if s.scores.n])
    if expected is None:
        expected = backtest_mase
    return Accuracy(
        forecast_id,
        overall,
        series,
        joined,
        verdict(overall, expected, style),
        expected,
    )


def verdict(
    overall: Scores, backtest_mase: float | None, style: NumberStyle = DEFAULT_STYLE
) -> Verdict:
    """The verdict on the scores, by the thresholds in the module's docstring.

    Examples
    --------
    >>> verdict(Scores(6, mase=2.0, coverage_80=0.8), 1.0).code
    'worse_than_backtests'
    >>> verdict(Scores(0), 1.0).code
    'no_actuals_yet'

    """
    n = overall.n
    if n == 0:
        return Verdict(
            "no_actuals_yet",
            "The data has no actual value yet for any step of this forecast. Add "
            "newer data to the dataset to see how the forecast did.",
        )
    values = "value" if n == 1 else "values"
    inside = round((overall.coverage_80 or 0.0) * n)
    share = format_percent(100 * inside / n, style)
    coverage = (
        f"{inside} of the {n} actual {values} ({share}) fell inside the 80% range"
    )
    realised, expected = overall.mase, backtest_mase
    ratio = (
        realised / expected
        if realised is not None and expected is not None and expected > 0
        else None
    )
    too_wide = ratio is not None and ratio > WORSE_MASE_RATIO
    too_few_inside = (
        n >= COVERAGE_MIN_POINTS and (overall.coverage_80 or 0.0) < COVERAGE_80_FLOOR
    )
    errors = (
        f"its scaled error (MASE) on the {n} actual {values} known so far is "
        f"{format_number(realised, style, digits=2)}, against "
        f"{format_number(expected, style, digits=2)} in the backtests"
    )
    if too_wide or too_few_inside:
        reasons = []
        if too_wide:
            reasons.append(
                f"{errors}: more than {format_number(WORSE_MASE_RATIO, style)} times "
                "as large"
            )
        if too_few_inside:
            reasons.append(
                f"only {coverage}, far below 80% (the limit is "
                f"{format_percent(100 * COVERAGE_80_FLOOR, style)} once "
                f"{COVERAGE_MIN_POINTS} values are known)"
            )
        return Verdict(
            "worse_than_backtests",
            "The forecast did worse than its backtests promised: "
            + "; and ".join(reasons)
            + ". Refresh it with the latest data.",
        )
    if ratio is not None and ratio < BETTER_MASE_RATIO:
        return Verdict(
            "better_than_backtests",
            f"The forecast did better than its backtests promised: {errors}, less "
            f"than two thirds as large; {coverage}.",
        )
    if ratio is None:
        return Verdict(
            "as_expected",
            "The backtests have no scaled error (MASE) to compare with, so only the "
            f"range is judged: {coverage}.",
        )
    return Verdict(
        "as_expected",
        f"The forecast did about as well as its backtests promised: {errors} "
        f"(worse means more than {format_number(WORSE_MASE_RATIO, style)} times as "
        "large, "
        f"better less than two thirds); {coverage}.",
    )


def _mase(row: dict[str, Any] | None) -> float | None:
    value = (row or {}).get("mase")
    return float(value) if isinstance(value, int | float) else None


def backtest_mase(info: ForecastInfo) -> tuple[float | None, dict[str | None, float]]:
    """The backtests' MASE of the model that made the forecast: overall, per series.

    Its leaderboard rows (overall and on each series); for a forecast with a model
    per series, each series' best row (the leaderboard's order is the forecast's
    metric), and overall their mean.
    """
    metrics: dict[str, Any] = info.metrics
    boards: dict[str, list[dict[str, Any]]] = metrics.get("series_leaderboards") or {}
    by_series: dict[str | None, float] = {}
    for label, board in boards.items():
        row = next((r for r in board if r.get("model") == info.model), None)
        value = _mase(row if row is not None or not board else board[0])
        if value is not None:
            by_series[label] = value
    overall = _mase(
        next(
            (
                r
                for r in metrics.get("leaderboard") or []
                if r.get("model") == info.model
            ),
            None,
        )
    )
    if overall is None:
        overall = _mean(list(by_series.values()))
    return overall, by_series


def accuracy(
    user_id: int, forecast_id: str, style: NumberStyle = DEFAULT_STYLE
) -> Accuracy:
    """The forecast against the actuals the dataset's current version holds.

    ``style`` is how the verdict writes numbers (the user's number format).

    Raises
    ------
    NotFoundError
        When the forecast does not exist or is someone else's.
    InvalidInputError
        When the current version lacks the forecast's time or target column.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    points = forecasts.forecast_points(user_id, info.id)
    current = datasets.get_dataset(user_id, info.dataset_id).version_id
    made_from = forecasts.history(user_id, info)
    try:
        actuals = (
            made_from
            if current == info.version_id
            else forecasts.history(user_id, replace(info, version_id=current))
        )
    except pl.exceptions.ColumnNotFoundError:
        raise InvalidInputError(
            "The dataset's current version no longer has the columns this forecast "
            f"was made from (its time column and “{info.target}”), so it cannot be "
            "compared with it. Make a version that has them current again.",
            code="unknown_column",
        ) from None
    season = calendars.season_length(info.frequency) if info.frequency else 1
    overall, by_series = backtest_mase(info)
    measured = measure(
        info.id, points, actuals, made_from, season, overall, style, by_series
    )
    added = value_added(points, measured.points, made_from, season, style)
    return replace(measured, overrides=added)
