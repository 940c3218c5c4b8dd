"""The Settings page's parts: password, number format, API tokens, admin and System."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from components.sessions import sign_out_someone
from services.numbers import NumberStyle, format_number, format_percent
from services.system import SystemStatus
from services.users import PASSWORD_RULE, TokenInfo


def _card(*children: object) -> dbc.Card:
    # As tall as its neighbours: the page's grid lines the cards up in rows.
    return dbc.Card(dbc.CardBody(list(children)), className="shadow-sm h-100")


def _password(label: str, id_: str, autocomplete: str, hint: str = "") -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=id_),
            dbc.Input(id=id_, type="password", autocomplete=autocomplete),
            dbc.FormText(hint) if hint else None,
        ],
        className="mb-2",
    )


def password_card() -> dbc.Card:
    """Change your own password."""
    return _card(
        html.H2("Change password", className="h5"),
        _password("Current password", ids.SETTINGS_OLD_PASSWORD, "current-password"),
        _password(
            "New password", ids.SETTINGS_NEW_PASSWORD, "new-password", PASSWORD_RULE
        ),
        _password(
            "Repeat the new password", ids.SETTINGS_CONFIRM_PASSWORD, "new-password"
        ),
        dbc.Button(
            "Change password",
            id=ids.SETTINGS_PASSWORD_BUTTON,
            color="primary",
            className="mt-2",
        ),
        html.Div(id=ids.SETTINGS_PASSWORD_ALERT, className="mt-3"),
    )


def number_format_card() -> dbc.Card:
    """How numbers are written to you; a callback marks your choice and saves it."""
    return _card(
        html.H2("Number format", className="h5"),
        html.P(
            "How the pages and your PDF reports write numbers. Downloads for "
            "spreadsheets keep numbers as numbers.",
            className="small text-secondary",
        ),
        dbc.RadioItems(
            id=ids.SETTINGS_NUMBER_FORMAT,
            options=[
                {"label": style.label, "value": style.value} for style in NumberStyle
            ],
        ),
        html.Div(id=ids.SETTINGS_NUMBER_EXAMPLE, className="small mt-2"),
        html.Div(id=ids.SETTINGS_NUMBER_ALERT, className="mt-3"),
    )


def number_example(style: NumberStyle) -> str:
    """What numbers look like in ``style``: a large one, a small one, a percentage."""
    return (
        f"For example: {format_number(1234567.8, style, digits=1)} · "
        f"{format_number(0.25, style)} · {format_percent(8.5, style)}"
    )


def tokens_card() -> dbc.Card:
    """Your API tokens: make one, see them, revoke them."""
    return _card(
        html.H2("API tokens", className="h5"),
        html.P(
            "A token lets a program or script use Forecast Studio as you, through the "
            "API (Authorization: Bearer <token>). Revoke one you no longer use.",
            className="small text-secondary",
        ),
        dbc.Label("What the token is for", html_for=ids.SETTINGS_TOKEN_NAME),
        dbc.InputGroup(
            [
                dbc.Input(
                    id=ids.SETTINGS_TOKEN_NAME,
                    placeholder="e.g. monthly report script",
                    maxLength=80,
                ),
                dbc.Button(
                    "Create token", id=ids.SETTINGS_TOKEN_CREATE, color="primary"
                ),
            ]
        ),
        html.Div(id=ids.SETTINGS_TOKEN_NEW, className="mt-3"),
        html.Div(id=ids.SETTINGS_TOKENS, className="mt-3"),
    )


def new_token(token: str, name: str) -> dbc.Alert:
    """A token just made, shown this once, with a copy button."""
    return dbc.Alert(
        [
            html.Div(f"Your new token “{name}”. Copy it now: it is not shown again."),
            html.Div(
                [
                    html.Code(token, id=ids.SETTINGS_TOKEN_VALUE, className="me-2"),
                    dcc.Clipboard(
                        id=ids.SETTINGS_TOKEN_COPY,
                        target_id=ids.SETTINGS_TOKEN_VALUE,
                        title="Copy the token",
                        className="btn btn-sm btn-outline-secondary",
                    ),
                ],
                className="d-flex align-items-center flex-wrap mt-2",
            ),
        ],
        color="success",
        className="mb-0",
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def tokens_table(tokens: list[TokenInfo]) -> html.Div | dbc.Table:
    """The user's tokens: name, created, last used, and a Revoke button each."""
    if not tokens:
        return html.P("You have no API tokens.", className="small text-secondary")
    rows = [
        html.Tr(
            [
                html.Td(t.name),
                html.Td(_when(t.created_at)),
                html.Td(_when(t.last_used_at)),
                html.Td(
                    dbc.Button(
                        "Revoke",
                        id={"type": ids.SETTINGS_TOKEN_REVOKE, "token": t.id},
                        title=f"Revoke “{t.name}”",
                        size="sm",
                        color="outline-danger",
                    )
                ),
            ]
        )
        for t in tokens
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h) if h else html.Td()  # an empty header names nothing
                for h in ("Name", "Created", "Last used", "")
            ]
        )
    )
    return dbc.Table([head, html.Tbody(rows)], size="sm", className="mb-0")


