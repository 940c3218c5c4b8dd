"""Settings: your password and API tokens; administrators manage users and registration
and see how the installation is set up (System)."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from components.settings import (
    admin_card,
    number_format_card,
    password_card,
    system_section,
    tokens_card,
)
from components.shell import page_header

dash.register_page(
    __name__, path="/settings", name="Settings", title="Settings", order=9
)


def layout(**_query: str) -> html.Div:
    """Password and tokens for everyone; callbacks fill the admin parts for admins."""
    return html.Div(
        [
            page_header("Settings", "Your account, and the app for administrators."),
            # One grid: cards side by side share a row's height. Administration
            # and System are empty, and take no room, for everyone but administrators.
            dbc.Row(
                [
                    dbc.Col(password_card(), md=6),
                    dbc.Col(tokens_card(), md=6),
                    dbc.Col(number_format_card(), md=6),
                    dbc.Col(admin_card(), md=6),
                    dbc.Col(system_section(), md=12),
                ],
                className="g-4 mb-4",
            ),
        ]
    )
