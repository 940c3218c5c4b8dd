"""Upload page: pick the dataset (uploaded, sample or earlier) and summarise it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from flask_login import current_user

from components import ids
from components.summaries import dataset_summary
from services import datasets, samples
from services.datasets import DatasetInfo
from services.errors import NotFoundError, ServiceError


def current_dataset(user_id: int, ref: dict[str, Any] | None) -> DatasetInfo | None:
    """The dataset the session points at, if it is (still) the user's."""
    try:
        return datasets.get_dataset(user_id, ref["dataset_id"]) if ref else None
    except NotFoundError:  # e.g. another account signed in earlier in this tab
        return None


@callback(
    Output(ids.DATASET_STORE, "data"),
    Output(ids.UPLOAD_DATASET_SELECT, "options"),
    Output(ids.UPLOAD_DATASET_SELECT, "value"),
    Output(ids.UPLOAD_SUMMARY, "children"),
    Input(ids.UPLOAD_RESULT_STORE, "data"),
    Input({"type": ids.UPLOAD_SAMPLE, "key": ALL}, "n_clicks"),
    Input(ids.UPLOAD_DATASET_SELECT, "value"),
    State(ids.DATASET_STORE, "data"),
)
def show_dataset(
    uploaded: dict[str, Any] | None,
    _clicks: list[int | None],
    selected: str | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """Make the uploaded, sample or chosen dataset current and show what it holds."""
    user_id = int(current_user.id)
    trigger = ctx.triggered_id
    try:
        if isinstance(trigger, dict) and any(_clicks):
            info = samples.load_sample(user_id, trigger["key"])
        elif trigger == ids.UPLOAD_RESULT_STORE and uploaded:
            info = datasets.get_dataset(user_id, uploaded["dataset_id"])
        elif trigger == ids.UPLOAD_DATASET_SELECT and selected:
            info = datasets.get_dataset(user_id, selected)
        else:
            info = current_dataset(user_id, ref)
    except ServiceError as exc:
        return no_update, no_update, no_update, dbc.Alert(exc.message, color="danger")
    options = [
        {"label": f"{d.name} · {d.created_at:%Y-%m-%d %H:%M}", "value": d.id}
        for d in datasets.list_datasets(user_id)
    ]
    if info is None:
        return (
            None,
            options,
            None,
            html.P(
                "Upload a file or load a sample to begin.", className="text-secondary"
            ),
        )
    summary = dataset_summary(info, datasets.preview(user_id, info.id))
    return (
        {"dataset_id": info.id, "version_id": info.version_id},
        options,
        info.id,
        summary,
    )
