"""Explore page: analyse the chosen series, show its parts, tests and features."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, callback, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.upload import current_dataset
from components import explore, figures, ids
from components.glossary import term
from components.summaries import dataset_line, no_dataset_alert
from services import (
    analysis,
    datasets,
    features,
    jobs,
    series_input,
    stored_analyses,
    users,
)
from services.errors import ServiceError
from services.figures import for_people
from services.numbers import NumberStyle, format_number

EMPTY = go.Figure()
HIDE = {"display": "none"}


@callback(
    Output(ids.EXPLORE_DATASET_TEXT, "children"),
    Output(ids.EXPLORE_TARGET, "options"),
    Output(ids.EXPLORE_TARGET, "value"),
    Output(ids.EXPLORE_SERIES, "options"),
    Output(ids.EXPLORE_SERIES, "value"),
    Input(ids.DATASET_STORE, "data"),
)
def choose_series(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """The dataset's numeric columns and series."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return no_dataset_alert(), [], None, [], None
    p = info.profile
    names: list[str] = []
    if p.series_id_columns:
        frame = datasets.open_version(int(current_user.id), info.id)
        label = frame.select(*p.series_id_columns).unique(maintain_order=True)
        names = [" / ".join(str(v) for v in row) for row in label.iter_rows()]
    text = dataset_line(info, style=users.number_style(int(current_user.id)))
    return (text, p.target_candidates, p.target, names, names[0] if names else None)


