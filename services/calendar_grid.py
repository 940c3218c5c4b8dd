"""The models' grid: moving a calendar's times onto a regular grid and back.

Models see every frequency on a grid pandas and Darts know (month starts, ``W-SUN``,
``B``, ``15min``): :func:`to_grid` moves the data's own times onto it and
:func:`from_grid` moves times back, so month-end data is forecast at month ends and
billing on the 15th continues on the 15th. Cleaning and Explore step along the same
grid (:func:`calendar_times`, :func:`shift`, :func:`period_of`).

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> from services.calendars import Anchor, Frequency
>>> ends = pl.Series([date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)])
>>> end = Anchor(code="month_end", label="month end")
>>> f = Frequency(unit="month", step=1, anchor=end)
>>> [d.isoformat() for d in future_times(f, ends, 2)]
['2024-04-30', '2024-05-31']

"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import polars as pl

from services.calendars import (
    MONTH_ABBR,
    MONTHS,
    WEEKDAYS,
    Anchor,
    Frequency,
    business_anchor,
    month_anchor,
    week_anchor,
)

_ALIASES = {"second": "s", "minute": "min", "hour": "h", "day": "D"}


# --- the models' grid ---------------------------------------------------------------


def _position(frequency: Frequency) -> int | str:
    code = frequency.anchor.code if frequency.anchor else ""
    if code.startswith("day_of_month_"):
        return int(code.removeprefix("day_of_month_"))
    if "_end" in code and frequency.unit in MONTHS:
        return "end"
    return "start"


def to_grid(frequency: Frequency, times: pl.Series) -> pl.Series:
    """The data's times on the models' grid (month-based data: period starts)."""
    if frequency.unit not in MONTHS:
        return times
    start = times.dt.month_start()
    if _position(frequency) == "end" and MONTHS[frequency.unit] > 1:
        start = start.dt.offset_by(f"-{MONTHS[frequency.unit] - 1}mo")
    return start


def from_grid(frequency: Frequency, times: pl.Series) -> pl.Series:
    """Times on the models' grid back in the data's own calendar."""
    if frequency.unit not in MONTHS:
        return times
    position = _position(frequency)
    if position == "start":
        return times
    if position == "end":
        ahead = MONTHS[frequency.unit] - 1
        shifted = times.dt.offset_by(f"{ahead}mo") if ahead else times
        return shifted.dt.month_end()
    # The same day each month, or the month's last day when the month is shorter.
    frame = pl.DataFrame({"t": times})
    last = pl.col("t").dt.month_end().dt.day().cast(pl.Int64)
    day = pl.min_horizontal(pl.lit(position, dtype=pl.Int64), last)
    return frame.select(pl.col("t") + pl.duration(days=day - 1)).to_series()


def grid_alias(frequency: Frequency, first: date | datetime) -> str:
    """The pandas frequency of the grid that starts at ``first`` (a grid time)."""
    step = "" if frequency.step == 1 else str(frequency.step)
    unit = frequency.unit
    if unit == "month":
        return f"{step}MS"
    if unit in ("quarter", "year"):
        month = first.month
        if unit == "quarter":
            month = (month - 1) % 3 + 1  # QS-JAN, QS-FEB or QS-MAR
        return f"{step}{'QS' if unit == 'quarter' else 'YS'}-{MONTH_ABBR[month]}"
    if unit == "week":
        return f"{step}W-{WEEKDAYS[first.weekday()].upper()}"
    if unit == "business_day":
        return f"{step}B"
    return f"{step}{_ALIASES[unit]}"


def future_times(frequency: Frequency, history: pl.Series, steps: int) -> pl.Series:
    """The ``steps`` times after the end of ``history``, in the data's calendar.

    The result has the dtype of ``history`` (dates stay dates).
    """
    grid = to_grid(frequency, history.drop_nulls().sort())
    last = grid[-1]
    future = pd.date_range(
        start=last, periods=steps + 1, freq=grid_alias(frequency, last)
    )[1:]
    times = pl.Series("time", future.to_numpy()).cast(history.dtype)
    return from_grid(frequency, times)


# --- moving along a calendar (cleaning and Explore) ---------------------------------

_POLARS_UNITS = {
    "second": "s",
    "minute": "m",
    "hour": "h",
    "day": "d",
    "business_day": "d",
    "week": "w",
}


def grid_interval(frequency: Frequency) -> str:
    """One step on the models' grid as a Polars interval (``"1mo"``, ``"1w"``).

    Business days step a day at a time on the grid (weekends are then left out).
    """
    if frequency.unit in MONTHS:
        return f"{MONTHS[frequency.unit] * frequency.step}mo"
    return f"{frequency.step}{_POLARS_UNITS[frequency.unit]}"


def calendar_times(
    frequency: Frequency, spans: pl.DataFrame, first: str, last: str, name: str
) -> pl.DataFrame:
    """Every time of the calendar from each span's ``first`` to its ``last`` time.

    Each row of ``spans`` is repeated once per time, which is put in a new column
    ``name``. Months are stepped on the grid and moved back, so month-end spans give
    month ends (February 29 in leap years), not the 30th after an April 30; weeks keep
    the first time's weekday; business days skip weekends.

    Examples
    --------
    >>> spans = pl.DataFrame({"a": [date(2024, 1, 31)], "b": [date(2024, 4, 30)]})
    >>> month_end = Frequency(unit="month", step=1, anchor=Anchor(code="month_end",
    ...                       label="month end"))
    >>> calendar_times(month_end, spans, "a", "b", "t")["t"].to_list()[1:3]
    [datetime.date(2024, 2, 29), datetime.date(2024, 3, 31)]

    """
    dtype = spans.schema[first]
    start = to_grid(frequency, spans[first]).alias(name)
    end = to_grid(frequency, spans[last]).alias("_calendar_end")
    if dtype == pl.Date:
        ranged = pl.date_ranges(name, "_calendar_end", grid_interval(frequency))
    else:
        ranged = pl.datetime_ranges(
            name,
            "_calendar_end",
            grid_interval(frequency),
            time_unit=dtype.time_unit,  # type: ignore[attr-defined]
            time_zone=dtype.time_zone,  # type: ignore[attr-defined]
        )
    times = (
        spans.with_columns(start, end, pl.int_range(pl.len()).alias("_calendar_span"))
        .with_columns(ranged.alias(name))
        .explode(name)
        .drop_nulls(name)
    )
    if frequency.unit == "business_day":
        times = times.filter(pl.col(name).dt.weekday() <= 5).filter(
            pl.int_range(pl.len()).over("_calendar_span") % frequency.step == 0
        )
    times = times.drop("_calendar_end", "_calendar_span")
    return times.with_columns(from_grid(frequency, times[name]).cast(dtype).alias(name))


def shift(frequency: Frequency, times: pl.Series, steps: int) -> pl.Series:
    """Each time moved ``steps`` steps later (earlier when negative) in its calendar.

    Twelve months before February 29 of month-end data is February 28, and twelve
    months later it is February 28 again, then 29 four years on.
    """
    count = steps * frequency.step
    if frequency.unit in MONTHS:
        months = f"{count * MONTHS[frequency.unit]}mo"
        moved = from_grid(frequency, to_grid(frequency, times).dt.offset_by(months))
    elif frequency.unit == "business_day":
        moved = times.dt.add_business_days(count, roll="backward")
    else:
        moved = times.dt.offset_by(f"{count}{_POLARS_UNITS[frequency.unit]}")
    return moved.cast(times.dtype).alias(times.name)


def period_of(frequency: Frequency, times: pl.Series) -> pl.Series:
    """The time of the ``frequency`` period that each time falls in, in its calendar.

    Months, quarters and years are calendar periods, or fiscal ones when the anchor
    names a month (``quarter_end_jan``, ``year_end_jun``), dated as the anchor says
    (start, end or a day of the month); weeks start on Monday, or the day after the
    weekday a ``week_ending_…`` anchor names, and are dated on that day; a weekend
    day belongs to the business day before it; hours, days… are truncated.

    Examples
    --------
    >>> quarter_end = Frequency(unit="quarter", step=1, anchor=Anchor(
    ...     code="quarter_end", label="quarter end"))
    >>> period_of(quarter_end, pl.Series([date(2024, 2, 29)])).to_list()
    [datetime.date(2024, 3, 31)]

    """
    dtype, unit = times.dtype, frequency.unit
    if unit in MONTHS:
        size = MONTHS[unit] * frequency.step
        first = _first_month(frequency)
        index = pl.col("t").dt.year().cast(pl.Int64) * 12 + pl.col("t").dt.month() - 1
        start = (index - first) // size * size + first
        grid = pl.DataFrame({"t": times}).select(
            pl.date(start // 12, start % 12 + 1, 1)
        )
        labels = from_grid(frequency, grid.to_series())
    elif unit == "week":
        code = frequency.anchor.code if frequency.anchor else ""
        ending = code.startswith("week_ending_")
        begin = (WEEKDAYS.index(code[-3:]) + 1) % 7 if ending else 0
        days = times.cast(pl.Date).cast(pl.Int64)
        size = 7 * frequency.step
        # 1970-01-01, day 0, was a Thursday (weekday 3 counting Monday as 0).
        starts = days - (days + 3 - begin) % size
        labels = (starts + (size - 1 if ending else 0)).cast(pl.Date)
    elif unit == "business_day":
        labels = times.cast(pl.Date).dt.add_business_days(0, roll="backward")
    else:
        labels = times.dt.truncate(grid_interval(frequency))
    if isinstance(dtype, pl.Datetime) and dtype.time_zone and labels.dtype == pl.Date:
        naive = labels.cast(pl.Datetime(dtype.time_unit))
        return naive.dt.replace_time_zone(dtype.time_zone).alias(times.name)
    return labels.cast(dtype).alias(times.name)


def _first_month(frequency: Frequency) -> int:
    """The first month of the year's first period, counting January as 0."""
    code = frequency.anchor.code if frequency.anchor else ""
    suffix = code.rsplit("_", 1)[-1].upper()
    if frequency.unit == "month" or suffix not in MONTH_ABBR[1:]:
        return 0
    month = MONTH_ABBR.index(suffix)  # the first month, or the last one for ends
    size = MONTHS[frequency.unit]
    if "_end" in code:
        month -= size - 1
    return (month - 1) % size


