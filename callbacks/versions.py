"""Cleaning page, the versions: lineage, before/after comparison, restore, delete."""

from __future__ import annotations

from functools import partial
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.upload import current_dataset
from components import figures, ids
from services import users, versions
from services.cleaning_words import describe_changes
from services.errors import ServiceError
from services.figures import for_people
from services.numbers import NumberStyle, format_number

# The statistics of a column before and after a change, in plain words.
STAT_LABELS = {
    "count": "values",
    "missing": "missing",
    "mean": "average",
    "std": "spread (std. dev.)",
    "min": "lowest",
    "max": "highest",
}


@callback(
    Output(ids.CLEANING_VERSIONS, "children"),
    Output(ids.CLEANING_BEFORE, "options"),
    Output(ids.CLEANING_BEFORE, "value"),
    Output(ids.CLEANING_AFTER, "options"),
    Output(ids.CLEANING_AFTER, "value"),
    Output(ids.CLEANING_VIEW_COLUMN, "options"),
    Output(ids.CLEANING_VIEW_COLUMN, "value"),
    Input(ids.DATASET_STORE, "data"),
)
def show_versions(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """The lineage, and the current version next to its parent."""
    user_id = int(current_user.id)
    info = current_dataset(user_id, ref)
    if info is None:
        return None, [], None, [], None, [], None
    lineage = versions.list_versions(user_id, info.id)
    style = users.number_style(user_id)
    by_id = {v.id: v for v in lineage}
    rows = [
        html.Tr(
            [
                html.Td(f"Version {v.number}"),
                html.Td(f"{v.created_at:%Y-%m-%d %H:%M}"),
                html.Td(
                    f"{format_number(v.rows, style)} rows · "
                    f"{format_number(v.missing or 0, style)} missing"
                ),
                html.Td(
                    " ".join(_words(v, by_id, style)) or "As uploaded.",
                    # The step's own record (the dates it inserted…) on hover.
                    title="\n".join(c["description"] for c in v.changes) or None,
                    className="small",
                ),
                html.Td(
                    dbc.Badge("current", color="success")
                    if v.is_current
                    else dbc.Button(
                        "Make current",
                        id={"type": ids.CLEANING_RESTORE, "version": v.id},
                        size="sm",
                        color="outline-secondary",
                    )
                ),
            ]
        )
        for v in lineage
    ]
    table = dbc.Table([html.Tbody(rows)], hover=True, responsive=True, className="mb-0")
    options = [{"label": f"Version {v.number}", "value": v.id} for v in lineage]
    current = next(v for v in lineage if v.is_current)
    numeric = [c.name for c in info.profile.columns if c.role == "numeric"]
    column = info.profile.target or (numeric[0] if numeric else None)
    return (
        table,
        options,
        current.parent or current.id,
        options,
        current.id,
        numeric,
        column,
    )


def _words(
    version: versions.VersionInfo, by_id: dict[str, Any], style: NumberStyle
) -> list[str]:
    """What each step of the version did, counted on its parent's frequency."""
    parent = by_id.get(version.parent or "", version)
    frequency = parent.profile.frequency
    return describe_changes(version.recipe, version.changes, frequency, style)


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Input({"type": ids.CLEANING_RESTORE, "version": ALL}, "n_clicks"),
    State(ids.DATASET_STORE, "data"),
    prevent_initial_call=True,
)
def restore(clicks: list[int | None], ref: dict[str, Any] | None) -> Any:
    """Make the chosen version current again."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks) or not ref:
        raise PreventUpdate
    info = versions.make_current(
        int(current_user.id), ref["dataset_id"], trigger["version"]
    )
    return {"dataset_id": info.id, "version_id": info.version_id}


@callback(
    Output(ids.CLEANING_GRAPH, "figure"),
    Output(ids.CLEANING_COUNTS, "children"),
    Output(ids.CLEANING_VIEW_SERIES, "options"),
    Output(ids.CLEANING_VIEW_SERIES, "value"),
    Input(ids.CLEANING_BEFORE, "value"),
    Input(ids.CLEANING_AFTER, "value"),
    Input(ids.CLEANING_VIEW_COLUMN, "value"),
    Input(ids.CLEANING_VIEW_SERIES, "value"),
    State(ids.DATASET_STORE, "data"),
)
def compare(
    before: str | None,
    after: str | None,
    column: str | None,
    series: str | None,
    ref: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """Both versions of the column overlaid, what changed, and statistics.

    With several series it shows the chosen one, at first one the change touched.
    """
    if not (before and after and column and ref):
        raise PreventUpdate
    try:
        result = versions.compare(
            int(current_user.id), ref["dataset_id"], before, after, column
        )
    except ServiceError as exc:
        return go.Figure(), dbc.Alert(exc.message, color="warning"), [], None
    names = result.points["series"].drop_nulls().unique(maintain_order=True).to_list()
    points = result.points
    if names:
        if series not in names:  # start on a series the change touched
            touched = points.filter(points["change"].is_not_null())["series"]
            touched = touched.drop_nulls()
            series = touched[0] if touched.len() else names[0]
        points = points.filter(points["series"] == series)
    counts = result.counts
    style = users.number_style(int(current_user.id))
    number = partial(format_number, style=style)
    facts = html.P(
        [
            html.Strong(f"{number(counts['filled'])} filled"),
            " · ",
            html.Strong(f"{number(counts['changed'])} changed"),
            " · ",
            html.Strong(f"{number(counts['removed'])} removed"),
            f" · rows {number(counts['rows_before'])} → {number(counts['rows_after'])}",
        ],
        className="mb-2",
        id="cleaning-counts-text",
    )
    head = html.Thead(
        html.Tr(
            [
                html.Td(),  # the corner above the row labels heads nothing
                *[html.Th(label) for label in STAT_LABELS.values()],
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(name.capitalize()),
                    *[html.Td(number(result.stats[name][k])) for k in STAT_LABELS],
                ]
            )
            for name in ("before", "after")
        ]
    )
    return (
        for_people(
            figures.before_after(
                points, column if not names else f"{column} · {series}"
            ),
            style,
        ),
        [
            facts,
            dbc.Table([head, body], size="sm", className="w-auto mb-0"),
            html.P(
                f"The counts and statistics cover all {len(names)} series; the "
                "chart shows one.",
                className="small text-secondary mb-0",
            )
            if names
            else None,
        ],
        names,
        series if names else None,
    )


@callback(
    Output(ids.CLEANING_DELETE_CONFIRM, "displayed"),
    Input(ids.CLEANING_DELETE_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
def ask_to_delete(clicks: int | None) -> bool:
    """Deleting asks first."""
    if not clicks:
        raise PreventUpdate
    return True


@callback(
    Output(ids.DATASET_STORE, "data", allow_duplicate=True),
    Output(ids.URL, "href"),
    Input(ids.CLEANING_DELETE_CONFIRM, "submit_n_clicks"),
    State(ids.DATASET_STORE, "data"),
    prevent_initial_call=True,
)
def delete(confirmed: int | None, ref: dict[str, Any] | None) -> tuple[Any, str]:
    """Delete the dataset and its files, then go back to Upload."""
    if not confirmed or not ref:
        raise PreventUpdate
    versions.delete_dataset(int(current_user.id), ref["dataset_id"])
    return None, "/upload"
