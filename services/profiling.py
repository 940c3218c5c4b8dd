"""What a table holds: column roles, the time column, frequency, targets and issues."""

from __future__ import annotations

from datetime import date, datetime
from itertools import combinations
from typing import Any, Literal, cast

import polars as pl
from pydantic import BaseModel

Role = Literal[
    "time",
    "numeric",
    "categorical",
    "identifier",
    "boolean",
    "text",
    "empty",
    "constant",
]
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


class Frequency(BaseModel):
    """The regular spacing of the time column, e.g. every 1 month."""

    unit: Unit
    step: int


class ColumnProfile(BaseModel):
    """One column: its role, type, missing and distinct counts, examples, range."""

    name: str
    role: Role
    dtype: str
    missing: int
    distinct: int
    examples: list[str]
    min: float | None = None
    max: float | None = None
    mean: float | None = None


class DataIssue(BaseModel):
    """A finding in plain words, with how much it matters."""

    severity: Literal["info", "warning", "error"]
    message: str


class Profile(BaseModel):
    """What the app recognised in a table."""

    rows: int
    columns: list[ColumnProfile]
    time_column: str | None
    time_explanation: str | None = None
    start: str | None = None
    end: str | None = None
    frequency: Frequency | None = None
    target_candidates: list[str]
    series_id_columns: list[str]
    issues: list[DataIssue]


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


def pandas_frequency(frequency: Frequency) -> str:
    """The pandas offset alias Darts uses for this frequency (e.g. ``"MS"``)."""
    alias = {
        "second": "s",
        "minute": "min",
        "hour": "h",
        "day": "D",
        "business_day": "B",
        "week": "W",
        "month": "MS",
        "quarter": "QS",
        "year": "YS",
    }[frequency.unit]
    return f"{frequency.step}{alias}" if frequency.step != 1 else alias


def profile_table(frame: pl.DataFrame) -> Profile:
    """Profile a typed table.

    Examples
    --------
    >>> p = profile_table(pl.DataFrame({"d": [date(2024, m, 1) for m in (1, 2, 3)],
    ...                                 "y": [1.0, 2.0, 4.0]}))
    >>> p.time_column, p.frequency.unit, p.target_candidates
    ('d', 'month', ['y'])

    """
    columns = [_column_profile(frame[name]) for name in frame.columns]
    issues = [
        DataIssue(severity="info", message=f"Column “{c.name}” is empty.")
        for c in columns
        if c.role == "empty"
    ]
    issues += [
        DataIssue(severity="info", message=f"Column “{c.name}” has one value only.")
        for c in columns
        if c.role == "constant"
    ]
    time_cols = [c.name for c in columns if c.role == "time"]
    time_column = time_cols[0] if time_cols else None
    series_ids: list[str] = []
    frequency = None
    start = end = explanation = None
    if time_column is None:
        explanation = (
            "No column looks like dates or times. Forecasting needs one; "
            "check the file, or mark a column as time on the Columns page."
        )
    else:
        series_ids = _series_id_columns(frame, time_column, columns)
        times = frame[time_column].drop_nulls()
        start, end = _iso(times.min()), _iso(times.max())
        frequency, gap_issue = detect_frequency(frame, time_column, series_ids)
        if gap_issue:
            issues.append(gap_issue)
    excluded = set(series_ids)
    targets = [
        c.name for c in columns if c.role == "numeric" and c.name not in excluded
    ]
    return Profile(
        rows=frame.height,
        columns=columns,
        time_column=time_column,
        time_explanation=explanation,
        start=start,
        end=end,
        frequency=frequency,
        target_candidates=targets,
        series_id_columns=series_ids,
        issues=issues,
    )


def _iso(value: object) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


