"""Building blocks of the Export page: the report preview and the branding form."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.background import HIDDEN, progress_row
from components.tracking import share_button


def preview_card() -> dbc.Card:
    """The chosen run, its downloads, and a preview of the report's first pages."""
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Forecast", html_for=ids.EXPORT_RUN),
                dcc.Dropdown(id=ids.EXPORT_RUN, clearable=False, className="mb-3"),
                html.Div(
                    [
                        html.Div(id=ids.EXPORT_DOWNLOADS),
                        make_files(),
                        share_button(ids.EXPORT_SHARE_BUTTON),
                    ],
                    className="export-files d-flex flex-wrap align-items-center "
                    "gap-2 mb-3",
                ),
                html.Div(id=ids.EXPORT_SHARE_BOX),
                html.Div(id=ids.EXPORT_REPORT_JOBS, className="mb-3"),
                dcc.Interval(id=ids.EXPORT_POLL, interval=1000, disabled=True),
                dcc.Loading(html.Div(id=ids.EXPORT_PREVIEW)),
                dcc.Graph(id=ids.EXPORT_FORECAST_GRAPH, config={"displaylogo": False}),
                dcc.Graph(id=ids.EXPORT_MODELS_GRAPH, config={"displaylogo": False}),
            ]
        ),
        className="shadow-sm",
    )


def make_files() -> html.Div:
    """The workbook and PDF buttons of a forecast small enough to make at once:
    each is laid out when asked (progress, Cancel), then downloads.

    Its buttons sit in the row of downloads (``export-make`` is ``display:
    contents``); the hint, progress and status go to the lines below it.
    """
    below = "w-100 order-last"
    return html.Div(
        [
            dbc.Button(
                [html.I(className="bi bi-file-earmark-excel me-1"), "Excel workbook"],
                id=ids.EXPORT_MAKE_XLSX,
                color="outline-primary",
                size="sm",
            ),
            dbc.Button(
                [html.I(className="bi bi-file-earmark-pdf me-1"), "PDF report"],
                id=ids.EXPORT_MAKE_PDF,
                color="outline-primary",
                size="sm",
            ),
            html.Div(
                "The workbook and the report are laid out when you ask for them "
                "(the PDF takes a few seconds), then they download. A read-only "
                "link shows this forecast to anyone who has it, without signing in.",
                className=f"small text-secondary {below}",
            ),
            html.Div(
                progress_row(
                    ids.EXPORT_MAKE_PROGRESS_ROW,
                    ids.EXPORT_MAKE_PROGRESS,
                    ids.EXPORT_MAKE_STEP,
                    ids.EXPORT_MAKE_CANCEL,
                ),
                className=below,
            ),
            html.Div(id=ids.EXPORT_MAKE_STATUS, className=below),
            dcc.Download(id=ids.EXPORT_MAKE_DOWNLOAD),
        ],
        id=ids.EXPORT_MAKE,
        style=HIDDEN,
        className="export-make",
    )


def branding_card() -> dbc.Card:
    """Title, accent colour and logo of the PDF report, remembered for next time."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Report branding", className="h5"),
                html.P(
                    "Shown on the PDF's cover and headings. Kept for your next report.",
                    className="text-secondary small",
                ),
                dbc.Label("Title", html_for=ids.EXPORT_TITLE),
                dbc.Input(id=ids.EXPORT_TITLE, maxLength=120, className="mb-2"),
                dbc.Label("Accent colour", html_for=ids.EXPORT_ACCENT),
                dbc.Input(
                    id=ids.EXPORT_ACCENT,
                    placeholder="#2f5bea",
                    maxLength=7,
                    className="mb-2",
                ),
                dbc.Label("Logo (PNG or JPEG, at most 1 MB)"),
                dcc.Upload(
                    id=ids.EXPORT_LOGO,
                    children=html.Div(["Drop a logo here or ", html.A("choose one")]),
                    accept="image/png,image/jpeg",
                    max_size=1_000_000,
                    className="upload-zone small p-2 mb-1 border rounded text-center",
                ),
                html.Div(id=ids.EXPORT_LOGO_STATUS, className="small text-secondary"),
                dbc.Checkbox(
                    id=ids.EXPORT_REMOVE_LOGO, label="Remove the logo", value=False
                ),
                dbc.Button(
                    "Save branding",
                    id=ids.EXPORT_SAVE_BRANDING,
                    color="primary",
                    className="mt-2",
                ),
                html.Div(id=ids.EXPORT_BRANDING_ALERT, className="mt-3"),
            ]
        ),
        className="shadow-sm",
    )
