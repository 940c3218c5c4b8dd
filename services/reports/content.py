"""What a report says: one forecast's results, gathered from the services."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from services import analysis, datasets, forecasts, versions
from services.cleaning import Change
from services.errors import ServiceError
from services.metrics import point_metrics
from services.profiling import SEASON_LENGTH, DataIssue, Frequency

FEATURED_LARGEST = 3  # with many series, the body shows the largest ones …
FEATURED_UNCERTAIN = 2  # … and the most uncertain ones; the appendix lists the rest
UNIT_WORDS = {
    "second": ("second", "seconds"),
    "minute": ("minute", "minutes"),
    "hour": ("hour", "hours"),
    "day": ("day", "days"),
    "business_day": ("business day", "business days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "quarter": ("quarter", "quarters"),
    "year": ("year", "years"),
}


@dataclass(frozen=True)
class CleaningStep(Change):
    """One repair step of the recipe behind the data: what it did, in which version."""

    version: int = 0


@dataclass
class ReportData:
    """Everything a report shows about one forecast.

    ``points`` is in the export schema (``series`` is null for a single series),
    ``history`` has series, time, value. ``summary`` has one row per series; with
    several series, ``total_history``/``total_points`` add them up by time.
    """

    dataset_name: str
    target: str
    model_name: str
    horizon: int
    frequency: Frequency | None
    made_at: datetime
    points: pl.DataFrame
    history: pl.DataFrame
    backtests: pl.DataFrame | None
    leaderboard: list[dict[str, Any]]
    notes: list[str]
    issues: list[DataIssue]
    cleaning: list[CleaningStep]
    rows: int
    model: str = ""
    season: int = 1
    summary: pl.DataFrame = field(default_factory=pl.DataFrame)
    featured: list[str | None] = field(default_factory=list)
    total_history: pl.DataFrame | None = None
    total_points: pl.DataFrame | None = None
    fold_errors: pl.DataFrame | None = None
    analysis: analysis.Analysis | None = None
    analysis_error: str | None = None

    @property
    def series_count(self) -> int:
        """How many series were forecast."""
        return self.summary.height

    @property
    def multi(self) -> bool:
        """Whether the forecast covers several series."""
        return self.series_count > 1

    def unit(self, count: int) -> str:
        """``count`` steps in the frequency's words, e.g. ``12 months``."""
        if self.frequency is None:
            return f"{count} steps"
        one, many = UNIT_WORDS[self.frequency.unit]
        steps = count * self.frequency.step
        return f"{steps:,} {one if steps == 1 else many}"

    def chosen_row(self) -> dict[str, Any] | None:
        """The leaderboard row of the model that made the forecast."""
        return next((r for r in self.leaderboard if r.get("model") == self.model), None)

    def series_history(self, series: str | None) -> pl.DataFrame:
        """One series' history (the total's for ``None`` with several series)."""
        if series is None and self.total_history is not None:
            return self.total_history
        return self.history.filter(pl.col("series").eq_missing(series))

    def series_points(self, series: str | None) -> pl.DataFrame:
        """One series' forecast points (the total's for ``None`` with several)."""
        if series is None and self.total_points is not None:
            return self.total_points
        return self.points.filter(pl.col("series").eq_missing(series))


def assemble(data: ReportData, decompose: bool = True) -> ReportData:
    """Add what is derived from the results: totals, per-series summary, folds.

    With ``decompose`` (the PDF shows it; the workbook does not), also analyses the
    series (the total with several series); an analysis that cannot be made leaves
    ``analysis_error``.
    """
    freq = data.frequency
    data.season = SEASON_LENGTH[freq.unit] if freq and freq.step == 1 else 1
    data.summary = _summary(data.history, data.points, data.horizon)
    if data.summary.height > 1:
        data.total_history, data.total_points = _totals(data.history, data.points)
    data.featured = _featured(data.summary)
    if data.backtests is not None and data.backtests.height:
        data.fold_errors = _fold_errors(data.history, data.backtests, data.season)
    if not decompose:
        return data
    base = data.series_history(None if data.multi else data.featured[0])
    try:
        data.analysis = analysis.analyse(base, "time", "value", freq)
    except ServiceError as exc:
        data.analysis_error = exc.message
    return data


