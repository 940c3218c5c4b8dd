"""Engineered features: lags, rolling statistics and calendar (with holidays).

The same features feed the machine-learning models, so every rolling statistic uses
only the past (it is shifted by one step): a feature never peeks at its own target.
Calendar features are read from the data's own dates (a month-end date is in its own
month) and only those that vary at the frequency are made: weekly data has no weekday,
and a week, month or quarter counts the public holidays it holds.
"""

from __future__ import annotations

import re
from typing import get_args

import holidays
import polars as pl

from services import calendar_grid, calendars
from services.calendars import Frequency, Unit
from services.errors import InvalidInputError

COUNTRIES = sorted(holidays.list_supported_countries(include_aliases=False))


def default_lags(frequency: Frequency | None) -> list[int]:
    """One step back and one season back."""
    season = calendars.season_length(frequency) if frequency else 1
    return sorted({1, season}) if season > 1 else [1, 2]


UNITS = get_args(Unit)  # frequencies from the finest to the coarsest


def build_features(
    data: pl.DataFrame,
    frequency: Frequency | None,
    lags: list[int] | None = None,
    windows: list[int] | None = None,
    country: str | None = None,
) -> pl.DataFrame:
    """Features of one series ``data`` (columns time, value), row for row.

    Parameters
    ----------
    lags
        Steps back for ``lag_k`` columns; one step and one season by default.
    windows
        Lengths of the rolling mean/std/min/max over past values.
    country
        ISO code whose public holidays mark ``holiday`` (e.g. ``"AU"``); weeks,
        months, quarters and years get ``holidays``, how many fall in each.

    Raises
    ------
    InvalidInputError
        For an unknown country or a non-positive lag or window.

    Examples
    --------
    >>> import datetime as dt
    >>> days = pl.DataFrame({"time": [dt.date(2024, 12, 24) + dt.timedelta(days=i)
    ...                               for i in range(3)], "value": [1.0, 2.0, 3.0]})
    >>> build_features(days, None, lags=[1], windows=[2], country="GB")[
    ...     ["lag_1", "holiday"]].rows()
    [(None, False), (1.0, True), (2.0, True)]

    """
    lags = lags or default_lags(frequency)
    windows = windows or [max(2, lags[-1])]
    if min([*lags, *windows]) < 1:
        raise InvalidInputError("Lags and windows must be at least 1.")
    value, time = pl.col("value"), pl.col("time")
    past = value.shift(1)
    columns = [value.shift(k).alias(f"lag_{k}") for k in lags]
    for w in windows:
        columns += [
            past.rolling_mean(w).alias(f"rolling_mean_{w}"),
            past.rolling_std(w).alias(f"rolling_std_{w}"),
            past.rolling_min(w).alias(f"rolling_min_{w}"),
            past.rolling_max(w).alias(f"rolling_max_{w}"),
        ]
    # Calendar parts that vary at this frequency (quarterly data has no weekday).
    unit = UNITS.index(frequency.unit) if frequency else 0
    columns += [
        expr.alias(name)
        for name, expr, coarsest in (
            ("day_of_week", time.dt.weekday(), "business_day"),
            ("month", time.dt.month(), "month"),
            ("quarter", time.dt.quarter(), "quarter"),
            ("week_of_year", time.dt.week(), "week"),
        )
        if unit <= UNITS.index(coarsest)
    ]
    if data.schema["time"] != pl.Date and frequency:
        if frequency.unit in ("hour", "minute", "second"):
            columns.append(time.dt.hour().alias("hour"))
        if frequency.unit in ("minute", "second"):
            columns.append(time.dt.minute().alias("minute"))
    features = data.select("time", "value", *columns)
    if country and frequency and frequency.unit in PERIODS and frequency.step == 1:
        features = features.with_columns(
            holidays_in_period(features["time"], frequency, country)
        )
    elif country:
        features = features.with_columns(is_holiday(features["time"], country))
    return features


# Units whose rows stand for several days: holidays are counted, not flagged.
PERIODS = ("week", "month", "quarter", "year")


def is_holiday(times: pl.Series, country: str) -> pl.Series:
    """Whether each date is a public holiday in ``country`` (the holidays package).

    Raises
    ------
    InvalidInputError
        For a country the holidays package does not know.

    """
    dates = times.cast(pl.Date)
    return dates.is_in(_holidays(dates, country).implode()).alias("holiday")


def holidays_in_period(
    times: pl.Series, frequency: Frequency, country: str
) -> pl.Series:
    """How many public holidays fall in the period each time stands for.

    The period follows the data's calendar: the seven days up to a "week ending
    Sunday" date, the month of a month-end date, the fiscal quarter of a
    ``quarter_end_jan`` date.

    Raises
    ------
    InvalidInputError
        For a country the holidays package does not know.

    """
    days = _holidays(times.cast(pl.Date), country, margin=1)
    counts = (
        calendar_grid.period_of(frequency, days.cast(times.dtype))
        .value_counts(name="holidays")
        .rename({days.name: "time"})
    )
    looked = times.to_frame("time").join(
        counts, on="time", how="left", maintain_order="left"
    )
    return looked["holidays"].fill_null(0).cast(pl.Int64)


