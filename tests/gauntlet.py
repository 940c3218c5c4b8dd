"""The gauntlet: awkward tables over calendars, lengths, series and value patterns.

Each table is written as a file a person would upload and sent along the whole service
path: read, profile, forecast with every requested model, then the CSV, the workbook
and the report's words. ``tests/services/test_gauntlet.py`` draws a few tables with
Hypothesis; ``benchmarks/gauntlet.py`` runs the full matrix.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from services.errors import ServiceError
from services.forecasting import ForecastResult, forecast
from services.ingest import read_table
from services.profiling import Profile, profile_table
from services.reports import cells, excel, narrative
from services.reports.content import ReportData, assemble


@dataclass(frozen=True)
class Calendar:
    """How a calendar's times are made and written, and how they continue."""

    name: str
    freq: str  # pandas frequency of the times
    start: str
    fmt: str | None = None  # strftime format; None: ISO date or datetime
    shift: pd.Timedelta | None = None  # added to each time (billing on the 15th)
    column: str = "date"
    iso_week: bool = False

    def times(self, count: int, offset: int = 0) -> pd.DatetimeIndex:
        """``count`` times, starting ``offset`` steps after the calendar's start."""
        every = pd.date_range(self.start, periods=count + offset, freq=self.freq)
        every = every[offset:]
        return every + self.shift if self.shift is not None else every

    def continued(self, last: Any, steps: int) -> list[Any]:
        """The ``steps`` times after ``last`` (a time this calendar made)."""
        base = pd.Timestamp(last) - (self.shift or pd.Timedelta(0))
        future = pd.date_range(base, periods=steps + 1, freq=self.freq)[1:]
        if self.shift is not None:
            future = future + self.shift
        return list(future)

    def text(self, time: pd.Timestamp) -> str:
        """The time as the file writes it."""
        if self.iso_week:
            year, week, _ = time.isocalendar()
            return f"{year}-W{week:02d}"
        if self.fmt:
            return time.strftime(self.fmt)
        if time == time.normalize():
            return time.date().isoformat()
        return time.isoformat(sep=" ")


CALENDARS = [
    Calendar("month start", "MS", "2015-01-01"),
    Calendar("month end (31.01.2021)", "ME", "2015-01-31", fmt="%d.%m.%Y"),
    Calendar("the 15th of the month", "MS", "2015-01-01", shift=pd.Timedelta(days=14)),
    Calendar("quarter end", "QE", "2005-03-31"),
    Calendar("years as 2023", "YS", "1980-01-01", fmt="%Y", column="year"),
    Calendar("week ending Sunday", "W-SUN", "2019-01-06"),
    Calendar("ISO weeks (2024-W05)", "W-MON", "2019-01-07", iso_week=True),
    Calendar("business days", "B", "2023-01-02"),
    Calendar("hourly", "h", "2024-01-01"),
    Calendar("every 15 minutes", "15min", "2024-01-01"),
]
PATTERNS = ["trend", "zeros", "negative", "constant", "counts", "spike"]
LENGTHS = [3, 6, 12, 30, 60]
# Every model quick enough for the tests (the deep ones and Chronos-2 are benchmarked).
FAST_MODELS = [
    {"key": "naive"},
    {"key": "seasonal_naive"},
    {"key": "drift"},
    {"key": "mean"},
    {"key": "auto_ets"},
    {"key": "auto_theta"},
    {"key": "auto_ces"},
    {"key": "auto_arima"},
    {"key": "lightgbm", "params": {"n_estimators": 10}},
    {"key": "linear_regression"},
]
# Words that only exception text uses, never our sentences for people.
EXCEPTION_TEXT = re.compile(
    r"Traceback|\b\w+(Error|Exception)\b|out of bounds|index \d|object has no",
)


