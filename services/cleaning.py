"""Cleaning recipes: validated repair steps applied per series, counting changes.

A recipe is data (a list of steps, each an ``op`` and its parameters) so it can be saved
with a version and replayed on a new upload of the same shape. Modelling transforms
(log, Box-Cox, differencing) are not cleaning; they belong to the model pipeline.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from services import calendar_grid, calendars
from services.calendars import Frequency
from services.errors import InvalidInputError
from services.outliers import DEFAULT_SENSITIVITY, OutlierMethod, detect

FillMethod = Literal[
    "drop",
    "ffill",
    "bfill",
    "linear",
    "time",
    "mean",
    "median",
    "rolling_mean",
    "rolling_median",
    "seasonal",
    "constant",
]
# Seasons a seasonal fill looks in, in order: last season, earlier ones, later ones.
SEASONS_TRIED = (1, 2, 3, 4, 5, -1, -2, -3)
# How many inserted times a description names before it says "and N more".
NAMED_TIMES = 3


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Impute(_Step):
    """Fill missing values of a column."""

    op: Literal["impute"] = "impute"
    column: str
    method: FillMethod = "linear"
    max_gap: int | None = Field(None, ge=1, description="Fill only gaps this short.")
    value: float | None = Field(None, description="For the constant method.")
    window: int = Field(7, ge=2, le=1000, description="For the rolling methods.")


class Regularize(_Step):
    """Insert the absent periods at the frequency, then fill them.

    Without a frequency, or with the data's unit but no anchor, the data's own
    calendar is used (month ends stay month ends).
    """

    op: Literal["regularize"] = "regularize"
    frequency: Frequency | None = None
    fill: FillMethod | None = "linear"


class Deduplicate(_Step):
    """Keep one row per time (and series)."""

    op: Literal["deduplicate"] = "deduplicate"
    keep: Literal["first", "last", "sum", "mean"] = "first"


class Outliers(_Step):
    """Find unusual values and flag, clip or replace them."""

    op: Literal["outliers"] = "outliers"
    column: str
    method: OutlierMethod = "iqr"
    sensitivity: float | None = Field(None, gt=0, le=100)
    action: Literal["flag", "clip", "interpolate"] = "flag"


class Resample(_Step):
    """Aggregate to another frequency.

    Without an anchor, periods are dated the way the data dates its rows: month-end
    data gives quarters dated at their ends (see :func:`calendars.follow_anchor`).
    """

    op: Literal["resample"] = "resample"
    frequency: Frequency
    agg: Literal["sum", "mean", "last", "min", "max"] = "sum"


class Cast(_Step):
    """Change a column's type."""

    op: Literal["cast"] = "cast"
    column: str
    to: Literal["number", "integer", "text", "boolean"]


class ParseDates(_Step):
    """Read a text column as dates with an explicit format (e.g. ``%d/%m/%Y``)."""

    op: Literal["parse_dates"] = "parse_dates"
    column: str
    format: str = Field(min_length=2, max_length=64)


class Rename(_Step):
    """Give a column a new name."""

    op: Literal["rename"] = "rename"
    column: str
    to: str = Field(min_length=1, max_length=255)


Step = Annotated[
    Impute
    | Regularize
    | Deduplicate
    | Outliers
    | Resample
    | Cast
    | ParseDates
    | Rename,
    Field(discriminator="op"),
]
RECIPE = TypeAdapter(list[Step])


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


def parse_recipe(steps: Any) -> list[Any]:
    """Validate a recipe (a list of step objects).

    Raises
    ------
    InvalidInputError
        Naming the step and the field that is wrong.

    """
    try:
        return RECIPE.validate_python(steps)
    except Exception as exc:
        errors: list[Any] = getattr(exc, "errors", lambda: [])()
        if errors:
            loc = errors[0]["loc"]
            where = f"step {int(loc[0]) + 1}" if loc and isinstance(loc[0], int) else ""
            field = ".".join(str(p) for p in loc[1:] if not str(p).istitle())
            raise InvalidInputError(
                f"Recipe {where}, {field or 'op'}: {errors[0]['msg']}.",
                code="invalid_step",
            ) from exc
        raise InvalidInputError(
            "The recipe must be a list of steps.", code="invalid_step"
        ) from exc


