"""Upload: drop a file or load a sample, and see what the app recognised."""

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.shell import page_header
from services.samples import SAMPLES

dash.register_page(__name__, path="/upload", name="Upload", title="Upload", order=1)


def layout(**_query: str) -> html.Div:
    """Drop zone, samples, the user's datasets and the summary of the chosen one."""
    samples = [
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
    ]
    return html.Div(
        [
            page_header(
                "Upload data",
                "A table with a date column and the numbers to "
                "forecast: CSV, TSV, Excel (.xlsx), Parquet or JSON.",
            ),
            dcc.Store(id=ids.UPLOAD_RESULT_STORE),
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
                            html.Div(id=ids.UPLOAD_STATUS, className="mt-2"),
                        ],
                        md=6,
                    ),
                    dbc.Col(
                        [
                            html.H6(
                                "No file at hand? Try a sample",
                                className="text-secondary",
                            ),
                            dbc.ListGroup(samples, className="shadow-sm"),
                        ],
                        md=6,
                    ),
                ],
                className="g-4 mb-4",
            ),
            dbc.Row(
                dbc.Col(
                    [
                        dbc.Label("Your datasets", html_for=ids.UPLOAD_DATASET_SELECT),
                        dcc.Dropdown(
                            id=ids.UPLOAD_DATASET_SELECT,
                            placeholder="Choose a dataset…",
                            clearable=False,
                        ),
                    ],
                    md=6,
                ),
                className="mb-4",
            ),
            dcc.Loading(html.Div(id=ids.UPLOAD_SUMMARY), type="dot"),
        ]
    )
