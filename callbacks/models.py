"""Models page: submit a forecast job, poll it, show and offer the result."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.hierarchy import hierarchy_options, level_options
from callbacks.upload import current_dataset
from components import figures, ids
from components.labels import column_options
from components.model_form import params_forms, read_params
from components.summaries import (
    dataset_line,
    no_dataset_alert,
    runs_table,
    scores_table,
)
from services import datasets, forecast_request, forecasts, jobs, quickstart, users
from services.errors import NotFoundError, ServiceError
from services.figures import for_people
from services.models import CATALOG
from services.reports import content, exports, narrative


@callback(
    Output(ids.MODELS_DATASET_TEXT, "children"),
    Output(ids.MODELS_TARGET, "options"),
    Output(ids.MODELS_TARGET, "value"),
    Output(ids.MODELS_HORIZON, "value"),
    Output(ids.MODELS_RUN_BUTTON, "disabled"),
    Output(ids.MODELS_DRIVERS, "options"),
    Output(ids.MODELS_PER_SERIES, "disabled"),
    Output(ids.MODELS_ALERT, "children", allow_duplicate=True),
    Input(ids.DATASET_STORE, "data"),
    prevent_initial_call="initial_duplicate",
)
def show_choices(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """Offer the dataset's numeric columns and a horizon that fits its frequency;
    an alert about the dataset shown before goes."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return no_dataset_alert(), [], None, 12, True, [], True, None
    p = info.profile
    transform = info.columns_config.transform
    text = dataset_line(
        info,
        html.Div(
            f"Models use the {transform} transform chosen on Explore; results stay "
            "in your units.",
            className="small text-secondary mt-1",
            id="models-transform-note",
        )
        if transform not in (None, "none")
        else None,
        change=True,
        style=users.number_style(int(current_user.id)),
    )
    horizon = quickstart.default_horizon(p)
    target = quickstart.default_target(p)
    # A flag a cleaning step made ("sales_outlier") reads as words.
    drivers = column_options(
        [
            c.name
            for c in p.columns
            if c.role in ("numeric", "boolean")
            and c.name not in (p.time_column, *p.series_id_columns)
        ],
        p.frequency,
    )
    return (
        text,
        p.target_candidates,
        target,
        horizon,
        target is None,
        drivers,
        not p.series_id_columns,
        None,
    )


@callback(
    Output(ids.MODELS_PARAMS, "children"),
    Input(ids.MODELS_SELECT, "value"),
)
def show_params(chosen: list[str] | None) -> list[Any]:
    """A settings form for each chosen model that has settings."""
    return params_forms(chosen)


@callback(
    Output(ids.MODELS_JOB_STORE, "data"),
    Output(ids.MODELS_ALERT, "children"),
    Input(ids.MODELS_RUN_BUTTON, "n_clicks"),
    Input({"type": ids.MODELS_RUN_OPEN, "job": ALL}, "n_clicks"),
    Input({"type": ids.MODELS_USE, "model": ALL}, "n_clicks"),
    State(ids.DATASET_STORE, "data"),
    State(ids.MODELS_TARGET, "value"),
    State(ids.MODELS_HORIZON, "value"),
    State(ids.MODELS_SELECT, "value"),
    State(ids.MODELS_FORECAST_STORE, "data"),
    State({"type": ids.MODELS_PARAM, "model": ALL, "param": ALL}, "value"),
    State(ids.MODELS_DRIVERS, "value"),
    State(ids.MODELS_FOLDS, "value"),
    State(ids.MODELS_METRIC, "value"),
    State(ids.MODELS_TRANSFORM, "value"),
    State(ids.MODELS_PER_SERIES, "value"),
    State(ids.MODELS_HIERARCHY_ON, "value"),
    State(ids.MODELS_HIERARCHY_COLUMNS, "value"),
    State(ids.MODELS_RECONCILIATION, "value"),
    prevent_initial_call=True,
)
def start_or_open(
    _run: int | None,
    opened: list[int | None],
    used: list[int | None],
    ref: dict[str, Any] | None,
    target: str | None,
    horizon: int | None,
    chosen: list[str] | None,
    shown: dict[str, Any] | None,
    param_values: list[Any],
    drivers: list[str] | None,
    folds: str | None,
    metric: str | None,
    transform: str | None,
    per_series: bool | None,
    hierarchy_on: bool | None = None,
    hierarchy_columns: list[str] | None = None,
    reconciliation: str | None = None,
) -> tuple[Any, Any]:
    """Submit a comparison, open a recent run, or re-run with one leaderboard row."""
    trigger = ctx.triggered_id
    user_id = int(current_user.id)
    if isinstance(trigger, dict) and trigger["type"] == ids.MODELS_RUN_OPEN:
        if not any(opened):
            raise PreventUpdate
        return {"job_id": trigger["job"]}, None
    if isinstance(trigger, dict):  # "Use" on a leaderboard row
        if not any(used) or not shown:
            raise PreventUpdate
        info = forecasts.get_forecast(user_id, shown["forecast_id"])
        dataset, target, horizon = info.dataset_id, info.target, info.horizon
        # The same run again with one model: its settings and drivers, not the form's.
        kept = info.request
        wanted = next(
            (m for m in kept.get("models") or [] if m.get("key") == trigger["model"]),
            {"key": trigger["model"]},
        )
        models: list[dict[str, Any]] | None = [wanted]
        options = {
            name: kept.get(name)
            for name in ("folds", "metric", "transform", "per_series", "drivers")
        }
        options.update(
            hierarchy_options(
                bool(kept.get("hierarchy")),
                kept.get("hierarchy"),
                kept.get("reconciliation"),
            )
        )
    else:
        if not ref or not target:
            raise PreventUpdate
        dataset = ref["dataset_id"]
        controls = next(s for s in ctx.states_list if isinstance(s, list))
        models = read_params(chosen, param_values, controls) if chosen else None
        options = {
            "folds": None if folds in (None, "auto") else int(folds),
            "metric": metric or "mase",
            "transform": None if transform in (None, "default") else transform,
            "per_series": bool(per_series),
            "drivers": [d for d in drivers or [] if d != target] or None,
            **hierarchy_options(hierarchy_on, hierarchy_columns, reconciliation),
        }
    try:
        fields = {"target": target, "horizon": int(horizon or 0), "models": models}
        wanted = forecast_request.parse({**fields, **options})
        job = forecasts.submit_forecast(user_id, dataset, wanted)
    except ServiceError as exc:
        return no_update, dbc.Alert(exc.message, color="danger")
    return {"job_id": job.id}, None