def apply_recipe(
    frame: pl.DataFrame, steps: list[Any], layout: Layout
) -> tuple[pl.DataFrame, list[Change]]:
    """Apply the steps in order; the input frame is never modified.

    Raises
    ------
    InvalidInputError
        For a step that names an unknown column, cannot apply, or leaves no rows.

    """
    changes = []
    for index, step in enumerate(steps, start=1):
        try:
            frame, change = _APPLY[step.op](frame, step, layout, index)
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"Step {index} ({step.op}): {exc.message}", code="invalid_step"
            ) from exc
        if frame.height == 0:
            raise InvalidInputError(
                f"Step {index} ({step.op}) would leave no rows.", code="invalid_step"
            )
        layout = _after(step, layout)
        changes.append(change)
    return frame, changes


def _after(step: Any, layout: Layout) -> Layout:
    """The layout the next step sees: a renamed time column, a new frequency."""
    time, keys, frequency = layout.time_column, layout.series_columns, layout.frequency
    if step.op == "rename" and time == step.column:
        time = step.to
    elif step.op == "resample":
        frequency = calendar_grid.follow_anchor(step.frequency, frequency)
    elif step.op == "regularize":
        frequency = _own_calendar(step.frequency, frequency)
    return Layout(time, keys, frequency)


def _need(frame: pl.DataFrame, *columns: str | None) -> None:
    for name in columns:
        if name is None:
            raise InvalidInputError("the dataset has no time column.")
        if name not in frame.columns:
            raise InvalidInputError(f"there is no column “{name}”.")


def _time(frame: pl.DataFrame, layout: Layout) -> str:
    _need(frame, layout.time_column)
    return layout.time_column or ""


def _over(layout: Layout) -> list[str]:
    return layout.series_columns or []


