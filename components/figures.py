"""Pure figure builders for the pages: service results in, plotly figures out.

The builders the PDF report draws too live in ``services/figures.py`` and are
re-exported here, so a page finds every figure in one place.
"""

from __future__ import annotations

import calendar

import plotly.graph_objects as go
import polars as pl

from services.figures import (
    ACCENT,
    backtest_charts,
    decomposition_chart,
    forecast_chart,
    history_chart,
    legend,
    margin,
    title_at_top,
)
from services.figures import layout as _layout

__all__ = [
    "autocorrelation_chart",
    "backtest_charts",
    "before_after",
    "correlation_bars",
    "decomposition_chart",
    "forecast_chart",
    "history_chart",
    "seasonal_chart",
]

CHANGE_COLORS = {"filled": "#1f9d55", "changed": "#d97706", "removed": "#dc2626"}


def before_after(points: pl.DataFrame, column: str) -> go.Figure:
    """Two versions of a column overlaid, each changed point marked by its kind.

    ``points`` has columns time, before, after, change (filled/changed/removed/null).
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=points["time"].to_list(),
            y=points["before"].to_list(),
            name="Before",
            mode="lines",
            line={"color": "#9aa3b5", "width": 1.4},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=points["time"].to_list(),
            y=points["after"].to_list(),
            name="After",
            mode="lines",
            line={"color": ACCENT, "width": 1.8},
        )
    )
    for kind, color in CHANGE_COLORS.items():
        marked = points.filter(pl.col("change") == kind)
        if marked.height:
            y = marked["before" if kind == "removed" else "after"].to_list()
            fig.add_trace(
                go.Scatter(
                    x=marked["time"].to_list(),
                    y=y,
                    mode="markers",
                    name=f"{kind} ({marked.height})",
                    marker={
                        "color": color,
                        "size": 8,
                        "symbol": "circle-open",
                        "line": {"width": 2},
                    },
                )
            )
    fig.update_layout(
        template="plotly_white",
        height=380,
        hovermode="x unified",
        margin=margin(fig, column),
        title=title_at_top(column),
        legend=legend(fig),
    )
    return fig


def autocorrelation_chart(
    acf: list[float], pacf: list[float], band: float
) -> go.Figure:
    """ACF and PACF as bars, with the 95% band of 'no correlation'."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["Autocorrelation (ACF)", "Partial autocorrelation (PACF)"],
    )
    for col, values in enumerate((acf, pacf), start=1):
        lags = list(range(len(values)))
        fig.add_trace(
            go.Bar(x=lags, y=values, marker_color=ACCENT, showlegend=False),
            row=1,
            col=col,
        )
        for level in (band, -band):
            fig.add_hline(
                y=level, line_dash="dot", line_color="#dc2626", row=1, col=col
            )
    return _layout(fig, "", 300)


def seasonal_chart(
    points: pl.DataFrame, unit: str | None
) -> tuple[go.Figure, go.Figure]:
    """One line per cycle (year, week or day), and a box plot per position in it."""
    time = pl.col("time")
    labels: list[str] | None = None  # names of the positions 1, 2, …
    if unit == "quarter":
        cycle, position, name = time.dt.year(), time.dt.quarter(), "quarter"
        labels = ["Q1", "Q2", "Q3", "Q4"]
    elif unit == "month":
        cycle, position, name = time.dt.year(), time.dt.month(), "month"
        labels = list(calendar.month_abbr)[1:]
    elif unit == "week":
        cycle, position, name = time.dt.year(), time.dt.week(), "week of the year"
    elif unit in ("hour", "minute", "second"):
        cycle, position, name = time.dt.date(), time.dt.hour(), "hour"
    else:
        cycle, position, name = time.dt.truncate("1w"), time.dt.weekday(), "weekday"
        labels = list(calendar.day_abbr)
    data = points.with_columns(
        cycle.cast(pl.String).alias("cycle"), position.alias("position")
    )
    cycles = data["cycle"].unique(maintain_order=True).tail(12).implode()
    lines = go.Figure()
    for (label,), part in data.filter(pl.col("cycle").is_in(cycles)).group_by(
        "cycle", maintain_order=True
    ):
        lines.add_trace(
            go.Scatter(
                x=part["position"].to_list(),
                y=part["value"].to_list(),
                mode="lines",
                name=str(label),
                line={"width": 1.2},
            )
        )
    boxes = go.Figure(
        go.Box(
            x=data["position"].to_list(),
            y=data["value"].to_list(),
            marker_color=ACCENT,
            boxpoints=False,
        )
    )
    if labels:
        ticks = {"tickvals": list(range(1, len(labels) + 1)), "ticktext": labels}
        lines.update_xaxes(**ticks)
        boxes.update_xaxes(**ticks)
    return (
        _layout(lines, f"Seasonal plot: one line per cycle, by {name}", 320),
        _layout(boxes, f"Spread by {name}", 320),
    )


def correlation_bars(
    pairs: list[tuple[str, float]], labels: dict[str, str] | None = None
) -> go.Figure:
    """Each feature's correlation with the target, under its label.

    The technical name (``lag_12``) shows on hover next to the label.
    """
    shown = pairs[:20]
    labels = labels or {}
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in shown],
            y=[labels.get(n, n) for n, _ in shown],
            customdata=[n for n, _ in shown],
            hovertemplate="%{y} (%{customdata}): %{x:.2f}<extra></extra>",
            orientation="h",
            marker_color=ACCENT,
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(
        fig,
        "How each feature moves with the target (correlation)",
        max(260, 22 * len(shown) + 80),
    )
