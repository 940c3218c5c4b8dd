"""Filling missing values: the fill methods, per series, and the impute step."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from services import calendar_grid, calendars
from services.cleaning.base import (
    Change,
    Layout,
    StepModel,
    in_time_order,
    need_columns,
    series_keys,
)
from services.errors import InvalidInputError

FillMethod = Literal[
    "drop",
    "ffill",
    "bfill",
    "linear",
    "time",
    "mean",
    "median",
    "rolling_mean",
    "rolling_median",
    "seasonal",
    "constant",
]
# Seasons a seasonal fill looks in, in order: last season, earlier ones, later ones.
SEASONS_TRIED = (1, 2, 3, 4, 5, -1, -2, -3)


class Impute(StepModel):
    """Fill missing values of a column."""

    op: Literal["impute"] = "impute"
    column: str
    method: FillMethod = "linear"
    max_gap: int | None = Field(None, ge=1, description="Fill only gaps this short.")
    value: float | None = Field(None, description="For the constant method.")
    window: int = Field(7, ge=2, le=1000, description="For the rolling methods.")


def fill_expression(
    column: str,
    method: FillMethod,
    layout: Layout,
    value: float | None = None,
    window: int = 7,
    max_gap: int | None = None,
    seasonal: pl.Series | None = None,
) -> pl.Expr:
    """The expression that fills ``column``'s nulls with ``method``, per series.

    The ``seasonal`` method takes its values from ``seasonal``, row for row (see
    :func:`seasonal_values`).
    """
    col, keys = pl.col(column), series_keys(layout)

    def per_series(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    if method == "ffill":
        filled = per_series(col.fill_null(strategy="forward"))
    elif method == "bfill":
        filled = per_series(col.fill_null(strategy="backward"))
    elif method == "linear":
        filled = per_series(col.interpolate())
    elif method == "time":
        filled = per_series(col.interpolate_by(pl.col(layout.time_column or "")))
    elif method in ("mean", "median"):
        filled = col.fill_null(per_series(getattr(col, method)()))
    elif method in ("rolling_mean", "rolling_median"):
        roll = getattr(col, method)(window, min_samples=1, center=True)
        filled = col.fill_null(per_series(roll))
    elif method == "seasonal":
        if seasonal is None:
            raise InvalidInputError(
                "the seasonal fill needs the values of last season."
            )
        filled = col.fill_null(pl.lit(seasonal))
    elif method == "constant":
        if value is None:
            raise InvalidInputError("the constant method needs a value.")
        filled = col.fill_null(value)
    else:
        raise InvalidInputError(f"{method} is not a way to fill.")
    if max_gap is not None:
        run = per_series(col.is_null().rle_id())
        length = pl.len().over([*keys, run]) if keys else pl.len().over(run)
        filled = (
            pl.when(col.is_null() & (length > max_gap)).then(None).otherwise(filled)
        )
    return filled.alias(column)


def seasonal_values(frame: pl.DataFrame, column: str, layout: Layout) -> pl.Series:
    """For each row, ``column`` in the same period last season, in the data's calendar.

    "The same period" is found by time, not by counting rows, so gaps, business-day
    holidays and a repeated hour do not shift it: for month-end data, February 28,
    2023 is filled from February 28, 2022, and February 29, 2024 from February 28,
    2023. When last season has no value either, the season before is tried, and so on,
    then the seasons after.

    Raises
    ------
    InvalidInputError
        When the frequency has no seasons (yearly data, irregular times).

    """
    frequency, time = layout.frequency, layout.time_column or ""
    keys = series_keys(layout)
    season = calendars.season_length(frequency) if frequency else 1
    if frequency is None or season < 2:
        raise InvalidInputError(
            "a seasonal fill needs a regular frequency with "
            "seasons (days, weeks, months, quarters…)."
        )
    known = (
        frame.select(*keys, time, column)
        .drop_nulls([time, column])
        .unique([*keys, time], keep="first", maintain_order=True)
    )
    found = pl.Series(column, [None] * frame.height, dtype=frame.schema[column])
    for seasons in SEASONS_TRIED:
        then = calendar_grid.shift(frequency, frame[time], -seasons * season)
        looked = (
            then.alias(time)
            .to_frame()
            .hstack(frame.select(keys).get_columns())
            .join(
                known,
                on=[*keys, time],
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
        )
        found = found.fill_null(looked[column])
    return found


def apply_impute(
    frame: pl.DataFrame, step: Impute, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Fill (or drop) the missing values of the step's column."""
    need_columns(frame, step.column)
    if step.method in (
        "linear",
        "time",
        "seasonal",
        "ffill",
        "bfill",
        "rolling_mean",
        "rolling_median",
    ):
        need_columns(frame, layout.time_column)
        frame = in_time_order(frame, layout)
    missing = frame[step.column].null_count()
    if step.method == "drop":
        out = frame.filter(pl.col(step.column).is_not_null())
        return out, Change(
            index,
            "impute",
            f"Dropped rows without “{step.column}”.",
            rows_removed=frame.height - out.height,
        )
    if not frame.schema[step.column].is_numeric() and step.method not in (
        "ffill",
        "bfill",
    ):
        raise InvalidInputError(
            f"“{step.column}” does not hold numbers; only forward "
            "or backward fill work on it."
        )
    seasonal = (
        seasonal_values(frame, step.column, layout)
        if step.method == "seasonal"
        else None
    )
    out = frame.with_columns(
        fill_expression(
            step.column,
            step.method,
            layout,
            step.value,
            step.window,
            step.max_gap,
            seasonal,
        )
    )
    filled = missing - out[step.column].null_count()
    return out, Change(
        index,
        "impute",
        f"Filled {filled} missing “{step.column}” "
        f"values ({step.method.replace('_', ' ')}).",
        filled=filled,
    )
