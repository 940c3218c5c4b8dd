"""Reports built from known numbers, so every figure in them can be checked."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from services.profiling import DataIssue, Frequency
from services.reports.content import CleaningStep, ReportData, assemble

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
