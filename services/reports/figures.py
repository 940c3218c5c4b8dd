"""The report's figures, from the same builders as the pages, sized for A4 paper."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from services import figures
from services.numbers import DEFAULT_STYLE, NumberStyle, format_number
from services.reports import scenario
from services.reports.content import ReportData
from services.reports.reasons import scored

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 720  # CSS pixels: the text width of an A4 page with 2 cm margins, at 96 dpi
CHOSEN = "#2f5bea"
OTHERS = "#b8c3e6"
REASON_CHARS = 90  # a failed model's reason beside the bars, cut to the page's width
NAME_CHARS = 40  # a model name longer than this shows only its head on the chart


def escape(text: str) -> str:
    """Text for a chart: ``<``, ``>`` and ``&`` as entities, so names are never markup.

    Quotes stay as they are, since Plotly knows no ``&quot;`` and shows it.
    """
    return html.escape(text, quote=False)


def _label(series: str | None, data: ReportData) -> str:
    if series is None:
        return f"Total of {data.target}" if data.multi else data.target
    return str(series)


def _vector(fig: go.Figure) -> go.Figure:
    """WebGL traces as plain SVG ones: an SVG export draws WebGL as a bitmap."""
    traces = [
        go.Scatter({k: v for k, v in t.to_plotly_json().items() if k != "type"})
        if t.type == "scattergl"
        else t
        for t in fig.data
    ]
    return go.Figure(traces, layout=fig.layout)


def _sized(fig: go.Figure, height: int) -> go.Figure:
    """``fig`` at the paper's width (the top margin stays the builder's)."""
    fig.update_layout(
        font={"family": FONT, "size": 11, "color": "#1d2433"},
        title_font_size=13,
        width=WIDTH,
        height=height,
        margin={"l": 55, "r": 15, "b": 40},
    )
    return fig


def forecast_figure(
    data: ReportData, series: str | None, height: int = 330
) -> go.Figure:
    """History and forecast with its 80% and 95% ranges, for a series or the total."""
    title = escape(f"{_label(series, data)}: the next {data.unit(data.horizon)}")
    history = data.series_history(series)
    shown = history.tail(max(4 * data.horizon, 3 * data.season, 60))
    fig = figures.forecast_chart(shown, data.series_points(series), title)
    return _sized(fig, height)


def model_comparison_chart(
    data: ReportData, style: NumberStyle = DEFAULT_STYLE
) -> go.Figure:
    """Each model's backtest MASE as a bar; the chosen model stands out.

    A model without a score (it failed, or could not be tested) has no bar: "—" and
    its reason stand in its place.
    """
    rows = [scored(r) for r in data.leaderboard]
    for r in rows:  # a long name would squeeze the bars: "Combination (…)" → its head
        name = str(r["name"])
        r["name"] = name if len(name) <= NAME_CHARS else name.split(" (", 1)[0]
    fig = go.Figure(
        go.Bar(
            x=[r["mase"] or 0 for r in rows],
            y=[escape(str(r["name"])) for r in rows],
            orientation="h",
            marker_color=[CHOSEN if r["model"] == data.model else OTHERS for r in rows],
            text=[
                "" if r["mase"] is None else format_number(r["mase"], style, digits=2)
                for r in rows
            ],
            textposition="outside",
        )
    )
    for r in rows:
        if r["mase"] is None:
            reason = r["error"] or "no backtest score"
            fig.add_annotation(
                x=0,
                y=escape(str(r["name"])),
                text=escape(_short(f"—  {reason}")),
                showarrow=False,
                xanchor="left",
                font={"color": "#8a3b12" if r["error"] else "#4a5368"},
            )
    fig.update_yaxes(autorange="reversed")
    longest = max((r["mase"] for r in rows if r["mase"] is not None), default=1.0)
    fig.update_xaxes(
        title="MASE in backtests (lower is better)", range=[0, 1.15 * longest]
    )
    fig.update_layout(
        template="plotly_white",
        title=figures.title_at_top("Model comparison"),
        margin=figures.margin(fig, "Model comparison", shown=False),
        showlegend=False,
    )
    return _sized(fig, max(170, 22 * len(rows) + 90))


def _short(text: str, limit: int = REASON_CHARS) -> str:
    """A reason cut to fit beside a bar (the tables beside the chart have all of it)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report_figures(
    data: ReportData, style: NumberStyle = DEFAULT_STYLE
) -> dict[str, go.Figure]:
    """Every figure the PDF report shows, by the name its template uses.

    Their numbers are written in ``style``.
    """
    main = None if data.multi else data.featured[0]
    shown: dict[str, go.Figure] = {"forecast": forecast_figure(data, main)}
    if data.multi:
        for index, series in enumerate(data.featured):
            shown[f"series-{index}"] = forecast_figure(data, series, height=260)
    history = data.history.filter(
        pl.col("series").is_in(data.featured, nulls_equal=True)
    )
    history = history.with_columns(
        pl.col("series").map_elements(escape, return_dtype=pl.String)
    )
    shown["history"] = _sized(
        _vector(figures.history_chart(history, escape(data.target))), 230
    )
    decomposition = data.analysis.decomposition if data.analysis else None
    if decomposition is not None:
        parts = {
            "observed": decomposition.observed,
            "trend": decomposition.trend,
            "seasonal": decomposition.seasonal,
            "remainder": decomposition.remainder,
        }
        shown["decomposition"] = _sized(
            figures.decomposition_chart(
                decomposition.time, parts, decomposition.method
            ),
            520,
        )
    if data.leaderboard:
        shown["models"] = model_comparison_chart(data, style)
    if data.backtests is not None and data.backtests.height:
        largest = data.featured[0]
        name = data.model_name + (f" on {largest}" if data.multi else "")
        folds, steps = figures.backtest_charts(
            data.backtests, largest, escape(name), data.history
        )
        shown["backtest"] = _sized(folds, 250)
        shown["steps"] = _sized(steps, 190)
    if data.scenario is not None:
        shown["scenario"] = _sized(
            scenario.report_figure(data.scenario, data.history), 300
        )
    return {name: figures.for_people(fig, style) for name, fig in shown.items()}