def follow_anchor(target: Frequency, source: Frequency | None) -> Frequency:
    """``target`` dated the way ``source`` dates its rows, unless it has an anchor.

    The same unit keeps the source's anchor (fiscal quarters stay fiscal). Data
    dated at period ends (month ends, weeks ending Sunday…) gets coarser periods
    dated at their ends too, and weeks ending Sunday; data dated on a day of the
    month keeps that day; anything else is dated at period starts, and weeks start
    on Monday.

    Examples
    --------
    >>> month_end = Frequency(unit="month", step=1, anchor=Anchor(code="month_end",
    ...                       label="month end"))
    >>> follow_anchor(Frequency(unit="quarter", step=1), month_end).anchor.code
    'quarter_end'

    """
    if target.anchor is not None or source is None:
        return target
    if source.unit == target.unit:
        return target.model_copy(update={"anchor": source.anchor})
    code = source.anchor.code if source.anchor else ""
    position: int | str = "start"
    if source.unit in MONTHS:
        position = _position(source)
    elif code.startswith("week_ending_"):
        position = "end"
    anchor: Anchor | None = None
    if target.unit in MONTHS:
        # A standard month for the position, so the anchor is not a fiscal one.
        standard = date(2000, 12 if position == "end" else 1, 1)
        anchor = month_anchor(target.unit, position, pl.Series([standard]))
    elif target.unit == "week":
        anchor = week_anchor(pl.Series([date(2024, 1, 7 if position == "end" else 1)]))
    elif target.unit == "business_day":
        anchor = business_anchor()
    return target.model_copy(update={"anchor": anchor})
