"""Putting the data on a regular calendar: insert the absent periods, then fill them."""

from __future__ import annotations

from datetime import datetime
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
from services.cleaning.impute import FillMethod, fill_expression, seasonal_values
from services.errors import InvalidInputError

# How many inserted times a description names before it says "and N more".
NAMED_TIMES = 3


class Regularize(StepModel):
    """Insert the absent periods at the frequency, then fill them.

    Without a frequency, or with the data's unit but no anchor, the data's own
    calendar is used (month ends stay month ends).
    """

    op: Literal["regularize"] = "regularize"
    frequency: Frequency | None = None
    fill: FillMethod | None = "linear"


def apply_regularize(
    frame: pl.DataFrame, step: Regularize, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    """Insert the periods the calendar lacks and fill their values."""
    time, keys = date_column(frame, layout), series_keys(layout)
    detected = layout.frequency or calendars.detect_frequency(
        frame.select(*keys, time).drop_nulls(time).unique().sort([*keys, time]),
        time,
        keys,
    )
    frequency = own_calendar(step.frequency, detected)
    if frequency is None:
        raise InvalidInputError("the time steps are irregular; choose a frequency.")
    spans = (
        frame.drop_nulls(time)
        .group_by(keys or pl.lit(0).alias("_all"))
        .agg(pl.col(time).min().alias("_first"), pl.col(time).max().alias("_last"))
    )
    grid = calendar_grid.calendar_times(frequency, spans, "_first", "_last", time).drop(
        "_first", "_last", "_all", strict=False
    )
    times = frame.select([*keys, time]).drop_nulls(time)
    off = times.join(grid, on=[*keys, time], how="anti", nulls_equal=True).height
    if off * 2 > times.height:
        chosen = _calendar_words(frequency)
        raise InvalidInputError(
            f"most dates do not fall on the chosen calendar ({chosen}), so inserting "
            "its dates would mix two calendars. Use “Change the frequency” to move "
            "the rows onto it."
        )
    absent = grid.join(times, on=[*keys, time], how="anti", nulls_equal=True)
    out = in_time_order(pl.concat([frame, absent], how="diagonal_relaxed"), layout)
    added = absent.height
    filled = 0
    if step.fill is not None and added:
        if step.fill == "drop":
            raise InvalidInputError(
                "inserting periods and then dropping them does "
                "nothing; choose another fill."
            )
        numeric = [
            c
            for c, t in out.schema.items()
            if t.is_numeric() and c not in (time, *keys)
        ]
        before = sum(out[c].null_count() for c in numeric)
        calendar = Layout(time, keys, frequency)
        out = out.with_columns(
            fill_expression(
                c,
                step.fill,
                calendar,
                seasonal=seasonal_values(out, c, calendar)
                if step.fill == "seasonal"
                else None,
            )
            for c in numeric
        )
        filled = before - sum(out[c].null_count() for c in numeric)
    return out, Change(
        index,
        "regularize",
        _inserted(frequency, absent[time], filled, step.fill),
        rows_added=added,
        filled=filled,
    )


def _inserted(
    frequency: Frequency, times: pl.Series, filled: int, fill: str | None
) -> str:
    """What a regularize step did, naming the calendar and the first times inserted."""
    anchor = frequency.anchor
    where = (
        f"the data's calendar ({anchor.label})"
        if anchor and frequency.unit != "business_day"
        else "the data's calendar"
    )
    if times.len() == 0:
        return f"Nothing to insert: no time is missing on {where}."
    if times.dtype != pl.Date and calendars.at_midnight(times):
        times = times.cast(pl.Date)
    shown = [
        t.isoformat(sep=" ", timespec="minutes")
        if isinstance(t, datetime)
        else t.isoformat()
        for t in times.sort().head(NAMED_TIMES).to_list()
    ]
    more = times.len() - NAMED_TIMES
    named = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
    count = calendars.step_name(frequency, times.len())
    words = f"Inserted {count} missing on {where}: {named}"
    if filled:
        words += f"; filled {filled} value{'s' if filled > 1 else ''} ({fill})"
    return words + "."


def own_calendar(
    chosen: Frequency | None, detected: Frequency | None
) -> Frequency | None:
    """The chosen frequency, with the data's anchor when it names the data's unit."""
    if chosen is None:
        return detected
    if (
        chosen.anchor is None
        and detected is not None
        and (chosen.unit, chosen.step) == (detected.unit, detected.step)
    ):
        return detected
    return chosen


def _calendar_words(frequency: Frequency) -> str:
    """The frequency and its anchor in words: "monthly, month end", "hourly"."""
    words = calendars.unit_words(frequency)
    return f"{words}, {frequency.anchor.label}" if frequency.anchor else words
