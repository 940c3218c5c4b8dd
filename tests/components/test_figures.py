"""Figure builders: the seasonal plot names each position of the cycle; no title sits
under the toolbar, no legend over the axes."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest

from components.figures import (
    autocorrelation_chart,
    backtest_charts,
    before_after,
    correlation_bars,
    decomposition_chart,
    forecast_chart,
    history_chart,
    seasonal_chart,
)
from services.figures import HEADER_ROW, TITLE, TOOLBAR
from services.reports.figures import model_comparison_chart
from tests.services.reports.conftest import seasonal_naive


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


def _every_figure() -> dict[str, go.Figure]:
    data = seasonal_naive()
    history, points = data.history, data.points
    months = history.select("time", "value")
    folds, steps = backtest_charts(data.backtests, None, "Seasonal naive")  # type: ignore[arg-type]
    lines, boxes = seasonal_chart(months, "month")
    changes = months.select(
        "time",
        pl.col("value").alias("before"),
        pl.col("value").alias("after"),
        pl.when(pl.int_range(pl.len()) % 10 == 0)
        .then(pl.lit("filled"))
        .alias("change"),
    )
    times = [str(t) for t in history["time"]]
    values = history["value"].to_list()
    parts = {"observed": values, "trend": values, "seasonal": values}
    return {
        "forecast": forecast_chart(history, points, "passengers"),
        "history": history_chart(history, "passengers"),
        "decomposition": decomposition_chart(times, parts, "STL"),
        "folds": folds,
        "steps": steps,
        "before_after": before_after(changes, "passengers"),
        "acf": autocorrelation_chart([1, 0.5, 0.2], [1, 0.4, 0.1], 0.2),
        "seasonal": lines,
        "boxes": boxes,
        "correlation": correlation_bars([("lag_12", 0.9)]),
        "models": model_comparison_chart(data),
    }


@pytest.mark.parametrize("name", list(_every_figure()))
def test_no_title_under_the_toolbar_and_no_legend_over_the_axes(name: str) -> None:
    fig = _every_figure()[name]
    top = fig.layout.margin.t
    if fig.layout.title.text:
        title = fig.layout.title
        assert (title.yref, title.yanchor, title.xanchor) == (
            "container",
            "top",
            "left",
        )
        assert title.pad.t >= TOOLBAR  # below the toolbar's strip
        assert top >= TOOLBAR + TITLE
    assert top >= TOOLBAR  # subplot titles and legend rows start below it too
    legend = fig.layout.legend
    shown = fig.layout.showlegend is not False and (
        len([t for t in fig.data if t.showlegend is not False]) > 1
    )
    if shown:  # outside the plot: a row above it, or a column right of it
        assert (legend.y >= 1 and legend.yanchor == "bottom") or (
            legend.x >= 1 and legend.xanchor == "left"
        ), name
        if legend.orientation == "h":
            assert top >= TOOLBAR + TITLE + HEADER_ROW
    headers = [a for a in fig.layout.annotations if a.yanchor == "bottom"]
    if headers:  # subplot titles
        assert top >= TOOLBAR + (TITLE if fig.layout.title.text else 0) + HEADER_ROW
