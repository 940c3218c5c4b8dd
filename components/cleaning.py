"""The cleaning page's vocabulary: steps and their parameters in plain words."""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import ids
from services.cleaning_words import STEP_TITLES, describe

# The kinds of step, in the order the page offers them, named as the reports name them.
OPS = {op: title for op, title in STEP_TITLES.items() if op != "read"}
FILLS = {
    "linear": "a straight line between neighbours",
    "time": "a line by time",
    "ffill": "the previous value",
    "bfill": "the next value",
    "seasonal": "the same period last season",
    "mean": "the average",
    "median": "the median",
    "rolling_mean": "a moving average",
    "rolling_median": "a moving median",
    "constant": "a fixed value",
    "drop": "drop those rows",
}
DETECTORS = {
    "iqr": "far outside the middle half (IQR)",
    "zscore": "many standard deviations away (z-score)",
    "hampel": "far from its neighbours (Hampel)",
    "stl": "unexplained by trend and season (STL)",
}
ACTIONS = {
    "flag": "only mark them",
    "clip": "pull them back to the limit",
    "interpolate": "replace them by a line between neighbours",
}
FREQUENCIES = {
    "hour": "hourly",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}
# op -> (parameter, label, choices: a dict, "numeric"/"any" columns, "number" or "text")
PARAMS: dict[str, list[tuple[str, str, Any]]] = {
    "impute": [
        ("column", "Column", "numeric"),
        ("method", "Fill with", FILLS),
        ("max_gap", "Only gaps of at most (points, optional)", "number"),
        ("value", "Fixed value (for “a fixed value”)", "number"),
    ],
    "regularize": [("fill", "Fill the inserted dates with", FILLS)],
    "deduplicate": [
        (
            "keep",
            "Keep",
            {
                "first": "the first row",
                "last": "the last row",
                "sum": "the sum",
                "mean": "the average",
            },
        )
    ],
    "outliers": [
        ("column", "Column", "numeric"),
        ("method", "Unusual means", DETECTORS),
        ("sensitivity", "Sensitivity (optional; lower finds more)", "number"),
        ("action", "Then", ACTIONS),
    ],
    "resample": [
        ("frequency", "New frequency", FREQUENCIES),
        (
            "agg",
            "Combine values by",
            {
                "sum": "sum",
                "mean": "average",
                "last": "last",
                "min": "minimum",
                "max": "maximum",
            },
        ),
    ],
    "cast": [
        ("column", "Column", "any"),
        (
            "to",
            "Make it",
            {
                "number": "numbers",
                "integer": "whole numbers",
                "text": "text",
                "boolean": "yes/no",
            },
        ),
    ],
    "parse_dates": [
        ("column", "Column", "any"),
        ("format", "Format, e.g. %d/%m/%Y", "text"),
    ],
    "rename": [("column", "Column", "any"), ("to", "New name", "text")],
}


def param_controls(op: str, numeric: list[str], columns: list[str]) -> list[Any]:
    """The inputs for one step's parameters, with sensible first choices."""
    controls = []
    for name, label, choices in PARAMS[op]:
        id_ = {"type": ids.CLEANING_PARAM, "name": name}
        if choices in ("numeric", "any"):
            options = numeric if choices == "numeric" else columns
            control: Any = dcc.Dropdown(
                id=id_,
                options=options,
                value=options[0] if options else None,
                clearable=False,
            )
        elif isinstance(choices, dict):
            control = dcc.Dropdown(
                id=id_,
                options=[{"label": v, "value": k} for k, v in choices.items()],
                value=next(iter(choices)),
                clearable=False,
            )
        else:
            control = dbc.Input(id=id_, type=choices, size="sm")
        # The label names its field for screen readers: by the id the page gives it.
        for_ = json.dumps(id_, sort_keys=True, separators=(",", ":"))
        controls.append(
            html.Div(
                [dbc.Label(label, html_for=for_, className="small mb-0"), control],
                className="mb-2",
            )
        )
    return controls


def build_step(op: str, values: dict[str, Any]) -> dict[str, Any]:
    """A recipe step from the page's inputs (empty optional inputs left out)."""
    step: dict[str, Any] = {"op": op}
    for name, value in values.items():
        if value in (None, ""):
            continue
        step[name] = {"unit": value, "step": 1} if name == "frequency" else value
    return step


def describe_step(step: dict[str, Any]) -> str:
    """A recipe step, before it is applied, in plain words."""
    return describe(step)


def recipe_list(recipe: list[dict[str, Any]]) -> dbc.ListGroup:
    """The steps in order, each removable."""
    items = [
        dbc.ListGroupItem(
            [
                html.Span(
                    [
                        f"{i + 1}. ",
                        html.Strong(OPS.get(step["op"], step["op"])),
                        ": ",
                        html.Span(describe_step(step), className="small"),
                    ],
                    className="me-2",
                ),
                dbc.Button(
                    html.I(className="bi bi-x-lg"),
                    id={"type": ids.CLEANING_REMOVE, "index": i},
                    color="link",
                    size="sm",
                    className="p-0 text-danger",
                    title="Remove this step",
                ),
            ],
            className="d-flex justify-content-between align-items-center py-2",
        )
        for i, step in enumerate(recipe)
    ]
    return dbc.ListGroup(items, numbered=False)


def applied_note(
    recipe: list[dict[str, Any]], applied: dict[str, Any] | None
) -> tuple[html.P | None, bool]:
    """What applying the shown steps will do, when they are (or were changed from)
    the recipe that made the current version; and whether they are unchanged."""
    if not applied:
        return None, False
    number, parent = applied.get("number"), applied.get("parent_number")
    if recipe == applied.get("steps"):
        text = (
            f"These steps made version {number}, the current version. Change them "
            f"to remake it from version {parent}, or Clear to start a new recipe "
            f"on version {number}."
        )
        return html.P(text, className="text-secondary small mt-2 mb-0"), True
    text = (
        f"Applying makes a new version from version {parent} with these steps, "
        f"in place of the ones that made version {number}."
    )
    return html.P(text, className="text-secondary small mt-2 mb-0"), False
