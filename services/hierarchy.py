"""Totals that add up: forecast every level of a hierarchy and reconcile them.

With series columns such as region and store, a hierarchy (top to bottom) names the
levels to forecast: the grand total (``"Total"``), each region by its own value
(``"North"``) and each store by its joined key (``"North / N1"``). The history of
every level is the sum of the stores' values at each time; every level goes through
the normal pipeline (:func:`services.forecasting.forecast`: backtests, the chosen
model), and the point forecasts are then reconciled with Nixtla's
``hierarchicalforecast`` so that each total equals the sum of its parts at every step.

Ranges: the library reconciles intervals only by sampling or under a normal
assumption that our (often asymmetric, conformal or stretched) ranges do not meet, so
each series' 80% and 95% ranges keep their own widths and move with its reconciled
forecast (shifted by the same adjustment as the point).

Untidy tables (blank values, stores that open late, miss a month or stop early,
names containing " / ") are handled or refused in :mod:`services.hierarchy_shapes`.

``mint_shrink`` estimates the errors' covariance from the chosen models' backtest
errors (aligned by time and step ahead); without backtests it falls back to ``ols``
and says so in the notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from services.errors import InvalidInputError
from services.forecasting import ForecastResult, forecast
from services.hierarchy_request import DEFAULT_RECONCILIATION, Reconciliation
from services.hierarchy_shapes import (
    SEPARATOR,
    TOTAL,
    TOTAL_LEVEL,
    check_blanks,
    check_ends,
    check_labels,
    series_key,
    with_gaps,
)
from services.selection import METRICS

# The column that names each level's series in the aggregated table.
LABEL = "hierarchy series"
# Plain words for each method (the Models page's choice and the notes).
METHOD_WORDS: dict[str, str] = {
    "mint_shrink": "Best combination of all levels (recommended)",
    "ols": "Even adjustment of all levels",
    "bottom_up": "Add up the lowest level",
    "top_down": "Split the grand total",
    "none": "Do not adjust (totals may not add up)",
}
BANDS = ("lower_80", "upper_80", "lower_95", "upper_95")


@dataclass
class Levels:
    """The aggregated table of every level and the hierarchy's structure.

    Attributes
    ----------
    frame
        time, ``LABEL``, the target and the drivers (means) of every series.
    labels
        Every series, totals first then level by level, the lowest last.
    level_of
        Each series' level: ``"total"`` or the name of its deepest column.
    summing
        The summing matrix (series × lowest series): which lowest series each adds.
    tags
        Each level's rows of ``summing``, top to bottom.

    """

    frame: pl.DataFrame
    labels: list[str]
    level_of: dict[str, str]
    summing: np.ndarray
    tags: dict[str, np.ndarray]


def aggregate(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    hierarchy: list[str],
    drivers: list[str] | None = None,
) -> Levels:
    """Every level's series: the sums of the target per time (drivers averaged).

    Raises
    ------
    InvalidInputError
        When a top-level value is itself named "Total", or the hierarchy is empty.

    """
    if not hierarchy:
        raise InvalidInputError("Name the columns of the hierarchy, top to bottom.")
    drivers = drivers or []
    summed = (
        pl.when(pl.col("_gap").any())
        .then(pl.lit(None, dtype=pl.Float64))
        .when(pl.col(target).count() > 0)
        .then(pl.col(target).cast(pl.Float64).sum())
    )
    aggs = [summed.alias(target), *(pl.col(d).cast(pl.Float64).mean() for d in drivers)]
    keys = (
        frame.select(series_key(hierarchy[:1]).alias("top"))
        .to_series()
        .unique()
        .to_list()
    )
    if TOTAL in keys:
        raise InvalidInputError(
            f"“{hierarchy[0]}” has a value named “{TOTAL}”, which is the name of the "
            "grand total: rename that value on the Cleaning page, then forecast again.",
            code="invalid_hierarchy",
        )
    check_blanks(frame, hierarchy)
    frame = with_gaps(frame, time_column, target, hierarchy)
    parts = [
        frame.group_by(time_column).agg(*aggs).with_columns(pl.lit(TOTAL).alias(LABEL))
    ]
    for depth in range(1, len(hierarchy) + 1):
        parts.append(
            frame.with_columns(series_key(hierarchy[:depth]).alias(LABEL))
            .group_by(time_column, LABEL)
            .agg(*aggs)
        )
    columns = [time_column, LABEL, target, *drivers]
    table = pl.concat([p.select(columns) for p in parts]).sort(LABEL, time_column)
    bottom_keys = frame.select(*hierarchy).unique().sort(hierarchy).rows()
    bottom = [SEPARATOR.join(k) for k in bottom_keys]
    labels, level_of, rows, tags = [TOTAL], {TOTAL: TOTAL_LEVEL}, [], {}
    rows.append(np.ones(len(bottom)))
    tags[TOTAL_LEVEL] = np.array([0])
    for depth, column in enumerate(hierarchy, start=1):
        prefixes = sorted({k[:depth] for k in bottom_keys})
        start = len(labels)
        for prefix in prefixes:
            label = SEPARATOR.join(prefix)
            labels.append(label)
            level_of[label] = column
            rows.append(np.array([float(k[:depth] == prefix) for k in bottom_keys]))
        tags[column] = np.arange(start, len(labels))
    check_labels(labels, level_of, hierarchy)
    return Levels(table, labels, level_of, np.vstack(rows), tags)


def forecast_levels(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    hierarchy: list[str],
    reconciliation: Reconciliation | None = None,
    drivers: list[str] | None = None,
    metric: str = "mase",
    **options: Any,
) -> ForecastResult:
    """Forecast every level of the hierarchy and reconcile the forecasts.

    Parameters
    ----------
    hierarchy
        Series columns, top to bottom (``["region", "store"]``).
    reconciliation
        How the levels are made to add up (default ``mint_shrink``); ``none`` keeps
        each level's own forecast.
    options
        The other arguments of :func:`services.forecasting.forecast` (horizon,
        frequency, models, folds, per_series, transform, on_progress).

    Returns
    -------
    ForecastResult
        Points of every level with ``hierarchy_level``; ``levels`` holds the
        backtest accuracy per level.

    """
    levels = aggregate(frame, time_column, target, hierarchy, drivers)
    check_ends(frame, time_column, target, hierarchy)
    result = forecast(
        levels.frame,
        time_column,
        target,
        series_columns=[LABEL],
        drivers=drivers,
        metric=metric,
        **options,
    )
    method = reconciliation or DEFAULT_RECONCILIATION
    result.points = reconcile(
        result.points, result.backtests, levels, method, result.notes
    )
    result.levels = level_accuracy(result, levels, metric)
    result.recipe["hierarchy"] = list(hierarchy)
    return result


def _matrix(points: pl.DataFrame, labels: list[str], column: str) -> np.ndarray:
    wide = points.pivot(on="time", index="series", values=column, sort_columns=True)
    order = pl.DataFrame({"series": labels})
    return order.join(wide, on="series", how="left").drop("series").to_numpy()


def reconcile(
    points: pl.DataFrame,
    backtests: pl.DataFrame | None,
    levels: Levels,
    method: str,
    notes: list[str] | None = None,
) -> pl.DataFrame:
    """The points made coherent by ``method``, with ``hierarchy_level``.

    Each band moves by its series' adjustment of the point forecast.

    Raises
    ------
    InvalidInputError
        When a series of the hierarchy has no forecast (too short) or the series
        end at different times.

    """
    notes = notes if notes is not None else []
    missing = sorted(set(levels.labels) - set(points["series"].to_list()))
    if missing:
        raise InvalidInputError(
            "The totals cannot add up because these series could not be forecast: "
            + ", ".join(missing[:5])
            + ". Forecast without totals, or remove those series.",
            code="hierarchy_incomplete",
        )
    y_hat = _matrix(points, levels.labels, "forecast")
    if np.isnan(y_hat).any():
        raise InvalidInputError(
            "The totals cannot add up because the series end at different times. "
            "Forecast without totals, or make the series end together.",
            code="hierarchy_incomplete",
        )
    times = points["time"].unique().sort()
    fixed = (
        y_hat
        if method == "none"
        else _reconciled(y_hat, backtests, levels, method, notes)
    )
    adjust = pl.DataFrame(
        {
            "series": np.repeat(levels.labels, len(times)),
            "time": pl.concat([times] * len(levels.labels)),
            "adjust": (fixed - y_hat).ravel(),
        }
    )
    order = {label: i for i, label in enumerate(levels.labels)}
    return (
        points.join(adjust, on=["series", "time"], how="left")
        .with_columns(
            *((pl.col(c) + pl.col("adjust")).alias(c) for c in ("forecast", *BANDS)),
            pl.col("series")
            .replace_strict(levels.level_of, default=None)
            .alias("hierarchy_level"),
            pl.col("series").replace_strict(order, default=None).alias("order"),
        )
        .sort("order", "time")
        .drop("adjust", "order")
    )


def _reconciled(
    y_hat: np.ndarray,
    backtests: pl.DataFrame | None,
    levels: Levels,
    method: str,
    notes: list[str],
) -> np.ndarray:
    from hierarchicalforecast.methods import BottomUp, MinTrace, TopDown

    summing, tags = levels.summing, levels.tags
    result: dict[str, Any] | None = None
    if method == "bottom_up":
        result = BottomUp().fit_predict(S=summing, y_hat=y_hat, tags=tags)
    elif method == "top_down":
        top = TopDown(method="forecast_proportions")
        result = top.fit_predict(S=summing, y_hat=y_hat, tags=tags)
    elif method == "mint_shrink":
        insample = _backtest_errors(backtests, levels.labels)
        if insample is not None:
            try:
                result = MinTrace(method="mint_shrink").fit_predict(
                    S=summing,
                    y_hat=y_hat,
                    y_insample=insample[0],
                    y_hat_insample=insample[1],
                )
            except Exception:  # noqa: BLE001 - the library raises bare Exceptions
                result = None
        if result is None:
            notes.append(
                "The backtests gave too few errors to weigh the levels against each "
                "other, so the totals were made to add up with an even adjustment of "
                "all levels."
            )
    if result is None:
        result = MinTrace(method="ols").fit_predict(S=summing, y_hat=y_hat)
    return np.asarray(result["mean"], dtype=float)


def _backtest_errors(
    backtests: pl.DataFrame | None, labels: list[str]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Actuals and backtest forecasts, series × (time, step), NaN where missing."""
    if backtests is None or backtests.is_empty():
        return None
    keyed = backtests.with_columns(
        (pl.col("time").cast(pl.String) + "#" + pl.col("step").cast(pl.String)).alias(
            "at"
        )
    ).unique(["series", "at"], keep="last")
    matrices = []
    for column in ("actual", "forecast"):
        wide = keyed.pivot(on="at", index="series", values=column, sort_columns=True)
        order = pl.DataFrame({"series": labels})
        matrix = order.join(wide, on="series", how="left").drop("series")
        matrices.append(matrix.to_numpy().astype(float))
    complete = ~np.isnan(matrices[0] - matrices[1]).any(axis=0)
    if complete.sum() < 2:
        return None
    return matrices[0], matrices[1]


