"""Settings page: each user creates, lists and revokes their own API tokens."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.settings import new_token, tokens_table
from services import users
from services.errors import ServiceError

REVOKE = {"type": ids.SETTINGS_TOKEN_REVOKE, "token": ALL}


def _listed() -> Any:
    return tokens_table(users.list_tokens(int(current_user.id)))


@callback(Output(ids.SETTINGS_TOKENS, "children"), Input(ids.URL, "pathname"))
def show_tokens(path: str | None) -> Any:
    """The signed-in user's tokens (nobody else's)."""
    if path != "/settings":
        raise PreventUpdate
    return _listed()


@callback(
    Output(ids.SETTINGS_TOKENS, "children", allow_duplicate=True),
    Output(ids.SETTINGS_TOKEN_NEW, "children"),
    Output(ids.SETTINGS_TOKEN_NAME, "value"),
    Input(ids.SETTINGS_TOKEN_CREATE, "n_clicks"),
    State(ids.SETTINGS_TOKEN_NAME, "value"),
    prevent_initial_call=True,
)
def create_token(_clicks: int | None, name: str | None) -> tuple[Any, Any, Any]:
    """Make a token for the signed-in user and show it this once."""
    name = (name or "").strip() or "API token"
    try:
        token = users.issue_token(int(current_user.id), name)
    except ServiceError as exc:
        return _listed(), dbc.Alert(exc.message, color="danger"), name
    return _listed(), new_token(token, " ".join(name.split())), ""


@callback(
    Output(ids.SETTINGS_TOKENS, "children", allow_duplicate=True),
    Output(ids.SETTINGS_TOKEN_NEW, "children", allow_duplicate=True),
    Input(REVOKE, "n_clicks"),
    prevent_initial_call=True,
)
def revoke_token(clicks: list[int | None]) -> tuple[Any, Any]:
    """Revoke the token whose button was pressed, if it is the user's own."""
    token_id = ctx.triggered_id.get("token") if ctx.triggered_id else None
    if not any(clicks) or type(token_id) is not int:
        raise PreventUpdate  # buttons drawn anew, not pressed
    try:
        users.revoke_token(int(current_user.id), token_id)
    except ServiceError as exc:
        return _listed(), dbc.Alert(exc.message, color="danger")
    return _listed(), dbc.Alert("The token is revoked.", color="info", className="mb-0")
