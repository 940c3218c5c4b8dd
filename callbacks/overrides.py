"""Models page, Overrides card: change forecast values with reasons; value added."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from services import (
    accuracy,
    forecasts,
    override_edits,
    override_totals,
    overrides,
    users,
)
from services.errors import NotFoundError, ServiceError
from services.figures import for_people, forecast_chart
from services.forecasts import ForecastInfo
from services.overrides import OverrideChange


def _chart(
    user_id: int, info: ForecastInfo, points: pl.DataFrame, series: str | None
) -> go.Figure:
    """The Models page's forecast chart, as ``callbacks.models`` draws it."""
    title = f"{info.target}: {info.horizon} steps ahead with {info.model_name}"
    chart = forecast_chart(forecasts.history(user_id, info), points, title, series)
    return for_people(chart, users.number_style(user_id))


@callback(
    Output(ids.OVERRIDES_TABLE, "data"),
    Output(ids.OVERRIDES_FROM, "options"),
    Output(ids.OVERRIDES_TO, "options"),
    Input(ids.MODELS_SERIES, "value"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
    Input(ids.OVERRIDES_SAVED_STORE, "data"),
)
def fill_table(
    series: str | None, ref: dict[str, Any] | None, _saved: int | None
) -> tuple[Any, ...]:
    """The shown series' steps with their statistical and current values."""
    if not ref:
        return [], [], []
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
    except NotFoundError as exc:
        raise PreventUpdate from exc
    rows = override_edits.table_rows(
        forecasts.forecast_points(user_id, info.id), series
    )
    steps = [{"label": r["when"], "value": r["step"]} for r in rows]
    return rows, steps, steps


SAVED = (
    Output(ids.OVERRIDES_ALERT, "children", allow_duplicate=True),
    Output(ids.OVERRIDES_SAVED_STORE, "data", allow_duplicate=True),
    Output(ids.MODELS_GRAPH, "figure", allow_duplicate=True),
)
SHOWN = (
    State(ids.MODELS_SERIES, "value"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    State(ids.OVERRIDES_SAVED_STORE, "data"),
)


def _save(
    changes: Callable[[], list[OverrideChange]],
    series: str | None,
    ref: dict[str, Any] | None,
    saved: int | None,
) -> tuple[Any, ...]:
    """Save the changes; an alert says how many, and the chart marks them."""
    if not ref:
        raise PreventUpdate
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
        wanted = changes()
        if not wanted:
            return _alert("Nothing changed.", "info"), no_update, no_update
        count = overrides.set_overrides(user_id, info.id, wanted)
    except ServiceError as exc:
        return _alert(exc.message, "warning"), no_update, no_update
    said = f"Saved {count} {'change' if count == 1 else 'changes'}."
    points = forecasts.forecast_points(user_id, info.id)
    totals = override_totals.totals_note(points, info.request.get("hierarchy"))
    return (
        _alert(f"{said} {totals}", "warning") if totals else _alert(said, "success"),
        (saved or 0) + 1,
        _chart(user_id, info, points, series),
    )


def _alert(text: str, color: str) -> dbc.Alert:
    return dbc.Alert(text, color=color, className="py-2")


@callback(
    *SAVED,
    Input(ids.OVERRIDES_SAVE, "n_clicks"),
    State(ids.OVERRIDES_TABLE, "data"),
    *SHOWN,
    prevent_initial_call=True,
)
def save_table(
    _clicks: int | None,
    rows: list[dict[str, Any]] | None,
    series: str | None,
    ref: dict[str, Any] | None,
    saved: int | None,
) -> tuple[Any, ...]:
    """Save the values and reasons typed in the table."""
    return _save(
        lambda: override_edits.table_changes(rows or [], series), series, ref, saved
    )


@callback(
    *SAVED,
    Input(ids.OVERRIDES_PERCENT_APPLY, "n_clicks"),
    State(ids.OVERRIDES_TABLE, "data"),
    State(ids.OVERRIDES_FROM, "value"),
    State(ids.OVERRIDES_TO, "value"),
    State(ids.OVERRIDES_PERCENT, "value"),
    State(ids.OVERRIDES_PERCENT_REASON, "value"),
    *SHOWN,
    prevent_initial_call=True,
)
def apply_percent(
    _clicks: int | None,
    rows: list[dict[str, Any]] | None,
    first: str | None,
    last: str | None,
    percent: float | None,
    reason: str | None,
    series: str | None,
    ref: dict[str, Any] | None,
    saved: int | None,
) -> tuple[Any, ...]:
    """Change the chosen range of steps by a percentage, with one reason."""
    return _save(
        lambda: override_edits.percent_changes(
            rows or [], series, first, last, percent, reason
        ),
        series,
        ref,
        saved,
    )


@callback(
    Output(ids.TRACK_OVERRIDES, "children"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
    Input(ids.OVERRIDES_SAVED_STORE, "data"),
)
def show_value_added(ref: dict[str, Any] | None, _saved: int | None) -> Any:
    """Whether the overrides helped, once actual values are known."""
    if not ref:
        return None
    user_id = int(current_user.id)
    try:
        found = accuracy.accuracy(
            user_id, ref["forecast_id"], users.number_style(user_id)
        )
    except ServiceError:
        return None
    if found.overrides is None:
        return None
    return html.Div(
        [html.I(className="bi bi-pencil-square me-1"), found.overrides.message],
        className="small",
        id="track-overrides-text",
    )
