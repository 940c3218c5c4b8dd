"""Preparing a table for the models: one regular series per group, on the calendar.

Each series is cut from the table (its own start and end), a clock change's repeated
hour is averaged, the times are moved onto the models' grid (see
:mod:`services.calendars`), and missing steps are filled by interpolation — up to
:data:`~services.calendars.MAX_MISSING_SHARE` of the points — with a note that says
which. A series too short for any model is left out with a note (or refused when it is
the only one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from services import calendar_grid, calendars
from services.calendars import Frequency
from services.errors import InvalidInputError, SeriesTooShortError
from services.fitting import SeriesData
from services.models import CATALOG

# Fewer values than this are too few for any model (the baselines need four).
MIN_POINTS = 4
# How many filled times a note names before it says "and N more".
NAMED_GAPS = 3


@dataclass
class Prepared:
    """The series to forecast: observed rows, regular Darts series, and notes.

    ``tables`` hold each series' own rows (``time`` in the data's calendar,
    ``value``); ``series`` the same on the models' grid, gaps filled.
    """

    tables: dict[str | None, pl.DataFrame]
    series: dict[str | None, Any]
    notes: list[str] = field(default_factory=list)


def series_label(key: tuple[Any, ...]) -> str:
    """A series' name from its key values: ``"North / 12"``."""
    return " / ".join(str(part) for part in key)


def split_series(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    keep: list[str] | None = None,
    notes: list[str] | None = None,
) -> dict[str | None, pl.DataFrame]:
    """One frame per series: time, the target as value, and the ``keep`` columns.

    Rows are sorted by time; rows before the first and after the last target value are
    left out. The hour that repeats when the clocks go back is averaged (said in
    ``notes``).

    Raises
    ------
    InvalidInputError
        When a series has the same time twice (other than a clock change), or no
        values at all.

    """
    for name in (time_column, target, *series_columns):
        if name not in frame.columns:
            raise InvalidInputError(f"The dataset has no column “{name}”.")
    if not frame[target].dtype.is_numeric():
        raise InvalidInputError(
            f"“{target}” does not hold numbers; choose a numeric column to forecast."
        )
    groups: dict[str | None, pl.DataFrame] = {}
    if series_columns:
        parts = frame.partition_by(series_columns, as_dict=True, maintain_order=True)
        items = sorted(
            ((series_label(k), v) for k, v in parts.items()), key=lambda kv: kv[0]
        )
    else:
        items = [(None, frame)]  # type: ignore[list-item]
    changes: set[str] = set()
    for label, part in items:
        data = (
            part.select(
                pl.col(time_column).alias("time"),
                pl.col(target).cast(pl.Float64).alias("value"),
                *(pl.col(name).cast(pl.Float64) for name in keep or []),
            )
            .drop_nulls("time")
            .sort("time")
        )
        observed = data["value"].is_not_null()
        if not observed.any():
            raise InvalidInputError(
                f"“{target}” has no values" + (f" for {label}." if label else ".")
            )
        first, last = observed.arg_true().min(), observed.arg_true().max()
        data = data.slice(int(first), int(last) - int(first) + 1)  # type: ignore[arg-type]
        repeated = data.filter(data["time"].is_duplicated())["time"]
        if repeated.len():
            days = calendars.clock_change_days(repeated)
            if not days:
                where = f" in series {label}" if label else ""
                raise InvalidInputError(
                    f"Some times appear more than once{where}. Remove the duplicates, "
                    "or tell the app which column identifies each series.",
                    code="duplicate_timestamps",
                )
            data = data.group_by("time", maintain_order=True).mean()
            changes.update(d.isoformat() for d in days)
        groups[label] = data
    if changes and notes is not None:
        notes.append(
            "The clock went back an hour on "
            + ", ".join(sorted(changes))
            + ": the two readings of each repeated time were averaged."
        )
    return groups


def to_darts(
    data: pl.DataFrame, frequency: Frequency, columns: list[str] | None = None
) -> Any:
    """A series' rows as a regular Darts series on the models' grid, gaps filled."""
    from darts import TimeSeries
    from darts.utils.missing_values import fill_missing_values

    grid = calendar_grid.to_grid(frequency, data["time"])
    series = TimeSeries.from_dataframe(
        data.with_columns(time=grid).to_pandas(),
        time_col="time",
        value_cols=columns or "value",
        freq=calendar_grid.grid_alias(frequency, grid[0]),
        fill_missing_dates=True,
    )
    if np.isnan(series.values()).any():
        series = fill_missing_values(series)
    return series


def data_times(frequency: Frequency, series: Any, dtype: pl.DataType) -> pl.Series:
    """The times of a Darts series (on the grid) in the data's own calendar."""
    grid = pl.Series("time", series.time_index.to_numpy()).cast(dtype)
    return calendar_grid.from_grid(frequency, grid)


