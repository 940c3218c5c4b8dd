"""Export page: choose a run, preview its report, download it; remember branding."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import background
from callbacks.upload import current_dataset
from components import ids
from components.summaries import dataset_line, no_dataset_alert
from services import csv_layout, forecasts, users
from services.csv_layout import PLAIN, CsvLayout
from services.errors import ConflictError, ServiceError
from services.figures import for_people
from services.jobs import JobInfo
from services.reports import branding, content, exports, narrative
from services.reports.figures import forecast_figure, model_comparison_chart

ICONS = {
    "csv": "bi-filetype-csv",
    "xlsx": "bi-file-earmark-excel",
    "pdf": "bi-file-earmark-pdf",
}
SHOWN_REPORT_JOBS = 5
HIDDEN = {"display": "none"}
MAKE_BUTTONS = {ids.EXPORT_MAKE_XLSX: "xlsx", ids.EXPORT_MAKE_PDF: "pdf"}


def _links(
    forecast_id: str, prefix: str = "", large: bool = False, layout: CsvLayout = PLAIN
) -> list[Any]:
    """Download buttons; a large forecast's workbook and PDF are prepared instead.
    When the upload was not a plain CSV, a CSV in its own layout comes first (the
    primary button), and the plain one next to it."""
    files = [(fmt, fmt, icon, exports.NAMES[fmt], "") for fmt, icon in ICONS.items()]
    if not layout.plain:
        files.insert(
            0, ("csv-layout", "csv", ICONS["csv"], _as_upload(layout), layout.query)
        )
        files[1] = ("csv", "csv", ICONS["csv"], "CSV (plain: , and .)", "")
    links: list[Any] = [
        dbc.Button(
            [html.I(className=f"bi {icon} me-1"), label],
            href=f"/files/forecasts/{forecast_id}.{fmt}"
            + (f"?{query}" if query else ""),
            external_link=True,
            color="primary" if name == "csv-layout" else "outline-primary",
            size="sm",
            className="me-2",
            **({"id": f"{prefix}{name}-link"} if prefix else {}),
        )
        for name, fmt, icon, label, query in files
        if fmt == "csv" or not large
    ]
    if large and not prefix:
        links.append(
            html.Span(
                "Excel and PDF: choose it above to prepare them.",
                className="small text-secondary",
            )
        )
    return links


def _as_upload(layout: CsvLayout) -> str:
    """The label of a CSV in the upload's layout: ``CSV (as your upload: ; and ,)``."""
    separator = "tabs" if layout.separator == "\t" else layout.separator
    return f"CSV (as your upload: {separator} and {layout.decimal})"


def _prepare(forecast_id: str, count: int, layout: CsvLayout) -> list[Any]:
    """The chosen large forecast's CSV links and its "Prepare" buttons."""
    return [
        html.P(
            f"This forecast has {count} series, so its Excel workbook and PDF report "
            "are prepared in the background. You can leave this page: they wait "
            "for you here.",
            className="small text-secondary mb-2",
        ),
        *_links(forecast_id, "export-download-", large=True, layout=layout),
        *[
            dbc.Button(
                [html.I(className=f"bi {ICONS[fmt]} me-1"), f"Prepare {name}"],
                id={"type": ids.EXPORT_PREPARE, "format": fmt},
                color="primary",
                size="sm",
                className="me-2",
            )
            for fmt, name in exports.NAMES.items()
            if fmt in exports.REPORTS
        ],
    ]


