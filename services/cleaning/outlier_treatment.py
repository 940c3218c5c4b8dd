"""Treating unusual values: flag, clip or replace what services.outliers finds."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from services import calendars
from services.cleaning.base import (
    Change,
    Layout,
    StepModel,
    in_time_order,
    need_columns,
)
from services.cleaning.impute import fill_expression
from services.outliers import DEFAULT_SENSITIVITY, OutlierMethod, detect


class Outliers(StepModel):
    """Find unusual values and flag, clip or replace them."""

    op: Literal["outliers"] = "outliers"
    column: str
    method: OutlierMethod = "iqr"
    sensitivity: float | None = Field(None, gt=0, le=100)
    action: Literal["flag", "clip", "interpolate"] = "flag"


def apply_outliers(
    frame: pl.DataFrame, step: Outliers, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Flag, clip or interpolate the unusual values of the step's column."""
    need_columns(frame, step.column, layout.time_column)
    frame = in_time_order(frame, layout)
    sensitivity = step.sensitivity or DEFAULT_SENSITIVITY[step.method]
    found = detect(
        frame,
        step.column,
        layout.series_columns,
        step.method,
        sensitivity,
        _season_or_none(layout),
    )
    flagged = int(found["outlier"].sum())
    col = pl.col(step.column)
    if step.action == "flag":
        out = frame.with_columns(found["outlier"].alias(f"{step.column}_outlier"))
        return out, Change(
            index,
            "outliers",
            f"Flagged {flagged} unusual “{step.column}” values ({step.method}).",
            flagged=flagged,
        )
    if step.action == "clip":
        clipped = pl.max_horizontal(
            pl.min_horizontal(col, found["upper"]), found["lower"]
        )
        out = frame.with_columns(
            pl.when(found["outlier"]).then(clipped).otherwise(col).alias(step.column)
        )
        return out, Change(
            index,
            "outliers",
            f"Clipped {flagged} unusual “{step.column}” values ({step.method}).",
            clipped=flagged,
            flagged=flagged,
        )
    out = frame.with_columns(
        pl.when(found["outlier"]).then(None).otherwise(col).alias(step.column)
    )
    out = out.with_columns(fill_expression(step.column, "linear", layout))
    return out, Change(
        index,
        "outliers",
        f"Replaced {flagged} unusual “{step.column}” "
        f"values by interpolation ({step.method}).",
        filled=flagged,
        flagged=flagged,
    )


def _season_or_none(layout: Layout) -> int | None:
    if layout.frequency is None:
        return None
    season = calendars.season_length(layout.frequency)
    return season if season > 1 else None
