"""The chart of an explanation: what a model looks at, as a share of the whole."""

from __future__ import annotations

import plotly.graph_objects as go

from services.figures import ACCENT, for_people, layout
from services.numbers import DEFAULT_STYLE, NumberStyle, format_percent


def importance_chart(
    shares: list[tuple[str, float]], style: NumberStyle = DEFAULT_STYLE
) -> go.Figure:
    """Horizontal bars of each feature's share (percent), the largest on top.

    Examples
    --------
    >>> importance_chart([("“promo”", 61.0), ("month of the year", 39.0)]).data[0].type
    'bar'

    """
    ordered = list(reversed(shares))
    fig = go.Figure(
        go.Bar(
            x=[share for _, share in ordered],
            y=[words for words, _ in ordered],
            orientation="h",
            marker_color=ACCENT,
            text=[format_percent(share, style) for _, share in ordered],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title="Share of what moves the forecast (%)", rangemode="tozero")
    layout(fig, "What the model looks at", 120 + 32 * len(shares))
    return for_people(fig, style)
