"""Figure builders: the seasonal plot names each position of the cycle."""

from __future__ import annotations

import datetime as dt

import polars as pl

from components.figures import seasonal_chart


def _points(times: list[dt.date]) -> pl.DataFrame:
    return pl.DataFrame({"time": times, "value": [float(i) for i in range(len(times))]})


def test_quarterly_data_is_seen_by_quarter() -> None:
    quarters = [dt.date(2020 + i // 4, 1 + 3 * (i % 4), 1) for i in range(12)]
    lines, boxes = seasonal_chart(_points(quarters), "quarter")
    assert set(lines.data[0].x) == {1, 2, 3, 4}
    for fig in (lines, boxes):
        assert list(fig.layout.xaxis.ticktext) == ["Q1", "Q2", "Q3", "Q4"]
    assert "by quarter" in lines.layout.title.text


def test_daily_data_is_seen_by_weekday() -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(28)]  # a Monday
    lines, _boxes = seasonal_chart(_points(days), "day")
    assert lines.data[0].x[0] == 1
    assert list(lines.layout.xaxis.ticktext)[0] == "Mon"
