"""Settings page, for administrators: end every session of an account."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from services import users
from services.errors import NotFoundError


@callback(
    Output(ids.SETTINGS_SESSIONS_USER, "options"),
    Input(ids.URL, "pathname"),
)
def list_accounts(path: str | None) -> list[dict[str, str]]:
    """The accounts an administrator may sign out (nobody else gets the list)."""
    if path != "/settings" or not current_user.is_admin:
        return []
    return [{"label": a.username, "value": str(a.id)} for a in users.list_accounts()]


@callback(
    Output(ids.SETTINGS_SESSIONS_ALERT, "children"),
    Input(ids.SETTINGS_SESSIONS_BUTTON, "n_clicks"),
    State(ids.SETTINGS_SESSIONS_USER, "value"),
    prevent_initial_call=True,
)
def end_sessions(_clicks: int | None, user_id: Any) -> dbc.Alert:
    """End every session of the chosen account (administrators only)."""
    if not current_user.is_admin or not str(user_id or "").isdigit():
        raise PreventUpdate
    account = users.get_account(int(user_id))
    try:
        if account is None:
            raise NotFoundError("That account no longer exists.")
        users.end_sessions(account.id)
    except NotFoundError as exc:
        return dbc.Alert(exc.message, color="danger")
    if account.id == int(current_user.id):
        return dbc.Alert("Your own sessions have ended: sign in again.", color="info")
    return dbc.Alert(f"{account.username} is signed out everywhere.", color="success")