def prepare(
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    frequency: Frequency,
) -> Prepared:
    """Every series of ``target``, regular on the models' grid, with notes.

    Raises
    ------
    SeriesTooShortError
        When no series has enough values for any model.
    InvalidInputError
        For duplicate times, or when every series has more gaps than can be filled.

    """
    notes: list[str] = []
    tables = split_series(frame, time_column, target, series_columns, notes=notes)
    prepared = Prepared({}, {}, notes)
    refused: dict[str | None, str] = {}
    filled: dict[str | None, list[str]] = {}
    for label, table in tables.items():
        count = int(table["value"].is_not_null().sum())
        if count < MIN_POINTS:
            refused[label] = (
                f"it has {count} value{'s' if count != 1 else ''}; forecasting needs "
                f"at least {MIN_POINTS}"
            )
            continue
        ts = to_darts(table, frequency)
        gaps = _gaps(frequency, ts, table)
        if len(gaps) > calendars.MAX_MISSING_SHARE * len(ts):
            refused[label] = (
                f"{len(gaps)} of its {len(ts)} {calendars.unit_words(frequency)} "
                f"periods have no value, more than "
                f"{calendars.MAX_MISSING_SHARE:.0%} can be filled in"
            )
            continue
        if gaps:
            filled[label] = gaps
        prepared.tables[label], prepared.series[label] = table, ts
    if not prepared.series:
        [(label, reason)] = list(refused.items())[:1]
        subject = f"Series {label}" if label else "The series"
        if "fill" in reason:
            raise InvalidInputError(
                f"{subject} cannot be forecast: {reason}. On the Cleaning page, "
                "change the frequency to a coarser one (or fill the gaps) first.",
                code="too_many_gaps",
            )
        raise SeriesTooShortError(f"{subject} is too short to forecast: {reason}.")
    notes += [f"Series {label} was left out: {why}." for label, why in refused.items()]
    notes += _filled_notes(frequency, filled)
    return prepared


def _gaps(frequency: Frequency, ts: Any, table: pl.DataFrame) -> list[str]:
    """The times (in the data's calendar) that had no value before filling."""
    times = data_times(frequency, ts, table["time"].dtype)
    observed = table.filter(pl.col("value").is_not_null())["time"]
    missing = times.filter(~times.is_in(observed.implode()))
    if missing.dtype != pl.Date and calendars.at_midnight(missing):
        missing = missing.cast(pl.Date)
    return [
        value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, datetime)
        else value.isoformat()
        for value in missing.to_list()
    ]


def _filled_notes(
    frequency: Frequency, filled: dict[str | None, list[str]]
) -> list[str]:
    """Say which missing steps the models got filled in, and how."""
    notes = []
    for label, times in list(filled.items())[:NAMED_GAPS]:
        named = ", ".join(times[:NAMED_GAPS])
        more = f" and {len(times) - NAMED_GAPS} more" if len(times) > NAMED_GAPS else ""
        were = "were" if len(times) > 1 else "was"
        where = f"In {label}, " if label else ""
        if frequency.unit == "business_day":
            notes.append(
                f"{where}{len(times)} weekday{'s' if len(times) > 1 else ''} without "
                f"a row ({named}{more}; public holidays, most likely) {were} bridged "
                "by linear interpolation for the models; they are not counted as "
                "missing data."
            )
            continue
        notes.append(
            f"{where}{calendars.step_name(frequency, len(times))} without a value "
            f"({named}{more}) {were} filled in by linear interpolation for the models."
        )
    rest = list(filled)[NAMED_GAPS:]
    if rest:
        count = sum(len(filled[label]) for label in rest)
        notes.append(
            f"In {len(rest)} more series, {count} missing values were filled in the "
            "same way."
        )
    return notes


def with_drivers(
    series: dict[str | None, Any],
    frame: pl.DataFrame,
    time_column: str,
    target: str,
    series_columns: list[str],
    drivers: list[str],
    frequency: Frequency,
    horizon: int,
    candidates: list[tuple[str, Any]],
    notes: list[str],
) -> dict[str | None, SeriesData]:
    """Each series with its drivers, known-future ones or past-only ones.

    A driver is known in the future where the rows after the last target value give
    it for the whole horizon, in every series.

    Raises
    ------
    InvalidInputError
        When a driver is not a numeric column of the data, or is the target.

    """
    if not drivers:
        return {label: SeriesData(ts) for label, ts in series.items()}
    for name in drivers:
        dtype = frame.schema.get(name)
        if dtype is None or not (dtype.is_numeric() or dtype == pl.Boolean):
            raise InvalidInputError(f"The driver “{name}” is not a numeric column.")
        if name in (target, time_column, *series_columns):
            raise InvalidInputError(f"“{name}” cannot be a driver of itself.")
    tables = split_series(
        frame.with_columns(pl.lit(1.0).alias("__all__")),
        time_column,
        "__all__",
        series_columns,
        keep=drivers,
    )
    ends = {label: ts.time_index[-1] for label, ts in series.items()}
    future_known = [
        name
        for name in drivers
        if all(
            _after(tables[label], frequency, end)[name].drop_nulls().len() >= horizon
            for label, end in ends.items()
        )
    ]
    past_only = [name for name in drivers if name not in future_known]
    data = {}
    for label, ts in series.items():
        covariates = to_darts(tables[label], frequency, drivers)
        future = past = None
        if future_known:
            end = ts.end_time() + horizon * ts.freq
            future = covariates[future_known].slice(ts.start_time(), end)
        if past_only:
            past = covariates[past_only].slice(ts.start_time(), ts.end_time())
        data[label] = SeriesData(ts, past, future)
    users = [CATALOG[k].name for k, _ in candidates if CATALOG[k].covariates]
    if future_known:
        notes.append(
            "Known future values of "
            + ", ".join(f"“{n}”" for n in future_known)
            + " (the rows after the last value to forecast) are used for the forecast."
        )
    if past_only:
        notes.append(
            ", ".join(f"“{n}”" for n in past_only)
            + " has no values for the coming periods, so only its past is used."
        )
    notes.append(
        "Drivers are used by " + ", ".join(users) + "; the other models ignore them."
        if users
        else "None of the compared models uses drivers (LightGBM and linear "
        "regression do)."
    )
    return data


def _after(table: pl.DataFrame, frequency: Frequency, end: Any) -> pl.DataFrame:
    """The rows of ``table`` after ``end`` (a time on the models' grid)."""
    grid = calendar_grid.to_grid(frequency, table["time"]).cast(pl.Datetime("us"))
    return table.filter(grid > end.to_pydatetime())
