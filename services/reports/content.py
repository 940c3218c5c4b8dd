"""What a report says: one forecast's results, gathered from the services."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from services import (
    analysis,
    cleaning_words,
    datasets,
    forecasts,
    override_totals,
    versions,
)
from services.analysis import Analysis
from services.cleaning import Change
from services.errors import ServiceError
from services.explanations import Explanation
from services.hierarchy import hierarchy_totals
from services.metrics import point_metrics
from services.numbers import DEFAULT_STYLE, NumberStyle
from services.profiling import SEASON_LENGTH, DataIssue, Frequency
from services.reports import last_forecast, scenario
from services.reports.explanation import for_report
from services.reports.last_forecast import LastForecast

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
    """One repair step of the recipe behind the data: what it did, in which version.

    ``description`` is the sentence :func:`services.cleaning_words.describe` makes
    from the step and its counts; ``title`` names the kind of step in words.
    """

    version: int = 0

    @property
    def title(self) -> str:
        """The kind of step in words: "Fill missing values" for ``impute``."""
        return cleaning_words.title(self.op)


@dataclass
class ReportData:
    """Everything a report shows about one forecast.

    ``points`` is in the export schema (``series`` is null for a single series),
    ``history`` has series, time, value. ``summary`` has one row per series; with
    several series, ``total_history``/``total_points`` add them up by time.
    ``issues`` are those of the version the forecast used, ``upload_issues`` those the
    upload listed. The change over the horizon compares each forecast point with the
    value ``lag`` steps before it (see :func:`comparison_lag`).
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
    upload_issues: list[DataIssue] = field(default_factory=list)
    lag: int = 0
    # The owner's note, and how the forecast this one refreshes did (if any).
    note: str | None = None
    last_forecast: LastForecast | None = None
    # Why the model says so (services.explanations); None leaves the section out.
    explanation: Explanation | None = None
    # A scenario's comparison with its baseline (services.reports.scenario).
    scenario: Any = None
    # With a hierarchy: each level's accuracy (metrics["levels"]; reports.levels).
    levels: list[dict[str, Any]] = field(default_factory=list)

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

    @property
    def main(self) -> str | None:
        """The series the summary speaks of: ``None`` (the total) with several."""
        return None if self.multi or not self.featured else self.featured[0]

    def history_analysis(self) -> Analysis | None:
        """The analysis of the main series, as Explore makes it (made once).

        ``None`` when the series cannot be analysed; ``analysis_error`` then says why.
        """
        if self.analysis is None and self.analysis_error is None:
            base = self.series_history(self.main)
            try:
                self.analysis = analysis.analyse(base, "time", "value", self.frequency)
            except ServiceError as exc:
                self.analysis_error = exc.message
        return self.analysis


def comparison_lag(season: int, horizon: int, available: int) -> int:
    """How many steps back the past that the forecast is compared with lies.

    Like is compared with like: a horizon of whole seasons with the last as many
    points; a shorter (or longer, uneven) one with the same periods whole seasons
    earlier, so a season's peak is never set against its trough. Without a season, or
    without enough history for it, the last ``horizon`` points.

    Examples
    --------
    >>> [comparison_lag(12, horizon, 48) for horizon in (12, 6, 18)]
    [12, 12, 24]
    >>> comparison_lag(1, 5, 48), comparison_lag(12, 6, 10)
    (5, 6)

    """
    if season > 1:
        lag = season * math.ceil(horizon / season)
        if available >= lag:
            return lag
    return horizon


def assemble(data: ReportData, decompose: bool = True) -> ReportData:
    """Add what is derived from the results: totals, per-series summary, folds.

    With ``decompose`` (the PDF shows it; the workbook does not), also analyses the
    series (the total with several series); an analysis that cannot be made leaves
    ``analysis_error``.
    """
    freq = data.frequency
    data.season = SEASON_LENGTH[freq.unit] if freq and freq.step == 1 else 1
    if data.points["series"].n_unique() > 1:
        data.total_history, data.total_points = _totals(data.history, data.points)
        available = data.total_history.height
    else:
        available = data.history.height
    data.lag = comparison_lag(data.season, data.horizon, available)
    data.summary = _summary(data.history, data.points, data.horizon, data.lag)
    data.featured = _featured(data.summary)
    if data.backtests is not None and data.backtests.height:
        data.fold_errors = _fold_errors(data.history, data.backtests, data.season)
    if decompose:
        data.history_analysis()
    return data


