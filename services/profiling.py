"""What a table holds: column roles, the time column, frequency, targets and issues."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, Field

from services import calendars
from services.absurd_values import find_absurd_values
from services.calendars import SEASON_LENGTH as SEASON_LENGTH
from services.calendars import Anchor as Anchor
from services.calendars import Frequency as Frequency
from services.calendars import Unit as Unit
from services.column_roles import number_role, text_role
from services.series_keys import KeyCandidate, find_series_key

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
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]


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
    detected_role: Role | None = None


class DataIssue(BaseModel):
    """A finding in plain words, with how much it matters."""

    severity: Literal["info", "warning", "error"]
    message: str


class ColumnsConfig(BaseModel):
    """The user's choices on the Columns page; ``None`` means "as detected"."""

    roles: dict[str, Role] = Field(default_factory=dict)
    time_column: str | None = None
    target: str | None = None
    series_id_columns: list[str] | None = None
    # The transform the models use by default (chosen on the Explore page).
    transform: (
        Literal[
            "none", "log", "box-cox", "differencing", "seasonal differencing", "scale"
        ]
        | None
    ) = None


class Profile(BaseModel):
    """What the app recognised in a table (with the user's choices applied)."""

    rows: int
    columns: list[ColumnProfile]
    time_column: str | None
    time_explanation: str | None = None
    start: str | None = None
    end: str | None = None
    frequency: Frequency | None = None
    median_gap_days: float | None = None
    target: str | None = None
    target_candidates: list[str]
    series_id_columns: list[str]
    series_id_columns_detected: bool = False
    series_count: int = 1
    issues: list[DataIssue]
    read_notes: list[DataIssue] = Field(default_factory=list)
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)


def profile_table(
    frame: pl.DataFrame,
    read_notes: list[DataIssue] | None = None,
    config: ColumnsConfig | None = None,
) -> Profile:
    """Profile a typed table, applying the user's column choices when given.

    Examples
    --------
    >>> p = profile_table(pl.DataFrame({"d": [date(2024, m, 1) for m in (1, 2, 3)],
    ...                                 "y": [1.0, 2.0, 4.0]}))
    >>> p.time_column, p.frequency.unit, p.target_candidates
    ('d', 'month', ['y'])

    """
    config = config or ColumnsConfig()
    columns = _column_profiles(frame)
    for column in columns:
        column.detected_role = column.role
        column.role = config.roles.get(column.name, column.role)
    issues = list(read_notes or [])
    issues += [
        DataIssue(severity="info", message=f"Column “{c.name}” is empty.")
        for c in columns
        if c.role == "empty"
    ]
    issues += [
        DataIssue(severity="info", message=f"Column “{c.name}” holds one value only.")
        for c in columns
        if c.role == "constant"
    ]
    time_column = config.time_column or next(
        (c.name for c in columns if c.role == "time"), None
    )
    profile = Profile(
        rows=frame.height,
        columns=columns,
        time_column=time_column,
        target_candidates=[],
        series_id_columns=[],
        issues=issues,
        read_notes=list(read_notes or []),
    )
    if time_column is None:
        profile.time_explanation = (
            "No column looks like dates or times. Forecasting needs one: check the "
            "file, or choose the time column on the Columns page."
        )
    else:
        if config.series_id_columns is not None:
            profile.series_id_columns = list(config.series_id_columns)
        else:
            profile.series_id_columns = _series_id_columns(
                frame, time_column, columns, config.roles
            )
            profile.series_id_columns_detected = bool(profile.series_id_columns)
        _describe_time(frame, profile)
    excluded = {*profile.series_id_columns, time_column}
    profile.target_candidates = [
        c.name for c in columns if c.role == "numeric" and c.name not in excluded
    ]
    profile.target = (
        config.target
        if config.target in profile.target_candidates
        else next(iter(profile.target_candidates), None)
    )
    if time_column is not None and profile.target is not None:
        _future_rows(frame, profile)
        _absurd_values(frame, profile)
    return profile


def _iso(value: object) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


def _column_profiles(frame: pl.DataFrame) -> list[ColumnProfile]:
    """Every column's profile; the counts and statistics in one parallel pass."""
    numeric = {n for n, t in frame.schema.items() if t.is_numeric()}
    row = frame.select(
        *(
            pl.col(n).drop_nulls().n_unique().alias(f"distinct {n}")
            for n in frame.columns
        ),
        *(pl.col(n).null_count().alias(f"missing {n}") for n in frame.columns),
        *(
            getattr(pl.col(n).cast(pl.Float64), stat)().alias(f"{stat} {n}")
            for n in numeric
            for stat in ("min", "max", "mean")
        ),
    ).row(0, named=True)
    # Columns taken in order, not looked up by name (a search of the whole table).
    return [
        _column_profile(
            column,
            row[f"distinct {name}"],
            row[f"missing {name}"],
            {stat: row[f"{stat} {name}"] for stat in ("min", "max", "mean")}
            if name in numeric
            else {},
        )
        for name, column in zip(frame.columns, frame.get_columns(), strict=True)
    ]


