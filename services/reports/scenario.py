"""A scenario next to its baseline, for the page and the exports (chart and tables).

The Models page, the workbook (a Scenario sheet) and the PDF (a section) show the
same comparison: :func:`services.scenarios.comparison` step by step, and the chart
here with the history, the baseline and the scenario as two lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import plotly.graph_objects as go
import polars as pl

from services import scenarios
from services.figures import ACCENT, history_line, time_layout

SCENARIO_COLOR = "#d9480f"
# How much history the comparison chart shows before the forecast.
SHOWN_HISTORY = 36


@dataclass(frozen=True)
class ScenarioReport:
    """A scenario's name, its changed drivers and its values beside the baseline."""

    name: str
    baseline_id: str
    changes: list[dict[str, Any]]
    comparison: pl.DataFrame


def collect(user_id: int, info: Any) -> ScenarioReport | None:
    """The comparison of a scenario (``None`` for a forecast that is not one)."""
    if not info.baseline_id or not info.scenario:
        return None
    return ScenarioReport(
        info.scenario,
        info.baseline_id,
        list(info.metrics.get("scenario_changes") or []),
        scenarios.comparison(user_id, info.id),
    )


def with_scenario_column(points: pl.DataFrame, name: str | None) -> pl.DataFrame:
    """The points with the scenario's name in a first ``scenario`` column."""
    if not name:
        return points
    return points.select(pl.lit(name).alias("scenario"), pl.all())


def comparison_chart(
    history: pl.DataFrame,
    compared: pl.DataFrame,
    name: str,
    series: str | None = None,
    title: str = "",
) -> go.Figure:
    """History, then the baseline and the scenario as two lines, for one series."""
    if series is not None:
        history = history.filter(pl.col("series") == series)
        compared = compared.filter(pl.col("series") == series)
    shown = history.tail(SHOWN_HISTORY)
    fig = go.Figure(history_line(shown))
    for column, label, color, dash in (
        ("baseline", "Baseline forecast", ACCENT, "solid"),
        # Plotly reads tags in text: the user's name is escaped.
        ("scenario", f"Scenario: {escape(name)}", SCENARIO_COLOR, "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=compared["time"].to_list(),
                y=compared[column].to_list(),
                name=label,
                mode="lines+markers",
                line={"color": color, "width": 2.2, "dash": dash},
                marker={"size": 5},
            )
        )
    return time_layout(fig, escape(title), 380)


def sheet_frame(report: ScenarioReport) -> pl.DataFrame:
    """The workbook's Scenario sheet: each step of the scenario beside the baseline."""
    return report.comparison.select(
        pl.lit(report.name).alias("scenario_name"),
        "series",
        "time",
        "baseline",
        "scenario",
        "difference",
        pl.col("percent").alias("difference_percent"),
    )


def report_figure(report: ScenarioReport, history: pl.DataFrame) -> go.Figure:
    """The PDF's chart: the first series' (or the only) scenario vs its baseline."""
    series = report.comparison["series"][0] if report.comparison.height else None
    where = f" ({series})" if series else ""
    return comparison_chart(
        history, report.comparison, report.name, series, f"Scenario vs baseline{where}"
    )
