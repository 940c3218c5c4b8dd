"""Merging newer rows into a table: the same columns, one type each, points matched.

A point is one time of one series. The newer table wins where both hold a point;
the counts say what that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from services.errors import InvalidInputError


@dataclass(frozen=True)
class Merged:
    """The grown table and how it differs from the old one, in (series, time) points.

    ``rows_removed`` counts the old points the new file no longer holds (``replace``
    only; always 0 for ``append``).
    """

    frame: pl.DataFrame
    rows_added: int
    values_revised: int
    rows_removed: int


def check_columns(expected: list[str], found: list[str]) -> None:
    """Refuse a table whose columns are not the dataset's (order does not matter).

    Raises
    ------
    InvalidInputError
        ``columns_mismatch``, naming the missing and the unexpected columns.

    """
    missing = [c for c in expected if c not in found]
    unexpected = [c for c in found if c not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append(f"It lacks {_names(missing)}.")
    if unexpected:
        parts.append(f"It has {_names(unexpected)}, which the dataset does not.")
    raise InvalidInputError(
        "The file's columns are not the dataset's, so nothing was added. "
        + " ".join(parts)
        + " Use a file with the same column headings as the first upload.",
        code="columns_mismatch",
    )


def _names(columns: list[str]) -> str:
    quoted = [f"“{c}”" for c in columns]
    return (
        quoted[0]
        if len(quoted) == 1
        else ", ".join(quoted[:-1]) + " and " + (quoted[-1])
    )


def align_types(
    old: pl.DataFrame, new: pl.DataFrame, time_column: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give both tables the same column order and types, the new in the old's order.

    Whole numbers and decimals meet as decimals, dates and date-times as
    date-times, an empty column takes the other side's type, and text that reads
    as the other side's type is converted.

    Raises
    ------
    InvalidInputError
        ``column_types_mismatch`` for a column holding another kind of values (text
        where the dataset has numbers, or times that are not dates).

    """
    new = new.select(old.columns)
    old_columns, new_columns = [], []
    for name in old.columns:
        a, b = old[name], new[name]
        if a.dtype != b.dtype:
            a, b = _common(a, b, name == time_column)
        old_columns.append(a)
        new_columns.append(b)
    return pl.DataFrame(old_columns), pl.DataFrame(new_columns)


def _common(a: pl.Series, b: pl.Series, is_time: bool) -> tuple[pl.Series, pl.Series]:
    """Two columns of one name with one type, or the error that says why not."""
    common = _common_type(a, b, is_time)
    if common is None:
        raise InvalidInputError(
            f"The column “{a.name}” holds {_kind(b.dtype)} in the file but "
            f"{_kind(a.dtype)} in the dataset, so nothing was added. Correct the file "
            "and send it again.",
            code="column_types_mismatch",
        )
    return a.cast(common), b.cast(common)


def _common_type(a: pl.Series, b: pl.Series, is_time: bool) -> Any:
    """The type both columns can take without losing values, if there is one."""
    if b.dtype == pl.Null or a.dtype == pl.Null:
        return b.dtype if a.dtype == pl.Null else a.dtype
    try:
        if pl.String in (a.dtype, b.dtype):
            # Text on one side must read as the other side's type, all of it.
            text, other = (a, b) if a.dtype == pl.String else (b, a)
            text.cast(other.dtype)
            return other.dtype
        both = pl.concat([a.to_frame(), b.to_frame()], how="vertical_relaxed")
    except pl.exceptions.PolarsError:
        return None
    common = both.schema[a.name]
    if common == pl.String or (is_time and not common.is_temporal()):
        return None
    return common


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return "numbers"
    if dtype.is_temporal():
        return "dates"
    if dtype == pl.Boolean:
        return "yes/no values"
    return "text"


def merge_rows(
    old: pl.DataFrame, new: pl.DataFrame, keys: list[str], replace: bool = False
) -> Merged:
    """Merge a table of newer rows into an old one with the same columns and types.

    ``keys`` name a point: the series columns and the time column, last. A point in
    both takes the new rows (all of them, when a file repeats a point); with
    ``replace`` the new table is the whole history. Missing keys match each other.
    Rows stay in the old table's order (by time, or by series then time) when it
    had one; otherwise the new rows follow the old.

    Examples
    --------
    >>> old = pl.DataFrame({"t": [1, 2], "v": [10, 20]})
    >>> merged = merge_rows(old, pl.DataFrame({"t": [2, 3], "v": [21, 30]}), ["t"])
    >>> merged.frame["v"].to_list(), merged.rows_added, merged.values_revised
    ([10, 21, 30], 1, 1)

    """
    old_keys = old.select(keys).unique()
    new_keys = new.select(keys).unique()
    added = new_keys.join(old_keys, on=keys, how="anti", nulls_equal=True).height
    removed = old_keys.join(new_keys, on=keys, how="anti", nulls_equal=True).height
    if replace:
        frame = new
    else:
        kept = old.join(new_keys, on=keys, how="anti", nulls_equal=True)
        frame = _ordered_like(old, pl.concat([kept, new]), keys)
    return Merged(frame, added, _revised(old, new, keys), removed if replace else 0)


def _revised(old: pl.DataFrame, new: pl.DataFrame, keys: list[str]) -> int:
    """How many points in both tables have other values in the new one.

    A missing value and a value differ; two missing values do not. Where a table
    repeats a point, its last row counts.
    """
    values = [c for c in new.columns if c not in keys]
    if not values:
        return 0
    suffix = "\x00new"
    both = old.unique(keys, keep="last", maintain_order=True).join(
        new.unique(keys, keep="last", maintain_order=True),
        on=keys,
        how="inner",
        nulls_equal=True,
        suffix=suffix,
    )
    changed = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(c + suffix)) for c in values]
    )
    return both.filter(changed).height


def _ordered_like(
    old: pl.DataFrame, frame: pl.DataFrame, keys: list[str]
) -> pl.DataFrame:
    """``frame`` in the order ``old`` had: by time, or by series then time."""
    time = keys[-1]
    for order in ([time], keys):
        ordered = old.sort(order, maintain_order=True, nulls_last=True)
        if ordered.equals(old):
            return frame.sort(order, maintain_order=True, nulls_last=True)
    return frame
