"""Settings page: password, number format; users, registration and System for admins."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.settings import number_example, system_view
from services import system, users
from services.errors import ServiceError
from services.numbers import parse_style


@callback(Output(ids.NAV_USER, "children"), Input(ids.URL, "pathname"))
def show_user(_path: str | None) -> str:
    """The signed-in user's name in the navigation bar."""
    return str(current_user.username)


@callback(
    Output(ids.SETTINGS_PASSWORD_ALERT, "children"),
    Input(ids.SETTINGS_PASSWORD_BUTTON, "n_clicks"),
    State(ids.SETTINGS_OLD_PASSWORD, "value"),
    State(ids.SETTINGS_NEW_PASSWORD, "value"),
    State(ids.SETTINGS_CONFIRM_PASSWORD, "value"),
    prevent_initial_call=True,
)
def change_password(
    _clicks: int, old: str | None, new: str | None, confirm: str | None
) -> dbc.Alert:
    """Change the signed-in user's password."""
    if (new or "") != (confirm or ""):
        return dbc.Alert("The two new passwords differ.", color="danger")
    try:
        users.change_password(int(current_user.id), old or "", new or "")
    except ServiceError as exc:
        return dbc.Alert(exc.message, color="danger")
    return dbc.Alert(
        "Your password has been changed, and every session has ended, this one too. "
        "Sign in again with the new password.",
        color="success",
    )


@callback(
    Output(ids.SETTINGS_NUMBER_FORMAT, "value"),
    Output(ids.SETTINGS_NUMBER_EXAMPLE, "children"),
    Input(ids.URL, "pathname"),
)
def show_number_format(_path: str | None) -> tuple[str, str]:
    """The signed-in user's number format, with an example."""
    style = users.number_style(int(current_user.id))
    return style.value, number_example(style)


@callback(
    Output(ids.SETTINGS_NUMBER_ALERT, "children"),
    Output(ids.SETTINGS_NUMBER_EXAMPLE, "children", allow_duplicate=True),
    Input(ids.SETTINGS_NUMBER_FORMAT, "value"),
    prevent_initial_call=True,
)
def save_number_format(value: str | None) -> tuple[Any, str]:
    """Save a new number format as soon as it is chosen, and say so."""
    chosen = parse_style(value)
    user_id = int(current_user.id)
    if value != chosen.value or chosen is users.number_style(user_id):
        raise PreventUpdate  # filled in from the saved choice, or not a format
    users.set_number_style(user_id, chosen)
    return (
        dbc.Alert(
            f"Saved. Numbers are now written as {chosen.value}.",
            color="success",
            className="mb-0",
            id="settings-number-format-saved",
        ),
        number_example(chosen),
    )


@callback(
    Output(ids.SETTINGS_ADMIN, "style"),
    Output(ids.SETTINGS_USERS, "children"),
    Output(ids.SETTINGS_REGISTRATION, "value"),
    Input(ids.URL, "pathname"),
)
def show_admin(path: str | None) -> tuple[Any, ...]:
    """For administrators only: the list of users and the registration switch."""
    if path != "/settings" or not current_user.is_admin:
        return {"display": "none"}, None, False
    rows = [
        html.Tr(
            [
                html.Td(a.username),
                html.Td("administrator" if a.is_admin else "user"),
                html.Td("active" if a.is_active else "disabled"),
                html.Td(a.created_at.strftime("%Y-%m-%d")),
            ]
        )
        for a in users.list_accounts()
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr([html.Th(h) for h in ("Name", "Role", "Status", "Since")])
            ),
            html.Tbody(rows),
        ],
        size="sm",
        className="mb-0",
    )
    return {}, table, users.registration_open()


@callback(
    Output(ids.SETTINGS_REGISTRATION, "label"),
    Input(ids.SETTINGS_REGISTRATION, "value"),
    prevent_initial_call=True,
)
def toggle_registration(is_open: bool) -> str:
    """Open or close registration (administrators only)."""
    if not current_user.is_admin:
        raise PreventUpdate
    users.set_registration_open(bool(is_open))
    return "Anyone may create an account" if is_open else "Registration is closed"


@callback(
    Output(ids.SETTINGS_SYSTEM, "style"),
    Output(ids.SETTINGS_SYSTEM_BODY, "children"),
    Input(ids.URL, "pathname"),
)
def show_system(path: str | None) -> tuple[Any, Any]:
    """For administrators only: models, the experiment store and the job workers.

    The check is here, on the server: a replayed request from anyone else gets
    nothing."""
    if path != "/settings" or not current_user.is_admin:
        return {"display": "none"}, None
    return {}, system_view(system.status())
