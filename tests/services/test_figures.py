"""Charts in the reader's number format: separators, whole ticks, hover decimals."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from services.figures import for_people
from services.numbers import NumberStyle


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