def collect(
    user_id: int,
    forecast_id: str,
    decompose: bool = True,
    style: NumberStyle = DEFAULT_STYLE,
) -> ReportData:
    """Gather one of the user's forecasts and everything a report says about it.

    The cleaning steps' sentences write their counts in ``style``.

    Raises
    ------
    NotFoundError
        When the forecast (or its dataset) is not the user's.

    """
    info = forecasts.get_forecast(user_id, forecast_id)
    dataset = datasets.get_dataset(user_id, info.dataset_id)
    lineage = {v.id: v for v in versions.list_versions(user_id, info.dataset_id)}
    chain = _chain(lineage, info.version_id)
    used = chain[-1] if chain else None
    metrics = info.metrics
    points = forecasts.forecast_points(user_id, info.id)
    data = ReportData(
        dataset_name=dataset.name,
        target=info.target,
        model_name=info.model_name,
        model=info.model,
        horizon=info.horizon,
        frequency=info.frequency,
        made_at=info.created_at,
        points=points,
        history=forecasts.history(user_id, info),
        backtests=forecasts.forecast_backtests(user_id, info.id),
        leaderboard=list(metrics.get("leaderboard") or []),
        levels=list(metrics.get("levels") or []),
        notes=override_totals.forecast_notes(info, points),
        issues=list(used.profile.issues) if used else [],
        cleaning=_cleaning(chain, style),
        rows=used.rows if used else 0,
        upload_issues=list(chain[0].profile.issues) if chain else [],
        note=info.note,
        last_forecast=last_forecast.gather(user_id, info, style),
        explanation=for_report(user_id, info.id, style) if decompose else None,
        scenario=scenario.collect(user_id, info),
    )
    return assemble(data, decompose)


def _chain(lineage: dict[str, Any], version_id: str) -> list[Any]:
    """The versions from the upload to this one, oldest first."""
    chain = []
    current = lineage.get(version_id)
    while current is not None:
        chain.append(current)
        current = lineage.get(current.parent) if current.parent else None
    return chain[::-1]


def _cleaning(
    chain: list[Any], style: NumberStyle = DEFAULT_STYLE
) -> list[CleaningStep]:
    """The repair steps from the upload to the version, oldest first, in words."""
    known = {f.name for f in fields(Change)}
    steps = []
    for parent, version in zip([None, *chain], chain, strict=False):
        frequency = (parent or version).profile.frequency
        words = cleaning_words.describe_changes(
            version.recipe, version.changes, frequency, style
        )
        for change, sentence in zip(version.changes, words, strict=True):
            kept = {k: v for k, v in change.items() if k in known}
            kept["description"] = sentence
            steps.append(CleaningStep(version=version.number, **kept))
    return steps


def _summary(
    history: pl.DataFrame, points: pl.DataFrame, horizon: int, lag: int
) -> pl.DataFrame:
    """Per series: size, past and forecast levels, the change, the range at the end.

    The past level is the average of the stretch ``lag`` steps before the forecast
    (null when the series is too short for it).
    """
    recent = (
        history.sort("time")
        .group_by("series", maintain_order=True)
        .agg(
            pl.col("time").last().alias("last_time"),
            pl.col("value").last().alias("last_actual"),
            pl.when(pl.len() >= lag)
            .then(pl.col("value").tail(lag).head(horizon).mean())
            .alias("past_mean"),
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
        pl.when(pl.col("past_mean") != 0)
        .then(
            100
            * (pl.col("forecast_mean") - pl.col("past_mean"))
            / pl.col("past_mean").abs()
        )
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
    if "hierarchy_level" in points.columns:  # the grand total is forecast already
        return hierarchy_totals(history, points)
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
    sums = ["forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    sums += [c for c in ("statistical_forecast",) if c in points.columns]
    total_points = (
        points.group_by("time")
        .agg(pl.col(c).sum() for c in sums)
        .sort("time")
        .with_columns(pl.lit(None, dtype=pl.String).alias("series"))
        .select(c for c in points.columns if c in {"series", "time", *sums})
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
