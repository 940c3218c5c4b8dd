"""Models page, What if: edit the drivers' future values, compare a scenario."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, callback, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.scenarios import differences_table, grid
from services import forecasts, jobs, scenarios, users
from services.errors import NotFoundError, ServiceError
from services.figures import for_people
from services.reports.scenario import comparison_chart

HIDDEN = {"display": "none"}


def _baseline_of(ref: dict[str, Any] | None) -> forecasts.ForecastInfo | None:
    """The shown forecast's baseline (itself, unless it is a scenario)."""
    if not ref:
        return None
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
        return forecasts.get_forecast(user_id, info.baseline_id or info.id)
    except NotFoundError:
        return None


@callback(
    Output(ids.SCENARIO_REASON, "children"),
    Output(ids.SCENARIO_EDITOR, "style"),
    Output(ids.SCENARIO_GRID, "data"),
    Output(ids.SCENARIO_GRID, "columns"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
)
def fill_card(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """The drivers' future values to edit, or the plain reason why there are none."""
    info = _baseline_of(ref)
    if info is None:
        return None, HIDDEN, [], []
    try:
        rows, columns = grid(scenarios.future_drivers(int(current_user.id), info.id))
    except ServiceError as exc:
        return html.P(exc.message, className="text-secondary mb-0"), HIDDEN, [], []
    return None, {}, rows, columns


@callback(
    Output(ids.SCENARIO_JOB_STORE, "data"),
    Output(ids.SCENARIO_POLL, "disabled"),
    Output(ids.SCENARIO_STATUS, "children"),
    Input(ids.SCENARIO_COMPARE, "n_clicks"),
    State(ids.SCENARIO_GRID, "data"),
    State(ids.SCENARIO_NAME, "value"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    prevent_initial_call=True,
)
def compare(
    _clicks: int | None, rows: list[dict[str, Any]], name: str | None, ref: Any
) -> tuple[Any, bool, Any]:
    """Queue the scenario with every value of the grid (unchanged ones included)."""
    info = _baseline_of(ref)
    if info is None or not rows:
        raise PreventUpdate
    drivers = [c for c in rows[0] if c not in ("series", "time")]
    if not all(scenarios.is_finite(r.get(d)) for r in rows for d in drivers):
        return None, True, dbc.Alert("Every driver value must be a number.", "warning")
    values = {
        d: [
            {"series": r.get("series"), "time": r["time"], "value": float(r[d])}
            for r in rows
        ]
        for d in drivers
    }
    try:
        job = scenarios.create_scenario(
            int(current_user.id), info.id, (name or "").strip(), values
        )
    except ServiceError as exc:
        return None, True, dbc.Alert(exc.message, color="warning")
    return {"job_id": job.id, "baseline_id": info.id}, False, "Forecasting again…"


@callback(
    Output(ids.SCENARIO_RESULT_STORE, "data"),
    Output(ids.SCENARIO_POLL, "disabled", allow_duplicate=True),
    Output(ids.SCENARIO_STATUS, "children", allow_duplicate=True),
    Input(ids.SCENARIO_POLL, "n_intervals"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
    State(ids.SCENARIO_JOB_STORE, "data"),
    prevent_initial_call=True,
)
def follow(_n: int | None, ref: Any, job_ref: dict[str, Any] | None) -> tuple:
    """The scenario to show: the shown forecast if it is one, else the job's."""
    info = _baseline_of(ref)
    if info is None:
        return None, True, None
    if ref["forecast_id"] != info.id:  # a scenario is shown: compare it
        return {"forecast_id": ref["forecast_id"]}, True, None
    if not job_ref or job_ref.get("baseline_id") != info.id:
        return None, True, None
    try:
        job = jobs.get_job(int(current_user.id), job_ref["job_id"])
    except NotFoundError:
        return None, True, None
    if job.status in ("queued", "running"):
        return None, False, f"Forecasting again… {job.message}"
    if job.status != "succeeded" or not job.result_ref:
        return None, True, dbc.Alert(job.error or job.message, color="warning")
    return {"forecast_id": job.result_ref}, True, None


@callback(
    Output(ids.SCENARIO_GRAPH, "figure"),
    Output(ids.SCENARIO_GRAPH, "style"),
    Output(ids.SCENARIO_TABLE, "children"),
    Input(ids.SCENARIO_RESULT_STORE, "data"),
    Input(ids.MODELS_SERIES, "value"),
)
def draw(result: dict[str, Any] | None, series: str | None) -> tuple[Any, Any, Any]:
    """The scenario and its baseline side by side, and the differences per step."""
    if not result:
        return go.Figure(), HIDDEN, None
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, result["forecast_id"])
        compared = scenarios.comparison(user_id, info.id)
        base = forecasts.get_forecast(user_id, str(info.baseline_id))
    except ServiceError:
        return go.Figure(), HIDDEN, None
    if series is None and compared["series"].null_count() < compared.height:
        series = compared["series"][0]
    style = users.number_style(user_id)
    title = f"{info.target}: scenario “{info.scenario}” vs the baseline"
    chart = comparison_chart(
        forecasts.history(user_id, base), compared, str(info.scenario), series, title
    )
    table = differences_table(compared, series, style)
    return for_people(chart, style), {}, table