def _holidays(dates: pl.Series, country: str, margin: int = 0) -> pl.Series:
    """The public holidays of ``country`` in the years of ``dates`` (± ``margin``)."""
    if country not in COUNTRIES:
        raise InvalidInputError(
            f"No holiday calendar for “{country}”.", code="unknown_country"
        )
    years = dates.dt.year().drop_nulls()
    if years.len() == 0:
        return pl.Series("day", [], dtype=pl.Date)
    span = range(int(years.min()) - margin, int(years.max()) + margin + 1)  # type: ignore[arg-type]
    calendar = holidays.country_holidays(country, years=list(span))
    return pl.Series("day", sorted(calendar), dtype=pl.Date)


def correlations(features: pl.DataFrame) -> list[tuple[str, float]]:
    """Each feature's correlation with the target, strongest first."""
    out = []
    for name in features.columns:
        if name in ("time", "value"):
            continue
        pair = features.select(pl.corr(pl.col(name).cast(pl.Float64), "value")).item()
        if pair is not None and pair == pair:  # not NaN (constant columns)
            out.append((name, float(pair)))
    return sorted(out, key=lambda item: -abs(item[1]))


# The technical names build_features makes (and "<column>_…" forms of them).
_LAG = re.compile(r"^(?:(?P<column>.+)_)?lag_(?P<steps>\d+)$")
_ROLLING = re.compile(
    r"^(?:(?P<column>.+)_)?rolling_(?P<stat>mean|std|min|max)_(?P<steps>\d+)$"
)
_OUTLIER = re.compile(r"^(?P<column>.+)_outlier$")
ROLLING_WORDS = {"mean": "average", "std": "spread", "min": "low", "max": "high"}
CALENDAR_WORDS = {
    "time": "date",
    "day_of_week": "day of the week",
    "month": "month of year",
    "quarter": "quarter of year",
    "week_of_year": "week of year",
    "hour": "hour of day",
    "minute": "minute of the hour",
    "holiday": "public holiday",
}
_UNIT_NAMES = {"business_day": "business day"}


def _span(steps: int, frequency: Frequency | None) -> tuple[str, str]:
    """``steps`` in the frequency's words: ("12 months", "12-month")."""
    if frequency is None:
        return f"{steps} step{'' if steps == 1 else 's'}", f"{steps}-step"
    name = _UNIT_NAMES.get(frequency.unit, frequency.unit)
    count = steps * frequency.step
    return (
        f"{count:,} {name}{'' if count == 1 else 's'}",
        f"{count:,}-{name.replace(' ', '-')}",
    )


def label(
    technical_name: str,
    frequency: Frequency | None,
    target: str | None = None,
    user_column: bool = False,
) -> str:
    """A feature or column name as a person reads it.

    Parameters
    ----------
    technical_name
        A name :func:`build_features` makes (``lag_12``, ``rolling_std_12``,
        ``month``…), a ``<column>_lag_12`` form of one, or a cleaning step's
        ``<column>_outlier`` flag; any other name is returned as it is.
    frequency
        The data's frequency, to say steps as months, days…; ``None``: "steps".
    target
        The forecast column, named in lags and rolling statistics of the value.
    user_column
        A column of the user's table: its own name is kept even when it reads like
        a calendar feature (a column "month" stays "month").

    Examples
    --------
    >>> monthly = Frequency(unit="month", step=1)
    >>> label("sales_lag_12", monthly)
    'sales 12 months earlier'
    >>> label("lag_1", monthly, target="passengers")
    'passengers 1 month earlier'
    >>> label("rolling_std_12", monthly)
    '12-month rolling spread'
    >>> label("month", monthly), label("holidays", monthly)
    ('month of year', 'public holidays in the month')
    >>> label("rolling_mean_4", Frequency(unit="minute", step=15), target="load")
    '60-minute rolling average of load'
    >>> label("lag_2", None), label("store", monthly)
    ('the value 2 steps earlier', 'store')

    """
    name = technical_name
    if found := _LAG.match(name):
        column = found["column"] or target or "the value"
        return f"{column} {_span(int(found['steps']), frequency)[0]} earlier"
    if found := _ROLLING.match(name):
        column = found["column"] or target
        words = f"{_span(int(found['steps']), frequency)[1]} rolling "
        words += ROLLING_WORDS[found["stat"]]
        return f"{words} of {column}" if column else words
    if found := _OUTLIER.match(name):
        return f"{found['column']} marked unusual"
    if user_column:
        return name
    if name == "value":
        return target or "the value"
    if name == "holidays":
        period = _UNIT_NAMES.get(frequency.unit, frequency.unit) if frequency else ""
        return f"public holidays in the {period or 'period'}"
    return CALENDAR_WORDS.get(name, name)
