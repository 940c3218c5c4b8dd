"""Steps on one column: change its type, read it as dates, rename it."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field

from services.cleaning.base import Change, Layout, StepModel, need_columns
from services.errors import InvalidInputError


class Cast(StepModel):
    """Change a column's type."""

    op: Literal["cast"] = "cast"
    column: str
    to: Literal["number", "integer", "text", "boolean"]


class ParseDates(StepModel):
    """Read a text column as dates with an explicit format (e.g. ``%d/%m/%Y``)."""

    op: Literal["parse_dates"] = "parse_dates"
    column: str
    format: str = Field(min_length=2, max_length=64)


class Rename(StepModel):
    """Give a column a new name."""

    op: Literal["rename"] = "rename"
    column: str
    to: str = Field(min_length=1, max_length=255)


def apply_cast(
    frame: pl.DataFrame, step: Cast, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Change a column's type; values it cannot read become missing."""
    need_columns(frame, step.column)
    target = {
        "number": pl.Float64,
        "integer": pl.Int64,
        "text": pl.String,
        "boolean": pl.Boolean,
    }[step.to]
    out = frame.with_columns(pl.col(step.column).cast(target, strict=False))
    lost = out[step.column].null_count() - frame[step.column].null_count()
    return out, Change(
        index,
        "cast",
        f"Made “{step.column}” {step.to}"
        + (f"; {lost} values could not be converted and are missing." if lost else "."),
        unreadable=max(0, lost),
    )


def apply_parse_dates(
    frame: pl.DataFrame, step: ParseDates, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Read a text column as dates with the step's format."""
    need_columns(frame, step.column)
    text = pl.col(step.column).cast(pl.String)
    parsed = frame.select(text.str.to_datetime(step.format, strict=False)).to_series()
    lost = parsed.null_count() - frame[step.column].null_count()
    if lost == frame.height - frame[step.column].null_count():
        raise InvalidInputError(
            f"no value of “{step.column}” matches the format {step.format}."
        )
    if "%H" not in step.format:
        parsed = parsed.cast(pl.Date)
    out = frame.with_columns(parsed.alias(step.column))
    return out, Change(
        index,
        "parse_dates",
        f"Read “{step.column}” as dates "
        f"({step.format})" + (f"; {lost} did not match." if lost else "."),
        unreadable=max(0, lost),
    )


def apply_rename(
    frame: pl.DataFrame, step: Rename, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Give a column a new name (not one that exists)."""
    need_columns(frame, step.column)
    if step.to in frame.columns:
        raise InvalidInputError(f"a column “{step.to}” already exists.")
    return frame.rename({step.column: step.to}), Change(
        index, "rename", f"Renamed “{step.column}” to “{step.to}”."
    )
