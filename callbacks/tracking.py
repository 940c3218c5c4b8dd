"""Models page, Track card: accuracy so far, refresh, automatic refresh, note, share."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.sharing import make_link
from components import ids
from components.tracking import history_table, note_text, verdict_text
from services import accuracy, accuracy_cache, forecasts, refresh, users
from services.errors import NotFoundError, ServiceError
from services.figures import for_people, tracking_chart

# The refreshes whose realised error the history shows: the newest ones.
HISTORY_ROWS = 10


def _alert(exc: ServiceError) -> dbc.Alert:
    return dbc.Alert(exc.message, color="warning", className="py-2")


@callback(
    Output(ids.TRACK_VERDICT, "children"),
    Output(ids.TRACK_GRAPH, "figure"),
    Output(ids.TRACK_HISTORY, "children"),
    Output(ids.TRACK_AUTO_SWITCH, "value"),
    Output(ids.TRACK_NOTE_INPUT, "value"),
    Output(ids.TRACK_NOTE_TEXT, "children"),
    Output(ids.TRACK_ALERT, "children"),
    Output(ids.TRACK_VIEW, "style"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
    Input(ids.MODELS_SERIES, "value"),
    Input(ids.TRACK_VIEW, "value"),
)
def show_track(
    ref: dict[str, Any] | None, series: str | None, view: str | None
) -> tuple[Any, ...]:
    """The verdict, the forecast against the actuals (of the chosen series or of
    all added up) and the refresh history."""
    hidden = {"display": "none"}
    if not ref:
        return None, go.Figure(), None, False, "", None, None, hidden
    user_id = int(current_user.id)
    style = users.number_style(user_id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
        found = accuracy_cache.accuracy(user_id, info.id, style)
        entries = refresh.refresh_history(user_id, info.id)[-HISTORY_ROWS:]
    except NotFoundError as exc:
        raise PreventUpdate from exc
    except ServiceError as exc:
        return None, go.Figure(), None, no_update, no_update, None, _alert(exc), hidden
    realised = {info.id: found.overall.mase if found.overall.n else None}
    for entry in entries:
        if entry.id not in realised:
            try:
                scores = accuracy_cache.accuracy(user_id, entry.id, style).overall
            except ServiceError:
                scores = accuracy.Scores(n=0)
            realised[entry.id] = scores.mase if scores.n else None
    several = found.points["series"].n_unique() > 1
    total = several and view == "total"
    title = f"{info.target}{' (all series)' if total else ''}: forecast and actuals"
    chart = tracking_chart(found.points, title, None if total else series)
    chart = for_people(chart, style)
    return (
        verdict_text(found.verdict.message, found.overall.n > 0),
        chart,
        history_table(entries, realised, info.id, style),
        info.auto_refresh,
        info.note or "",
        note_text(info.note),
        None,
        {} if several else hidden,
    )


@callback(
    Output(ids.TRACK_SHARE_BOX, "children"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
)
def forget_link(_ref: dict[str, Any] | None) -> None:
    """Another forecast shown: the link made for the one before is not offered."""
    return None


@callback(
    Output(ids.MODELS_JOB_STORE, "data", allow_duplicate=True),
    Output(ids.TRACK_ALERT, "children", allow_duplicate=True),
    Input(ids.TRACK_REFRESH_BUTTON, "n_clicks"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    prevent_initial_call=True,
)
def start_refresh(_clicks: int | None, ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """Queue the shown forecast's refresh and follow it like any forecast run."""
    if not ref:
        raise PreventUpdate
    try:
        job = refresh.submit_refresh(int(current_user.id), ref["forecast_id"])
    except ServiceError as exc:
        return no_update, _alert(exc)
    return {"job_id": job.id}, None


@callback(
    Output(ids.TRACK_ALERT, "children", allow_duplicate=True),
    Input(ids.TRACK_AUTO_SWITCH, "value"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    prevent_initial_call=True,
)
def set_auto_refresh(on: bool | None, ref: dict[str, Any] | None) -> Any:
    """Keep whether adding data refreshes the shown forecast."""
    if not ref or on is None:
        raise PreventUpdate
    try:
        refresh.update_forecast(
            int(current_user.id), ref["forecast_id"], auto_refresh=bool(on)
        )
    except ServiceError as exc:
        return _alert(exc)
    return None


@callback(
    Output(ids.TRACK_NOTE_TEXT, "children", allow_duplicate=True),
    Output(ids.TRACK_ALERT, "children", allow_duplicate=True),
    Input(ids.TRACK_NOTE_SAVE, "n_clicks"),
    State(ids.TRACK_NOTE_INPUT, "value"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    prevent_initial_call=True,
)
def save_note(
    _clicks: int | None, note: str | None, ref: dict[str, Any] | None
) -> tuple[Any, Any]:
    """Keep the note (an empty one removes it) and show it."""
    if not ref:
        raise PreventUpdate
    try:
        info = refresh.update_forecast(
            int(current_user.id), ref["forecast_id"], note=note or ""
        )
    except ServiceError as exc:
        return no_update, _alert(exc)
    return note_text(info.note), None


@callback(
    Output(ids.TRACK_SHARE_BOX, "children", allow_duplicate=True),
    Output(ids.TRACK_ALERT, "children", allow_duplicate=True),
    Input(ids.TRACK_SHARE_BUTTON, "n_clicks"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    prevent_initial_call=True,
)
def share(_clicks: int | None, ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """Make a 30-day read-only link to the shown forecast and show its address."""
    forecast_id = ref.get("forecast_id") if ref else None
    return make_link(forecast_id, ids.TRACK_SHARE_URL, ids.TRACK_SHARE_COPY)


@callback(
    Output(ids.MODELS_FORECAST_STORE, "data", allow_duplicate=True),
    Input({"type": ids.TRACK_OPEN, "forecast": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def open_from_history(clicked: list[int | None]) -> Any:
    """Show another forecast of the refresh history (looked up as the user's)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicked):
        raise PreventUpdate
    try:
        info = forecasts.get_forecast(int(current_user.id), trigger["forecast"])
    except NotFoundError as exc:
        raise PreventUpdate from exc
    return {"forecast_id": info.id}
