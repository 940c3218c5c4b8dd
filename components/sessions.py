"""The Settings page's control that ends every session of an account (admins)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components import ids


def sign_out_someone() -> html.Div:
    """Administrators' control: choose an account and end all its sessions."""
    return html.Div(
        [
            html.H3("Sign someone out", className="h6 mt-4"),
            html.P(
                "Ends every session of the account, in every browser. "
                "Their API tokens keep working.",
                className="small text-secondary mb-2",
            ),
            dbc.Label(
                "Account",
                html_for=ids.SETTINGS_SESSIONS_USER,
                className="sr-label",
            ),
            dbc.InputGroup(
                [
                    dbc.Select(id=ids.SETTINGS_SESSIONS_USER, placeholder="Choose"),
                    dbc.Button(
                        "End sessions",
                        id=ids.SETTINGS_SESSIONS_BUTTON,
                        color="outline-danger",
                    ),
                ],
                size="sm",
            ),
            html.Div(id=ids.SETTINGS_SESSIONS_ALERT, className="mt-2"),
        ]
    )
