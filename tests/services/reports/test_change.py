"""The change over the horizon: like with like, flat lines and repeats, the trend."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from services.reports.change import measure, shape, stretches, strong_trend
from services.reports.content import ReportData, assemble
from tests.services.reports.conftest import seasonal_naive


@pytest.mark.parametrize(
    ("horizon", "past"),
    [
        (12, "the last 12 months"),
        (24, "the last 24 months"),
        (6, "the same 6 months a year earlier"),
        (18, "the same 18 months two years earlier"),
    ],
)
def test_the_past_compared_is_made_of_the_same_months(horizon: int, past: str) -> None:
    data = seasonal_naive(horizon)
    assert stretches(data) == (f"next {horizon} months", past)
    # The months compared are the forecast's own months, whole years earlier.
    compared = data.history.tail(data.lag).head(horizon)
    assert compared["time"].dt.month().to_list() == [
        t.month for t in data.points["time"].to_list()
    ]
    assert measure(data).past_mean == pytest.approx(compared["value"].mean())


def test_a_repeat_of_the_last_season_is_recognised(
    trending_naive: ReportData,
) -> None:
    assert shape(trending_naive) == "repeat"
    change = measure(trending_naive)
    assert change.pct == pytest.approx(0.0)
    assert change.trend is not None and change.trend.direction == "upward"


def test_a_flat_line_is_recognised(trending_naive: ReportData) -> None:
    last = trending_naive.history["value"][-1]
    flat = trending_naive.points.with_columns(pl.lit(last).alias("forecast"))
    data = assemble(dataclasses.replace(trending_naive, points=flat), decompose=False)
    assert shape(data) == "flat"
    assert measure(data).trend is not None  # flat, and rising above the last year


def test_a_forecast_that_moves_is_neither(single: ReportData) -> None:
    assert shape(single) is None
    assert measure(single).trend is None  # not looked for: the forecast rises


def test_a_series_without_a_strong_trend_has_none() -> None:
    data = seasonal_naive()
    detrended = data.history.with_columns(
        (pl.col("value") - pl.col("value").rolling_mean(12, min_samples=1)).alias(
            "value"
        )
        + 100
    )
    flat = assemble(dataclasses.replace(data, history=detrended), decompose=False)
    assert strong_trend(flat) is None


def test_a_loss_that_shrinks_is_a_rise(single: ReportData) -> None:
    losses = single.history.with_columns(-pl.col("value"))  # about -140 at the end
    points = single.points.with_columns(pl.lit(-70.0).alias("forecast"))
    data = assemble(
        dataclasses.replace(single, history=losses, points=points), decompose=False
    )
    change = measure(data)
    assert change.past_mean is not None and change.past_mean < -70
    assert change.pct is not None and change.pct > 0
    assert data.summary["change_pct"][0] == pytest.approx(change.pct)
