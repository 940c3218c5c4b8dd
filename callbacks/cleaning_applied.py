"""Cleaning page, the applied recipe: after Apply (or on opening the page), the steps
that made the current version stay shown, to read and to change."""

from __future__ import annotations

import dataclasses
from typing import Any

from dash import Input, Output, callback, html, no_update
from flask_login import current_user

from callbacks.upload import current_dataset
from components import ids
from components.cleaning import applied_note, recipe_list
from services.applied_recipe import applied_recipe


@callback(
    Output(ids.CLEANING_RECIPE_STORE, "data", allow_duplicate=True),
    Output(ids.CLEANING_APPLIED_STORE, "data"),
    Input(ids.DATASET_STORE, "data"),
    prevent_initial_call="initial_duplicate",
)
def show_applied_recipe(ref: dict[str, Any] | None) -> tuple[Any, Any]:
    """The recipe that made the current version, when cleaning made it (a version
    read from a file leaves the steps being prepared as they are)."""
    user_id = int(current_user.id)
    info = current_dataset(user_id, ref)
    made = info and applied_recipe(user_id, info.id, info.version_id)
    if not made:
        return no_update, None
    return made.steps, dataclasses.asdict(made)


@callback(
    Output(ids.CLEANING_RECIPE, "children"),
    Output(ids.CLEANING_APPLY_BUTTON, "disabled"),
    Input(ids.CLEANING_RECIPE_STORE, "data"),
    Input(ids.CLEANING_APPLIED_STORE, "data"),
)
def show_recipe(
    recipe: list[dict[str, Any]], applied: dict[str, Any] | None
) -> tuple[Any, bool]:
    """The steps in order, each removable, and what applying them will do (nothing,
    while they are those that made the current version)."""
    if not recipe:
        return html.P("No steps yet.", className="text-secondary small mb-0"), True
    note, unchanged = applied_note(recipe, applied)
    return [recipe_list(recipe), note], unchanged
