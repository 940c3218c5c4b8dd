"""Calendars: the rhythm of a time column, and the timestamps that continue it.

A frequency is a unit and a step (every 1 month) plus an anchor that says where in the
period the dates fall (month end, the 15th, week ending Sunday, business days). Models
see every frequency on a grid pandas and Darts know (month starts, ``W-SUN``, ``B``,
``15min``); :func:`to_grid` moves the data's own times onto that grid and
:func:`from_grid` moves forecast times back, so month-end data is forecast at month
ends and billing on the 15th continues on the 15th.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> ends = pl.Series([date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)])
>>> f = detect_frequency(pl.DataFrame({"t": ends}), "t", [])
>>> f.unit, f.anchor.code
('month', 'month_end')
>>> [d.isoformat() for d in future_times(f, ends, 2)]
['2024-04-30', '2024-05-31']

"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Literal

import pandas as pd
import polars as pl
from pydantic import BaseModel

Unit = Literal[
    "second",
    "minute",
    "hour",
    "day",
    "business_day",
    "week",
    "month",
    "quarter",
    "year",
]
# Season length per unit (observations per natural cycle), used as a default.
SEASON_LENGTH: dict[str, int] = {
    "second": 60,
    "minute": 60,
    "hour": 24,
    "day": 7,
    "business_day": 5,
    "week": 52,
    "month": 12,
    "quarter": 4,
    "year": 1,
}
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
MONTHS = {"month": 1, "quarter": 3, "year": 12}
_ALIASES = {"second": "s", "minute": "min", "hour": "h", "day": "D"}
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAY_NAMES = list(calendar.day_name)
_MONTH_ABBR = [m.upper() for m in calendar.month_abbr]  # ["", "JAN", …]
# At least this share of the gaps must be whole steps for the data to have a rhythm.
REGULAR_SHARE = 0.9
# Gaps are filled in for the models up to this share of the points (as Excel's
# Forecast Sheet does, which tolerates 30% missing points).
MAX_MISSING_SHARE = 0.3


class Anchor(BaseModel):
    """Where in each period the dates fall: a stable code and a plain label."""

    code: str
    label: str


class Frequency(BaseModel):
    """The regular spacing of the time column, e.g. every 1 month at month end.

    ``anchor`` is ``None`` for units that need none (days, hours, …); for months,
    quarters and years ``None`` means the start of the period.
    """

    unit: Unit
    step: int
    anchor: Anchor | None = None


def season_length(frequency: Frequency) -> int:
    """Observations per natural cycle (12 for monthly data; 1 for no season)."""
    return SEASON_LENGTH[frequency.unit] if frequency.step == 1 else 1


# --- detection ---------------------------------------------------------------------


def detect_frequency(
    data: pl.DataFrame, time: str, keys: list[str]
) -> Frequency | None:
    """The frequency of ``time`` from the gaps within each series, if it is regular.

    ``data`` holds the time column and the series columns ``keys``, sorted by series
    and time, without duplicate rows.
    """
    times = data[time].drop_nulls()
    group = [pl.col(k) for k in keys] or [pl.lit(0)]
    gaps = (
        data.select((pl.col(time).diff().over(group).dt.total_seconds()).alias("gap"))
        .to_series()
        .drop_nulls()
    )
    gaps = gaps.filter(gaps > 0)  # a repeated time (a clock change) is not a step
    if gaps.len() == 0:
        return None
    median_days = float(gaps.median()) / 86400  # type: ignore[arg-type]
    if median_days >= 27 and at_midnight(times):
        return _monthly(data, time, keys, median_days)
    if median_days == 1 and at_midnight(times) and _business_days(times, gaps):
        return Frequency(unit="business_day", step=1, anchor=_business_anchor())
    seconds = round(median_days * 86400)
    if seconds == 0 or ((gaps % seconds) == 0).mean() < REGULAR_SHARE:  # type: ignore[operator]
        return None
    for unit in ("week", "day", "hour", "minute", "second"):
        size = SECONDS[unit]
        if seconds % size == 0:
            step = seconds // size
            anchor = _week_anchor(times) if unit == "week" else None
            if unit == "week" and anchor is None:
                return None  # weekly gaps on different weekdays: no rhythm
            return Frequency(unit=unit, step=step, anchor=anchor)
    return None


def at_midnight(times: pl.Series) -> bool:
    """Whether every time is a date (a Date, or a datetime at midnight)."""
    return times.dtype == pl.Date or bool((times.dt.truncate("1d") == times).all())


def _business_days(times: pl.Series, gaps: pl.Series) -> bool:
    """Weekdays only, with weekends skipped (gaps of three days over a weekend)."""
    return bool(
        times.len() > 10
        and (times.dt.weekday() <= 5).all()
        and (gaps == 3 * 86400).any()
    )


def _business_anchor() -> Anchor:
    return Anchor(code="business_days", label="business days (Monday to Friday)")


def _week_anchor(times: pl.Series) -> Anchor | None:
    weekdays = times.dt.weekday().unique()
    if weekdays.len() != 1:
        return None
    day = int(weekdays[0]) - 1  # Polars: Monday is 1
    if day == 0:
        return Anchor(code="week_starting_mon", label="week starting Monday")
    return Anchor(
        code=f"week_ending_{_WEEKDAYS[day]}", label=f"week ending {_WEEKDAY_NAMES[day]}"
    )


def _monthly(
    data: pl.DataFrame, time: str, keys: list[str], median_days: float
) -> Frequency | None:
    """Months, quarters or years, anchored at the start, the end or a day of month."""
    times = data[time].drop_nulls().cast(pl.Date)
    position = _day_position(times)
    if position is None:
        return None
    # Each time as a month number (on the period-start grid), and the steps between.
    month_number = pl.col(time).dt.year() * 12 + pl.col(time).dt.month()
    group = [pl.col(k) for k in keys] or [pl.lit(0)]
    steps = (
        data.select(month_number.diff().over(group).alias("m")).to_series().drop_nulls()
    )
    steps = steps.filter(steps > 0)
    months = round(median_days / 30.44)
    for unit, size in (("year", 12), ("quarter", 3), ("month", 1)):
        if months % size or months < size:
            continue
        if ((steps % months) == 0).mean() < REGULAR_SHARE:  # type: ignore[operator]
            return None
        step = months // size
        anchor = _month_anchor(unit, position, times)
        return Frequency(unit=unit, step=step, anchor=anchor)  # type: ignore[arg-type]
    return None


def _day_position(times: pl.Series) -> int | str | None:
    """``"start"``, ``"end"`` or the day of the month all dates share (else None).

    A day past the end of a short month counts as that month's last day (billing on
    the 30th is on February 28).
    """
    day = times.dt.day()
    last = times.dt.month_end().dt.day()
    if (day == 1).all():
        return "start"
    if (day == last).all():
        return "end"
    usual = int(day.mode().sort()[-1])
    if ((day == usual) | ((day == last) & (last < usual))).all():
        return usual
    return None


def _month_anchor(unit: str, position: int | str, times: pl.Series) -> Anchor:
    if isinstance(position, int):
        return Anchor(
            code=f"day_of_month_{position}",
            label=f"the {_ordinal(position)} of the month",
        )
    size = MONTHS[unit]
    month = int(times.dt.month()[0])
    words = {"month": "month", "quarter": "quarter", "year": "year"}[unit]
    code, label = f"{words}_{position}", f"{words} {position}"
    if unit != "month":
        # Calendar quarters end in March, June, September, December; calendar years in
        # December. Other months are fiscal periods, named by their first or last month.
        standard = 1 if position == "start" else size
        if (month - standard) % size:
            first = (month - 1) % size + 1  # the earliest of the periods' months
            code = f"{code}_{_MONTH_ABBR[first].lower()}"
            months = [calendar.month_name[m] for m in range(first, 13, size)]
            label = f"{label} ({', '.join(months)})"
    return Anchor(code=code, label=label)


def _ordinal(day: int) -> str:
    suffix = (
        "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    )
    return f"{day}{suffix}"


def clock_change_days(repeated: pl.Series) -> list[date]:
    """The days on which ``repeated`` times show the clock going back an hour.

    ``repeated`` holds the times that appear more than once. They look like the end of
    daylight saving time when each day's repeats are night-time wall-clock times
    (00:00 to 03:59) within one hour, on at most one day a year. Anything else is not
    a clock change: the list is empty.
    """
    if repeated.len() == 0 or repeated.dtype == pl.Date or at_midnight(repeated):
        return []
    frame = pl.DataFrame({"t": repeated.unique()}).with_columns(
        day=pl.col("t").dt.date()
    )
    days = frame.group_by("day").agg(
        span=(pl.col("t").max() - pl.col("t").min()).dt.total_seconds(),
        night=(pl.col("t").dt.hour() <= 3).all(),
    )
    years = days["day"].dt.year()
    if (
        (days["span"] >= 3600).any()
        or not days["night"].all()
        or years.n_unique() != years.len()
    ):
        return []
    return sorted(days["day"].to_list())


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
        return f"{step}{'QS' if unit == 'quarter' else 'YS'}-{_MONTH_ABBR[month]}"
    if unit == "week":
        return f"{step}W-{_WEEKDAYS[first.weekday()].upper()}"
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
        begin = (_WEEKDAYS.index(code[-3:]) + 1) % 7 if ending else 0
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
    if frequency.unit == "month" or suffix not in _MONTH_ABBR[1:]:
        return 0
    month = _MONTH_ABBR.index(suffix)  # the first month, or the last one for ends
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
        anchor = _month_anchor(target.unit, position, pl.Series([standard]))
    elif target.unit == "week":
        anchor = _week_anchor(pl.Series([date(2024, 1, 7 if position == "end" else 1)]))
    elif target.unit == "business_day":
        anchor = _business_anchor()
    return target.model_copy(update={"anchor": anchor})


# --- words ---------------------------------------------------------------------------

_UNIT_WORDS = {
    "business_day": "business-day",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
    "hour": "hourly",
    "minute": "minute",
    "second": "second",
}
_UNIT_NAMES = {"business_day": "business day"}


def unit_words(frequency: Frequency) -> str:
    """The frequency as an adjective: monthly, every-15-minutes."""
    if frequency.step == 1:
        return _UNIT_WORDS[frequency.unit]
    return f"every-{frequency.step}-{frequency.unit.replace('_', '-')}s"


_PLAIN = {
    "day": "daily",
    "business_day": "business days",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
    "hour": "hourly",
    "minute": "every minute",
    "second": "every second",
}


def describe(frequency: Frequency) -> str:
    """The rhythm in plain words: "monthly, at month end", "every 15 minutes".

    Examples
    --------
    >>> describe(Frequency(unit="week", step=1, anchor=Anchor(
    ...     code="week_ending_sun", label="week ending Sunday")))
    'weekly, week ending Sunday'

    """
    if frequency.step == 1:
        words = _PLAIN[frequency.unit]
    else:
        words = (
            f"every {frequency.step} {_UNIT_NAMES.get(frequency.unit, frequency.unit)}s"
        )
    anchor = frequency.anchor
    if anchor is None or frequency.unit == "business_day":
        return words if anchor is None else anchor.label
    if anchor.code.startswith(("month_", "quarter_", "year_")):
        return f"{words}, at {anchor.label}"
    if anchor.code.startswith("day_of_month"):
        return f"{words}, on {anchor.label}"
    return f"{words}, {anchor.label}"


def step_name(frequency: Frequency, count: int = 1) -> str:
    """A number of steps in words: 1 month, 3 business days, 2 × 15 minutes."""
    name = _UNIT_NAMES.get(frequency.unit, frequency.unit)
    plural = "" if count == 1 else "s"
    if frequency.step == 1:
        return f"{count} {name}{plural}"
    return f"{count} × {frequency.step} {name}s"


def suggestion(median_gap_days: float) -> str:
    """The regular frequency to resample irregular data to, in plain words."""
    if median_gap_days < 1 / 24:
        return "hourly"
    if median_gap_days < 1:
        return "daily"
    if median_gap_days < 5:
        return "weekly"
    if median_gap_days < 25:
        return "monthly"
    if median_gap_days < 80:
        return "quarterly"
    return "yearly"
