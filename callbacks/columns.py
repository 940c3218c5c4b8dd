"""Columns page: show the recognised choices and save the user's corrections."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.upload import current_dataset
from components import ids
from components.summaries import dataset_line, no_dataset_alert
from components.tables import value_kind
from services import datasets, users
from services.datasets import DatasetInfo
from services.errors import ServiceError
from services.numbers import format_number
from services.profiling import ROLES

ROLE_HELP = {
    "time": "dates or times",
    "numeric": "numbers to forecast or use",
    "categorical": "a few repeated labels",
    "identifier": "a code per row",
    "boolean": "yes / no",
    "text": "free text",
    "empty": "no values",
    "constant": "one value only",
}


def _roles_table(info: DatasetInfo) -> Any:
    options = [{"label": f"{r} — {ROLE_HELP[r]}", "value": r} for r in ROLES]
    style = users.number_style(int(current_user.id))
    rows = [
        html.Tr(
            [
                html.Td(html.Strong(c.name)),
                html.Td(
                    dcc.Dropdown(
                        id={"type": ids.COLUMNS_ROLE, "column": c.name},
                        options=options,
                        value=c.role,
                        clearable=False,
                    ),
                    style={"minWidth": "16rem"},
                ),
                html.Td(
                    "changed" if c.role != c.detected_role else "as recognised",
                    className="small text-secondary",
                ),
                html.Td(value_kind(c.dtype), className="text-secondary", title=c.dtype),
                html.Td(format_number(c.missing, style)),
                html.Td(", ".join(c.examples), className="small text-secondary"),
            ]
        )
        for c in info.profile.columns
    ]
    head = html.Thead(
        html.Tr(
            # an empty header names nothing: a plain cell instead
            [
                html.Th(h) if h else html.Td()
                for h in ("Column", "Role", "", "Type", "Missing", "Examples")
            ]
        )
    )
    return dbc.Table(
        [head, html.Tbody(rows)],
        hover=True,
        responsive=True,
        className="mb-0 align-middle",
    )


def _choices(info: DatasetInfo) -> tuple[Any, ...]:
    p = info.profile
    times = [c.name for c in p.columns if c.dtype.startswith(("Date", "Datetime"))]
    keys = [
        c.name for c in p.columns if c.role in ("categorical", "identifier", "text")
    ]
    text = dataset_line(info, style=users.number_style(int(current_user.id)))
    return (
        text,
        times,
        p.time_column,
        p.target_candidates,
        p.target,
        sorted({*keys, *p.series_id_columns}),
        p.series_id_columns,
        _roles_table(info),
        False,
    )


@callback(
    Output(ids.COLUMNS_DATASET_TEXT, "children"),
    Output(ids.COLUMNS_TIME, "options"),
    Output(ids.COLUMNS_TIME, "value"),
    Output(ids.COLUMNS_TARGET, "options"),
    Output(ids.COLUMNS_TARGET, "value"),
    Output(ids.COLUMNS_SERIES, "options"),
    Output(ids.COLUMNS_SERIES, "value"),
    Output(ids.COLUMNS_ROLES, "children"),
    Output(ids.COLUMNS_SAVE_BUTTON, "disabled"),
    Input(ids.DATASET_STORE, "data"),
)
def show_choices(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """The dataset's column choices as saved (or as recognised)."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return (
            no_dataset_alert(),
            [],
            None,
            [],
            None,
            [],
            [],
            None,
            True,
        )
    return _choices(info)


@callback(
    Output(ids.COLUMNS_ALERT, "children"),
    Output(ids.COLUMNS_ROLES, "children", allow_duplicate=True),
    Output(ids.COLUMNS_TARGET, "options", allow_duplicate=True),
    Input(ids.COLUMNS_SAVE_BUTTON, "n_clicks"),
    State(ids.DATASET_STORE, "data"),
    State(ids.COLUMNS_TIME, "value"),
    State(ids.COLUMNS_TARGET, "value"),
    State(ids.COLUMNS_SERIES, "value"),
    State({"type": ids.COLUMNS_ROLE, "column": ALL}, "value"),
    State({"type": ids.COLUMNS_ROLE, "column": ALL}, "id"),
    prevent_initial_call=True,
)
def save_choices(
    _clicks: int,
    ref: dict[str, Any] | None,
    time: str | None,
    target: str | None,
    series: list[str] | None,
    roles: list[str],
    role_ids: list[dict[str, str]],
) -> tuple[Any, ...]:
    """Save the choices; the app re-reads the dataset with them."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        raise PreventUpdate
    changes = {
        "roles": {i["column"]: r for i, r in zip(role_ids, roles, strict=True)},
        "time_column": time,
        "target": target,
        "series_id_columns": series or [],
    }
    try:
        saved = datasets.update_columns(int(current_user.id), info.id, changes)
    except ServiceError as exc:
        return (
            dbc.Alert(exc.message, color="danger"),
            _roles_table(info),
            info.profile.target_candidates,
        )
    message = dbc.Alert(
        [
            html.I(className="bi bi-check-circle me-2"),
            "Saved. ",
            html.A("Forecast it", href="/models"),
            ".",
        ],
        color="success",
    )
    return message, _roles_table(saved), saved.profile.target_candidates