@callback(
    Output(ids.MODELS_ALERT, "children", allow_duplicate=True),
    Input(ids.MODELS_CANCEL_BUTTON, "n_clicks"),
    State(ids.MODELS_JOB_STORE, "data"),
    prevent_initial_call=True,
)
def cancel_run(_clicks: int | None, ref: dict[str, Any] | None) -> Any:
    """Ask the shown run to stop."""
    if not ref:
        raise PreventUpdate
    try:
        jobs.cancel(int(current_user.id), ref["job_id"])
    except ServiceError as exc:
        return dbc.Alert(exc.message, color="warning")
    return None


@callback(
    Output(ids.MODELS_JOB_STORE, "data", allow_duplicate=True),
    Input(ids.DATASET_STORE, "data"),
    State(ids.MODELS_JOB_STORE, "data"),
    prevent_initial_call="initial_duplicate",
)
def follow_latest_run(
    dataset: dict[str, Any] | None, ref: dict[str, Any] | None
) -> Any:
    """When the session shows no run of the current dataset, show its latest one:
    e.g. the forecast started from Home, running or finished."""
    dataset_id = dataset.get("dataset_id") if dataset else None
    if not dataset_id:
        raise PreventUpdate
    user_id = int(current_user.id)
    try:
        shown = jobs.get_job(user_id, ref["job_id"]) if ref else None
    except NotFoundError:
        shown = None
    if shown is not None and shown.params.get("dataset_id") == dataset_id:
        raise PreventUpdate
    recent = jobs.list_jobs(
        user_id, limit=1, kinds=("forecast",), dataset_id=dataset_id
    )
    if not recent:
        raise PreventUpdate
    return {"job_id": recent[0].id}


@callback(
    Output(ids.MODELS_PROGRESS, "value"),
    Output(ids.MODELS_PROGRESS, "label"),
    Output(ids.MODELS_PROGRESS, "color"),
    Output(ids.MODELS_PROGRESS, "animated"),
    Output(ids.MODELS_STATUS, "children"),
    Output(ids.MODELS_POLL, "disabled"),
    Output(ids.MODELS_CANCEL_BUTTON, "disabled"),
    Output(ids.MODELS_CANCEL_BUTTON, "style"),
    Output(ids.MODELS_PROGRESS_BOX, "style"),
    Output(ids.MODELS_FORECAST_STORE, "data"),
    Output(ids.MODELS_RUNS, "children"),
    Input(ids.MODELS_POLL, "n_intervals"),
    Input(ids.MODELS_JOB_STORE, "data"),
    Input(ids.DATASET_STORE, "data"),
)
def poll_job(
    _n: int | None, ref: dict[str, Any] | None, dataset: dict[str, Any] | None
) -> tuple[Any, ...]:
    """Read the shown run's record and the dataset's recent runs; another user's job,
    or a run of another dataset than the current one, reads as 'no run'."""
    user_id = int(current_user.id)
    dataset_id = dataset.get("dataset_id") if dataset else None
    names = {d.id: d.name for d in datasets.list_datasets(user_id)}
    recent = (
        jobs.list_jobs(user_id, limit=10, kinds=("forecast",), dataset_id=dataset_id)
        if dataset_id
        else []
    )
    runs = runs_table(recent, names)
    try:
        job = jobs.get_job(user_id, ref["job_id"]) if ref and dataset_id else None
    except NotFoundError:
        job = None
    if job is not None and job.params.get("dataset_id") != dataset_id:
        job = None  # e.g. the session's run of the dataset chosen before this one
    hidden = {"display": "none"}
    if job is None:
        return 0, "", "primary", False, "", True, True, hidden, hidden, None, runs
    percent = round(job.progress * 100)
    color = {
        "failed": "danger",
        "cancelled": "warning",
        "interrupted": "warning",
        "succeeded": "success",
    }.get(job.status, "primary")
    text = job.error or job.message if job.status != "succeeded" else "Forecast ready."
    status = html.Span([html.Strong(job.status.capitalize() + ": "), text])
    forecast_ref = (
        {"forecast_id": job.result_ref} if job.status == "succeeded" else None
    )
    return (
        percent,
        f"{percent}%",
        color,
        not job.ended,
        status,
        job.ended,
        job.ended,
        hidden if job.ended else {},
        {},
        forecast_ref,
        runs,
    )


