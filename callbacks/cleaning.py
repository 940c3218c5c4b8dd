"""Cleaning page, the recipe: choose steps, preview unusual values, apply it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks import background
from callbacks.upload import current_dataset
from components import ids
from components.cleaning import build_step, param_controls
from components.summaries import dataset_line, no_dataset_alert
from services import users, versions
from services.cleaning import parse_recipe
from services.cleaning_words import describe_changes
from services.errors import ServiceError

PARAM = {"type": ids.CLEANING_PARAM, "name": ALL}


# Above this share of the rows, "unusual" values are probably not errors.
MANY_OUTLIERS = 0.05


@callback(
    Output(ids.CLEANING_PARAMS, "children"),
    Output(ids.CLEANING_DATASET_TEXT, "children"),
    Output(ids.CLEANING_PREVIEW_OUTLIERS, "style"),
    Input(ids.CLEANING_OP, "value"),
    Input(ids.DATASET_STORE, "data"),
)
def show_params(op: str, ref: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """The inputs of the chosen kind of step, for this dataset's columns (and the
    outlier preview, for the step that treats outliers)."""
    preview = {} if op == "outliers" else {"display": "none"}
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return None, no_dataset_alert(), preview
    columns = [c.name for c in info.profile.columns]
    numeric = [
        c.name
        for c in info.profile.columns
        if c.dtype.startswith(("Int", "Float", "UInt"))
    ]
    text = dataset_line(
        info, version=True, style=users.number_style(int(current_user.id))
    )
    return param_controls(op, numeric, columns), text, preview


@callback(
    Output(ids.CLEANING_RECIPE_STORE, "data"),
    Output(ids.CLEANING_ALERT, "children"),
    Output(ids.CLEANING_APPLIED_STORE, "data", allow_duplicate=True),
    Input(ids.CLEANING_ADD_BUTTON, "n_clicks"),
    Input({"type": ids.CLEANING_REMOVE, "index": ALL}, "n_clicks"),
    Input(ids.CLEANING_CLEAR_BUTTON, "n_clicks"),
    State(ids.CLEANING_OP, "value"),
    State(PARAM, "value"),
    State(PARAM, "id"),
    State(ids.CLEANING_RECIPE_STORE, "data"),
    prevent_initial_call=True,
)
def edit_recipe(
    _add: int | None,
    removed: list[int | None],
    _clear: int | None,
    op: str,
    values: list[Any],
    names: list[dict[str, str]],
    recipe: list[dict[str, Any]],
) -> tuple[Any, Any, Any]:
    """Add the step as set up (checked at once), remove one, or start again (a
    new recipe, for the current version as it is)."""
    trigger = ctx.triggered_id
    if trigger == ids.CLEANING_CLEAR_BUTTON:
        return [], None, None
    if isinstance(trigger, dict):
        if not any(removed):
            raise PreventUpdate
        kept = [s for i, s in enumerate(recipe) if i != trigger["index"]]
        return kept, None, no_update
    if trigger != ids.CLEANING_ADD_BUTTON:
        raise PreventUpdate  # e.g. the remove buttons were redrawn
    step = build_step(op, {n["name"]: v for n, v in zip(names, values, strict=True)})
    try:
        parse_recipe([step])
    except ServiceError as exc:
        return (
            no_update,
            dbc.Alert(exc.message.replace("step 1", "this step"), color="danger"),
            no_update,
        )
    return [*recipe, step], None, no_update


@callback(
    Output(ids.CLEANING_REUSE, "options"),
    Output(ids.CLEANING_REUSE, "value"),
    Input(ids.DATASET_STORE, "data"),
)
def offer_recipes(_ref: dict[str, Any] | None) -> tuple[list[dict[str, Any]], None]:
    """Earlier recipes of this user, to replay on this dataset (none chosen: the
    list is numbered anew, newest first, after every new version)."""
    recipes = versions.earlier_recipes(int(current_user.id))
    offered = [{"label": label, "value": i} for i, (label, _) in enumerate(recipes)]
    return offered, None


@callback(
    Output(ids.CLEANING_RECIPE_STORE, "data", allow_duplicate=True),
    Output(ids.CLEANING_APPLIED_STORE, "data", allow_duplicate=True),
    Input(ids.CLEANING_REUSE, "value"),
    prevent_initial_call=True,
)
def reuse_recipe(index: int | None) -> tuple[list[dict[str, Any]], None]:
    """Load an earlier recipe, for the current version as it is; it is applied only
    when the user says so."""
    recipes = versions.earlier_recipes(int(current_user.id))
    if index is None or not 0 <= index < len(recipes):
        raise PreventUpdate
    return recipes[index][1], None


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Output(ids.CLEANING_ALERT, "children", allow_duplicate=True),
    Input(ids.CLEANING_APPLY_BUTTON, "n_clicks"),
    State(ids.CLEANING_RECIPE_STORE, "data"),
    State(ids.DATASET_STORE, "data"),
    State(ids.CLEANING_APPLIED_STORE, "data"),
    prevent_initial_call=True,
)
def apply(
    _clicks: int,
    recipe: list[dict[str, Any]],
    ref: dict[str, Any] | None,
    applied: dict[str, Any] | None,
) -> tuple[Any, Any]:
    """Apply the recipe to the current version, or, when it is the changed recipe
    that made the current version, to the version that recipe was applied to. The
    result becomes current (and its recipe stays shown, see ``cleaning_applied``)."""
    info = current_dataset(int(current_user.id), ref)
    if info is None or not recipe:
        raise PreventUpdate
    remake = applied is not None and applied.get("version_id") == info.version_id
    base = str(applied["parent_id"]) if remake and applied else None
    try:
        made = versions.create_version(int(current_user.id), info.id, base, recipe)
    except ServiceError as exc:
        return no_update, dbc.Alert(exc.message, color="danger")
    style = users.number_style(int(current_user.id))
    words = describe_changes(made.recipe, made.changes, info.profile.frequency, style)
    done = dbc.Alert(
        [
            html.Strong(f"Version {made.number} made. "),
            html.Ul([html.Li(sentence) for sentence in words], className="mb-0"),
        ],
        color="success",
    )
    return {"dataset_id": info.id, "version_id": made.id}, done


@callback(
    Output(ids.CLEANING_ALERT, "children", allow_duplicate=True),
    Input(ids.CLEANING_PREVIEW_OUTLIERS, "n_clicks"),
    State(PARAM, "value"),
    State(PARAM, "id"),
    State(ids.CLEANING_OP, "value"),
    State(ids.DATASET_STORE, "data"),
    background=True,
    progress=background.progress(
        ids.CLEANING_PREVIEW_PROGRESS, ids.CLEANING_PREVIEW_STEP
    ),
    progress_default=background.step(0, "Starting"),
    running=background.running(
        ids.CLEANING_PREVIEW_OUTLIERS, row=ids.CLEANING_PREVIEW_PROGRESS_ROW
    ),
    cancel=[Input(ids.CLEANING_PREVIEW_CANCEL, "n_clicks")],
    prevent_initial_call=True,
)
def preview_outliers(
    set_progress: Any,
    _clicks: int,
    values: list[Any],
    names: list[dict[str, str]],
    op: str,
    ref: dict[str, Any] | None,
) -> Any:
    """Which points the chosen detector would flag, before anything changes (in the
    background: a large table takes a while; Cancel stops it)."""
    user_id = background.user_id()
    set_progress(background.step(0.1, "Opening the current version"))
    info = current_dataset(user_id, ref)
    params = {n["name"]: v for n, v in zip(names, values, strict=True)}
    if info is None or op != "outliers":
        return dbc.Alert(
            "Choose “Treat unusual values” and a column first.", color="info"
        )
    set_progress(background.step(0.3, f"Looking for unusual values in {info.name}"))
    try:
        found = versions.find_outliers(
            user_id,
            info.id,
            params.get("column") or "",
            params.get("method") or "iqr",
            params.get("sensitivity") or None,
        )
    except ServiceError as exc:
        return dbc.Alert(exc.message, color="danger")
    except Exception as exc:  # never a 500 and never its text: a plain message
        return background.failed("The preview of unusual values", exc)
    return outliers_alert(found, info.profile.rows)


def outliers_alert(found: pl.DataFrame, rows: int) -> dbc.Alert:
    """The flagged points, the first eight by date, and a word when there are many."""
    shown = ", ".join(
        f"{r['time']:%Y-%m-%d}" + (f" ({r['series']})" if r["series"] else "")
        for r in found.head(8).iter_rows(named=True)
    )
    more = f" and {found.height - 8} more" if found.height > 8 else ""
    share = found.height / max(1, rows)
    many = (
        f" That is {share:.0%} of the rows: so many are more likely a real pattern "
        "(a season, a heatwave, a promotion) than mistakes. Try a larger sensitivity "
        "(larger finds fewer)."
        if share > MANY_OUTLIERS
        else ""
    )
    return dbc.Alert(
        f"{found.height} value{'s' if found.height > 1 else ''} would be treated: "
        f"{shown}{more}.{many}"
        if found.height
        else "No value looks unusual with these settings.",
        color="warning" if found.height else "success",
    )
