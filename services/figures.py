"""Pure figure builders the pages and the reports share: results in, plotly out.

The pages' own builders live in ``components/figures.py``; these are here because
the PDF report (a service) draws them too.
"""

from __future__ import annotations

import math
from numbers import Real

import plotly.graph_objects as go
import polars as pl

from services.numbers import DEFAULT_STYLE, NumberStyle, axis_format, plotly_separators
from services.override_marks import add_override_markers

ACCENT = "#2f5bea"

HISTORY = "#1d2433"
# Legends never cover axis labels: a row above the plot, or, when the names would not
# fit in a row, a column right of the plot (Plotly widens the margin for it).
LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
LEGEND_RIGHT = {
    "orientation": "v",
    "x": 1.02,
    "xanchor": "left",
    "y": 1,
    "yanchor": "top",
}
LEGEND_ROW_PIXELS = 540  # a row's width on the narrowest card a page gives a chart
# The top of a figure, in pixels: the strip of Plotly's toolbar (its buttons appear
# at the top right of a page's chart), the title under it, then a legend row or the
# subplots' titles, then the plot.
TOOLBAR = 32
TITLE = 26
HEADER_ROW = 24
GAP = 6

MAX_HISTORY_POINTS = 2000


def title_at_top(text: str) -> dict[str, object]:
    """A figure's title: top left over the plot, below the toolbar's strip."""
    return {
        "text": text,
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": TOOLBAR},
        "font": {"size": 15},
    }


def _legend_names(fig: go.Figure) -> list[str]:
    return [str(t.name) for t in fig.data if t.showlegend is not False and t.name]


def _legend_in_a_row(names: list[str]) -> bool:
    """Whether the legend's entries fit in one row (about 7 pixels a character)."""
    return sum(40 + 7 * len(name) for name in names) <= LEGEND_ROW_PIXELS


def legend(fig: go.Figure) -> dict[str, object]:
    """Where the legend of ``fig`` goes: a row above the plot, or a column beside."""
    return LEGEND if _legend_in_a_row(_legend_names(fig)) else LEGEND_RIGHT


def margin(fig: go.Figure, text: str, shown: bool | None = None) -> dict[str, int]:
    """Margins with room at the top for the toolbar, the title and a legend row.

    ``shown`` says whether the legend is shown (by default: with two entries or
    more, as Plotly does).
    """
    names = _legend_names(fig)
    header = (len(names) > 1 if shown is None else shown) and _legend_in_a_row(names)
    # Subplot titles sit above their plots like a legend row.
    header = header or any(a.yanchor == "bottom" for a in fig.layout.annotations)
    top = TOOLBAR + (TITLE if text else 0) + (HEADER_ROW if header else 0) + GAP
    return {"l": 50, "r": 20, "t": top, "b": 40}


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
    points_of_series = points
    joined = not shown.is_empty() and not points.is_empty()
    points = _from_last_actual(shown, points) if joined else points
    fig = go.Figure()
    _add_ranges(fig, points)
    fig.add_trace(history_line(shown))
    fig.add_trace(
        go.Scatter(
            x=points["time"].to_list(),
            y=points["forecast"].to_list(),
            name="Forecast",
            mode="lines+markers",
            line={"color": ACCENT, "width": 2.2},
            # No forecast marker on the last actual point the line starts from.
            marker={
                "size": [0 if i == 0 and joined else 4 for i in range(points.height)]
            },
        )
    )
    add_override_markers(fig, points_of_series)
    if shown.height < history.height:
        title = f"{title} (last {shown.height:,} of {history.height:,} points shown)"
    return time_layout(fig, title, 430)


def history_line(history: pl.DataFrame) -> go.Scatter:
    """The actual values (columns time, value): the dark line of a chart over time."""
    return go.Scatter(
        x=history["time"].to_list(),
        y=history["value"].to_list(),
        name="History",
        mode="lines",
        line={"color": HISTORY, "width": 1.6},
    )


def time_layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """A chart over time in the house style: :func:`layout`, one hover per time."""
    layout(fig, title, height)
    fig.update_layout(hovermode="x unified")
    return fig