def _column_profile(
    column: pl.Series, distinct: int, missing: int, stats: dict[str, Any]
) -> ColumnProfile:
    present = column.len() - missing
    # The first distinct values, looked for near the top before scanning everything.
    examples = column.head(10_000).drop_nulls().unique(maintain_order=True).head(3)
    if examples.len() < min(3, distinct):
        examples = column.drop_nulls().unique(maintain_order=True).head(3)
    if present == 0:
        role: Role = "empty"
    elif distinct == 1:
        role = "constant"
    elif column.dtype.is_temporal() and column.dtype != pl.Duration:
        role = "time"
    elif column.dtype == pl.Boolean:
        role = "boolean"
    elif column.dtype.is_numeric():
        role = number_role(column, distinct, present)
    else:
        role = text_role(column, distinct, present)
    return ColumnProfile(
        name=column.name,
        role=role,
        dtype=str(column.dtype),
        missing=missing,
        distinct=distinct,
        examples=[str(v) for v in examples.to_list()],
        **stats,
    )


# Values that stand out listed one by one per column; the rest are counted.
SHOWN_ABSURD_VALUES = 3


def _series_id_columns(
    frame: pl.DataFrame,
    time_column: str,
    columns: list[ColumnProfile],
    chosen_roles: dict[str, Role],
) -> list[str]:
    """The columns that name each series; numbers that do become ``categorical``.

    Labels (categorical or identifier columns) and whole numbers that could be codes
    (store ``3``, SKU ``100234``; not a role the user chose) are the candidates.
    """
    time = next(c for c in columns if c.name == time_column)
    if time.distinct == frame.height - time.missing:
        return []
    candidates = [
        KeyCandidate(c.name, c.distinct, code=c.role == "numeric")
        for c in columns
        if c.name != time_column
        and (
            c.role in ("categorical", "identifier")
            or c.role == "numeric"
            and c.name not in chosen_roles
            and _could_be_code(frame[c.name], c)
        )
    ]
    key = find_series_key(frame, time_column, candidates, times=time.distinct)
    for column in columns:
        if column.name in key and column.role == "numeric":
            column.role = column.detected_role = "categorical"
    return key


def _could_be_code(values: pl.Series, column: ColumnProfile) -> bool:
    """Whole numbers from zero up, not a 0/1 flag: maybe a store number or a SKU."""
    if column.min is None or column.max is None or column.min < 0:
        return False
    if column.max <= 1:
        return False
    if values.dtype.is_integer():
        return True
    return values.dtype.is_float() and bool((values == values.round()).all())


def _describe_time(frame: pl.DataFrame, profile: Profile) -> None:
    """Range, frequency and the time issues: order, duplicates, gaps, length."""
    time, keys = profile.time_column or "", profile.series_id_columns
    data = frame.select([time, *keys]).drop_nulls(time)
    if not data[time].dtype.is_temporal():
        profile.time_explanation = f"“{time}” does not hold dates or times."
        return
    profile.start, profile.end = _iso(data[time].min()), _iso(data[time].max())
    group = [pl.col(k) for k in keys] or [pl.lit(0)]
    in_order = data.select(pl.col(time).diff().over(group).ge(0).all()).item()
    if not in_order:
        profile.issues.append(
            DataIssue(
                severity="info",
                message="The rows are not in time order; the app sorts "
                "them by time where it matters.",
            )
        )
    # Series columns were found because they make each time unique: no duplicates.
    unique = keys and profile.series_id_columns_detected
    duplicates = 0 if unique else data.height - data.n_unique()
    if duplicates:
        profile.issues.append(_duplicates_issue(data, time, keys, duplicates))
    if duplicates or not in_order:  # gaps are measured within each series, in order
        data = data.unique().sort([*keys, time])
    # One grouping answers how many series, how long each is and what it spans (the
    # keys are renamed so that no column name can clash with the results' names).
    by = [pl.col(k).alias(f"key {i}") for i, k in enumerate(keys)] or [pl.lit(0)]
    series = data.group_by(by).agg(
        pl.len(), pl.col(time).min().alias("first"), pl.col(time).max().alias("last")
    )
    profile.series_count = series.height if keys else 1
    gaps = data.select(pl.col(time).diff().over(group).dt.total_seconds()).to_series()
    gaps = gaps.drop_nulls()
    if gaps.len() == 0:
        return
    profile.median_gap_days = float(gaps.median()) / 86400  # type: ignore[arg-type]
    frequency = calendars.detect_frequency(data, time, keys)
    profile.frequency = frequency
    if frequency is None:
        profile.issues.append(
            DataIssue(
                severity="warning",
                message=f"The time steps are irregular (typical gap "
                f"{profile.median_gap_days:.3g} days), so the app cannot tell when "
                "the next step falls. On the Cleaning page, change the frequency to "
                f"{calendars.suggestion(profile.median_gap_days)} before forecasting.",
            )
        )
        return
    expected = _expected_points(series, frequency)
    missing = expected - data.height
    if missing > 0:
        profile.issues.append(_missing_issue(frequency, missing, expected))
    season = calendars.season_length(frequency)
    shortest = int(series["len"].min() or 0)  # type: ignore[arg-type]
    if season > 1 and shortest < 2 * season:
        profile.issues.append(
            DataIssue(
                severity="warning",
                message=f"The history is too short to forecast a season: {shortest} "
                f"points, fewer than two full seasons of {season}.",
            )
        )


