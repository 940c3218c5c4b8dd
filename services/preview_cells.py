"""The cells of a rows preview written for people, next to the values as read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from services.numbers import DEFAULT_STYLE, NumberStyle, format_number

# Roles whose numbers are names (a store number, a year code): never given separators.
NAME_ROLES = frozenset({"identifier", "categorical", "time", "boolean"})


@dataclass(frozen=True)
class PreviewCells:
    """A page of rows as people read it, and as it was read where that differs.

    ``shown`` and ``read`` are lists of rows (column name → text). ``read`` holds a
    cell only where its text as read differs from the text shown.
    """

    shown: list[dict[str, str | None]]
    read: list[dict[str, str]]


def _as_read(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"  # as Polars writes it (and filters on)
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return str(value)


def _date_format(values: pl.Series) -> str:
    """The finest layout the column's times need: a day, minutes, or seconds."""
    times = values.drop_nulls()
    if times.is_empty() or (times.dt.truncate("1d") == times).all():
        return "%Y-%m-%d"
    if (times.dt.second() == 0).all() and (times.dt.nanosecond() == 0).all():
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d %H:%M:%S"


def _column_for_people(
    values: pl.Series, role: str | None, style: NumberStyle
) -> list[str | None]:
    dtype = values.dtype
    if dtype == pl.Datetime:
        layout = _date_format(values)
        return [None if v is None else v.strftime(layout) for v in values]
    if dtype.is_numeric() and role not in NAME_ROLES:
        return [None if v is None else format_number(v, style) for v in values]
    return [_as_read(v) for v in values]


def preview_cells(
    rows: pl.DataFrame,
    roles: dict[str, str] | None = None,
    style: NumberStyle = DEFAULT_STYLE,
) -> PreviewCells:
    """Each cell of ``rows`` written as the rest of the app writes it.

    Numbers get the user's separators and sensible decimals (not those of a column
    whose numbers are names: identifiers, categories, times); date-times whose times
    are all midnight read as dates; the rest is the text as read.

    Parameters
    ----------
    rows
        A page of rows (a few dozen, not a whole table).
    roles
        Column name → its role in the dataset's profile.
    style
        The user's number format.

    Examples
    --------
    >>> import polars as pl
    >>> cells = preview_cells(pl.DataFrame({"sales": [1234567.891]}))
    >>> cells.shown, cells.read
    ([{'sales': '1,234,568'}], [{'sales': '1234567.891'}])

    """
    roles = roles or {}
    shown_columns = {
        name: _column_for_people(rows[name], roles.get(name), style)
        for name in rows.columns
    }
    read_columns = {name: [_as_read(v) for v in rows[name]] for name in rows.columns}
    shown: list[dict[str, str | None]] = []
    read: list[dict[str, str]] = []
    for i in range(rows.height):
        shown.append({name: shown_columns[name][i] for name in rows.columns})
        read.append(
            {
                name: text
                for name in rows.columns
                if (text := read_columns[name][i]) is not None
                and text != shown_columns[name][i]
            }
        )
    return PreviewCells(shown, read)
