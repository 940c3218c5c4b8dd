"""Looking at a version without loading it into the browser: pages of rows, a chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from services.datasets import get_dataset, version_file
from services.errors import InvalidInputError

Kind = Literal["head", "tail", "sample"]
MAX_PAGE = 1000
# A page shows this many columns at most (from ``column_offset``): a wide table's
# page stays small, and a browser table stays usable.
PAGE_COLUMNS = 100
# Offsets are 64-bit inside Polars (past any table's end, a page is empty).
MAX_OFFSET = 2**63 - 1
SAMPLE_SEED = 42


@dataclass(frozen=True)
class Page:
    """Some rows of a version (some of its columns), and how many there are in all."""

    kind: str
    offset: int
    total_rows: int
    matched_rows: int
    rows: pl.DataFrame
    total_columns: int
    column_offset: int = 0


def rows_page(
    user_id: int,
    dataset_id: str,
    kind: Kind = "head",
    n: int = 20,
    offset: int = 0,
    version_id: str | None = None,
    filters: dict[str, str] | None = None,
    column_offset: int = 0,
) -> Page:
    """A page of rows: from the top, from the bottom, or a seeded random sample.

    The page holds at most ``PAGE_COLUMNS`` columns, from ``column_offset`` on.

    Parameters
    ----------
    filters
        Column → text: keep rows whose value, as text, contains it (any case).
    column_offset
        The first column to show (0 is the first).

    Raises
    ------
    InvalidInputError
        For an unknown kind, a page size outside 1..1000, an offset below 0 or
        beyond any table, or an unknown column.

    """
    if kind not in ("head", "tail", "sample"):
        raise InvalidInputError("kind must be head, tail or sample.")
    if not 1 <= n <= MAX_PAGE:
        raise InvalidInputError(f"n must be between 1 and {MAX_PAGE}.")
    if not (0 <= offset <= MAX_OFFSET and 0 <= column_offset <= MAX_OFFSET):
        raise InvalidInputError(
            f"offset and column_offset must be between 0 and {MAX_OFFSET}."
        )
    scan = pl.scan_parquet(version_file(user_id, dataset_id, version_id))
    columns = scan.collect_schema().names()
    total = scan.select(pl.len()).collect().item()
    for name, text in (filters or {}).items():
        if name not in columns:
            raise InvalidInputError(
                f"The dataset has no column “{name}”.", code="unknown_column"
            )
        if text:
            scan = scan.filter(
                pl.col(name)
                .cast(pl.String)
                .str.to_lowercase()
                .str.contains(text.lower(), literal=True)
            )
    matched = scan.select(pl.len()).collect().item() if filters else total
    shown = columns[column_offset : column_offset + PAGE_COLUMNS]
    scan = scan.select(shown)
    if not shown:  # past the last column
        rows = pl.DataFrame()
    elif kind == "head":
        rows = scan.slice(offset, n).collect()
    elif kind == "tail":
        end = max(0, matched - offset)
        rows = scan.slice(max(0, end - n), min(n, end)).collect()
    else:
        picked = scan.collect().sample(min(matched, offset + n), seed=SAMPLE_SEED)
        rows = picked.slice(offset, n)
    return Page(kind, offset, total, matched, rows, len(columns), column_offset)


@dataclass(frozen=True)
class ChartData:
    """The target over time per series, thinned for display, and a note if thinned."""

    points: pl.DataFrame
    note: str | None


def target_for_chart(
    user_id: int, dataset_id: str, max_points: int = 4000, max_series: int = 12
) -> ChartData | None:
    """The raw target per series, reduced to at most ``max_points`` per series.

    Long series keep the minimum and maximum of each of ``max_points / 2`` equal
    slices, so spikes stay visible. ``None`` when there is no time column or target.
    """
    profile = get_dataset(user_id, dataset_id).profile
    time, target, keys = profile.time_column, profile.target, profile.series_id_columns
    if time is None or target is None:
        return None
    label = (
        pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=" / ")
        if keys
        else pl.lit(None, dtype=pl.String)
    )
    data = (
        pl.scan_parquet(version_file(user_id, dataset_id))
        .select(
            label.alias("series"),
            pl.col(time).alias("time"),
            pl.col(target).cast(pl.Float64).alias("value"),
        )
        .drop_nulls(["time", "value"])
        .collect()
    )
    names = data["series"].unique(maintain_order=True).head(max_series)
    data = data.filter(
        pl.col("series").is_in(names.implode()) | pl.col("series").is_null()
    ).sort("series", "time")
    longest = int(data.group_by("series").len()["len"].max() or 0)  # type: ignore[arg-type]
    notes = []
    if longest > max_points:
        buckets = max_points // 2
        data = (
            data.with_columns(
                (
                    pl.int_range(pl.len()).over("series")
                    * buckets
                    // pl.len().over("series")
                ).alias("bucket")
            )
            .group_by("series", "bucket", maintain_order=True)
            .agg(pl.all().sort_by("value").gather([0, -1]))
            .explode("time", "value")
            .drop("bucket")
            .unique(maintain_order=True)
            .sort("series", "time")
        )
        notes.append(
            f"{longest:,} points per series were thinned to "
            f"about {max_points:,} for display (the lowest and highest value "
            "of each stretch are kept)."
        )
    if profile.series_count > max_series:
        notes.append(f"Showing {max_series} of {profile.series_count} series.")
    return ChartData(data, " ".join(notes) or None)