def level_accuracy(
    result: ForecastResult, levels: Levels, metric: str
) -> list[dict[str, Any]]:
    """The backtest scores of the chosen models, averaged over each level's series.

    Returns
    -------
    list[dict]
        ``{"level", "series", "model", <metrics>}`` per level, top to bottom;
        ``model`` names the model used (or "Several models").

    """
    rows = []
    for level, indices in levels.tags.items():
        members = [levels.labels[i] for i in indices]
        chosen: list[str] = []
        scores: dict[str, list[float]] = {k: [] for k in METRICS}
        for label in members:
            board = [
                r for r in result.series_leaderboards.get(label, []) if "error" not in r
            ]
            row = next((r for r in board if r["model"] == result.model), None)
            row = row or (board[0] if board else None)
            if row is None:
                continue
            chosen.append(row["name"])
            for k in METRICS:
                value = row.get(k)
                if value is not None and math.isfinite(value):
                    scores[k].append(float(value))
        rows.append(
            {
                "level": level,
                "series": len(members),
                "model": chosen[0]
                if len(set(chosen)) == 1
                else ("Several models" if chosen else None),
                **{k: (sum(v) / len(v) if v else None) for k, v in scores.items()},
            }
        )
    return rows


def history(
    frame: pl.DataFrame, time_column: str, target: str, hierarchy: list[str]
) -> pl.DataFrame:
    """The history of every level: series, time, value (sums per time)."""
    levels = aggregate(frame, time_column, target, hierarchy)
    return (
        levels.frame.select(
            pl.col(LABEL).alias("series"),
            pl.col(time_column).alias("time"),
            pl.col(target).alias("value"),
        )
        .drop_nulls(["time", "value"])
        .sort("series", "time")
    )


def series_options(series: list[str], plural: str) -> list[dict[str, str]]:
    """The series choice of a forecast with levels: the grand total in plain words.

    The grand total reads "All <plural>" ("All stores"); the others their name.
    """
    return [
        {"label": f"All {plural}" if label == TOTAL else label, "value": label}
        for label in series
    ]


def hierarchy_totals(
    history: pl.DataFrame, points: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The grand total's history and points, as the reports' total (no series)."""
    unnamed = pl.lit(None, dtype=pl.String).alias("series")
    return (
        history.filter(pl.col("series") == TOTAL).with_columns(unnamed),
        points.filter(pl.col("series") == TOTAL).with_columns(unnamed),
    )
