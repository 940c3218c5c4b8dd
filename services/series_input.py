"""Getting one series out of a table or a dataset version, on its calendar.

Explore, its features and the reports work on one series at a time: a (time, value)
frame in time order, with the times its frequency's calendar lacks inserted and
interpolated, so that a season is always the same number of rows.
"""

from __future__ import annotations

import polars as pl

from services import calendar_grid, calendars
from services.calendars import Frequency
from services.datasets import get_dataset, open_version
from services.errors import InvalidInputError
from services.profiling import Profile


def series_values(
    frame: pl.DataFrame,
    time: str,
    target: str,
    series_columns: list[str],
    series: str | None,
    frequency: Frequency | None = None,
) -> pl.DataFrame:
    """One series (time, value), in time order, missing values interpolated.

    A time that appears twice (the hour repeated when the clocks go back) keeps the
    average of its values. With a ``frequency``, the times missing from its calendar
    are inserted (month ends for month-end data, weekdays for business days), so a
    season is always the same number of rows; see :func:`regular_series`.

    Raises
    ------
    InvalidInputError
        For an unknown column or series.

    """
    return regular_series(frame, time, target, series_columns, series, frequency)[0]


def regular_series(
    frame: pl.DataFrame,
    time: str,
    target: str,
    series_columns: list[str],
    series: str | None,
    frequency: Frequency | None = None,
) -> tuple[pl.DataFrame, pl.Series]:
    """:func:`series_values` and the times it inserted from the calendar.

    Nothing is inserted when the times do not follow ``frequency`` (a version cleaned
    to another frequency), or when more than
    :data:`~services.calendars.MAX_MISSING_SHARE` of the calendar would be made up.

    Raises
    ------
    InvalidInputError
        For an unknown column or series.

    """
    for name in (time, target):
        if name not in frame.columns:
            raise InvalidInputError(
                f"The dataset has no column “{name}”.", code="unknown_column"
            )
    if not frame.schema[target].is_numeric():
        raise InvalidInputError(
            f"“{target}” does not hold numbers.", code="invalid_target"
        )
    if series_columns:
        label = pl.concat_str(
            [pl.col(c).cast(pl.String) for c in series_columns], separator=" / "
        )
        frame = frame.with_columns(label.alias("_series"))
        names = frame["_series"].unique(maintain_order=True)
        chosen = series if series is not None else names[0]
        if chosen not in names.to_list():
            raise InvalidInputError(
                f"There is no series “{series}”.", code="unknown_series"
            )
        frame = frame.filter(pl.col("_series") == chosen)
    elif series is not None:
        raise InvalidInputError(
            f"There is no series “{series}”: this dataset holds one series only. "
            "Leave the series out.",
            code="unknown_series",
        )
    data = (
        frame.select(
            pl.col(time).alias("time"), pl.col(target).cast(pl.Float64).alias("value")
        )
        .drop_nulls("time")
        .sort("time")
        .group_by("time", maintain_order=True)
        .agg(pl.col("value").mean())
    )
    inserted = _missing_times(data, frequency)
    if inserted.len():
        data = pl.concat([data, inserted.to_frame()], how="diagonal").sort("time")
    filled = data.with_columns(
        pl.col("value")
        .interpolate()
        .fill_null(strategy="forward")
        .fill_null(strategy="backward")
    )
    return filled, inserted


def _missing_times(data: pl.DataFrame, frequency: Frequency | None) -> pl.Series:
    """The times of ``frequency``'s calendar that ``data`` lacks (none if off it)."""
    nothing = data["time"].clear()
    if frequency is None or data.height < 2:
        return nothing
    first, last = data["time"][0], data["time"][-1]
    step = (
        calendars.MONTHS[frequency.unit] * 30.44 * 86400
        if frequency.unit in calendars.MONTHS
        else calendars.SECONDS.get(frequency.unit, 86400)
    ) * frequency.step
    span = pl.Series([last - first]).dt.total_seconds()[0]
    if span / step > 2 * data.height:  # the calendar is much finer than the data
        return nothing
    spans = pl.DataFrame({"first": [first], "last": [last]})
    grid = calendar_grid.calendar_times(frequency, spans, "first", "last", "time")[
        "time"
    ]
    on_grid = data["time"].is_in(grid.implode())
    missing = grid.filter(~grid.is_in(data["time"].implode()))
    if (
        on_grid.mean() < calendars.REGULAR_SHARE  # type: ignore[operator]
        or missing.len() > calendars.MAX_MISSING_SHARE * grid.len()
    ):
        return nothing
    return missing


def inserted_note(frequency: Frequency, times: pl.Series) -> str:
    """Say which missing times of the calendar were filled in for the analysis."""
    if times.dtype != pl.Date and calendars.at_midnight(times):
        times = times.cast(pl.Date)
    shown = ", ".join(str(t)[:16] for t in times.head(3).to_list()) + (
        f" and {times.len() - 3} more" if times.len() > 3 else ""
    )
    if frequency.unit == "business_day":
        return (
            f"{times.len()} weekday{'s' if times.len() > 1 else ''} without a row "
            f"({shown}; public holidays, most likely) "
            f"{'were' if times.len() > 1 else 'was'} bridged by interpolation, so "
            "each week has five days."
        )
    return (
        f"{calendars.step_name(frequency, times.len())} without a row ({shown}) "
        f"{'were' if times.len() > 1 else 'was'} filled in by interpolation, so "
        "each season has the same number of points."
    )


def series_label(
    frame: pl.DataFrame, series_columns: list[str], series: str | None
) -> str | None:
    """The name of the series :func:`series_values` picks: the first one by default."""
    if not series_columns or series is not None:
        return series
    first = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in series_columns], separator=" / "
        )
    )
    return str(first.to_series()[0])


def analysable_target(
    user_id: int, dataset_id: str, target: str | None
) -> tuple[Profile, str]:
    """The dataset's profile and the target to analyse (its chosen one by default)."""
    profile = get_dataset(user_id, dataset_id).profile
    target = target or profile.target
    if profile.time_column is None or target is None:
        raise InvalidInputError(
            "The dataset needs a time column and a column of numbers to analyse.",
            code="no_time_column",
        )
    return profile, target


def dataset_series(
    user_id: int, dataset_id: str, target: str | None = None, series: str | None = None
) -> tuple[pl.DataFrame, Frequency | None]:
    """One series of a dataset's target (time, value) and its frequency.

    Raises
    ------
    InvalidInputError
        When there is no time column or no numeric target.

    """
    profile, target = analysable_target(user_id, dataset_id, target)
    frame = open_version(user_id, dataset_id)
    data = series_values(
        frame, profile.time_column or "", target, profile.series_id_columns, series
    )
    return data, profile.frequency
