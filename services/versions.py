"""Versions of a dataset: apply a cleaning recipe, see the lineage, compare, go back.

A version is never edited: a recipe makes a new one from its parent (which stays byte
for byte as it was) and makes it the dataset's current version.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import select

from services import calendars, db, storage
from services.cleaning import Layout, apply_recipe, parse_recipe
from services.datasets import (
    DatasetInfo,
    add_version,
    effective_profile,
    get_dataset,
    owned_dataset,
)
from services.errors import InvalidInputError, NotFoundError
from services.outliers import DEFAULT_SENSITIVITY, OutlierMethod, detect
from services.profiling import ColumnsConfig, Profile, profile_table

# The ops of versions read from a file (an upload, another sheet, newer data added),
# not made by cleaning: their recipes are never offered to replay.
FILE_OPS = frozenset({"read", "append", "replace"})


@dataclass(frozen=True)
class VersionInfo:
    """One version in a dataset's lineage."""

    id: str
    parent: str | None
    number: int
    created_at: datetime
    recipe: list[Any]
    hash: str
    rows: int
    missing: int | None
    changes: list[dict[str, Any]]
    profile: Profile
    is_current: bool


def _info(version: db.DatasetVersion, current: str | None) -> VersionInfo:
    return VersionInfo(
        version.id,
        version.parent_id,
        version.number,
        version.created_at,
        list(version.recipe or []),
        version.content_hash,
        version.rows,
        version.missing,
        list(version.changes or []),
        Profile.model_validate(version.profile),
        version.id == current,
    )


def _version(
    s: Any, user_id: int, dataset_id: str, version_id: str
) -> tuple[db.Dataset, db.DatasetVersion]:
    dataset = owned_dataset(s, user_id, dataset_id)
    version = (
        s.get(db.DatasetVersion, version_id) if isinstance(version_id, str) else None
    )
    if version is None or version.dataset_id != dataset.id:
        raise NotFoundError("This version of the dataset does not exist.")
    return dataset, version


def _frame(user_id: int, version: db.DatasetVersion) -> pl.DataFrame:
    return pl.read_parquet(
        storage.version_path(user_id, version.dataset_id, version.id)
    )


def layout_of(dataset: db.Dataset, frame: pl.DataFrame) -> Layout:
    """The time and series columns of a table, with the user's column choices."""
    config = ColumnsConfig.model_validate(dataset.columns_config or {})
    profile = effective_profile(frame, config)
    return Layout(profile.time_column, profile.series_id_columns, profile.frequency)


def create_version(
    user_id: int, dataset_id: str, parent_id: str | None, steps: Any
) -> VersionInfo:
    """Apply a recipe to a version (the current one by default) as a new version.

    Raises
    ------
    InvalidInputError
        For an invalid recipe, naming the step and the field.

    """
    recipe = parse_recipe(steps)
    if not recipe:
        raise InvalidInputError("The recipe has no steps.", code="invalid_step")
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        dataset, parent = _version(
            s, user_id, dataset_id, parent_id or dataset.current_version_id or ""
        )
        source = _frame(user_id, parent)
        cleaned, changes = apply_recipe(source, recipe, layout_of(dataset, source))
        profile = profile_table(cleaned)
        version = add_version(
            s,
            dataset,
            cleaned,
            profile,
            user_id,
            recipe=[step.model_dump() for step in recipe],
            parent=parent.id,
            changes=[dataclasses.asdict(c) for c in changes],
        )
        return _info(version, dataset.current_version_id)


