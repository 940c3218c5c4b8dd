"""Home page: a first forecast of a bundled sample in one click."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from services import datasets, quickstart
from services.errors import ServiceError

# The samples offered on Home: (sample key, what the button says).
FIRST_SAMPLES = (("air_passengers", "Forecast the airline passengers"),)
BUSY = {"pointerEvents": "none", "opacity": 0.6}


@callback(
    Output(ids.HOME_START, "children"),
    Output(ids.HOME_UPLOAD, "color"),
    Input(ids.URL, "pathname"),
)
def offer_samples(path: str | None) -> tuple[Any, str]:
    """For someone with no data yet, a sample to forecast in one click.

    The sample is then the page's one main button: Upload data steps back to an
    outline.
    """
    if path != "/" or not current_user.is_authenticated:
        raise PreventUpdate
    if datasets.list_datasets(int(current_user.id)):
        return None, "primary"
    buttons = [
        dbc.Button(
            [html.I(className="bi bi-graph-up-arrow me-2"), text],
            id={"type": ids.HOME_SAMPLE, "key": key},
            color="primary",
            size="lg",
            className="me-2",
        )
        for key, text in FIRST_SAMPLES
    ]
    offer = html.Div(
        [
            html.Div(buttons),
            html.P(
                "No file at hand? Start with a real series: monthly airline "
                "passengers, 1949–1960. The app picks a model and shows the next "
                "12 months with their likely range.",
                className="text-secondary mt-2 mb-3",
            ),
        ]
    )
    return offer, "outline-primary"


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Output(ids.URL, "href", allow_duplicate=True),
    Output(ids.HOME_ALERT, "children"),
    Input({"type": ids.HOME_SAMPLE, "key": ALL}, "n_clicks"),
    # A second click while the first is handled would add the sample twice.
    running=[(Output(ids.HOME_START, "style"), BUSY, {})],
    prevent_initial_call=True,
)
def forecast_sample(clicks: list[int | None]) -> tuple[Any, Any, Any]:
    """Add the sample to the user's data, start its automatic forecast, and go to
    Models, where the run's progress and then its chart show."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        raise PreventUpdate
    try:
        info, _job = quickstart.forecast_sample(int(current_user.id), trigger["key"])
    except ServiceError as exc:
        return no_update, no_update, dbc.Alert(exc.message, color="danger")
    return {"dataset_id": info.id, "version_id": info.version_id}, "/models", None
