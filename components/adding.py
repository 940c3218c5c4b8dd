"""Upload page: the card that adds newer data to the current dataset."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.background import HIDDEN, progress_row

# What each way of adding does, in one line.
MODES = [
    (
        "append",
        "Add and update rows",
        "rows with new dates are added; rows the dataset already has take the "
        "file's values.",
    ),
    (
        "replace",
        "Replace the whole history",
        "the file becomes the dataset's history; rows that are not in it are dropped.",
    ),
]


def _mode_option(value: str, label: str, explained: str) -> dict[str, object]:
    return {
        "label": html.Span(
            [
                html.Span(label, className="fw-semibold"),
                html.Span(f": {explained}", className="text-secondary"),
            ]
        ),
        "value": value,
    }


def add_data_card() -> dbc.Card:
    """Hidden until a dataset is current; its callbacks name the dataset.

    The drop zone sends the file as the upload's does (``assets/upload.js``), into
    ``UPLOAD_ADD_STORE``; a background callback adds it, with steps and Cancel.
    """
    return dbc.Card(
        [
            dbc.CardHeader(
                "Add newer data", id=ids.UPLOAD_ADD_TITLE, className="fw-semibold"
            ),
            dbc.CardBody(
                [
                    dcc.Store(id=ids.UPLOAD_ADD_STORE),
                    html.P(
                        "Next month's export? Add it to this dataset instead of "
                        "uploading it as a new one: your cleaning steps are applied "
                        "again, and earlier versions stay. The file needs the same "
                        "columns as the dataset.",
                        className="small text-secondary",
                    ),
                    dbc.RadioItems(
                        id=ids.UPLOAD_ADD_MODE,
                        options=[_mode_option(*mode) for mode in MODES],
                        value="append",
                        className="small mb-2",
                    ),
                    html.Div(
                        [
                            html.I(
                                className="bi bi-file-earmark-plus fs-3 text-primary",
                                **{"aria-hidden": "true"},
                            ),
                            html.Div(
                                "Drop the file with the newer data here",
                                className="fw-semibold",
                            ),
                            html.Div(
                                "or click to choose one", className="text-secondary"
                            ),
                        ],
                        id=ids.UPLOAD_ADD_DROPZONE,
                        className="dropzone py-3",
                        role="button",
                        tabIndex="0",
                    ),
                    progress_row(
                        ids.UPLOAD_ADD_PROGRESS_ROW,
                        ids.UPLOAD_ADD_PROGRESS,
                        ids.UPLOAD_ADD_STEP,
                        ids.UPLOAD_ADD_CANCEL,
                    ),
                    html.Div(id=ids.UPLOAD_ADD_STATUS, className="mt-2"),
                ]
            ),
        ],
        id=ids.UPLOAD_ADD_CARD,
        className="shadow-sm mb-4",
        style=HIDDEN,
    )
