"""Upload page, adding newer data: the kept file is added to the current dataset in the
background, with its steps and a Cancel; the new current version shows everywhere."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import background
from callbacks.upload import current_dataset
from components import ids
from components.background import HIDDEN
from services import pending_uploads, users
from services.adding_words import describe_added
from services.errors import ServiceError


@callback(
    Output(ids.UPLOAD_ADD_CARD, "style"),
    Output(ids.UPLOAD_ADD_TITLE, "children"),
    Input(ids.DATASET_STORE, "data"),
)
def offer_adding(ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """While a dataset is current, offer to add newer data to it, by name."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return HIDDEN, "Add newer data"
    return {}, f"Add newer data to “{info.name}”"


@callback(
    Output(ids.UPLOAD_ADD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_DATASET_SELECT, "value"),
    prevent_initial_call=True,
)
def forget_result(_dataset_id: str | None) -> Any:
    """What adding did belongs to the dataset it was added to: another one clears it.

    Adding itself keeps the same dataset chosen, so its sentence stays.
    """
    return None


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Output(ids.UPLOAD_ADD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_ADD_STORE, "data"),
    State(ids.DATASET_STORE, "data"),
    State(ids.UPLOAD_ADD_MODE, "value"),
    background=True,
    progress=background.progress(ids.UPLOAD_ADD_PROGRESS, ids.UPLOAD_ADD_STEP),
    progress_default=background.step(0, "Starting"),
    running=background.running(row=ids.UPLOAD_ADD_PROGRESS_ROW),
    cancel=[Input(ids.UPLOAD_ADD_CANCEL, "n_clicks")],
    interval=500,
    prevent_initial_call=True,
)
def add_upload(
    set_progress: Any,
    uploaded: dict[str, Any] | None,
    ref: dict[str, Any] | None,
    mode: str,
) -> tuple[Any, Any]:
    """Add the file the page just sent to the current dataset (read in a child
    process, as an upload); its new current version becomes the page's."""
    if not uploaded:
        raise PreventUpdate
    user_id = background.user_id()  # never current_user: there is no request here
    if not ref:  # the card shows only with a dataset; a stale page keeps nothing
        pending_uploads.discard(user_id, uploaded["upload_id"])
        return no_update, dbc.Alert(
            "Choose the dataset to add the data to first.", color="warning"
        )
    set_progress(background.step(0.02, f"Reading {uploaded.get('name') or 'the file'}"))
    try:
        added = pending_uploads.add(
            user_id,
            uploaded["upload_id"],
            ref["dataset_id"],
            mode,
            lambda fraction, message: set_progress(background.step(fraction, message)),
        )
    except ServiceError as exc:
        return no_update, dbc.Alert(exc.message, color="danger", className="py-2 mb-0")
    except Exception as exc:  # never a 500 and never its text: a plain message
        return no_update, background.failed("Adding the data", exc)
    said = describe_added(added, users.number_style(user_id))
    new_ref = {"dataset_id": added.dataset_id, "version_id": added.version_id}
    return new_ref, dbc.Alert(said, color="success", className="py-2 mb-0")


@callback(
    Output(ids.UPLOAD_ADD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_ADD_CANCEL, "n_clicks"),
    State(ids.UPLOAD_ADD_STORE, "data"),
    prevent_initial_call=True,
)
def forget_cancelled(_clicks: int | None, uploaded: dict[str, Any] | None) -> Any:
    """After Cancel, nothing of the file is kept and the dataset is as it was."""
    if not uploaded:
        raise PreventUpdate
    pending_uploads.discard(int(current_user.id), uploaded["upload_id"])
    return dbc.Alert(
        "Cancelled: nothing was added and the dataset is as it was.",
        color="secondary",
        className="py-2 mb-0",
    )
