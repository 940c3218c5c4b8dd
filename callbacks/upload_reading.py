"""Upload page, reading: the kept file becomes a dataset in the background, with its
steps and a Cancel that stops the reading and keeps nothing."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import background
from components import ids
from services import pending_uploads
from services.errors import ServiceError


@callback(
    Output(ids.UPLOAD_READ_STORE, "data"),
    Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_RESULT_STORE, "data"),
    background=True,
    progress=background.progress(ids.UPLOAD_READ_PROGRESS, ids.UPLOAD_READ_STEP),
    progress_default=background.step(0, "Starting"),
    running=background.running(row=ids.UPLOAD_READ_PROGRESS_ROW),
    cancel=[Input(ids.UPLOAD_READ_CANCEL, "n_clicks")],
    interval=500,  # the steps of a read of a few seconds show as they come
    prevent_initial_call=True,
)
def read_upload(set_progress: Any, uploaded: dict[str, Any] | None) -> tuple[Any, Any]:
    """Read the file the page just sent (in a child process, within the upload
    limits), naming each step; Cancel ends the reading."""
    if not uploaded:
        raise PreventUpdate
    user_id = background.user_id()  # never current_user: there is no request here
    set_progress(background.step(0.02, f"Reading {uploaded.get('name') or 'the file'}"))
    try:
        info = pending_uploads.read(
            user_id,
            uploaded["upload_id"],
            lambda fraction, message: set_progress(background.step(fraction, message)),
        )
    except ServiceError as exc:
        return None, dbc.Alert(exc.message, color="danger", className="py-2 mb-0")
    except Exception as exc:  # never a 500 and never its text: a plain message
        return None, background.failed("Reading the file", exc)
    read = dbc.Alert(f"Read {info.name}.", color="success", className="py-2 mb-0")
    return {"dataset_id": info.id}, read


@callback(
    Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
    Input(ids.UPLOAD_READ_CANCEL, "n_clicks"),
    State(ids.UPLOAD_RESULT_STORE, "data"),
    prevent_initial_call=True,
)
def forget_cancelled(_clicks: int | None, uploaded: dict[str, Any] | None) -> Any:
    """After Cancel, nothing of the file is kept."""
    if not uploaded:
        raise PreventUpdate
    pending_uploads.discard(int(current_user.id), uploaded["upload_id"])
    return dbc.Alert(
        "Cancelled: nothing of the file was kept.",
        color="secondary",
        className="py-2 mb-0",
    )
