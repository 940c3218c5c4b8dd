"""The shapes of a hierarchy's table: its series' names, blanks, gaps and ends.

Real tables are untidy: a region left empty, a store that opens late or misses a
month, one that stops reporting, names that contain the " / " that joins a region
and a store into a store's name. These helpers name every level's series, mark the
missing values that leave a total unknown, and refuse (with a sentence for people)
the shapes whose totals cannot add up. :mod:`services.hierarchy` uses them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from services.errors import InvalidInputError

TOTAL = "Total"
TOTAL_LEVEL = "total"
SEPARATOR = " / "
BLANK = "(blank)"


def _value(column: str) -> pl.Expr:
    """A hierarchy column's value as text; missing or empty text reads "(blank)"."""
    text = pl.col(column).cast(pl.String)
    return (
        pl.when(text.str.strip_chars() == "")
        .then(None)
        .otherwise(text)
        .fill_null(BLANK)
        .alias(column)
    )


def series_key(columns: list[str]) -> pl.Expr:
    """The series' name from ``columns``: their values joined by " / "."""
    return pl.concat_str([_value(c) for c in columns], separator=SEPARATOR)


def with_gaps(
    frame: pl.DataFrame, time_column: str, target: str, hierarchy: list[str]
) -> pl.DataFrame:
    """The rows, with a row for each time a lowest series misses within its span.

    ``_gap`` marks a missing value between a lowest series' first and last value:
    the totals at that time are unknown (not the sum of the others), so they are
    left empty and filled in like any other missing value. Before a series starts
    (a store that opened late) and after it ends, it adds nothing.
    """
    data = frame.with_columns(*(_value(c) for c in hierarchy))
    known = data.filter(pl.col(target).is_not_null())
    spans = known.group_by(hierarchy).agg(
        pl.col(time_column).min().alias("_first"),
        pl.col(time_column).max().alias("_last"),
    )
    times = known.select(pl.col(time_column).unique())
    missing = (
        spans.join(times, how="cross")
        .filter(pl.col(time_column).is_between(pl.col("_first"), pl.col("_last")))
        .join(data, on=[*hierarchy, time_column], how="anti")
        .select(*hierarchy, time_column)
    )
    return (
        pl.concat([data, missing], how="diagonal_relaxed")
        .join(spans, on=hierarchy, how="left")
        .with_columns(
            (
                pl.col(target).is_null()
                & pl.col(time_column)
                .is_between(pl.col("_first"), pl.col("_last"))
                .fill_null(False)
            ).alias("_gap")
        )
        .drop("_first", "_last")
    )


def parents(
    labels: list[str], level_of: dict[str, str], hierarchy: list[str]
) -> dict[str, str]:
    """Each series' total one level up, read from the labels (the grand total's: none).

    Raises
    ------
    InvalidInputError
        When a label could sit under two totals (values that contain " / ").

    """
    depth = {TOTAL_LEVEL: 0, **{c: i for i, c in enumerate(hierarchy, start=1)}}
    by_depth: dict[int, list[str]] = {}
    for label in labels:
        by_depth.setdefault(depth[level_of[label]], []).append(label)
    found: dict[str, str] = {}
    for label in labels:
        level = depth[level_of[label]]
        if level == 0:
            continue
        above = (
            [TOTAL]
            if level == 1
            else [p for p in by_depth[level - 1] if label.startswith(p + SEPARATOR)]
        )
        if len(above) != 1:
            raise InvalidInputError(
                f"“{label}” could belong to "
                + " or ".join(f"“{p}”" for p in above[:2])
                + f": the values of the hierarchy contain “{SEPARATOR.strip()}”, "
                "which joins the levels' names. Replace it in those values on the "
                "Cleaning page, then forecast again.",
                code="invalid_hierarchy",
            )
        found[label] = above[0]
    return found


def check_blanks(frame: pl.DataFrame, hierarchy: list[str]) -> None:
    """Empty values read "(blank)": a value written so would merge with them."""
    for column in hierarchy:
        text = frame[column].cast(pl.String)
        empty = text.is_null() | (text.str.strip_chars() == "")
        if empty.any() and (text == BLANK).any():
            raise InvalidInputError(
                f"“{column}” has empty values, which are named “{BLANK}”, and values "
                f"written “{BLANK}”: they would become one series. Rename one of "
                "them on the Cleaning page, then forecast again.",
                code="invalid_hierarchy",
            )


def check_labels(
    labels: list[str], level_of: dict[str, str], hierarchy: list[str]
) -> None:
    """Every series has its own name and one total above it."""
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise InvalidInputError(
                f"Two series of the hierarchy would both be named “{label}”: the "
                f"values contain “{SEPARATOR.strip()}”, which joins the levels' "
                "names. Rename those values on the Cleaning page, then forecast "
                "again.",
                code="invalid_hierarchy",
            )
        seen.add(label)
    parents(labels, level_of, hierarchy)


def check_ends(
    frame: pl.DataFrame, time_column: str, target: str, hierarchy: list[str]
) -> None:
    """All lowest series must have their last value at the same time.

    Raises
    ------
    InvalidInputError
        ``hierarchy_incomplete``, naming the series that end earlier.

    """
    ends = (
        frame.filter(pl.col(target).is_not_null())
        .group_by(series_key(hierarchy).alias("series"))
        .agg(pl.col(time_column).max().alias("last"))
    )
    if ends.is_empty():
        return
    latest = ends["last"].max()
    early = ends.filter(pl.col("last") < latest).sort("last", "series")
    if early.is_empty():
        return
    named = ", ".join(
        f"{row['series']} (last value {_day(row['last'])})"
        for row in early.head(5).iter_rows(named=True)
    )
    more = f" and {early.height - 5} more" if early.height > 5 else ""
    raise InvalidInputError(
        f"The totals cannot add up because some series end before the others, "
        f"whose last value is at {_day(latest)}: {named}{more}. If a store closed, "
        "add its later times with 0 (or remove its rows); if its latest values are "
        "not in yet, forecast without totals or wait for them.",
        code="hierarchy_incomplete",
    )


def _day(moment: Any) -> str:
    text = moment.isoformat() if hasattr(moment, "isoformat") else str(moment)
    return text.removesuffix("T00:00:00")
