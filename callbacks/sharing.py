"""Share a read-only link: the Models and Export pages' helper, and Export's button."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, no_update
from dash.exceptions import PreventUpdate
from flask import url_for
from flask_login import current_user

from components import ids
from components.tracking import share_box
from services import shares
from services.errors import ServiceError

# How long a link made from a page works (the API lets a program choose).
LINK_DAYS = 30


def make_link(forecast_id: str | None, url_id: str, copy_id: str) -> tuple[Any, Any]:
    """A new read-only link to the user's forecast: its box and no alert, or no
    change and an alert saying why not (``url_id``, ``copy_id``: the box's ids)."""
    if not forecast_id:
        raise PreventUpdate
    try:
        made = shares.create_share(int(current_user.id), forecast_id, LINK_DAYS)
    except ServiceError as exc:
        return no_update, dbc.Alert(exc.message, color="warning", className="py-2")
    url = url_for("share.page", token=made.token, _external=True)
    return share_box(url, made.share.expires_at, url_id, copy_id), None


@callback(
    Output(ids.EXPORT_SHARE_BOX, "children"),
    Input(ids.EXPORT_SHARE_BUTTON, "n_clicks"),
    State(ids.EXPORT_RUN, "value"),
    prevent_initial_call=True,
)
def share_export(_clicks: int | None, forecast_id: str | None) -> Any:
    """A 30-day read-only link to the chosen forecast, or why it cannot be made."""
    box, alert = make_link(forecast_id, ids.EXPORT_SHARE_URL, ids.EXPORT_SHARE_COPY)
    return alert if alert is not None else box


@callback(
    Output(ids.EXPORT_SHARE_BOX, "children", allow_duplicate=True),
    Input(ids.EXPORT_RUN, "value"),
    prevent_initial_call=True,
)
def forget_export_link(_forecast_id: str | None) -> None:
    """Another forecast chosen: the link made for the one before is not offered."""
    return None