def earlier_recipes(user_id: int, limit: int = 20) -> list[tuple[str, list[Any]]]:
    """The user's recent cleaning recipes (to replay on a new upload), newest first."""
    with db.session() as s:
        rows = s.execute(
            select(db.Dataset.name, db.DatasetVersion.number, db.DatasetVersion.recipe)
            .join(db.Dataset, db.Dataset.id == db.DatasetVersion.dataset_id)
            .where(
                db.Dataset.user_id == user_id,
                db.DatasetVersion.parent_id.is_not(None),
                db.DatasetVersion.changes.is_not(None),
            )
            .order_by(db.DatasetVersion.created_at.desc())
            .limit(limit)
        )
        return [
            (
                f"{name}, version {number} ({len(recipe)} "
                f"step{'s' if len(recipe) > 1 else ''})",
                list(recipe),
            )
            for name, number, recipe in rows
            if recipe and recipe[0]["op"] not in FILE_OPS
        ]


def list_versions(user_id: int, dataset_id: str) -> list[VersionInfo]:
    """The lineage, oldest first."""
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        rows = s.scalars(
            select(db.DatasetVersion)
            .where(db.DatasetVersion.dataset_id == dataset.id)
            .order_by(db.DatasetVersion.number)
        )
        return [_info(v, dataset.current_version_id) for v in rows]


def get_version(user_id: int, dataset_id: str, version_id: str) -> VersionInfo:
    """One version with its profile.

    Raises
    ------
    NotFoundError
        When it is not a version of one of the user's datasets.

    """
    with db.session() as s:
        dataset, version = _version(s, user_id, dataset_id, version_id)
        return _info(version, dataset.current_version_id)


def make_current(user_id: int, dataset_id: str, version_id: str) -> DatasetInfo:
    """Make an earlier (or later) version the one every step uses again."""
    with db.session() as s:
        dataset, version = _version(s, user_id, dataset_id, version_id)
        dataset.current_version_id = version.id
        config = ColumnsConfig.model_validate(dataset.columns_config or {})
        dataset.profile = effective_profile(
            _frame(user_id, version), config, Profile.model_validate(version.profile)
        ).model_dump()
    return get_dataset(user_id, dataset_id)


def delete_dataset(user_id: int, dataset_id: str) -> None:
    """Delete a dataset, its versions, the forecasts made from it, and all their files.

    The files are the versions, the forecasts' points and backtests, full analyses
    and prepared reports. Job records stay (their results are gone), and so do the
    MLflow runs: the experiment history is not the user's data.
    """
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        for version in s.scalars(
            select(db.DatasetVersion).where(db.DatasetVersion.dataset_id == dataset.id)
        ):
            s.delete(version)
        made = set()
        for forecast in s.scalars(
            select(db.Forecast).where(db.Forecast.dataset_id == dataset.id)
        ):
            made.add(forecast.id)
            s.delete(forecast)
        files = []
        for forecast_id in made:
            files += [
                storage.forecast_path(user_id, forecast_id),
                storage.backtests_path(user_id, forecast_id),
                storage.accuracy_path(user_id, forecast_id),
            ]
        for job in s.scalars(
            select(db.Job).where(
                db.Job.user_id == user_id,
                db.Job.status == "succeeded",
                db.Job.kind.in_(("analysis", "report")),
            )
        ):
            params = job.params or {}
            if job.kind == "analysis" and params.get("dataset_id") == dataset.id:
                files.append(storage.analysis_path(user_id, str(job.result_ref)))
            elif job.kind == "report" and params.get("forecast_id") in made:
                files.append(storage.report_path(user_id, job.id, params["format"]))
        s.delete(dataset)
        shutil.rmtree(storage.dataset_dir(user_id, dataset.id), ignore_errors=True)
    for path in files:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Comparison:
    """Two versions of one column side by side."""

    column: str
    series: str | None
    stats: dict[str, dict[str, float | int | None]]
    counts: dict[str, int]
    points: pl.DataFrame  # time, before, after, change


def _label(keys: list[str]) -> pl.Expr:
    if not keys:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" / ")


