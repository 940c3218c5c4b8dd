"""Changing the frequency: aggregate rows into periods dated as the data dates them."""

from __future__ import annotations

import calendar
from typing import Literal

import polars as pl

from services import calendar_grid, calendars
from services.calendars import Frequency
from services.cleaning.base import (
    Change,
    Layout,
    StepModel,
    date_column,
    in_time_order,
    series_keys,
)
from services.errors import InvalidInputError


class Resample(StepModel):
    """Aggregate to another frequency.

    Without an anchor, periods are dated the way the data dates its rows: month-end
    data gives quarters dated at their ends (see :func:`calendars.follow_anchor`).
    """

    op: Literal["resample"] = "resample"
    frequency: Frequency
    agg: Literal["sum", "mean", "last", "min", "max"] = "sum"


def apply_resample(
    frame: pl.DataFrame, step: Resample, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Aggregate the rows into periods of the step's frequency."""
    time, keys = date_column(frame, layout), series_keys(layout)
    target = calendar_grid.follow_anchor(step.frequency, layout.frequency)
    if frame.schema[time] == pl.Date and target.unit in ("hour", "minute", "second"):
        raise InvalidInputError(
            f"“{time}” holds dates without times; choose daily or coarser."
        )
    numeric = [c for c, t in frame.schema.items() if t.is_numeric() and c not in keys]
    others = [c for c in frame.columns if c not in (*keys, time, *numeric)]
    ordered = in_time_order(frame, layout)
    out = (
        ordered.with_columns(calendar_grid.period_of(target, ordered[time]).alias(time))
        .group_by([*keys, time], maintain_order=True)
        .agg(
            *[getattr(pl.col(c), step.agg)() for c in numeric],
            *[pl.col(c).last() for c in others],
        )
        .select(frame.columns)
    )
    unit = target.unit.replace("_", " ")
    return in_time_order(out, layout), Change(
        index,
        "resample",
        f"Aggregated {frame.height} rows into {out.height} ({step.agg} per "
        f"{unit}; {_dated(target)}).",
        rows_removed=max(0, frame.height - out.height),
    )


def _dated(frequency: Frequency) -> str:
    """How the periods of ``frequency`` are dated, in words."""
    code = frequency.anchor.code if frequency.anchor else ""
    label = frequency.anchor.label if frequency.anchor else ""
    unit = frequency.unit.replace("_", " ")
    if frequency.unit == "week":
        which = "last" if code.startswith("week_ending_") else "first"
        return (
            f"each week is dated on its {which} day ({label or 'week starting Monday'})"
        )
    if frequency.unit == "business_day":
        return "weekend rows count for the Friday before"
    if frequency.unit not in calendars.MONTHS:
        return f"each {unit} is dated at its start"
    if code.startswith("day_of_month_"):
        day = label.removesuffix(" of the month")
        return f"each {unit} is dated on {day}" + (
            " of its first month" if frequency.unit != "month" else ""
        )
    end = "_end" in code
    words = f"each {unit} is dated on its {'last' if end else 'first'} day"
    month = code.rsplit("_", 1)[-1].title()
    if month in calendar.month_abbr[1:]:
        size = calendars.MONTHS[frequency.unit]
        first = list(calendar.month_abbr).index(month)
        months = [
            calendar.month_name[(first - 1 + k) % 12 + 1] for k in range(0, 12, size)
        ]
        names = ", ".join(months[:-1]) + " and " if len(months) > 1 else ""
        words += f"; {unit}s {'end' if end else 'start'} in {names}{months[-1]}"
    elif end:
        words += ", as the data dates its rows"
    return words