def _duplicates_issue(
    data: pl.DataFrame, time: str, keys: list[str], duplicates: int
) -> DataIssue:
    """Repeated times: a clock going back an hour (said, and merged), or duplicates."""
    repeated = data.filter(data.is_duplicated())[time]
    days = calendars.clock_change_days(repeated)
    if days:
        return DataIssue(
            severity="info",
            message="The clock went back an hour on "
            + ", ".join(d.isoformat() for d in days)
            + " (the end of daylight saving time), so an hour of times appears twice; "
            "the forecast uses the average of the two readings of each repeated time.",
        )
    return DataIssue(
        severity="warning",
        message=f"{duplicates} rows repeat a time that already "
        "appears (duplicate timestamps)"
        + (" within the same series." if keys else "."),
    )


def _missing_issue(frequency: Frequency, missing: int, expected: int) -> DataIssue:
    if frequency.unit == "business_day":
        return DataIssue(
            severity="info",
            message=f"{missing} weekday{'s have' if missing > 1 else ' has'} no row "
            "(public holidays, most likely). They are not missing data: the models "
            "bridge them, and the forecast continues on business days.",
        )
    share = missing / expected
    if share > calendars.MAX_MISSING_SHARE:
        return DataIssue(
            severity="warning",
            message=f"{missing} of {expected} {calendars.unit_words(frequency)} "
            f"periods are missing ({share:.0%}): too many to fill in for a forecast "
            f"(at most {calendars.MAX_MISSING_SHARE:.0%}). Change the frequency to a "
            "coarser one on the Cleaning page.",
        )
    return DataIssue(
        severity="warning",
        message=f"{missing} period{'s are' if missing > 1 else ' is'} missing "
        f"(gaps in the {calendars.unit_words(frequency)} series); the forecast fills "
        "them in by interpolation and says which.",
    )


def _expected_points(spans: pl.DataFrame, frequency: Frequency) -> int:
    """How many points the series would hold without gaps, from their first and last."""
    if frequency.unit in calendars.MONTHS:
        size = calendars.MONTHS[frequency.unit] * frequency.step
        months = (
            (pl.col("last").dt.year() - pl.col("first").dt.year()) * 12
            + pl.col("last").dt.month()
            - pl.col("first").dt.month()
        )
        counts = spans.select(months // size + 1)
    elif frequency.unit == "business_day":
        counts = spans.select(
            pl.business_day_count(
                pl.col("first").cast(pl.Date), pl.col("last").cast(pl.Date)
            )
            + 1
        )
    else:
        size = calendars.SECONDS[frequency.unit] * frequency.step
        counts = spans.select(
            (pl.col("last") - pl.col("first")).dt.total_seconds() // size + 1
        )
    return int(counts.to_series().sum())


def _future_rows(frame: pl.DataFrame, profile: Profile) -> None:
    """Trailing rows with no target but other values: future values of drivers."""
    time, target, keys = profile.time_column, profile.target, profile.series_id_columns
    others = [
        c.name
        for c in profile.columns
        if c.name not in {time, target, *keys} and c.role in ("numeric", "boolean")
    ]
    if not others or time is None or target is None:
        return
    last = frame.select(pl.col(time).filter(pl.col(target).is_not_null()).max()).item()
    if last is None:
        return
    future = frame.select(
        (
            (pl.col(time) > last)
            & pl.any_horizontal(pl.col(c).is_not_null() for c in others)
        ).sum()
    ).item()
    if future:
        profile.issues.append(
            DataIssue(
                severity="info",
                message=f"The last {future} rows have no “{target}” but other "
                "columns are filled: they look like future values of drivers "
                "(such as price or promotions) and are kept for forecasting.",
            )
        )


def _absurd_values(frame: pl.DataFrame, profile: Profile) -> None:
    """Warn of single values far out of line with their neighbours (typos)."""
    time, target = profile.time_column or "", profile.target or ""
    others = [c for c in profile.target_candidates if c != target]
    keys, count = profile.series_id_columns, profile.series_count
    found = find_absurd_values(frame, time, [target, *others], keys, count)
    for column, values in found.items():
        profile.issues += [
            DataIssue(severity="warning", message=value.message())
            for value in values[:SHOWN_ABSURD_VALUES]
        ]
        if len(values) > SHOWN_ABSURD_VALUES:
            more = len(values) - SHOWN_ABSURD_VALUES
            profile.issues.append(
                DataIssue(
                    severity="warning",
                    message=f"{more} more value{'s' if more > 1 else ''} in "
                    f"“{column}” stand{'' if more > 1 else 's'} out the same way.",
                )
            )