def values(pattern: str, count: int, seed: int) -> np.ndarray:
    """``count`` values following ``pattern`` (the seed varies the noise)."""
    rng = np.random.default_rng(seed)
    t = np.arange(count)
    season = np.sin(2 * np.pi * t / 12)
    if pattern == "zeros":  # intermittent demand: mostly zero
        return np.where(rng.random(count) < 0.25, rng.integers(1, 6, count), 0.0)
    if pattern == "negative":  # a profit around zero
        return np.round(20 * season + rng.normal(0, 15, count) - 5, 2)
    if pattern == "constant":  # a closed store
        return np.full(count, 42.0)
    if pattern == "counts":
        return rng.poisson(8 + 3 * (season + 1), count).astype(float)
    if pattern == "spike":
        series = 500 + 40 * season + rng.normal(0, 5, count)
        series[count // 2] *= 100
        return np.round(series, 2)
    return np.round(100 + 1.5 * t + 12 * season + rng.normal(0, 3, count), 2)


@dataclass(frozen=True)
class Table:
    """One awkward table: its calendar, length, series and pattern."""

    calendar: Calendar
    length: int
    series: int
    pattern: str

    @property
    def name(self) -> str:
        """A short name for the table, for the benchmark's rows."""
        many = f", {self.series} series" if self.series > 1 else ""
        return f"{self.calendar.name}, {self.length} points{many}, {self.pattern}"

    def lengths(self) -> list[int]:
        """Each series' length: the others shorter, and ending earlier or later."""
        return [max(1, self.length - 2 * i) for i in range(self.series)]

    def write(self, folder: Path) -> Path:
        """The table as a CSV file; several series share a ``store`` column."""
        lines = [
            f"{self.calendar.column},store,sales"
            if self.series > 1
            else f"{self.calendar.column},sales"
        ]
        for number, count in enumerate(self.lengths()):
            offset = number  # series start (and end) on different steps
            times = self.calendar.times(count, offset)
            for time, value in zip(
                times, values(self.pattern, count, number), strict=True
            ):
                text = self.calendar.text(time)
                store = f"{number + 1}," if self.series > 1 else ""
                lines.append(f"{text},{store}{value:g}")
        path = folder / "table.csv"
        path.write_text("\n".join(lines) + "\n")
        return path


@dataclass
class Outcome:
    """What the whole path made of one table, or the message it refused with."""

    profile: Profile | None = None
    result: ForecastResult | None = None
    refusal: str | None = None
    csv: bytes = b""
    workbook: bytes = b""
    words: list[str] = field(default_factory=list)


def run(
    table: Table, horizon: int = 3, models: list[dict[str, Any]] | None = None
) -> Outcome:
    """Read, profile and forecast ``table``, then write its CSV, workbook and words."""
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as folder:
        path = table.write(Path(folder))
        read = read_table(path, ".csv")
    outcome.profile = profile = profile_table(read.frame, read.notes)
    try:
        outcome.result = result = forecast(
            read.frame,
            profile.time_column or "",
            "sales",
            horizon,
            profile.frequency,
            profile.series_id_columns,
            models=FAST_MODELS if models is None else models,
            folds=2,
        )
    except ServiceError as exc:
        outcome.refusal = exc.message
        return outcome
    history = _history(read.frame, profile)
    outcome.csv = cells.forecast_csv(result.points, history["value"])
    report = assemble(
        ReportData(
            dataset_name="table.csv",
            target="sales",
            model_name=result.model_name,
            model=result.model,
            horizon=horizon,
            frequency=profile.frequency,
            made_at=pd.Timestamp("2026-12-01", tz="UTC").to_pydatetime(),
            points=result.points,
            history=history,
            backtests=result.backtests,
            leaderboard=result.leaderboard,
            notes=result.notes,
            issues=profile.issues,
            cleaning=[],
            rows=read.frame.height,
        ),
        decompose=False,
    )
    words = narrative.summarise(report)
    outcome.workbook = excel.workbook(report, words)
    outcome.words = [words.headline, *words.paragraphs, *words.caveats]
    return outcome


def _history(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    keys = profile.series_id_columns
    series = (
        pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" / ")
        if keys
        else pl.lit(None, dtype=pl.String)
    )
    return frame.select(
        series.alias("series"),
        pl.col(profile.time_column or "").alias("time"),
        pl.col("sales").cast(pl.Float64).alias("value"),
    ).drop_nulls("value")