def _sorted(frame: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    return frame.sort([*_over(layout), layout.time_column or ""], maintain_order=True)


def fill_expression(
    column: str,
    method: FillMethod,
    layout: Layout,
    value: float | None = None,
    window: int = 7,
    max_gap: int | None = None,
    seasonal: pl.Series | None = None,
) -> pl.Expr:
    """The expression that fills ``column``'s nulls with ``method``, per series.

    The ``seasonal`` method takes its values from ``seasonal``, row for row (see
    :func:`seasonal_values`).
    """
    col, keys = pl.col(column), _over(layout)

    def per_series(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    if method == "ffill":
        filled = per_series(col.fill_null(strategy="forward"))
    elif method == "bfill":
        filled = per_series(col.fill_null(strategy="backward"))
    elif method == "linear":
        filled = per_series(col.interpolate())
    elif method == "time":
        filled = per_series(col.interpolate_by(pl.col(layout.time_column or "")))
    elif method in ("mean", "median"):
        filled = col.fill_null(per_series(getattr(col, method)()))
    elif method in ("rolling_mean", "rolling_median"):
        roll = getattr(col, method)(window, min_samples=1, center=True)
        filled = col.fill_null(per_series(roll))
    elif method == "seasonal":
        if seasonal is None:
            raise InvalidInputError(
                "the seasonal fill needs the values of last season."
            )
        filled = col.fill_null(pl.lit(seasonal))
    elif method == "constant":
        if value is None:
            raise InvalidInputError("the constant method needs a value.")
        filled = col.fill_null(value)
    else:
        raise InvalidInputError(f"{method} is not a way to fill.")
    if max_gap is not None:
        run = per_series(col.is_null().rle_id())
        length = pl.len().over([*keys, run]) if keys else pl.len().over(run)
        filled = (
            pl.when(col.is_null() & (length > max_gap)).then(None).otherwise(filled)
        )
    return filled.alias(column)


def seasonal_values(frame: pl.DataFrame, column: str, layout: Layout) -> pl.Series:
    """For each row, ``column`` in the same period last season, in the data's calendar.

    "The same period" is found by time, not by counting rows, so gaps, business-day
    holidays and a repeated hour do not shift it: for month-end data, February 28,
    2023 is filled from February 28, 2022, and February 29, 2024 from February 28,
    2023. When last season has no value either, the season before is tried, and so on,
    then the seasons after.

    Raises
    ------
    InvalidInputError
        When the frequency has no seasons (yearly data, irregular times).

    """
    frequency, time, keys = layout.frequency, layout.time_column or "", _over(layout)
    season = calendars.season_length(frequency) if frequency else 1
    if frequency is None or season < 2:
        raise InvalidInputError(
            "a seasonal fill needs a regular frequency with "
            "seasons (days, weeks, months, quarters…)."
        )
    known = (
        frame.select(*keys, time, column)
        .drop_nulls([time, column])
        .unique([*keys, time], keep="first", maintain_order=True)
    )
    found = pl.Series(column, [None] * frame.height, dtype=frame.schema[column])
    for seasons in SEASONS_TRIED:
        then = calendar_grid.shift(frequency, frame[time], -seasons * season)
        looked = (
            then.alias(time)
            .to_frame()
            .hstack(frame.select(keys).get_columns())
            .join(
                known,
                on=[*keys, time],
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
        )
        found = found.fill_null(looked[column])
    return found


def _impute(
    frame: pl.DataFrame, step: Impute, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    _need(frame, step.column)
    if step.method in (
        "linear",
        "time",
        "seasonal",
        "ffill",
        "bfill",
        "rolling_mean",
        "rolling_median",
    ):
        _need(frame, layout.time_column)
        frame = _sorted(frame, layout)
    missing = frame[step.column].null_count()
    if step.method == "drop":
        out = frame.filter(pl.col(step.column).is_not_null())
        return out, Change(
            index,
            "impute",
            f"Dropped rows without “{step.column}”.",
            rows_removed=frame.height - out.height,
        )
    if not frame.schema[step.column].is_numeric() and step.method not in (
        "ffill",
        "bfill",
    ):
        raise InvalidInputError(
            f"“{step.column}” does not hold numbers; only forward "
            "or backward fill work on it."
        )
    seasonal = (
        seasonal_values(frame, step.column, layout)
        if step.method == "seasonal"
        else None
    )
    out = frame.with_columns(
        fill_expression(
            step.column,
            step.method,
            layout,
            step.value,
            step.window,
            step.max_gap,
            seasonal,
        )
    )
    filled = missing - out[step.column].null_count()
    return out, Change(
        index,
        "impute",
        f"Filled {filled} missing “{step.column}” "
        f"values ({step.method.replace('_', ' ')}).",
        filled=filled,
    )


def _regularize(
    frame: pl.DataFrame, step: Regularize, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    time, keys = _dates(frame, layout), _over(layout)
    detected = layout.frequency or calendars.detect_frequency(
        frame.select(*keys, time).drop_nulls(time).unique().sort([*keys, time]),
        time,
        keys,
    )
    frequency = _own_calendar(step.frequency, detected)
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
    out = _sorted(pl.concat([frame, absent], how="diagonal_relaxed"), layout)
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


def _dates(frame: pl.DataFrame, layout: Layout) -> str:
    """The time column, which must hold dates or times."""
    time = _time(frame, layout)
    if not frame.schema[time].is_temporal():
        raise InvalidInputError(
            f"“{time}” does not hold dates; read it as dates first."
        )
    return time


def _own_calendar(
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


def _deduplicate(
    frame: pl.DataFrame, step: Deduplicate, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    time = _time(frame, layout)
    keys = [*_over(layout), time]
    if step.keep in ("first", "last"):
        out = frame.unique(keys, keep=step.keep, maintain_order=True)
    else:
        numeric = [
            c for c, t in frame.schema.items() if t.is_numeric() and c not in keys
        ]
        others = [c for c in frame.columns if c not in keys and c not in numeric]
        agg = [getattr(pl.col(c), step.keep)() for c in numeric]
        out = (
            frame.group_by(keys, maintain_order=True)
            .agg(*agg, *[pl.col(c).first() for c in others])
            .select(frame.columns)
        )
    removed = frame.height - out.height
    return _sorted(out, layout), Change(
        index,
        "deduplicate",
        f"Merged {removed} duplicate rows (kept {step.keep}).",
        rows_removed=removed,
    )


def _outliers(
    frame: pl.DataFrame, step: Outliers, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    _need(frame, step.column, layout.time_column)
    frame = _sorted(frame, layout)
    sensitivity = step.sensitivity or DEFAULT_SENSITIVITY[step.method]
    found = detect(
        frame,
        step.column,
        layout.series_columns,
        step.method,
        sensitivity,
        _season_or_none(layout),
    )
    flagged = int(found["outlier"].sum())
    col = pl.col(step.column)
    if step.action == "flag":
        out = frame.with_columns(found["outlier"].alias(f"{step.column}_outlier"))
        return out, Change(
            index,
            "outliers",
            f"Flagged {flagged} unusual “{step.column}” values ({step.method}).",
            flagged=flagged,
        )
    if step.action == "clip":
        clipped = pl.max_horizontal(
            pl.min_horizontal(col, found["upper"]), found["lower"]
        )
        out = frame.with_columns(
            pl.when(found["outlier"]).then(clipped).otherwise(col).alias(step.column)
        )
        return out, Change(
            index,
            "outliers",
            f"Clipped {flagged} unusual “{step.column}” values ({step.method}).",
            clipped=flagged,
            flagged=flagged,
        )
    out = frame.with_columns(
        pl.when(found["outlier"]).then(None).otherwise(col).alias(step.column)
    )
    out = out.with_columns(fill_expression(step.column, "linear", layout))
    return out, Change(
        index,
        "outliers",
        f"Replaced {flagged} unusual “{step.column}” "
        f"values by interpolation ({step.method}).",
        filled=flagged,
        flagged=flagged,
    )


def _season_or_none(layout: Layout) -> int | None:
    if layout.frequency is None:
        return None
    season = calendars.season_length(layout.frequency)
    return season if season > 1 else None


def _resample(
    frame: pl.DataFrame, step: Resample, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    time, keys = _dates(frame, layout), _over(layout)
    target = calendar_grid.follow_anchor(step.frequency, layout.frequency)
    if frame.schema[time] == pl.Date and target.unit in ("hour", "minute", "second"):
        raise InvalidInputError(
            f"“{time}” holds dates without times; choose daily or coarser."
        )
    numeric = [c for c, t in frame.schema.items() if t.is_numeric() and c not in keys]
    others = [c for c in frame.columns if c not in (*keys, time, *numeric)]
    ordered = _sorted(frame, layout)
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
    return _sorted(out, layout), Change(
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


def _cast(
    frame: pl.DataFrame, step: Cast, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    _need(frame, step.column)
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


def _parse_dates(
    frame: pl.DataFrame, step: ParseDates, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    _need(frame, step.column)
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


def _rename(
    frame: pl.DataFrame, step: Rename, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    _need(frame, step.column)
    if step.to in frame.columns:
        raise InvalidInputError(f"a column “{step.to}” already exists.")
    return frame.rename({step.column: step.to}), Change(
        index, "rename", f"Renamed “{step.column}” to “{step.to}”."
    )


_APPLY: dict[str, Any] = {
    "impute": _impute,
    "regularize": _regularize,
    "deduplicate": _deduplicate,
    "outliers": _outliers,
    "resample": _resample,
    "cast": _cast,
    "parse_dates": _parse_dates,
    "rename": _rename,
}
