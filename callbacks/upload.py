"""Upload page: pick the dataset (uploaded, sample or earlier), summarise, page rows."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import figures, ids
from components.summaries import dataset_summary
from services import datasets, preview, quickstart, samples, users
from services.datasets import DatasetInfo
from services.errors import NotFoundError, ServiceError
from services.figures import for_people
from services.numbers import format_number
from services.preview_cells import preview_cells

HIDDEN = {"display": "none"}


def current_dataset(user_id: int, ref: dict[str, Any] | None) -> DatasetInfo | None:
    """The dataset the session points at, if it is (still) the user's."""
    try:
        return datasets.get_dataset(user_id, ref["dataset_id"]) if ref else None
    except NotFoundError:  # e.g. another account signed in earlier in this tab
        return None


def _latest(user_id: int) -> DatasetInfo | None:
    """The user's most recent dataset: where a new tab or session starts."""
    recent = datasets.list_datasets(user_id)
    return recent[0] if recent else None


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Input(ids.URL, "pathname"),
    State(ids.DATASET_STORE, "data"),
    prevent_initial_call="initial_duplicate",
)
def start_on_latest(_path: str | None, ref: dict[str, Any] | None) -> Any:
    """A tab that points at no dataset (or at one that is gone) takes the newest."""
    if not current_user.is_authenticated:
        raise PreventUpdate
    user_id = int(current_user.id)
    if current_dataset(user_id, ref) is not None:
        raise PreventUpdate
    latest = _latest(user_id)
    if latest is None:
        raise PreventUpdate
    return {"dataset_id": latest.id, "version_id": latest.version_id}