@callback(
    Output(ids.EXPLORE_SUMMARY, "children"),
    Output(ids.EXPLORE_DECOMPOSITION, "figure"),
    Output(ids.EXPLORE_STATIONARITY, "children"),
    Output(ids.EXPLORE_SUGGESTION_STORE, "data"),
    Output(ids.EXPLORE_ACF, "figure"),
    Output(ids.EXPLORE_SEASONAL, "figure"),
    Output(ids.EXPLORE_BOX, "figure"),
    Output(ids.EXPLORE_PERIOD, "options"),
    Output(ids.EXPLORE_USE_TRANSFORM, "children"),
    Output(ids.EXPLORE_USE_TRANSFORM, "disabled"),
    Output(ids.EXPLORE_FULL_ROW, "style"),
    Input(ids.EXPLORE_TARGET, "value"),
    Input(ids.EXPLORE_SERIES, "value"),
    Input(ids.EXPLORE_METHOD, "value"),
    Input(ids.EXPLORE_PERIOD, "value"),
    Input(ids.EXPLORE_TRANSFORM, "value"),
    Input(ids.EXPLORE_FULL_RESULT, "data"),
    State(ids.DATASET_STORE, "data"),
)
def show_analysis(
    target: str | None,
    series: str | None,
    method: str,
    period: int | None,
    transform: str,
    full: dict[str, Any] | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """Analyse the series (a recent window when it is long) and show every part.

    A finished full analysis of the same series, default settings, is shown instead.
    """
    info = current_dataset(int(current_user.id), ref)
    if info is None or not target:
        raise PreventUpdate
    user_id = int(current_user.id)
    style = users.number_style(user_id)
    try:
        wanted = {"dataset_id": info.id, "target": target, "series": series}
        if (
            full
            and {k: full.get(k) for k in wanted} == wanted
            and (method, period, transform) == ("stl", None, "none")
        ):
            result = stored_analyses.load_analysis(user_id, full["analysis_id"])
        else:
            result = analysis.analyse_dataset(
                user_id,
                info.id,
                target,
                None,
                series,
                method,
                period,  # type: ignore[arg-type]
                transform=transform,
            )
        data, frequency = series_input.dataset_series(user_id, info.id, target, series)
    except ServiceError as exc:
        alert = dbc.Alert(exc.message, color="warning")
        return alert, EMPTY, None, None, EMPTY, EMPTY, EMPTY, [], "—", True, HIDE
    strengths = html.Div(
        [
            _strength("Trend", "trend", result.trend_strength, style),
            _strength("Pattern", "seasonality", result.seasonal_strength, style),
        ],
        className="d-flex gap-3 mb-2",
    )
    d = result.decomposition
    parts = (
        {
            "observed": d.observed,
            "trend": d.trend,
            "seasonal": d.seasonal,
            "remainder": d.remainder,
        }
        if d
        else {}
    )
    decomposition = figures.decomposition_chart(d.time, parts, d.method) if d else EMPTY
    acf = (
        figures.autocorrelation_chart(result.acf, result.pacf, result.confidence_band)
        if result.acf and result.confidence_band
        else EMPTY
    )
    seasonal, boxes = figures.seasonal_chart(
        data.tail(5000), frequency.unit if frequency else None
    )
    periods = [{"label": str(s), "value": s} for s in result.season_lengths]
    suggestion = result.suggested_transform
    button = (
        f"Forecast with {suggestion} by default"
        if suggestion != "none"
        else "No transform needed"
    )
    return (
        explore.verdict(result),
        for_people(decomposition, style),
        html.Div([strengths, _verdict(result, style)]),
        suggestion,
        for_people(acf, style),
        for_people(seasonal, style),
        for_people(boxes, style),
        periods,
        button,
        suggestion == "none",
        {} if result.analysed_points < result.points else HIDE,
    )


def _strength(
    label: str, key: str, value: float | None, style: NumberStyle
) -> html.Div:
    shown = format_number(value, style, digits=2)
    return html.Div(
        [
            term(label, key),
            " ",
            term("strength", "strength", id_prefix=f"explore-{key}"),
            f": {shown}",
        ],
        className="small",
    )


def _verdict(result: analysis.Analysis, style: NumberStyle) -> Any:
    if result.stationarity is None:
        return html.P("Too short for the tests.", className="text-secondary")
    rows = (
        ("around a fixed level", result.adf, result.kpss, ""),
        ("around a straight-line trend", result.adf_trend, result.kpss_trend, "t-"),
    )
    numbers = html.Ul(
        [
            html.Li(
                [
                    f"Tested {words}: ",
                    term("ADF", "adf", id_prefix=f"explore-{prefix}adf"),
                    f" {format_number(adf.statistic, style, digits=2)} (",
                    term("p-value", "pvalue", id_prefix=f"explore-{prefix}adf-p"),
                    f" {format_number(adf.pvalue, style, digits=3)}), ",
                    term("KPSS", "kpss", id_prefix=f"explore-{prefix}kpss"),
                    f" {format_number(kpss.statistic, style, digits=2)} (",
                    term("p-value", "pvalue", id_prefix=f"explore-{prefix}kpss-p"),
                    f" {format_number(kpss.pvalue, style, digits=3)})",
                ]
            )
            for words, adf, kpss, prefix in rows
            if adf and kpss
        ],
        className="small text-secondary",
    )
    return html.Div(
        [
            html.H2(
                result.stationarity.replace("-", " ").capitalize(),
                id="explore-verdict",
                className="h5",
            ),
            numbers,
        ]
    )


@callback(
    Output(ids.EXPLORE_ALERT, "children"),
    Input(ids.EXPLORE_USE_TRANSFORM, "n_clicks"),
    State(ids.EXPLORE_SUGGESTION_STORE, "data"),
    State(ids.DATASET_STORE, "data"),
    prevent_initial_call=True,
)
def use_transform(
    clicks: int | None, transform: str | None, ref: dict[str, Any] | None
) -> Any:
    """Make the suggested transform the models' default for this dataset."""
    info = current_dataset(int(current_user.id), ref)
    if not clicks or info is None or not transform:
        raise PreventUpdate
    datasets.update_columns(int(current_user.id), info.id, {"transform": transform})
    return dbc.Alert(
        f"Forecasts of this dataset will use {transform} by default.",
        color="success",
        className="mt-2 mb-0",
    )


@callback(
    Output(ids.EXPLORE_FEATURES_GRAPH, "figure"),
    Output(ids.EXPLORE_FEATURES_TABLE, "children"),
    Input(ids.EXPLORE_TARGET, "value"),
    Input(ids.EXPLORE_SERIES, "value"),
    Input(ids.EXPLORE_COUNTRY, "value"),
    Input(ids.EXPLORE_WINDOWS, "value"),
    State(ids.DATASET_STORE, "data"),
)
def show_features(
    target: str | None,
    series: str | None,
    country: str | None,
    windows_text: str | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, Any]:
    """Lags, rolling statistics and calendar features, and how they relate."""
    info = current_dataset(int(current_user.id), ref)
    if info is None or not target:
        raise PreventUpdate
    try:
        data, frequency = series_input.dataset_series(
            int(current_user.id), info.id, target, series
        )
        windows = [
            int(w)
            for w in (windows_text or "").replace(",", " ").split()
            if w.isdigit()
        ] or None
        table = features.build_features(
            data, frequency, windows=windows, country=country
        )
    except ServiceError as exc:
        return EMPTY, dbc.Alert(exc.message, color="warning")
    preview = table.tail(8)
    style = users.number_style(int(current_user.id))
    measured = [
        c == "value" or c.startswith(("lag_", "rolling_")) for c in preview.columns
    ]
    rows = [
        html.Tr(
            [
                html.Td(
                    format_number(v, style) if m or isinstance(v, float) else str(v)
                )
                for v, m in zip(row, measured, strict=True)
            ]
        )
        for row in preview.iter_rows()
    ]
    head = explore.feature_header(preview.columns, frequency, target)
    labels = explore.feature_labels(table, frequency, target)
    return (
        for_people(
            figures.correlation_bars(features.correlations(table), labels), style
        ),
        dbc.Table(
            [head, html.Tbody(rows)], size="sm", responsive=True, className="small mb-0"
        ),
    )


@callback(
    Output(ids.EXPLORE_JOB_STORE, "data"),
    Output(ids.EXPLORE_POLL, "disabled"),
    Input(ids.EXPLORE_FULL_BUTTON, "n_clicks"),
    State(ids.EXPLORE_TARGET, "value"),
    State(ids.EXPLORE_SERIES, "value"),
    State(ids.DATASET_STORE, "data"),
    prevent_initial_call=True,
)
def start_full(
    clicks: int | None,
    target: str | None,
    series: str | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, bool]:
    """Analyse the whole series as a job; the page polls its record."""
    info = current_dataset(int(current_user.id), ref)
    if not clicks or info is None:
        raise PreventUpdate
    user_id = int(current_user.id)
    params = stored_analyses.analysis_params(user_id, info.id, target, series)
    job = jobs.submit(user_id, "analysis", params)
    return {"job_id": job.id, **params}, False


@callback(
    Output(ids.EXPLORE_FULL_STATUS, "children"),
    Output(ids.EXPLORE_POLL, "disabled", allow_duplicate=True),
    Output(ids.EXPLORE_FULL_RESULT, "data"),
    Input(ids.EXPLORE_POLL, "n_intervals"),
    State(ids.EXPLORE_JOB_STORE, "data"),
    prevent_initial_call=True,
)
def poll_full(_n: int, ref: dict[str, Any] | None) -> tuple[Any, bool, Any]:
    """Progress of the full analysis; its result replaces the quick one."""
    if not ref:
        raise PreventUpdate
    try:
        job = jobs.get_job(int(current_user.id), ref["job_id"])
    except ServiceError:
        return None, True, None
    if not job.ended:
        return f"{round(job.progress * 100)}% · {job.message}", False, no_update
    if job.status != "succeeded":
        return job.error or job.message, True, None
    done = {k: ref[k] for k in ("dataset_id", "target", "series")}
    return (
        "The whole series is analysed below.",
        True,
        {**done, "analysis_id": job.result_ref},
    )