def collect(user_id: int, forecast_id: str, decompose: bool = True) -> ReportData:
    """Gather one of the user's forecasts and everything a report says about it.

    Raises
    ------
    NotFoundError
        When the forecast (or its dataset) is not the user's.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    dataset = datasets.get_dataset(user_id, info.dataset_id)
    lineage = {v.id: v for v in versions.list_versions(user_id, info.dataset_id)}
    used = lineage.get(info.version_id)
    metrics = info.metrics
    data = ReportData(
        dataset_name=dataset.name,
        target=info.target,
        model_name=info.model_name,
        model=info.model,
        horizon=info.horizon,
        frequency=info.frequency,
        made_at=info.created_at,
        points=forecasts.forecast_points(user_id, info.id),
        history=forecasts.history(user_id, info),
        backtests=forecasts.forecast_backtests(user_id, info.id),
        leaderboard=list(metrics.get("leaderboard") or []),
        notes=list(metrics.get("notes") or []),
        issues=list(used.profile.issues) if used else [],
        cleaning=_cleaning(lineage, info.version_id),
        rows=used.rows if used else 0,
    )
    return assemble(data, decompose)


def _cleaning(lineage: dict[str, Any], version_id: str) -> list[CleaningStep]:
    """The repair steps from the upload to the version, oldest first."""
    chain = []
    current = lineage.get(version_id)
    while current is not None:
        chain.append(current)
        current = lineage.get(current.parent) if current.parent else None
    known = {f.name for f in fields(Change)}
    return [
        CleaningStep(
            version=version.number, **{k: v for k, v in change.items() if k in known}
        )
        for version in reversed(chain)
        for change in version.changes
    ]


def _summary(history: pl.DataFrame, points: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """Per series: size, the recent level, the forecast's level and its end range."""
    recent = (
        history.sort("time")
        .group_by("series", maintain_order=True)
        .agg(
            pl.col("time").last().alias("last_time"),
            pl.col("value").last().alias("last_actual"),
            pl.col("value").tail(horizon).mean().alias("recent_mean"),
            pl.col("value").abs().mean().alias("size"),
            pl.len().alias("history_points"),
        )
    )
    ahead = (
        points.sort("time")
        .group_by("series", maintain_order=True)
        .agg(
            pl.col("forecast").mean().alias("forecast_mean"),
            pl.col("time").last().alias("end_time"),
            *(
                pl.col(c).last().alias(f"end_{c}")
                for c in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
            ),
        )
    )
    joined = ahead.join(recent, on="series", how="left", nulls_equal=True)
    return joined.with_columns(
        pl.when(pl.col("recent_mean") != 0)
        .then(100 * (pl.col("forecast_mean") / pl.col("recent_mean") - 1))
        .alias("change_pct"),
        pl.when(pl.col("end_forecast").abs() > 0)
        .then(
            100
            * (pl.col("end_upper_95") - pl.col("end_lower_95"))
            / pl.col("end_forecast").abs()
        )
        .alias("width_pct"),
    ).sort("size", descending=True, nulls_last=True)


def _featured(summary: pl.DataFrame) -> list[str | None]:
    """The series the body shows: all of a few, else the largest and most uncertain."""
    labels: list[str | None] = summary["series"].to_list()
    if len(labels) <= FEATURED_LARGEST + FEATURED_UNCERTAIN:
        return labels
    chosen = labels[:FEATURED_LARGEST]
    uncertain = summary.sort("width_pct", descending=True, nulls_last=True)
    for label in uncertain["series"].to_list():
        if len(chosen) == FEATURED_LARGEST + FEATURED_UNCERTAIN:
            break
        if label not in chosen:
            chosen.append(label)
    return chosen


def _totals(
    history: pl.DataFrame, points: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The series added up by time, over the times every series has a value."""
    count = history["series"].n_unique()
    total_history = (
        history.group_by("time")
        .agg(pl.col("value").sum(), pl.len().alias("n"))
        .filter(pl.col("n") == count)
        .drop("n")
        .sort("time")
        .with_columns(pl.lit(None, dtype=pl.String).alias("series"))
        .select("series", "time", "value")
    )
    total_points = (
        points.group_by("time")
        .agg(
            pl.col(c).sum()
            for c in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
        )
        .sort("time")
        .with_columns(pl.lit(None, dtype=pl.String).alias("series"))
        .select(points.columns)
    )
    return total_history, total_points


def _fold_errors(
    history: pl.DataFrame, backtests: pl.DataFrame, season: int
) -> pl.DataFrame:
    """The chosen model's errors per series and backtest fold (services.metrics)."""
    rows = []
    by_series = {
        key[0]: part
        for key, part in history.partition_by("series", as_dict=True).items()
    }
    for (series, fold), part in backtests.sort("time").group_by(
        ["series", "fold"], maintain_order=True
    ):
        start = part["time"].min()
        past = by_series.get(series, history.clear())
        before = past.filter(pl.col("time") < start)["value"].to_numpy()
        scores = point_metrics(
            part["actual"].to_numpy(),
            part["forecast"].to_numpy(),
            before.astype(float),
            season,
        )
        clean = {k: (None if not np.isfinite(v) else v) for k, v in scores.items()}
        rows.append(
            {
                "series": series,
                "fold": fold,
                "start": start,
                "end": part["time"].max(),
                "points": part.height,
                **clean,
            }
        )
    return pl.DataFrame(rows).sort("series", "fold", nulls_last=False)