def _column_profile(column: pl.Series) -> ColumnProfile:
    missing = column.null_count()
    values = column.drop_nulls()
    distinct = values.n_unique() if values.len() else 0
    examples = [str(v) for v in values.unique(maintain_order=True).head(3).to_list()]
    stats: dict[str, Any] = {}
    if values.len() == 0:
        role: Role = "empty"
    elif distinct == 1:
        role = "constant"
    elif column.dtype in (pl.Date, pl.Datetime) or isinstance(
        column.dtype, pl.Datetime
    ):
        role = "time"
    elif column.dtype == pl.Boolean:
        role = "boolean"
    elif column.dtype.is_numeric():
        is_id = (
            column.dtype.is_integer()
            and distinct == values.len()
            and column.name.lower().rstrip("_").endswith(("id", "code", "key"))
        )
        role = "identifier" if is_id else "numeric"
        numbers = values.cast(pl.Float64)
        stats = {"min": numbers.min(), "max": numbers.max(), "mean": numbers.mean()}
    elif distinct == values.len() and values.len() > 20:
        role = "identifier"
    elif distinct <= max(20, values.len() // 20):
        role = "categorical"
    else:
        role = "text"
    return ColumnProfile(
        name=column.name,
        role=role,
        dtype=str(column.dtype),
        missing=missing,
        distinct=distinct,
        examples=examples,
        **stats,
    )


def _series_id_columns(
    frame: pl.DataFrame, time_column: str, columns: list[ColumnProfile]
) -> list[str]:
    times = frame[time_column]
    if times.drop_nulls().n_unique() == times.drop_nulls().len():
        return []
    keys = [c.name for c in columns if c.role in ("categorical", "identifier")]
    for size in (1, 2):
        for combo in combinations(keys, size):
            subset = [time_column, *combo]
            if frame.select(subset).drop_nulls().is_unique().all():
                return list(combo)
    return []


def detect_frequency(
    frame: pl.DataFrame, time_column: str, series_ids: list[str]
) -> tuple[Frequency | None, DataIssue | None]:
    """Infer the spacing of the time column (within each series).

    Returns the frequency (``None`` when irregular) and, when points are missing or the
    spacing is irregular, an issue that says so.
    """
    group = series_ids[0] if series_ids else None
    data = frame.select([time_column, *([group] if group else [])]).drop_nulls()
    data = data.unique().sort([*([group] if group else []), time_column])
    diffs_expr = pl.col(time_column).diff()
    if group:
        diffs_expr = diffs_expr.over(group)
    diffs = data.select(diffs_expr.alias("gap"))["gap"].drop_nulls()
    if diffs.len() == 0:
        return None, None
    days = diffs.dt.total_seconds() / 86400
    median = float(days.median())  # type: ignore[arg-type]
    frequency = _frequency_from_gap(median, data[time_column])
    if frequency is None:
        return None, DataIssue(
            severity="warning",
            message=f"The time steps are irregular (typical gap {median:g} days). "
            "Resample the data to a regular frequency before forecasting.",
        )
    irregular = (
        int((days != median).sum())
        if frequency.unit not in ("month", "quarter", "year", "business_day")
        else 0
    )
    if irregular:
        return frequency, DataIssue(
            severity="warning",
            message=f"{irregular} time steps differ from the usual "
            f"{frequency.step} {frequency.unit.replace('_', ' ')}(s): "
            "some periods are missing or repeated.",
        )
    return frequency, None


def _frequency_from_gap(days: float, times: pl.Series) -> Frequency | None:
    seconds = days * 86400
    for unit, size in (("second", 1), ("minute", 60), ("hour", 3600)):
        if seconds < {"second": 60, "minute": 3600, "hour": 86400}[unit]:
            step = seconds / size
            return (
                Frequency(unit=cast(Unit, unit), step=round(step))
                if step == round(step)
                else None
            )
    month_start = bool((times.dt.day() == 1).all())
    for unit, span, months in (
        ("year", 365.25, 12),
        ("quarter", 91.3, 3),
        ("month", 30.4, 1),
    ):
        if month_start and abs(days - span) / span < 0.05 * (12 / months):
            return Frequency(unit=unit, step=1)  # type: ignore[arg-type]
    if days == 1 and times.len() > 10 and bool((times.dt.weekday() <= 5).all()):
        return Frequency(unit="business_day", step=1)
    if days >= 1 and days == round(days):
        if days % 7 == 0:
            return Frequency(unit="week", step=int(days // 7))
        return Frequency(unit="day", step=int(days))
    return None
