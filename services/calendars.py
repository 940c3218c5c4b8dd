"""Calendars: the rhythm of a time column, recognised and named.

A frequency is a unit and a step (every 1 month) plus an anchor that says where in the
period the dates fall (month end, the 15th, week ending Sunday, business days), with a
stable code for programs and a label for people. The times that continue a calendar
come from :mod:`services.calendar_grid`.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> ends = pl.Series([date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)])
>>> f = detect_frequency(pl.DataFrame({"t": ends}), "t", [])
>>> f.unit, f.anchor.code, describe(f)
('month', 'month_end', 'monthly, at month end')

"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

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
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAY_NAMES = list(calendar.day_name)
MONTH_ABBR = [m.upper() for m in calendar.month_abbr]  # ["", "JAN", …]
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
        return Frequency(unit="business_day", step=1, anchor=business_anchor())
    seconds = round(median_days * 86400)
    if seconds == 0 or ((gaps % seconds) == 0).mean() < REGULAR_SHARE:  # type: ignore[operator]
        return None
    for unit in ("week", "day", "hour", "minute", "second"):
        size = SECONDS[unit]
        if seconds % size == 0:
            step = seconds // size
            anchor = week_anchor(times) if unit == "week" else None
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


def business_anchor() -> Anchor:
    """The anchor of business days."""
    return Anchor(code="business_days", label="business days (Monday to Friday)")


def week_anchor(times: pl.Series) -> Anchor | None:
    """The weekday all weekly ``times`` fall on, as an anchor (None if they vary)."""
    weekdays = times.dt.weekday().unique()
    if weekdays.len() != 1:
        return None
    day = int(weekdays[0]) - 1  # Polars: Monday is 1
    if day == 0:
        return Anchor(code="week_starting_mon", label="week starting Monday")
    return Anchor(
        code=f"week_ending_{WEEKDAYS[day]}", label=f"week ending {_WEEKDAY_NAMES[day]}"
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
        anchor = month_anchor(unit, position, times)
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


def month_anchor(unit: str, position: int | str, times: pl.Series) -> Anchor:
    """The anchor of month-based ``times`` at ``position`` (start, end or a day)."""
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
            code = f"{code}_{MONTH_ABBR[first].lower()}"
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
