"""Pure figure builders: service results in, plotly figures out (pages and reports)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

ACCENT = "#2f5bea"
HISTORY = "#1d2433"
MAX_HISTORY_POINTS = 2000


def forecast_chart(
    history: pl.DataFrame,
    points: pl.DataFrame,
    title: str = "",
    series: str | None = None,
) -> go.Figure:
    """History, forecast and its 80% and 95% intervals for one series.

    ``history`` has columns time, value; ``points`` the forecast export schema.
    """
    if series is not None:
        history = history.filter(pl.col("series") == series)
        points = points.filter(pl.col("series") == series)
    shown = history.tail(MAX_HISTORY_POINTS)
    fig = go.Figure()
    for lower, upper, name, opacity in (
        ("lower_95", "upper_95", "95% range", 0.12),
        ("lower_80", "upper_80", "80% range", 0.25),
    ):
        fig.add_trace(
            go.Scatter(
                x=pl.concat([points["time"], points["time"].reverse()]).to_list(),
                y=pl.concat([points[upper], points[lower].reverse()]).to_list(),
                mode="lines",
                fill="toself",
                fillcolor=f"rgba(47, 91, 234, {opacity})",
                line={"width": 0},
                name=name,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=shown["time"].to_list(),
            y=shown["value"].to_list(),
            name="History",
            mode="lines",
            line={"color": HISTORY, "width": 1.6},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=points["time"].to_list(),
            y=points["forecast"].to_list(),
            name="Forecast",
            mode="lines+markers",
            line={"color": ACCENT, "width": 2.2},
            marker={"size": 4},
        )
    )
    if shown.height < history.height:
        title = f"{title} (last {shown.height:,} of {history.height:,} points shown)"
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        template="plotly_white",
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified",
        height=430,
    )
    return fig


def history_chart(points: pl.DataFrame, target: str) -> go.Figure:
    """The target over time, one line per series (``points``: series, time, value)."""
    fig = go.Figure()
    for (name,), part in points.group_by("series", maintain_order=True):
        fig.add_trace(
            go.Scattergl(
                x=part["time"].to_list(),
                y=part["value"].to_list(),
                mode="lines",
                name=str(name) if name else target,
                line={"width": 1.4},
            )
        )
    fig.update_layout(
        template="plotly_white",
        height=340,
        hovermode="x unified",
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        title={"text": target, "x": 0, "font": {"size": 15}},
        showlegend=points["series"].null_count() < points.height,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


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
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        title={"text": column, "x": 0, "font": {"size": 15}},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