def admin_card() -> html.Div:
    """Users and registration (hidden until a callback finds an administrator)."""
    return html.Div(
        _card(
            html.H2("Administration", className="h5"),
            dbc.Switch(
                id=ids.SETTINGS_REGISTRATION,
                label="Anyone may create an account",
                value=True,
            ),
            html.H3("Users", className="h6 mt-3"),
            html.Div(id=ids.SETTINGS_USERS),
            sign_out_someone(),
        ),
        id=ids.SETTINGS_ADMIN,
        className="h-100",
        style={"display": "none"},
    )


def system_section() -> html.Div:
    """The System section's frame; a callback fills it for administrators only."""
    return html.Div(
        _card(
            html.H2("System", className="h5"),
            html.P(
                "How this installation is set up. Only administrators see this.",
                className="small text-secondary",
            ),
            html.Div(id=ids.SETTINGS_SYSTEM_BODY),
        ),
        id=ids.SETTINGS_SYSTEM,
        className="h-100",
        style={"display": "none"},
    )


def _models(status: SystemStatus) -> list[object]:
    ready = [m.name for m in status.models if m.ready]
    missing = [
        html.Li([html.Strong(m.name + ": "), m.instructions], className="mb-1")
        for m in status.missing
    ]
    return [
        html.H3("Models", className="h6"),
        html.P(f"Set up: {', '.join(ready) or 'none'}.", className="small"),
        html.Div(
            [html.P("Not set up yet:", className="mb-1"), html.Ul(missing)],
            className="small",
            id="settings-system-missing",
        )
        if missing
        else html.P("Every model is set up.", className="small"),
    ]


def _tracking(status: SystemStatus) -> list[object]:
    link = (
        html.A(
            [html.I(className="bi bi-box-arrow-up-right me-1"), "Open the MLflow UI"],
            href=status.mlflow_ui_url,
            target="_blank",
            rel="noopener",
            id="settings-system-mlflow-link",
        )
        if status.mlflow_ui_url
        else "No MLflow UI address is set (MLFLOW_UI_URL): run `make mlflow-ui` on "
        "this store and set it to show a link here."
    )
    return [
        html.H3("Experiments (MLflow)", className="h6 mt-3"),
        html.P(
            ["Tracking store: ", html.Code(status.tracking_uri)], className="small mb-1"
        ),
        html.P(link, className="small"),
    ]


def _workers(status: SystemStatus) -> list[object]:
    rows = [
        html.Tr(
            [
                html.Td(job.kind),
                html.Td(_when(job.started_at)),
                html.Td(f"{job.host or '—'} · {job.pid or '—'}"),
                html.Td(_when(job.heartbeat_at)),
                html.Td(
                    dbc.Badge("late", color="warning")
                    if job.late
                    else dbc.Badge("alive", color="success")
                ),
            ]
        )
        for job in status.running
    ]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Job", "Started", "Host · process", "Heartbeat", "State")
            ]
        )
    )
    return [
        html.H3("Job workers", className="h6 mt-3"),
        html.P(
            f"Backend: {status.job_backend} (JOB_BACKEND). Workers per web "
            f"process: {status.job_workers} (JOB_WORKERS). Jobs now: "
            f"{len(status.running)} running, {status.queued} queued. A running job "
            f"is late after {status.heartbeat_timeout_s:g} s without a heartbeat "
            "(JOB_HEARTBEAT_TIMEOUT_S).",
            className="small",
            id="settings-system-jobs",
        ),
        dbc.Table([head, html.Tbody(rows)], size="sm", className="mb-0")
        if rows
        else None,
    ]


def system_view(status: SystemStatus) -> html.Div:
    """Models, the experiment store and the job workers, for administrators."""
    return html.Div(_models(status) + _tracking(status) + _workers(status))
