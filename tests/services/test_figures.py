"""The shared figure builders: the forecast starts at the last actual, titles sit
below the toolbar, legends sit outside the plot, never over the axis labels, and
numbers read in the reader's format (separators, whole ticks, hover decimals)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import pytest
from plotly.subplots import make_subplots

from services.figures import (
    HEADER_ROW,
    TITLE,
    TOOLBAR,
    backtest_charts,
    for_people,
    forecast_chart,
    history_chart,
    tracking_chart,
)
from services.numbers import NumberStyle
from services.reports.charts import PAPER_TOP, on_paper
from tests.services.reports.conftest import build


def _months(count: int, start: int = 2020) -> list[dt.date]:
    return [dt.date(start + i // 12, 1 + i % 12, 1) for i in range(count)]


@pytest.fixture
def history() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "series": [None] * 24,
            "time": _months(24),
            "value": [float(i) for i in range(24)],
        },
        schema_overrides={"series": pl.String},
    )


@pytest.fixture
def points() -> pl.DataFrame:
    forecast = [30.0, 31.0, 32.0]
    return pl.DataFrame(
        {
            "series": [None] * 3,
            "time": _months(3, 2022),
            "forecast": forecast,
            "lower_80": [f - 2 for f in forecast],
            "upper_80": [f + 2 for f in forecast],
            "lower_95": [f - 4 for f in forecast],
            "upper_95": [f + 4 for f in forecast],
        },
        schema_overrides={"series": pl.String},
    )


def _trace(fig: go.Figure, name: str) -> go.Scatter:
    return next(t for t in fig.data if t.name == name)


def test_the_forecast_line_and_its_ranges_start_at_the_last_actual(
    history: pl.DataFrame, points: pl.DataFrame
) -> None:
    fig = forecast_chart(history, points, "sales")
    actual, forecast = _trace(fig, "History"), _trace(fig, "Forecast")
    assert forecast.x[0] == actual.x[-1] == dt.date(2021, 12, 1)
    assert forecast.y[0] == actual.y[-1] == 23.0
    assert list(forecast.y[1:]) == [30.0, 31.0, 32.0]
    assert forecast.marker.size[0] == 0  # no forecast marker on an actual value
    for name in ("80% range", "95% range"):
        band = _trace(fig, name)  # upper bounds forwards, lower bounds back
        assert band.x[0] == band.x[-1] == dt.date(2021, 12, 1)
        assert band.y[0] == band.y[-1] == 23.0


def test_a_forecast_without_history_is_drawn_as_it_is(points: pl.DataFrame) -> None:
    empty = pl.DataFrame(
        schema={"series": pl.String, "time": pl.Date, "value": pl.Float64}
    )
    forecast = _trace(forecast_chart(empty, points, "sales"), "Forecast")
    assert list(forecast.y) == [30.0, 31.0, 32.0]


def test_the_forecast_of_one_of_several_series_starts_at_its_own_last_actual() -> None:
    data = build(["North", "South"])
    fig = forecast_chart(data.history, data.points, "sales", series="South")
    south = data.history.filter(pl.col("series") == "South").sort("time")
    forecast = _trace(fig, "Forecast")
    assert forecast.x[0] == south["time"][-1] and forecast.y[0] == south["value"][-1]


def test_the_title_sits_below_the_toolbar_and_the_legend_above_the_plot(
    history: pl.DataFrame, points: pl.DataFrame
) -> None:
    fig = forecast_chart(history, points, "sales: a long title " * 5)
    title = fig.layout.title
    assert (title.yref, title.y, title.yanchor) == ("container", 1, "top")
    assert title.pad.t >= TOOLBAR and title.xanchor == "left"
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yanchor == "bottom" and legend.y >= 1
    # Room for the toolbar, the title and the legend row over the plot.
    assert fig.layout.margin.t >= TOOLBAR + TITLE + HEADER_ROW


def test_many_or_long_names_go_in_a_column_beside_the_plot() -> None:
    data = build([f"store number {i}" for i in range(9)])
    fig = history_chart(data.history, "sales")
    legend = fig.layout.legend
    assert legend.orientation == "v" and legend.x >= 1 and legend.xanchor == "left"
    assert fig.layout.margin.t < TOOLBAR + TITLE + HEADER_ROW  # no legend row on top
    few = history_chart(build(["a", "b"]).history, "sales")
    assert few.layout.legend.orientation == "h" and few.layout.legend.y >= 1


def test_one_series_has_no_legend_and_no_room_kept_for_one(
    history: pl.DataFrame,
) -> None:
    fig = history_chart(history, "sales")
    assert fig.layout.showlegend is False
    assert fig.layout.margin.t == TOOLBAR + TITLE + 6


def test_on_paper_the_title_moves_up_into_the_toolbars_strip(
    history: pl.DataFrame, points: pl.DataFrame
) -> None:
    fig = forecast_chart(history, points, "sales")
    drawn = on_paper(fig)
    assert drawn.layout.title.pad.t == PAPER_TOP
    assert drawn.layout.margin.t == fig.layout.margin.t - TOOLBAR + PAPER_TOP
    assert fig.layout.title.pad.t == TOOLBAR  # the page's figure is left as it was


def test_a_sixty_thousand_chart_reads_in_the_user_s_style() -> None:
    times = [dt.date(2024, month, 1) for month in range(1, 13)]
    values = [60_000 + 150.25 * month for month in range(12)]
    fig = for_people(go.Figure(go.Scatter(x=times, y=values)), NumberStyle.POINT_COMMA)
    assert fig.layout.separators == ",."
    assert fig.layout.yaxis.exponentformat == "none"  # 60.000, never 60k or 6e+04
    assert fig.layout.yaxis.separatethousands is True
    assert fig.layout.yaxis.hoverformat == ",.0f"
    assert fig.layout.xaxis.hoverformat is None  # dates keep their own format


def test_each_axis_gets_decimals_for_its_own_values() -> None:
    fig = make_subplots(rows=2, cols=1)
    fig.add_trace(go.Scatter(x=[1, 2, 3], y=[55_000.5, 60_000.5, 65_000.5]), 1, 1)
    fig.add_trace(go.Scatter(x=[1, 2, 3], y=[0.012, -0.034, 0.05]), 2, 1)
    for_people(fig)
    assert fig.layout.separators == ".,"
    assert fig.layout.yaxis.hoverformat == ",.0f"
    assert fig.layout.yaxis2.hoverformat == ",.4~f"  # 0.012, 0.05
    assert fig.layout.xaxis.hoverformat == ",.2~f"  # whole numbers lose the zeros


def test_an_empty_figure_is_left_alone() -> None:
    empty = go.Figure()
    assert for_people(empty, NumberStyle.POINT_COMMA).layout.separators is None


def _tracked() -> pl.DataFrame:
    months = [dt.date(2024, 7, 1), dt.date(2024, 8, 1)]
    return pl.DataFrame(
        {
            "series": ["a", "a", "b", "b"],
            "time": months * 2,
            "forecast": [10.0, 11.0, 20.0, 21.0],
            "actual": [12.0, None, 19.0, 22.0],
            "lower_80": [8.0, 9.0, 18.0, 19.0],
            "upper_80": [12.0, 13.0, 22.0, 23.0],
            "lower_95": [7.0, 8.0, 17.0, 18.0],
            "upper_95": [13.0, 14.0, 23.0, 24.0],
        }
    )


def test_tracking_chart_shows_one_series_with_its_ranges_and_actuals() -> None:
    fig = tracking_chart(_tracked(), "sales", "a")
    names = [t.name for t in fig.data]
    assert names == ["95% range", "80% range", "Forecast", "Actual"]
    assert list(fig.data[3].y) == [12.0, None]
    assert list(fig.data[2].y) == [10.0, 11.0]


def test_tracking_chart_totals_series_only_where_every_actual_is_known() -> None:
    fig = tracking_chart(_tracked(), "sales")
    assert [t.name for t in fig.data] == ["Forecast", "Actual"]
    assert list(fig.data[0].y) == [30.0, 32.0]
    assert list(fig.data[1].y) == [31.0, None]  # b's August alone is no total


def test_a_scenario_chart_looks_like_the_forecast_chart(
    history: pl.DataFrame, points: pl.DataFrame
) -> None:
    from services.reports.scenario import comparison_chart

    compared = points.select(
        "series", "time", pl.col("forecast").alias("baseline"), scenario=pl.lit(40.0)
    )
    scenario = comparison_chart(history, compared, "promo <b>", title="sales")
    forecast = forecast_chart(history, points, "sales")
    line = _trace(scenario, "History")
    assert line.line == _trace(forecast, "History").line
    assert list(line.y) == history["value"].to_list()
    for key in ("template", "title", "margin", "legend", "hovermode"):
        assert scenario.layout[key] == forecast.layout[key], key
    assert _trace(scenario, "Scenario: promo &lt;b&gt;").line.dash == "dash"


def test_a_backtest_chart_shows_only_its_series_folds_after_its_own_history() -> None:
    # The Total of tests/data/region_stores.csv: its one 12-month fold, flat at its
    # December level (474.9) as AutoETS forecast it, beside North's fold.
    months = [dt.date(2022, m, 1) for m in (10, 11, 12)]
    fold = [dt.date(2023, m, 1) for m in range(1, 13)]
    history = pl.DataFrame(
        {
            "series": ["Total"] * 3 + ["North"] * 3,
            "time": months * 2,
            "value": [450.8, 451.3, 474.9, 280.0, 281.0, 296.3],
        }
    )
    backtests = pl.DataFrame(
        {
            "series": ["Total"] * 12 + ["North"] * 12,
            "fold": [1] * 24,
            "step": list(range(1, 13)) * 2,
            "time": fold * 2,
            "actual": [500.0] * 12 + [320.0] * 12,
            "forecast": [474.9] * 12 + [296.3] * 12,
        }
    )
    folds, steps = backtest_charts(backtests, "Total", "AutoETS", history)
    actual, *forecasts = folds.data
    assert [t.name for t in forecasts] == ["Fold 1"]
    assert list(forecasts[0].y) == [474.9] * 12  # the Total's, not North's
    # The actuals lead in with the Total's months before the fold, ending at 474.9.
    assert list(actual.x[:3]) == months and list(actual.y[:3]) == [450.8, 451.3, 474.9]
    assert list(actual.y[3:]) == [500.0] * 12
    assert len(steps.data[0].x) == 12
    without, _steps = backtest_charts(backtests, "Total", "AutoETS")
    assert list(without.data[0].x) == fold  # no history: the folds' actuals only
