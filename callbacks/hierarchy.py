"""The Models page's hierarchy choice: offered when the data has groups of series."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback
from flask_login import current_user

from callbacks.upload import current_dataset
from components import ids
from services import hierarchy
from services.forecasts import ForecastInfo
from services.reports.levels import plural

HIDDEN = {"display": "none"}
# Columns that can be a level: series columns and columns of labels above them.
LABEL_ROLES = ("categorical", "identifier")


@callback(
    Output(ids.MODELS_HIERARCHY_BOX, "style"),
    Output(ids.MODELS_HIERARCHY_COLUMNS, "options"),
    Output(ids.MODELS_HIERARCHY_COLUMNS, "value"),
    Input(ids.DATASET_STORE, "data"),
)
def offer_hierarchy(ref: dict[str, Any] | None) -> tuple[Any, ...]:
    """Show the choice for 2+ group columns, in a top-to-bottom order to start."""
    info = current_dataset(int(current_user.id), ref)
    if info is None:
        return HIDDEN, [], []
    p = info.profile
    columns = [
        c
        for c in p.columns
        if c.name not in (p.time_column, *p.target_candidates)
        and (c.name in p.series_id_columns or c.role in LABEL_ROLES)
    ]
    if len(columns) < 2:
        return HIDDEN, [], []
    # Fewest values first: the region above its stores.
    ordered = [c.name for c in sorted(columns, key=lambda c: c.distinct or 0)]
    return {}, ordered, ordered


def hierarchy_options(
    on: bool | None, columns: list[str] | None, method: str | None
) -> dict[str, Any]:
    """The request's hierarchy fields from the form (nothing when switched off)."""
    if not on or not columns:
        return {}
    return {"hierarchy": list(columns), "reconciliation": method or None}


def level_options(info: ForecastInfo, series: list[str]) -> list[Any]:
    """The series choice: with a hierarchy, the grand total reads "All stores"."""
    levels = info.request.get("hierarchy")
    if not levels:
        return series
    return hierarchy.series_options(series, plural(str(levels[-1])))
