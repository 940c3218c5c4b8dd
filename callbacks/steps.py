"""The step bar: a check mark on each step done for the current dataset."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate
from flask_login import current_user

from components import ids
from components.shell import done_mark
from services import steps
from services.errors import NotFoundError

# How many explored datasets a browser session remembers.
REMEMBERED = 50

# What a page shows when it has done a step without changing the dataset: a forecast
# shown, column choices saved, a full analysis or a report made.
STEP_SIGNS = (
    (ids.MODELS_FORECAST_STORE, "data"),
    (ids.COLUMNS_ALERT, "children"),
    (ids.EXPLORE_FULL_RESULT, "data"),
    (ids.EXPORT_REPORT_JOBS, "children"),
)


def _bump_on(component: str, prop: str) -> None:
    """Mark the steps again when ``component.prop`` changes (one callback each: the
    component lives on one page only)."""

    def bump(_sign: Any, count: int | None) -> int:
        return (count or 0) + 1

    bump.__name__ = f"bump_on_{component.replace('-', '_')}"
    callback(
        Output(ids.STEPS_CHANGED_STORE, "data", allow_duplicate=True),
        Input(component, prop),
        State(ids.STEPS_CHANGED_STORE, "data"),
        prevent_initial_call=True,
    )(bump)


for _component, _prop in STEP_SIGNS:
    _bump_on(_component, _prop)


@callback(
    Output(ids.EXPLORED_STORE, "data"),
    Input(ids.URL, "pathname"),
    Input(ids.DATASET_STORE, "data"),
    State(ids.EXPLORED_STORE, "data"),
)
def remember_explored(
    path: str | None, ref: dict[str, Any] | None, explored: list[str] | None
) -> list[str]:
    """A visit to Explore with a dataset counts as exploring it, in this session."""
    if path != "/explore" or not ref or not ref.get("dataset_id"):
        raise PreventUpdate
    known = list(explored or [])
    if ref["dataset_id"] in known:
        raise PreventUpdate
    return [*known, str(ref["dataset_id"])][-REMEMBERED:]


@callback(
    Output({"type": ids.NAV_STEP_DONE, "step": ALL}, "children"),
    Input(ids.URL, "pathname"),
    Input(ids.DATASET_STORE, "data"),
    Input(ids.EXPLORED_STORE, "data"),
    Input(ids.STEPS_CHANGED_STORE, "data"),
)
def mark_done_steps(
    _path: str | None,
    ref: dict[str, Any] | None,
    explored: list[str] | None,
    _changed: int | None = None,
) -> list[Any]:
    """Mark the steps done for the current dataset (none without one)."""
    done = done_for(ref, explored)
    # One answer per step mark the page has (the shell's bar has one per step).
    return [
        done_mark() if output["id"].get("step") in done else None
        for output in ctx.outputs_list
    ]


def done_for(ref: dict[str, Any] | None, explored: list[str] | None) -> set[str]:
    """The steps done for the session's dataset, if it is the signed-in user's."""
    if not (ref and ref.get("dataset_id") and current_user.is_authenticated):
        return set()
    try:
        done = set(steps.done_steps(int(current_user.id), ref["dataset_id"]))
    except NotFoundError:  # gone, or another account's: nothing is done
        return set()
    if ref["dataset_id"] in (explored or []):
        done.add("explore")
    return done