def _from_last_actual(history: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """The forecast points after the last actual value, as a point of their own.

    Its forecast and bounds all equal the actual value, so the forecast line and its
    ranges start where the history ends: no gap between them.
    """
    columns = ["time", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    last = history.sort("time").tail(1)
    joint = last.select("time", *(pl.col("value").alias(c) for c in columns[1:]))
    return pl.concat([joint, points.select(columns)], how="vertical_relaxed")


def history_chart(points: pl.DataFrame, target: str) -> go.Figure:
    """The target over time, one line per series (``points``: series, time, value)."""
    fig = go.Figure()
    for (name,), part in points.group_by("series", maintain_order=True):
        fig.add_trace(
            go.Scatter(
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
        margin=margin(fig, target, points["series"].null_count() < points.height),
        title=title_at_top(target),
        showlegend=points["series"].null_count() < points.height,
        legend=legend(fig),
    )
    return fig


def layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    """A titled figure in the house style, ``height`` pixels tall."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin=margin(fig, title),
        title=title_at_top(title),
        legend=legend(fig),
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
    backtests: pl.DataFrame,
    series: str | None,
    model_name: str,
    history: pl.DataFrame | None = None,
) -> tuple[go.Figure, go.Figure]:
    """The chosen model's fold forecasts over the actuals, and its error by step.

    ``history`` (``series``, ``time``, ``value``) draws the stretch before the
    first fold, as long as a fold: a fold's forecast starts from what the model had
    seen, and a flat one (a forecast of the last level) reads as such beside it.
    """
    if series is not None:
        backtests = backtests.filter(pl.col("series") == series)
    folds = go.Figure()
    ordered = backtests.sort("time")
    if history is not None and ordered.height:
        if series is not None:
            history = history.filter(pl.col("series") == series)
        steps_long = int(backtests["step"].max() or 0)  # type: ignore[arg-type]
        before = (
            history.filter(pl.col("time") < ordered["time"].min())
            .sort("time")
            .tail(steps_long)
            .select("time", pl.col("value").alias("actual"))
        )
        shown = ordered.select("time", "actual")
        ordered = pl.concat([before.cast(shown.schema), shown])
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
    # Whole steps only: "1.5 steps ahead" means nothing (about a dozen ticks at most).
    steps.update_xaxes(
        title="steps ahead", tick0=1, dtick=max(1, math.ceil(errors.height / 12))
    )
    short = model_name.split(" (", 1)[0]
    return (
        # The model's short name: the long one ("… (weighted average of …)") would
        # run past the chart's edge.
        layout(folds, f"Backtests of {short}: forecast vs actual, by fold", 340),
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


def tracking_chart(
    points: pl.DataFrame, title: str = "", series: str | None = None
) -> go.Figure:
    """A forecast against the actual values that came after it, with its ranges.

    ``points`` has the columns of :data:`services.accuracy.POINT_COLUMNS` (``actual``
    null where there is no value yet). Without ``series`` every series' values are
    added up per time (the total); ranges are then left out, since the sum of the
    series' ranges is not a range of the total.
    """
    if series is not None:
        points = points.filter(pl.col("series") == series)
    total = series is None and points["series"].n_unique() > 1
    if total:
        points = (
            points.group_by("time")
            .agg(
                pl.col("forecast").sum(),
                pl.col("actual").sum().alias("actual"),
                pl.col("actual").null_count().alias("missing"),
            )
            .with_columns(
                pl.when(pl.col("missing") > 0)
                .then(None)
                .otherwise(pl.col("actual"))
                .alias("actual")
            )
        )
    points = points.sort("time")
    fig = go.Figure()
    if not total:
        _add_ranges(fig, points)
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
    fig.add_trace(
        go.Scatter(
            x=points["time"].to_list(),
            y=points["actual"].to_list(),
            name="Actual",
            mode="lines+markers",
            line={"color": HISTORY, "width": 1.6},
            marker={"size": 6},
        )
    )
    fig = time_layout(fig, title, 360)
    times = points["time"].unique().sort()
    if 0 < times.len() <= 24 and _month_starts(times):
        # A few months: a tick on each ("Jan 2024"), not Plotly's weekly ticks.
        fig.update_xaxes(tickvals=times.to_list(), tickformat="%b %Y")
    return fig


def _month_starts(times: pl.Series) -> bool:
    """Whether every time is midnight on the first of a month."""
    if not times.dtype.is_temporal():
        return False
    return bool((times.dt.truncate("1mo") == times).all())


def _add_ranges(fig: go.Figure, points: pl.DataFrame) -> None:
    """The 95% and 80% ranges of ``points`` as shaded bands, the wider one first."""
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
