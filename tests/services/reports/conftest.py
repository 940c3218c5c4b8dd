"""Reports built from known numbers, so every figure in them can be checked."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from services.profiling import DataIssue, Frequency
from services.reports.content import CleaningStep, ReportData, assemble
from tests.conftest import SAMPLES

HOSTILE = [
    '=HYPERLINK("http://169.254.169.254/latest","x")',
    "<img src='file:///etc/passwd'>",
    "http://169.254.169.254/",
]


def _months(start: dt.date, count: int) -> list[dt.date]:
    return [
        dt.date(
            start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1
        )
        for i in range(count)
    ]


def _series(label: str | None, scale: float, spread: float) -> tuple[pl.DataFrame, ...]:
    times = _months(dt.date(2020, 1, 1), 48)
    values = [
        scale * (100 + i + 10 * math.sin(2 * math.pi * i / 12)) for i in range(48)
    ]
    history = pl.DataFrame(
        {"series": [label] * 48, "time": times, "value": values},
        schema={"series": pl.String, "time": pl.Date, "value": pl.Float64},
    )
    future = _months(dt.date(2024, 1, 1), 12)
    forecast = [scale * (150 + 2 * i) for i in range(12)]
    points = pl.DataFrame(
        {
            "series": [label] * 12,
            "time": future,
            "forecast": forecast,
            "lower_80": [f - spread * (1 + i) for i, f in enumerate(forecast)],
            "upper_80": [f + spread * (1 + i) for i, f in enumerate(forecast)],
            "lower_95": [f - 2 * spread * (1 + i) for i, f in enumerate(forecast)],
            "upper_95": [f + 2 * spread * (1 + i) for i, f in enumerate(forecast)],
        },
        schema_overrides={"series": pl.String},
    )
    rows = []
    for fold, start in enumerate((24, 30, 36), start=1):
        for step in range(12):
            actual = values[start + step]
            rows.append(
                (label, fold, step + 1, times[start + step], actual, actual * 1.05)
            )
    backtests = pl.DataFrame(
        rows,
        schema={
            "series": pl.String,
            "fold": pl.Int64,
            "step": pl.Int64,
            "time": pl.Date,
            "actual": pl.Float64,
            "forecast": pl.Float64,
        },
        orient="row",
    )
    return history, points, backtests


LEADERBOARD = [
    {
        "model": "auto_ets",
        "name": "AutoETS (exponential smoothing)",
        "mase": 0.62,
        "smape": 4.9,
        "mape": 5.0,
        "mae": 6.1,
        "rmse": 7.2,
        "coverage": 0.81,
        "msis": 3.3,
        "fit_seconds": 0.2,
        "error": None,
    },
    {
        "model": "seasonal_naive",
        "name": "Seasonal naive",
        "mase": 1.0,
        "smape": 8.0,
        "mape": 8.1,
        "mae": 9.9,
        "rmse": 11.0,
        "coverage": 0.7,
        "msis": 5.0,
        "fit_seconds": 0.01,
        "error": None,
    },
]


def build(labels: list[str | None], target: str = "sales") -> ReportData:
    """A report of one series per label, the first the largest and narrowest."""
    parts = [
        _series(label, 1 + 0.5 * i, 2 + 3 * (i % 4)) for i, label in enumerate(labels)
    ]
    return assemble(
        ReportData(
            dataset_name="shop.csv",
            target=target,
            model_name="AutoETS (exponential smoothing)",
            model="auto_ets",
            horizon=12,
            frequency=Frequency(unit="month", step=1),
            made_at=dt.datetime(2024, 2, 3, 10, 0, tzinfo=dt.UTC),
            points=pl.concat([p[1] for p in parts]),
            history=pl.concat([p[0] for p in parts]),
            backtests=pl.concat([p[2] for p in parts]),
            leaderboard=LEADERBOARD,
            notes=[],
            issues=[DataIssue(severity="warning", message="2 periods are missing.")],
            cleaning=[
                CleaningStep(
                    1, "outliers", "Clipped 3 unusual values.", clipped=3, version=2
                ),
                CleaningStep(
                    2, "impute", "Filled 2 missing values.", filled=2, version=2
                ),
            ],
            rows=48 * len(labels),
        )
    )


@pytest.fixture
def single() -> ReportData:
    """One monthly series of 48 points, a 12-month forecast."""
    return build([None])


@pytest.fixture
def many() -> ReportData:
    """Nine series, three of them with names meant to cause trouble."""
    return build([f"store {i}" for i in range(6)] + HOSTILE)


# What the model layer wrote for LightGBM on a short series before its errors became
# sentences: raw exception text, which no display may show.
RAW_ERROR = "IndexError: index 0 is out of bounds for axis 0 with size 0"
FAILED_ROW = {
    "model": "lightgbm",
    "name": "LightGBM on lags",
    "mase": 0.0,  # a failed row's numbers mean nothing, whatever they are
    "smape": None,
    "mape": None,
    "mae": None,
    "rmse": None,
    "coverage": None,
    "msis": None,
    "fit_seconds": 0.0,
    "error": RAW_ERROR,
}
PLAIN_REASON = "Needs at least 30 points; this series has 15."


def seasonal_naive(horizon: int = 12) -> ReportData:
    """The airline passengers (a strong upward trend) forecast by seasonal naive.

    The forecast repeats the last twelve months, as Darts' NaiveSeasonal does; the
    backtests favoured it over AutoETS, and LightGBM failed with raw exception text.
    """
    history = pl.read_csv(SAMPLES / "air_passengers.csv", try_parse_dates=True)
    history = history.select(
        pl.lit(None, dtype=pl.String).alias("series"),
        pl.col("month").alias("time"),
        pl.col("passengers").cast(pl.Float64).alias("value"),
    )
    last = history["value"].tail(12).to_list()
    repeat = [last[i % 12] for i in range(horizon)]
    points = pl.DataFrame(
        {
            "series": [None] * horizon,
            "time": _months(dt.date(1961, 1, 1), horizon),
            "forecast": repeat,
            "lower_80": [v - 20 for v in repeat],
            "upper_80": [v + 20 for v in repeat],
            "lower_95": [v - 35 for v in repeat],
            "upper_95": [v + 35 for v in repeat],
        },
        schema_overrides={"series": pl.String},
    )
    values, times = history["value"].to_list(), history["time"].to_list()
    backtests = pl.DataFrame(
        [
            (
                None,
                fold,
                step + 1,
                times[cut + step],
                values[cut + step],
                values[cut + step - 12],
            )
            for fold, cut in enumerate((108, 120, 132), start=1)
            for step in range(12)
        ],
        schema={
            "series": pl.String,
            "fold": pl.Int64,
            "step": pl.Int64,
            "time": pl.Date,
            "actual": pl.Float64,
            "forecast": pl.Float64,
        },
        orient="row",
    )
    naive = dict(LEADERBOARD[1], mase=0.95, smape=7.1, coverage=0.78)
    ets = dict(LEADERBOARD[0], mase=1.08, smape=8.3)
    return assemble(
        ReportData(
            dataset_name="air_passengers.csv",
            target="passengers",
            model_name="Seasonal naive",
            model="seasonal_naive",
            horizon=horizon,
            frequency=Frequency(unit="month", step=1),
            made_at=dt.datetime(2024, 2, 3, 10, 0, tzinfo=dt.UTC),
            points=points,
            history=history,
            backtests=backtests,
            leaderboard=[naive, ets, FAILED_ROW],
            notes=[],
            issues=[],
            cleaning=[],
            rows=history.height,
        ),
        decompose=False,
    )


@pytest.fixture
def trending_naive() -> ReportData:
    """Seasonal naive on the airline passengers, twelve months ahead."""
    return seasonal_naive()
