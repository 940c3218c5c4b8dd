"""Export page: choose a run, preview its report, download it; remember branding."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, callback, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.report_figures import forecast_figure, model_comparison_chart
from services import datasets, forecasts
from services.errors import ServiceError
from services.reports import branding, content, narrative

FORMATS = (
    ("csv", "CSV", "bi-filetype-csv"),
    ("xlsx", "Excel workbook", "bi-file-earmark-excel"),
    ("pdf", "PDF report", "bi-file-earmark-pdf"),
)


def _links(forecast_id: str, prefix: str = "") -> list[Any]:
    return [
        dbc.Button(
            [html.I(className=f"bi {icon} me-1"), label],
            href=f"/files/forecasts/{forecast_id}.{fmt}",
            external_link=True,
            color="outline-primary",
            size="sm",
            className="me-2",
            **({"id": f"{prefix}{fmt}-link"} if prefix else {}),
        )
        for fmt, label, icon in FORMATS
    ]


@callback(
    Output(ids.EXPORT_LIST, "children"),
    Output(ids.EXPORT_RUN, "options"),
    Output(ids.EXPORT_RUN, "value"),
    Input(ids.URL, "pathname"),
)
def list_runs(path: str | None) -> tuple[Any, ...]:
    """The signed-in user's forecasts, newest first: a choice and a table of files."""
    if path != "/export":
        raise PreventUpdate
    user_id = int(current_user.id)
    items = forecasts.list_forecasts(user_id)
    if not items:
        empty = dbc.Alert(
            ["No forecasts yet. ", html.A("Make one", href="/models"), "."],
            color="info",
        )
        return empty, [], None
    names = {d.id: d.name for d in datasets.list_datasets(user_id)}
    labels = {
        f.id: f"{names.get(f.dataset_id, '—')} · {f.target} · {f.horizon} steps · "
        f"{f.model_name} · {f.created_at:%Y-%m-%d %H:%M}"
        for f in items
    }
    head = ("Made", "Dataset", "Target", "Horizon", "Model", "Download")
    rows = [
        html.Tr(
            [
                html.Td(f"{f.created_at:%Y-%m-%d %H:%M}"),
                html.Td(names.get(f.dataset_id, "—")),
                html.Td(f.target),
                html.Td(f"{f.horizon} steps"),
                html.Td(f.model_name),
                html.Td(_links(f.id)),
            ]
        )
        for f in items
    ]
    table = dbc.Card(
        dbc.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
            hover=True,
            responsive=True,
            className="mb-0",
        ),
        className="shadow-sm",
    )
    options = [{"label": label, "value": key} for key, label in labels.items()]
    return table, options, items[0].id


@callback(
    Output(ids.EXPORT_DOWNLOADS, "children"),
    Output(ids.EXPORT_PREVIEW, "children"),
    Output(ids.EXPORT_FORECAST_GRAPH, "figure"),
    Output(ids.EXPORT_MODELS_GRAPH, "figure"),
    Input(ids.EXPORT_RUN, "value"),
)
def show_preview(forecast_id: str | None) -> tuple[Any, ...]:
    """The report's summary and first charts for the chosen run, and its files."""
    if not forecast_id:
        raise PreventUpdate
    try:
        data = content.collect(int(current_user.id), forecast_id, decompose=False)
    except ServiceError as exc:
        return None, dbc.Alert(exc.message, color="warning"), go.Figure(), go.Figure()
    text = narrative.summarise(data)
    preview = html.Div(
        [
            html.H4(text.headline, id="export-headline"),
            *[html.P(p) for p in text.paragraphs],
            dbc.Alert(
                [html.Strong("Caveats"), html.Ul([html.Li(c) for c in text.caveats])],
                color="warning",
                className="small",
            )
            if text.caveats
            else None,
        ]
    )
    charts = [forecast_figure(data, None if data.multi else data.featured[0])]
    charts.append(model_comparison_chart(data) if data.leaderboard else go.Figure())
    for chart in charts:
        chart.update_layout(width=None, autosize=True)
    return _links(forecast_id, "export-download-"), preview, *charts


@callback(
    Output(ids.EXPORT_TITLE, "value"),
    Output(ids.EXPORT_ACCENT, "value"),
    Output(ids.EXPORT_LOGO_STATUS, "children"),
    Input(ids.URL, "pathname"),
)
def show_branding(path: str | None) -> tuple[Any, ...]:
    """The user's last branding."""
    if path != "/export":
        raise PreventUpdate
    style = branding.get_branding(int(current_user.id))
    return style.title, style.accent, _logo_status(style)


def _logo_status(style: branding.Branding) -> str:
    kind = "PNG" if style.logo_type == "image/png" else "JPEG"
    return f"A {kind} logo is kept." if style.logo else "No logo yet."


@callback(
    Output(ids.EXPORT_BRANDING_ALERT, "children"),
    Output(ids.EXPORT_LOGO_STATUS, "children", allow_duplicate=True),
    Input(ids.EXPORT_SAVE_BRANDING, "n_clicks"),
    State(ids.EXPORT_TITLE, "value"),
    State(ids.EXPORT_ACCENT, "value"),
    State(ids.EXPORT_LOGO, "contents"),
    State(ids.EXPORT_REMOVE_LOGO, "value"),
    prevent_initial_call=True,
)
def save_branding(
    _clicks: int, title: str | None, accent: str | None, logo: str | None, remove: bool
) -> tuple[Any, ...]:
    """Check and remember the branding the next PDF reports use."""
    try:
        image = base64.b64decode(logo.split(",", 1)[1], validate=True) if logo else None
        style = branding.save_branding(
            int(current_user.id), title, accent, image, remove_logo=bool(remove)
        )
    except (ServiceError, IndexError, binascii.Error) as exc:
        message = getattr(exc, "message", "The logo could not be read.")
        return dbc.Alert(message, color="danger"), _logo_status(
            branding.get_branding(int(current_user.id))
        )
    return dbc.Alert("Saved: the next PDF report uses it.", color="success"), (
        _logo_status(style)
    )
