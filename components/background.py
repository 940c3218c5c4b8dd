"""The progress of a background callback: a bar, the step it is at, and Cancel."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

HIDDEN = {"display": "none"}


def progress_row(row_id: str, bar_id: str, step_id: str, cancel_id: str) -> html.Div:
    """Hidden until its callback runs; the callback moves the bar and names the step.

    Cancel stops the work (its process ends); nothing it made is kept.
    """
    return html.Div(
        [
            html.Div(id=step_id, className="small mb-1", role="status"),
            html.Div(
                [
                    dbc.Progress(
                        id=bar_id,
                        value=0,
                        striped=True,
                        animated=True,
                        className="flex-grow-1",
                    ),
                    dbc.Button(
                        [html.I(className="bi bi-x-lg me-1"), "Cancel"],
                        id=cancel_id,
                        color="outline-secondary",
                        size="sm",
                    ),
                ],
                className="d-flex align-items-center gap-2",
            ),
        ],
        id=row_id,
        style=HIDDEN,
        className="my-2",
    )
