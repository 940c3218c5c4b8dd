"""Upload: drop a file or load a sample, and see what the app recognised."""

import dash
import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from components import ids
from components.adding import add_data_card
from components.background import progress_row
from components.shell import next_step, page_header
from services.samples import SAMPLES

dash.register_page(__name__, path="/upload", name="Upload", title="Upload", order=1)


def _samples() -> dbc.ListGroup:
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [
                    html.Div(
                        [
                            html.Strong(s.title),
                            html.Div(s.description, className="small text-secondary"),
                        ],
                        className="me-2",
                    ),
                    dbc.Button(
                        "Load",
                        id={"type": ids.UPLOAD_SAMPLE, "key": s.key},
                        size="sm",
                        color="outline-primary",
                    ),
                ],
                className="d-flex justify-content-between align-items-center",
            )
            for s in SAMPLES
        ],
        className="shadow-sm",
    )


def _data_card() -> dbc.Card:
    kinds = [
        {"label": "First rows", "value": "head"},
        {"label": "Last rows", "value": "tail"},
        {"label": "Random sample", "value": "sample"},
    ]
    return dbc.Card(
        [
            dbc.CardHeader("Look at the data"),
            dbc.CardBody(
                [
                    html.Div(
                        id=ids.UPLOAD_CHART_NOTE, className="small text-secondary"
                    ),
                    dcc.Graph(id=ids.UPLOAD_CHART, config={"displaylogo": False}),
                    dbc.Row(
                        [
                            dbc.Col(
                                dbc.RadioItems(
                                    id=ids.UPLOAD_PREVIEW_KIND,
                                    options=kinds,
                                    value="head",
                                    inline=True,
                                ),
                                md=5,
                            ),
                            dbc.Col(
                                dcc.Dropdown(
                                    id=ids.UPLOAD_FILTER_COLUMN,
                                    placeholder="Filter a column…",
                                ),
                                md=3,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(
                                        "Rows whose value contains",
                                        html_for=ids.UPLOAD_FILTER_TEXT,
                                        className="sr-label",
                                    ),
                                    dbc.Input(
                                        id=ids.UPLOAD_FILTER_TEXT,
                                        placeholder="contains…",
                                        debounce=True,
                                    ),
                                ],
                                md=4,
                            ),
                        ],
                        className="g-2 my-2 align-items-center",
                    ),
                    dash_table.DataTable(
                        id=ids.UPLOAD_TABLE,
                        page_action="custom",
                        page_current=0,
                        page_size=15,
                        # The value as read shows while the pointer rests on a cell.
                        tooltip_delay=300,
                        tooltip_duration=None,
                        style_table={"overflowX": "auto"},
                        style_cell={
                            "fontFamily": "inherit",
                            "fontSize": 14,
                            "padding": "4px 8px",
                            "textAlign": "left",
                        },
                        style_header={"fontWeight": 600},
                    ),
                    html.Div(
                        id=ids.UPLOAD_TABLE_INFO, className="small text-secondary mt-2"
                    ),
                ]
            ),
        ],
        id=ids.UPLOAD_DATA_CARD,
        className="shadow-sm mt-3",
        style={"display": "none"},
    )


def _forecast_row() -> html.Div:
    """Once a table is read: forecast it at once, or look at it step by step."""
    later = [
        ("/columns", "Check the columns"),
        ("/cleaning", "Clean it"),
        ("/explore", "Explore it"),
    ]
    return html.Div(
        [
            html.Div(
                [
                    dbc.Button(
                        [
                            html.I(
                                className="bi bi-graph-up-arrow me-2",
                                **{"aria-hidden": "true"},
                            ),
                            "Forecast this",
                        ],
                        id=ids.UPLOAD_FORECAST_BUTTON,
                        color="primary",
                        size="lg",
                        className="me-3",
                    ),
                    html.Span("or first:", className="text-secondary me-1"),
                    *[
                        dbc.Button(text, href=href, color="link", className="px-2")
                        for href, text in later
                    ],
                ],
                className="d-flex flex-wrap align-items-center",
            ),
            html.Div(
                "The app forecasts the column it recognised (see below) with the "
                "models it picks, as far ahead as suits the data (a year of "
                "months, two weeks of days); change either later on the Models "
                "page.",
                className="small text-secondary mt-1",
            ),
            html.Div(id=ids.UPLOAD_FORECAST_ALERT, className="mt-2"),
        ],
        id=ids.UPLOAD_FORECAST_ROW,
        className="mb-4",
        style={"display": "none"},
    )


def layout(**_query: str) -> html.Div:
    """Drop zone, samples, the user's datasets and what the chosen one holds."""
    return html.Div(
        [
            page_header(
                "Upload data",
                "A table with a date column and the numbers to "
                "forecast: CSV, TSV, Excel (.xlsx), Parquet or JSON.",
            ),
            dcc.Store(id=ids.UPLOAD_RESULT_STORE),
            dcc.Store(id=ids.UPLOAD_READ_STORE),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Div(
                                [
                                    html.I(
                                        className="bi bi-cloud-arrow-up display-5 "
                                        "text-primary"
                                    ),
                                    html.Div(
                                        "Drag and drop a file here",
                                        className="fw-semibold",
                                    ),
                                    html.Div(
                                        "or click to choose one",
                                        className="text-secondary",
                                    ),
                                ],
                                id=ids.UPLOAD_DROPZONE,
                                className="dropzone",
                                role="button",
                                tabIndex="0",
                            ),
                            progress_row(
                                ids.UPLOAD_READ_PROGRESS_ROW,
                                ids.UPLOAD_READ_PROGRESS,
                                ids.UPLOAD_READ_STEP,
                                ids.UPLOAD_READ_CANCEL,
                            ),
                            html.Div(id=ids.UPLOAD_STATUS, className="mt-2"),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            html.H2(
                                "No file at hand? Try a sample",
                                className="h6 text-secondary",
                            ),
                            _samples(),
                        ],
                        md=6,
                    ),
                ],
                className="g-4 mb-4",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                "Your datasets", html_for=ids.UPLOAD_DATASET_SELECT
                            ),
                            dcc.Dropdown(
                                id=ids.UPLOAD_DATASET_SELECT,
                                clearable=False,
                                placeholder="Choose a dataset…",
                            ),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Sheet", html_for=ids.UPLOAD_SHEET),
                            dcc.Dropdown(id=ids.UPLOAD_SHEET, clearable=False),
                        ],
                        md=3,
                        id=ids.UPLOAD_SHEET_ROW,
                        style={"display": "none"},
                    ),
                ],
                className="mb-4",
            ),
            # Seen without scrolling once a table is read; what was recognised follows.
            _forecast_row(),
            dcc.Loading(html.Div(id=ids.UPLOAD_SUMMARY), type="dot"),
            add_data_card(),
            _data_card(),
            next_step("/columns", "Next: check columns"),
        ]
    )