def compare(
    user_id: int,
    dataset_id: str,
    version_id: str,
    other_id: str,
    column: str,
    series: str | None = None,
) -> Comparison:
    """Compare ``column`` between two versions: statistics and what changed where.

    Raises
    ------
    InvalidInputError
        When the column is in neither version or either has no time column.

    """
    with db.session() as s:
        dataset, first = _version(s, user_id, dataset_id, version_id)
        _, second = _version(s, user_id, dataset_id, other_id)
    before, after = _frame(user_id, first), _frame(user_id, second)
    layout = layout_of(dataset, after)
    time, keys = layout.time_column, layout.series_columns
    if time is None or time not in before.columns:
        raise InvalidInputError("Both versions need the same time column to compare.")
    if column not in before.columns or column not in after.columns:
        raise InvalidInputError(
            f"Both versions need a column “{column}”.", code="unknown_column"
        )

    def side(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        keys_here = [k for k in keys if k in frame.columns]
        part = frame.select(
            _label(keys_here).alias("series"),
            pl.col(time).alias("time"),
            pl.col(column).cast(pl.Float64, strict=False).alias(name),
        )
        part = part.unique(["series", "time"], keep="first", maintain_order=True)
        return part.filter(pl.col("series") == series) if series else part

    joined = side(before, "before").join(
        side(after, "after"),
        on=["series", "time"],
        how="full",
        coalesce=True,
        nulls_equal=True,
    )
    b, a = pl.col("before"), pl.col("after")
    change = (
        pl.when(b.is_null() & a.is_not_null())
        .then(pl.lit("filled"))
        .when(b.is_not_null() & a.is_null())
        .then(pl.lit("removed"))
        .when(b != a)
        .then(pl.lit("changed"))
        .otherwise(pl.lit(None))
    )
    points = joined.with_columns(change.alias("change")).sort("series", "time")
    counts = {
        kind: int((points["change"] == kind).sum())
        for kind in ("filled", "changed", "removed")
    }
    counts["rows_before"] = before.height
    counts["rows_after"] = after.height
    stats = {name: _stats(points[name]) for name in ("before", "after")}
    return Comparison(column, series, stats, counts, points)


def _stats(values: pl.Series) -> dict[str, float | int | None]:
    present = values.drop_nulls()
    summary = (
        present.to_frame("v")
        .select(
            pl.col("v").mean().alias("mean"),
            pl.col("v").std().alias("std"),
            pl.col("v").min().alias("min"),
            pl.col("v").max().alias("max"),
        )
        .row(0, named=True)
    )
    return {"count": present.len(), "missing": values.null_count(), **summary}


def find_outliers(
    user_id: int,
    dataset_id: str,
    column: str,
    method: OutlierMethod,
    sensitivity: float | None = None,
    version_id: str | None = None,
) -> pl.DataFrame:
    """The points a detector would flag (changes nothing): series, time, value, band."""
    with db.session() as s:
        dataset = owned_dataset(s, user_id, dataset_id)
        dataset, version = _version(
            s, user_id, dataset_id, version_id or dataset.current_version_id or ""
        )
    frame = _frame(user_id, version)
    layout = layout_of(dataset, frame)
    if column not in frame.columns or not frame.schema[column].is_numeric():
        raise InvalidInputError(
            f"“{column}” is not a column of numbers.", code="unknown_column"
        )
    if layout.time_column is None:
        raise InvalidInputError(
            "The dataset has no time column.", code="no_time_column"
        )
    keys = layout.series_columns
    frame = frame.sort([*keys, layout.time_column])
    season = calendars.season_length(layout.frequency) if layout.frequency else None
    found = detect(
        frame, column, keys, method, sensitivity or DEFAULT_SENSITIVITY[method], season
    )
    points = frame.select(
        _label(keys).alias("series"),
        pl.col(layout.time_column).alias("time"),
        pl.col(column).cast(pl.Float64).alias("value"),
    )
    return (
        pl.concat([points, found], how="horizontal")
        .filter(pl.col("outlier"))
        .drop("outlier")
    )