@callback(
    Output(ids.DATASET_STORE, "data"),
    Output(ids.UPLOAD_DATASET_SELECT, "options"),
    Output(ids.UPLOAD_DATASET_SELECT, "value"),
    Output(ids.UPLOAD_SHEET, "options"),
    Output(ids.UPLOAD_SHEET, "value"),
    Output(ids.UPLOAD_SHEET_ROW, "style"),
    Output(ids.UPLOAD_STATUS, "children"),
    Input(ids.UPLOAD_READ_STORE, "data"),
    Input({"type": ids.UPLOAD_SAMPLE, "key": ALL}, "n_clicks"),
    Input(ids.UPLOAD_DATASET_SELECT, "value"),
    Input(ids.UPLOAD_SHEET, "value"),
    State(ids.DATASET_STORE, "data"),
)
def choose_dataset(
    read: dict[str, Any] | None,
    clicks: list[int | None],
    selected: str | None,
    sheet: str | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """Make the uploaded (and read), sample, chosen or re-read dataset the current
    one."""
    user_id = int(current_user.id)
    trigger = ctx.triggered_id
    status = no_update
    try:
        if isinstance(trigger, dict) and any(clicks):
            info: DatasetInfo | None = samples.load_sample(user_id, trigger["key"])
            status = None
        elif trigger == ids.UPLOAD_READ_STORE and read:
            info = datasets.get_dataset(user_id, read["dataset_id"])
        elif trigger == ids.UPLOAD_DATASET_SELECT and selected:
            info = datasets.get_dataset(user_id, selected)
            status = None
        elif trigger == ids.UPLOAD_SHEET and sheet and ref:
            info = datasets.get_dataset(user_id, ref["dataset_id"])
            if sheet != info.profile.sheet:
                info = datasets.read_sheet(user_id, info.id, sheet)
        else:
            info = current_dataset(user_id, ref) or _latest(user_id)
    except ServiceError as exc:
        return (*[no_update] * 6, dbc.Alert(exc.message, color="danger"))
    options = [
        {"label": f"{d.name} · {d.created_at:%Y-%m-%d %H:%M}", "value": d.id}
        for d in datasets.list_datasets(user_id)
    ]
    if info is None:
        return None, options, None, [], None, HIDDEN, status
    sheets = info.profile.sheets
    return (
        {"dataset_id": info.id, "version_id": info.version_id},
        options,
        info.id,
        sheets,
        info.profile.sheet,
        {} if len(sheets) > 1 else HIDDEN,
        status,
    )


@callback(
    Output(ids.UPLOAD_SUMMARY, "children"),
    Output(ids.UPLOAD_DATA_CARD, "style"),
    Output(ids.UPLOAD_FILTER_COLUMN, "options"),
    Output(ids.UPLOAD_CHART, "figure"),
    Output(ids.UPLOAD_CHART, "style"),
    Output(ids.UPLOAD_CHART_NOTE, "children"),
    Input(ids.DATASET_STORE, "data"),
)
def summarise(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """What the app recognised, and a chart of the target."""
    user_id = int(current_user.id)
    info = current_dataset(user_id, ref)
    if info is None:
        return (
            html.P(
                "Upload a file or load a sample to begin.", className="text-secondary"
            ),
            HIDDEN,
            [],
            go.Figure(),
            HIDDEN,
            None,
        )
    chart = preview.target_for_chart(user_id, info.id)
    columns = [c.name for c in info.profile.columns]
    style = users.number_style(user_id)
    summary = dataset_summary(info, style)
    if chart is None:
        return summary, {}, columns, go.Figure(), HIDDEN, None
    figure = figures.history_chart(chart.points, info.profile.target or "")
    return summary, {}, columns, for_people(figure, style), {}, chart.note


@callback(
    Output(ids.UPLOAD_TABLE, "data"),
    Output(ids.UPLOAD_TABLE, "columns"),
    Output(ids.UPLOAD_TABLE, "page_count"),
    Output(ids.UPLOAD_TABLE, "page_current"),
    Output(ids.UPLOAD_TABLE_INFO, "children"),
    Output(ids.UPLOAD_TABLE, "tooltip_data"),
    Input(ids.DATASET_STORE, "data"),
    Input(ids.UPLOAD_PREVIEW_KIND, "value"),
    Input(ids.UPLOAD_TABLE, "page_current"),
    Input(ids.UPLOAD_TABLE, "page_size"),
    Input(ids.UPLOAD_FILTER_COLUMN, "value"),
    Input(ids.UPLOAD_FILTER_TEXT, "value"),
)
def page_rows(
    ref: dict[str, Any] | None,
    kind: str,
    page: int | None,
    size: int,
    column: str | None,
    text: str | None,
) -> tuple[Any, ...]:
    """One page of rows, written for people (the values as read in each cell's
    tooltip); the browser never gets more than it shows."""
    user_id = int(current_user.id)
    info = current_dataset(user_id, ref)
    if info is None:
        raise PreventUpdate
    filters = {column: text} if column and text else None
    if ctx.triggered_id != ids.UPLOAD_TABLE:
        page = 0  # a new dataset, kind or filter starts at the first page
    try:
        rows = preview.rows_page(
            user_id,
            info.id,
            kind,
            size,
            (page or 0) * size,  # type: ignore[arg-type]
            filters=filters,
        )
    except ServiceError as exc:
        return [], [], 1, 0, exc.message, []
    style = users.number_style(user_id)
    roles = {c.name: c.role for c in info.profile.columns}
    cells = preview_cells(rows.rows, roles, style)
    shown = rows.rows
    first = (page or 0) * size + 1
    what = {
        "head": "from the top",
        "tail": "from the bottom",
        "sample": "of a random sample",
    }[kind]
    info_text = (
        f"Rows {format_number(first, style)}–"
        f"{format_number(first + shown.height - 1, style)} {what}, of "
        f"{format_number(rows.matched_rows, style)}"
        + (" matching" if filters else "")
        + f" ({format_number(rows.total_rows, style)} in all)."
        if shown.height
        else "No rows match."
    ) + (" Point at a cell to see its value as read." if any(cells.read) else "")
    pages = max(1, -(-rows.matched_rows // size))
    tooltips = [
        {name: {"value": text, "type": "text"} for name, text in row.items()}
        for row in cells.read
    ]
    return (
        cells.shown,
        [{"name": c, "id": c} for c in shown.columns],
        pages,
        page or 0,
        info_text,
        tooltips,
    )


@callback(
    Output(ids.UPLOAD_FORECAST_ROW, "style"),
    Output(ids.UPLOAD_FORECAST_ALERT, "children", allow_duplicate=True),
    Input(ids.DATASET_STORE, "data"),
    prevent_initial_call="initial_duplicate",
)
def offer_forecast(ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """Once a table is read, offer its automatic forecast in one click."""
    shown = current_dataset(int(current_user.id), ref) is not None
    return ({} if shown else HIDDEN), None


@callback(
    Output(ids.URL, "href", allow_duplicate=True),
    Output(ids.UPLOAD_FORECAST_ALERT, "children", allow_duplicate=True),
    Input(ids.UPLOAD_FORECAST_BUTTON, "n_clicks"),
    State(ids.DATASET_STORE, "data"),
    # A second click while the first is handled would start a second forecast.
    running=[(Output(ids.UPLOAD_FORECAST_BUTTON, "disabled"), True, False)],
    prevent_initial_call=True,
)
def forecast_this(clicks: int | None, ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """Start the automatic forecast of the current dataset and go to Models, where
    the run's progress and then its chart show (as Home's sample button does)."""
    user_id = int(current_user.id)
    info = current_dataset(user_id, ref)
    if not clicks or info is None:
        raise PreventUpdate
    try:
        quickstart.forecast_automatically(user_id, info)
    except ServiceError as exc:
        return no_update, dbc.Alert(exc.message, color="danger")
    return "/models", None