@callback(
    Output({"type": ids.MODELS_UNAVAILABLE, "key": ALL}, "children"),
    Input(ids.URL, "pathname"),
    State({"type": ids.MODELS_UNAVAILABLE, "key": ALL}, "id"),
)
def explain_unavailable(path: str | None, shown: list[dict[str, str]]) -> list[Any]:
    """Point administrators to where the missing models' setup is explained (the
    page names no setting or folder, not even for them)."""
    if path != "/models" or not shown or not current_user.is_admin:
        raise PreventUpdate
    icon = html.I(className="bi bi-info-circle me-1")
    return [
        [
            icon,
            f"{CATALOG[s['key']].name} is not set up on this server. ",
            html.A("Settings → System", href=f"/settings#{ids.SETTINGS_SYSTEM}"),
            " says what it needs.",
        ]
        for s in shown
    ]


@callback(
    Output(ids.MODELS_RESULT, "style"),
    Output(ids.MODELS_SERIES, "options"),
    Output(ids.MODELS_SERIES, "value"),
    Output(ids.MODELS_SERIES, "style"),
    Output(ids.MODELS_DOWNLOADS, "children"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
)
def show_forecast(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """Show the finished forecast: the series choice and the downloads."""
    if not ref:
        return {"display": "none"}, [], None, {"display": "none"}, None
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
    except NotFoundError:
        return {"display": "none"}, [], None, {"display": "none"}, None
    series = (
        forecasts.forecast_points(user_id, info.id)["series"]
        .unique(maintain_order=True)
        .drop_nulls()
        .to_list()
    )
    downloads = [
        dbc.Button(
            [html.I(className=f"bi {icon} me-1"), label],
            href=f"/files/forecasts/{info.id}.{fmt}",
            external_link=True,
            color="outline-primary",
            size="sm",
            className="ms-2",
            id=f"models-download-{fmt}-link",
        )
        for fmt, label, icon in (
            ("csv", "CSV", "bi-filetype-csv"),
            ("xlsx", "Excel", "bi-file-earmark-excel"),
        )
    ]
    if len(series) > exports.inline_limit():  # its workbook is made by a job
        downloads[1] = dbc.Button(
            "Excel and PDF on the Export page",
            href="/export",
            color="link",
            size="sm",
            id="models-download-xlsx-link",
        )
    series_style = {} if series else {"display": "none"}
    return (
        {},
        level_options(info, series),
        series[0] if series else None,
        series_style,
        [html.Span("Download", className="text-secondary small"), *downloads],
    )


@callback(
    Output(ids.MODELS_GRAPH, "figure"),
    Output(ids.MODELS_BACKTEST_GRAPH, "figure"),
    Output(ids.MODELS_STEP_GRAPH, "figure"),
    Output(ids.MODELS_SCORES, "children"),
    Input(ids.MODELS_SERIES, "value"),
    Input(ids.MODELS_FORECAST_STORE, "data"),
)
def draw_forecast(
    series: str | None, ref: dict[str, Any] | None
) -> tuple[go.Figure, go.Figure, go.Figure, Any]:
    """Draw history, forecast and ranges, the backtests, and the leaderboard (of the
    chosen series when there are several)."""
    if not ref:  # nothing shown (any longer): no figures of a previous run remain
        return go.Figure(), go.Figure(), go.Figure(), None
    user_id = int(current_user.id)
    try:
        info = forecasts.get_forecast(user_id, ref["forecast_id"])
    except NotFoundError as exc:
        raise PreventUpdate from exc
    points = forecasts.forecast_points(user_id, info.id)
    if series is None and points["series"].null_count() < points.height:
        raise PreventUpdate  # the series choice arrives in a moment
    # The report's data (history, backtests, notes) and its headline, as the Export
    # page, workbook and PDF have them.
    style = users.number_style(user_id)
    data = content.collect(user_id, info.id, decompose=False, style=style)
    summary = narrative.summarise(data, style)
    scores = scores_table(info, series, summary, style, data.notes)
    title = f"{info.target}: {info.horizon} steps ahead with {info.model_name}"
    chart = for_people(
        figures.forecast_chart(data.history, points, title, series), style
    )
    backtests = data.backtests
    if backtests is None or backtests.height == 0:
        return chart, go.Figure(), go.Figure(), scores
    folds, steps = figures.backtest_charts(
        backtests, series, info.model_name, data.history
    )
    return chart, for_people(folds, style), for_people(steps, style), scores