def _report_job(job: JobInfo) -> Any:
    """One prepared (or preparing) file: its progress, then its download."""
    what = f"{exports.NAMES[job.params['format']]}, asked at {job.created_at:%H:%M}"
    if job.status == "succeeded":
        body: list[Any] = [
            html.Span(what, className="me-auto"),
            dbc.Button(
                [html.I(className="bi bi-download me-1"), "Download"],
                href=f"/files/reports/{job.id}",
                external_link=True,
                color="success",
                size="sm",
                className="report-download",
            ),
        ]
    elif job.ended:
        body = [html.Span(f"{what}: {job.message}", className="text-danger")]
    else:
        body = [
            html.Div(f"{what}: {job.message}", className="small mb-1"),
            dbc.Progress(
                value=round(job.progress * 100),
                label=f"{job.progress:.0%}",
                striped=True,
                animated=True,
                className="w-100",
            ),
        ]
    layout = "d-flex align-items-center" if job.status == "succeeded" else ""
    return dbc.ListGroupItem(body, className=layout)


@callback(
    Output(ids.EXPORT_DATASET_TEXT, "children"),
    Output(ids.EXPORT_LIST, "children"),
    Output(ids.EXPORT_RUN, "options"),
    Output(ids.EXPORT_RUN, "value"),
    Input(ids.URL, "pathname"),
    Input(ids.DATASET_STORE, "data"),
)
def list_runs(path: str | None, ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """The current dataset's forecasts, newest first: a choice and a table of files
    (never those of another dataset)."""
    if path != "/export":
        raise PreventUpdate
    user_id = int(current_user.id)
    dataset = current_dataset(user_id, ref)
    if dataset is None:
        return no_dataset_alert(), None, [], None
    items = forecasts.list_forecasts(user_id, dataset_id=dataset.id)
    style = users.number_style(user_id)
    line = dataset_line(dataset, change=True, style=style)
    if not items:
        empty = dbc.Alert(
            ["No forecasts of this dataset yet. ", html.A("Make one", href="/models")],
            color="info",
            id="export-no-forecasts-alert",
        )
        return line, empty, [], None
    labels = {
        f.id: f"{f.target} · {f.horizon} steps · {f.model_name} · "
        f"{f.created_at:%Y-%m-%d %H:%M}"
        for f in items
    }
    head = ("Made", "Dataset", "Target", "Horizon", "Model", "Download")
    rows = [
        html.Tr(
            [
                html.Td(f"{f.created_at:%Y-%m-%d %H:%M}"),
                html.Td(dataset.name),
                html.Td(f.target),
                html.Td(f"{f.horizon} steps"),
                html.Td(f.model_name),
                html.Td(_links(f.id, large=exports.needs_job(user_id, f.id))),
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
    return line, table, options, items[0].id


@callback(
    Output(ids.EXPORT_DOWNLOADS, "children"),
    Output(ids.EXPORT_PREVIEW, "children"),
    Output(ids.EXPORT_FORECAST_GRAPH, "figure"),
    Output(ids.EXPORT_MODELS_GRAPH, "figure"),
    Output(ids.EXPORT_FORECAST_GRAPH, "style"),
    Output(ids.EXPORT_MODELS_GRAPH, "style"),
    Output(ids.EXPORT_MAKE, "style"),
    Output(ids.EXPORT_MAKE_STATUS, "children", allow_duplicate=True),
    Input(ids.EXPORT_RUN, "value"),
    prevent_initial_call="initial_duplicate",
)
def show_preview(forecast_id: str | None) -> tuple[Any, ...]:
    """The report's summary and first charts for the chosen run, and its files;
    nothing when no run is chosen (e.g. the dataset has none yet)."""
    nothing = (None, None, go.Figure(), go.Figure(), HIDDEN, HIDDEN, HIDDEN, None)
    if not forecast_id:
        return nothing
    user_id = int(current_user.id)
    style = users.number_style(user_id)
    try:
        data = content.collect(user_id, forecast_id, decompose=False, style=style)
        dataset_id = forecasts.get_forecast(user_id, forecast_id).dataset_id
        layout = csv_layout.upload_layout(user_id, dataset_id)
    except ServiceError as exc:
        return None, dbc.Alert(exc.message, color="warning"), *nothing[2:]
    text = narrative.summarise(data, style)
    preview = html.Div(
        [
            html.H2(text.headline, id="export-headline", className="h4"),
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
    charts.append(
        model_comparison_chart(data, style) if data.leaderboard else go.Figure()
    )
    for chart in charts:
        for_people(chart, style).update_layout(width=None, autosize=True)
    count = forecasts.series_count(user_id, forecast_id)
    large = count > exports.inline_limit()
    if large:
        downloads = _prepare(forecast_id, count, layout)
    else:  # the CSV at once; the workbook and PDF from the buttons below
        downloads = _links(forecast_id, "export-download-", large=True, layout=layout)
    return downloads, preview, *charts, {}, {}, HIDDEN if large else {}, None


@callback(
    Output(ids.EXPORT_MAKE_DOWNLOAD, "data"),
    Output(ids.EXPORT_MAKE_STATUS, "children"),
    Input(ids.EXPORT_MAKE_XLSX, "n_clicks"),
    Input(ids.EXPORT_MAKE_PDF, "n_clicks"),
    State(ids.EXPORT_RUN, "value"),
    background=True,
    progress=background.progress(ids.EXPORT_MAKE_PROGRESS, ids.EXPORT_MAKE_STEP),
    progress_default=background.step(0, "Starting"),
    running=background.running(*MAKE_BUTTONS, row=ids.EXPORT_MAKE_PROGRESS_ROW),
    cancel=[Input(ids.EXPORT_MAKE_CANCEL, "n_clicks")],
    prevent_initial_call=True,
)
def make_file(
    set_progress: Any, _xlsx: int | None, _pdf: int | None, forecast_id: str | None
) -> tuple[Any, Any]:
    """Lay out the chosen forecast's workbook or PDF report, with progress (Cancel
    stops it), and hand it to the browser as a download."""
    fmt = MAKE_BUTTONS.get(str(ctx.triggered_id))
    if fmt is None or not forecast_id:
        raise PreventUpdate
    user_id = background.user_id()
    try:
        if exports.needs_job(user_id, forecast_id):  # its buttons are hidden
            raise ConflictError("This forecast is large: prepare its files above.")
        data = exports.render(
            user_id,
            forecast_id,
            fmt,
            lambda fraction, message: set_progress(background.step(fraction, message)),
            style=users.number_style(user_id),
        )
        name = forecasts.file_name(forecasts.get_forecast(user_id, forecast_id), fmt)
    except ServiceError as exc:
        return None, dbc.Alert(exc.message, color="warning")
    except Exception as exc:  # never a 500 and never its text: a plain message
        return None, background.failed(f"Making the {exports.NAMES[fmt]}", exc)
    done = dbc.Alert(
        f"Your {exports.NAMES[fmt]} is ready: it downloads as {name}.",
        color="success",
        className="py-2 small",
    )
    return dcc.send_bytes(data, name, type=exports.MIMETYPES[fmt]), done


@callback(
    Output(ids.EXPORT_REPORT_JOBS, "children"),
    Output(ids.EXPORT_POLL, "disabled"),
    Input({"type": ids.EXPORT_PREPARE, "format": ALL}, "n_clicks"),
    Input(ids.EXPORT_POLL, "n_intervals"),
    Input(ids.EXPORT_RUN, "value"),
)
def show_report_jobs(
    _clicks: list[int | None], _ticks: int, forecast_id: str | None
) -> Any:
    """Prepare a large forecast's workbook or PDF as a job; show each one's progress."""
    if not forecast_id:
        return None, True
    user_id = int(current_user.id)
    asked = ctx.triggered_id
    refused = None
    if isinstance(asked, dict) and ctx.triggered[0]["value"]:
        try:
            exports.submit_report(
                user_id, forecast_id, asked["format"], users.number_style(user_id)
            )
        except ServiceError as exc:
            refused = dbc.Alert(exc.message, color="warning")
    made = exports.report_jobs(user_id, forecast_id, SHOWN_REPORT_JOBS)
    listed = dbc.ListGroup([_report_job(job) for job in made]) if made else None
    return [refused, listed], all(job.ended for job in made)


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
