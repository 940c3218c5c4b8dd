"""Pure figure builders: service results in, plotly figures out (pages and reports)."""

from __future__ import annotations

import calendar

import plotly.graph_objects as go
import polars as pl

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
        legend=LEGEND,
    )
    return fig


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
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
    return _layout(fig, f"Decomposition ({method})", 140 * len(parts) + 80)


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


def correlation_bars(pairs: list[tuple[str, float]]) -> go.Figure:
    """Each feature's correlation with the target."""
    shown = pairs[:20]
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in shown],
            y=[n for n, _ in shown],
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
        _layout(
            folds, f"Backtests of {model_name}: forecast vs actual, fold by fold", 340
        ),
        _layout(steps, "Average error by step ahead", 340),
    )
