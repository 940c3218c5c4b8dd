"""Overridden points on a forecast chart: a marker of their own, the reason on hover.

The pages' chart and the report's share ``services.figures.forecast_chart``, which
calls :func:`add_override_markers`.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

MARK = "#d9480f"  # orange: apart from the forecast's blue and the history's ink
NAME = "Changed by hand"


def add_override_markers(fig: go.Figure, points: pl.DataFrame) -> None:
    """Add a marker trace for the points with an ``override_reason`` (if any)."""
    if "override_reason" not in points.columns:
        return
    marked = points.filter(pl.col("override_reason").is_not_null())
    if marked.is_empty():
        return
    fig.add_trace(
        go.Scatter(
            x=marked["time"].to_list(),
            y=marked["forecast"].to_list(),
            name=NAME,
            mode="markers",
            marker={
                "symbol": "diamond",
                "size": 12,
                "color": MARK,
                "line": {"width": 1.5, "color": "white"},
            },
            # Reasons are people's text: shown as text, never as Plotly's markup.
            customdata=[
                [html.escape(reason, quote=False), statistical]
                for reason, statistical in zip(
                    marked["override_reason"].to_list(),
                    marked["statistical_forecast"].to_list(),
                    strict=True,
                )
            ],
            hovertemplate="Changed by hand: %{customdata[0]}<br>"
            "Statistical forecast: %{customdata[1]:,.4~r}<extra></extra>",
        )
    )
