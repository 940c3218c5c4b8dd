"""Cleaning recipes: validated repair steps applied per series, counting changes.

A recipe is data (a list of steps, each an ``op`` and its parameters) so it can be saved
with a version and replayed on a new upload of the same shape. Modelling transforms
(log, Box-Cox, differencing) are not cleaning; they belong to the model pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from services.errors import InvalidInputError
from services.outliers import DEFAULT_SENSITIVITY, OutlierMethod, detect
from services.profiling import SEASON_LENGTH, Frequency

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
INTERVALS = {
    "second": "s",
    "minute": "m",
    "hour": "h",
    "day": "d",
    "week": "w",
    "month": "mo",
    "quarter": "q",
    "year": "y",
    "business_day": "d",
}


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
    """Insert the absent periods at the frequency, then fill them."""

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
    """Aggregate to another frequency."""

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
        if step.op == "rename" and layout.time_column == step.column:
            layout = Layout(step.to, layout.series_columns, layout.frequency)
        changes.append(change)
    return frame, changes


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
) -> pl.Expr:
    """The expression that fills ``column``'s nulls with ``method``, per series."""
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
        season = _season(layout)
        filled = col
        # The same period last season, else the season before…, else the next one.
        for k in (1, 2, 3, 4, 5, -1, -2, -3):
            filled = filled.fill_null(per_series(col.shift(k * season)))
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


def _season(layout: Layout) -> int:
    if layout.frequency is None or SEASON_LENGTH[layout.frequency.unit] < 2:
        raise InvalidInputError(
            "a seasonal fill needs a regular frequency with "
            "seasons (days, weeks, months, quarters…)."
        )
    return SEASON_LENGTH[layout.frequency.unit]


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
    out = frame.with_columns(
        fill_expression(
            step.column, step.method, layout, step.value, step.window, step.max_gap
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
    time = _time(frame, layout)
    frequency = step.frequency or layout.frequency
    if frequency is None:
        raise InvalidInputError("the time steps are irregular; choose a frequency.")
    keys = _over(layout)
    interval = f"{frequency.step}{INTERVALS[frequency.unit]}"
    if frequency.unit == "quarter":
        interval = f"{3 * frequency.step}mo"
    spans = frame.group_by(keys or pl.lit(0).alias("_all")).agg(
        pl.col(time).min().alias("_first"), pl.col(time).max().alias("_last")
    )
    ranged = pl.datetime_ranges if frame.schema[time] != pl.Date else pl.date_ranges
    grid = (
        spans.with_columns(
            ranged(pl.col("_first"), pl.col("_last"), interval).alias(time)
        )
        .explode(time)
        .drop("_first", "_last")
    )
    if frequency.unit == "business_day":
        grid = grid.filter(pl.col(time).dt.weekday() <= 5)
    grid = grid.drop("_all", strict=False).with_columns(
        pl.col(time).cast(frame.schema[time])
    )
    absent = grid.join(
        frame.select([*keys, time]), on=[*keys, time], how="anti", nulls_equal=True
    )
    out = pl.concat([frame, absent], how="diagonal_relaxed")
    added = absent.height
    out = _sorted(out, layout)
    filled = 0
    if step.fill is not None and added:
        numeric = [
            c
            for c, t in out.schema.items()
            if t.is_numeric() and c not in (time, *keys)
        ]
        before = sum(out[c].null_count() for c in numeric)
        if step.fill == "drop":
            raise InvalidInputError(
                "inserting periods and then dropping them does "
                "nothing; choose another fill."
            )
        out = out.with_columns(
            fill_expression(c, step.fill, Layout(time, keys, frequency))
            for c in numeric
        )
        filled = before - sum(out[c].null_count() for c in numeric)
    return out, Change(
        index,
        "regularize",
        f"Inserted {added} missing periods"
        + (f" and filled {filled} values ({step.fill})." if filled else "."),
        rows_added=added,
        filled=filled,
    )


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
    season = SEASON_LENGTH[layout.frequency.unit]
    return season if season > 1 else None


def _resample(
    frame: pl.DataFrame, step: Resample, layout: Layout, index: int
) -> tuple[pl.DataFrame, Change]:
    time = _time(frame, layout)
    keys = _over(layout)
    every = f"{step.frequency.step}{INTERVALS[step.frequency.unit]}"
    if step.frequency.unit == "quarter":
        every = f"{3 * step.frequency.step}mo"
    numeric = [c for c, t in frame.schema.items() if t.is_numeric() and c not in keys]
    others = [c for c in frame.columns if c not in (*keys, time, *numeric)]
    out = (
        _sorted(frame, layout)
        .group_by_dynamic(time, every=every, group_by=keys or None)
        .agg(
            *[getattr(pl.col(c), step.agg)() for c in numeric],
            *[pl.col(c).last() for c in others],
        )
        .select(frame.columns)
    )
    return out, Change(
        index,
        "resample",
        f"Aggregated {frame.height} rows into "
        f"{out.height} ({step.agg} per {step.frequency.unit}).",
        rows_removed=max(0, frame.height - out.height),
    )


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
