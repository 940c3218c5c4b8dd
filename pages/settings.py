"""Settings: change your password; administrators manage users and registration."""

import dash
import dash_bootstrap_components as dbc
from dash import html

from components import ids
from components.sessions import sign_out_someone
from components.shell import page_header

dash.register_page(
    __name__, path="/settings", name="Settings", title="Settings", order=9
)


def _password(label: str, id_: str, autocomplete: str) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_),
            dbc.Input(id=id_, type="password", autocomplete=autocomplete),
        ],
        className="mb-2",
    )


def layout(**_query: str) -> html.Div:
    """Password form for everyone; the admin section is filled for administrators."""
    password = dbc.Card(
        dbc.CardBody(
            [
                html.H5("Change password"),
                _password(
                    "Current password", ids.SETTINGS_OLD_PASSWORD, "current-password"
                ),
                _password("New password", ids.SETTINGS_NEW_PASSWORD, "new-password"),
                _password(
                    "Repeat the new password",
                    ids.SETTINGS_CONFIRM_PASSWORD,
                    "new-password",
                ),
                dbc.Button(
                    "Change password",
                    id=ids.SETTINGS_PASSWORD_BUTTON,
                    color="primary",
                    className="mt-2",
                ),
                html.Div(id=ids.SETTINGS_PASSWORD_ALERT, className="mt-3"),
            ]
        ),
        className="shadow-sm",
    )
    admin = html.Div(
        [
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H5("Administration"),
                        dbc.Switch(
                            id=ids.SETTINGS_REGISTRATION,
                            label="Anyone may create an account",
                            value=True,
                        ),
                        html.H6("Users", className="mt-3"),
                        html.Div(id=ids.SETTINGS_USERS),
                        sign_out_someone(),
                    ]
                ),
                className="shadow-sm",
            ),
        ],
        id=ids.SETTINGS_ADMIN,
        style={"display": "none"},
    )
    return html.Div(
        [
            page_header("Settings", "Your account, and the app for administrators."),
            dbc.Row([dbc.Col(password, md=6), dbc.Col(admin, md=6)], className="g-4"),
        ]
    )
