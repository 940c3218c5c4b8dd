"""Pure figure builders the pages and the reports share: results in, plotly out.

The pages' own builders live in ``components/figures.py``; these are here because
the PDF report (a service) draws them too.
"""

from __future__ import annotations

from numbers import Real

import plotly.graph_objects as go
import polars as pl

from services.numbers import DEFAULT_STYLE, NumberStyle, axis_format, plotly_separators

ACCENT = "#2f5bea"

HISTORY = "#1d2433"
# Legends sit below the plot, their top under the axis labels (else they cover them).

LEGEND = {"orientation": "h", "yanchor": "top", "y": -0.15}

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
        legend=LEGEND,
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
        legend=LEGEND,
    )
    return fig


def layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """A titled figure in the house style, ``height`` pixels tall."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 50, "r": 20, "t": 45, "b": 40},
        title={"text": title, "x": 0, "font": {"size": 15}},
        legend=LEGEND,
    )
    return fig


def decomposition_chart(
    time: list[str], parts: dict[str, list[float]], method: str
) -> go.Figure:
    """Observed, trend, seasonal and remainder, stacked on a shared time axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=len(parts),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        subplot_titles=list(parts),
    )
    for row, values in enumerate(parts.values(), start=1):
        fig.add_trace(
            go.Scatter(
                x=time,
                y=values,
                mode="lines",
                showlegend=False,
                line={"color": ACCENT if row > 1 else HISTORY, "width": 1.3},
            ),
            row=row,
            col=1,
        )
    return layout(fig, f"Decomposition ({method})", 140 * len(parts) + 80)


def backtest_charts(
    backtests: pl.DataFrame, series: str | None, model_name: str
) -> tuple[go.Figure, go.Figure]:
    """The chosen model's fold forecasts over the actuals, and its error by step."""
    if series is not None:
        backtests = backtests.filter(pl.col("series") == series)
    folds = go.Figure()
    ordered = backtests.sort("time")
    folds.add_trace(
        go.Scatter(
            x=ordered["time"].to_list(),
            y=ordered["actual"].to_list(),
            name="Actual",
            mode="lines",
            line={"color": HISTORY, "width": 1.6},
        )
    )
    for (fold,), part in backtests.group_by("fold", maintain_order=True):
        folds.add_trace(
            go.Scatter(
                x=part["time"].to_list(),
                y=part["forecast"].to_list(),
                mode="lines+markers",
                name=f"Fold {fold}",
                marker={"size": 4},
            )
        )
    errors = (
        backtests.with_columns(
            (pl.col("forecast") - pl.col("actual")).abs().alias("error")
        )
        .group_by("step")
        .agg(pl.col("error").mean())
        .sort("step")
    )
    steps = go.Figure(
        go.Bar(
            x=errors["step"].to_list(), y=errors["error"].to_list(), marker_color=ACCENT
        )
    )
    steps.update_xaxes(title="steps ahead")
    return (
        layout(
            folds, f"Backtests of {model_name}: forecast vs actual, fold by fold", 340
        ),
        layout(steps, "Average error by step ahead", 340),
    )


def for_people(fig: go.Figure, style: NumberStyle = DEFAULT_STYLE) -> go.Figure:
    """Numbers on ``fig`` written in ``style``.

    Separators by the style, whole tick labels (``60,000``, never ``60k`` or
    ``6e+04``) and hover labels with decimals by the size of each axis's values.
    """
    if not fig.data:
        return fig  # nothing to write (and shared empty figures stay untouched)
    fig.update_layout(separators=plotly_separators(style))
    values: dict[str, list[object]] = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            shown = getattr(trace, letter, None)
            if shown is None or not len(shown):
                continue
            axis = getattr(trace, f"{letter}axis", None) or letter
            values.setdefault(axis, []).extend(shown)
    for axis, numbers in values.items():
        if not any(_numeric(v) for v in numbers[:50]):
            continue  # times or names
        key = axis[0] + "axis" + axis[1:]
        fig.layout[key].update(axis_format(numbers))
    return fig


def _numeric(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)
