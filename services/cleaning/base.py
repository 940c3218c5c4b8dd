"""What every cleaning step shares: the table's layout, the change counts, helpers.

A step is a Pydantic model (its ``op`` and parameters); applying it takes the frame,
the :class:`Layout` and its position in the recipe, and returns the new frame and a
:class:`Change`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from pydantic import BaseModel, ConfigDict

from services.calendars import Frequency
from services.errors import InvalidInputError


class StepModel(BaseModel):
    """A recipe step's parameters: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Layout:
    """What the steps need to know about the table: its time and series columns."""

    time_column: str | None
    series_columns: list[str]
    frequency: Frequency | None


@dataclass(frozen=True)
class Change:
    """What one step did, in counts a person can check."""

    step: int
    op: str
    description: str
    filled: int = 0
    clipped: int = 0
    flagged: int = 0
    rows_removed: int = 0
    rows_added: int = 0
    unreadable: int = 0  # values a type change or a date format could not read


def need_columns(frame: pl.DataFrame, *columns: str | None) -> None:
    """Refuse a step that names a column the frame lacks (``None``: no time column)."""
    for name in columns:
        if name is None:
            raise InvalidInputError("the dataset has no time column.")
        if name not in frame.columns:
            raise InvalidInputError(f"there is no column “{name}”.")


def time_column(frame: pl.DataFrame, layout: Layout) -> str:
    """The layout's time column, which the frame must hold."""
    need_columns(frame, layout.time_column)
    return layout.time_column or ""


def series_keys(layout: Layout) -> list[str]:
    """The columns that tell the series apart (none for a single series)."""
    return layout.series_columns or []


def in_time_order(frame: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The rows sorted by series, then time (ties keep their order)."""
    return frame.sort(
        [*series_keys(layout), layout.time_column or ""], maintain_order=True
    )


def date_column(frame: pl.DataFrame, layout: Layout) -> str:
    """The time column, which must hold dates or times."""
    time = time_column(frame, layout)
    if not frame.schema[time].is_temporal():
        raise InvalidInputError(
            f"“{time}” does not hold dates; read it as dates first."
        )
    return time
