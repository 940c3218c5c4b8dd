"""What a shared read-only page shows of a forecast: its words, charts and files.

The same summary (:func:`~services.reports.narrative.summarise`) and charts
(:func:`~services.reports.figures.forecast_figure`) as the Export page and the PDF
report, in the owner's number format, gathered for a page rendered on the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

from services import shares, users
from services.reports import content, narrative
from services.reports.figures import forecast_figure
from services.reports.narrative import Narrative
from services.shares import SharedForecast

CHART_HEIGHT = 430
SERIES_CHART_HEIGHT = 330


@dataclass(frozen=True)
class Chart:
    """One chart of the page: a plotly figure as plain JSON data."""

    title: str
    figure: dict[str, Any]


@dataclass(frozen=True)
class SharedPage:
    """Everything the shared page shows, and nothing else."""

    dataset_name: str
    target: str
    model_name: str
    horizon: str
    made_at: datetime
    expires_at: datetime
    summary: Narrative
    charts: list[Chart]
    downloads: list[str]  # formats: csv, xlsx, pdf
    series_count: int
    note: str | None = None  # the owner's note on the forecast


def _chart(figure: go.Figure, height: int) -> dict[str, Any]:
    """The figure as JSON data, sized by the page's width rather than A4 paper."""
    figure.update_layout(width=None, autosize=True, height=height)
    data: dict[str, Any] = json.loads(figure.to_json())
    return data


def shared_page(shared: SharedForecast) -> SharedPage:
    """Gather what the page of a valid share link shows.

    With several series, the first chart is their total, followed by the series the
    report features (the largest and the most uncertain).
    """
    owner, info = shared.owner_id, shared.forecast
    style = users.number_style(owner)
    data = content.collect(owner, info.id, decompose=False, style=style)
    summary = narrative.summarise(data, style)
    charts = [
        Chart(
            f"Total of {data.target}" if data.multi else data.target,
            _chart(forecast_figure(data, data.main), CHART_HEIGHT),
        )
    ]
    if data.multi:
        for series in data.featured:
            figure = forecast_figure(data, series)
            charts.append(Chart(str(series), _chart(figure, SERIES_CHART_HEIGHT)))
    return SharedPage(
        dataset_name=data.dataset_name,
        target=data.target,
        model_name=data.model_name,
        horizon=data.unit(data.horizon),
        made_at=data.made_at,
        expires_at=shared.expires_at,
        summary=summary,
        charts=charts,
        downloads=shares.downloads(shared),
        series_count=data.series_count,
        note=data.note,
    )
