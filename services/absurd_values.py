"""Single values far out of line with the values around them, such as a typo's zeros.

A typo of 1,000,000 among values around 10,000 stands out from its own neighbours:
it is many times the largest value in the steps before and after it, in its own
series. Ordinary spikes do not: intermittent demand (mostly zeros with occasional
orders) has zeros around its orders, repeated large orders have each other nearby,
and steady growth moves its neighbours with it. Finding one changes nothing; the
profile lists it so the user can check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

# A value stands out when it is at least this many times every value near it.
RATIO = 30.0
# "Near": this many steps before and after, within the same series, of which at
# most MAX_ZEROS are zero (around zeros, an order is not a typo).
NEIGHBOURS = 6
MAX_ZEROS = 4
# It is also at least this many times all but the largest 1 in 200 of its series
# (or all but itself in series shorter than 200).
SERIES_RATIO = 10.0
SHARE_OF_BIG = 0.005
# How many values (rows × columns) are checked at most: the target always.
MAX_CELLS = 1_000_000


@dataclass(frozen=True)
class AbsurdValue:
    """One value that stands out, where it is, and by how much.

    Attributes
    ----------
    column
        The column that holds it.
    time
        Its time.
    series
        The series columns and their values for its row (empty for one series).
    value
        The value.
    ratio
        How many times the largest value near it it is.

    """

    column: str
    time: Any
    series: tuple[tuple[str, Any], ...]
    value: float
    ratio: float

    def message(self) -> str:
        """The finding in plain words, naming the column, time, series and value."""
        where = _when(self.time)
        if self.series:
            where += " (" + ", ".join(f"{k} {v}" for k, v in self.series) + ")"
        return (
            f"“{self.column}” on {where} is {_number(self.value)}, about "
            f"{_rounded(self.ratio)} times the largest value near it: perhaps a "
            "typo. Check it, or treat it as an outlier on the Cleaning page."
        )


def find_absurd_values(
    frame: pl.DataFrame,
    time: str,
    columns: list[str],
    keys: list[str],
    series_count: int | None = None,
) -> dict[str, list[AbsurdValue]]:
    """Per column, the values that are many times every value around them.

    Parameters
    ----------
    frame
        The table (in any row order).
    time
        Its time column (dates or datetimes).
    columns
        Numeric columns to check, the most important first: the first is always
        checked, the others while the table stays small enough.
    keys
        The columns that name each series.
    series_count
        How many series there are, when known (it spares sorting a table whose
        series already come one after the other, each in time order).

    Returns
    -------
    dict[str, list[AbsurdValue]]
        The findings of each column that has some, in time order within each series.

    Examples
    --------
    >>> days = pl.date_range(date(2024, 1, 1), date(2024, 1, 20), eager=True)
    >>> sales = [10_000.0 + 100 * (i % 3) for i in range(20)]
    >>> sales[9] = 1_000_000.0
    >>> found = find_absurd_values(pl.DataFrame({"day": days, "sales": sales}),
    ...                            "day", ["sales"], [])
    >>> [(f.time.isoformat(), f.value) for f in found["sales"]]
    [('2024-01-10', 1000000.0)]

    """
    if not columns or not frame[time].dtype.is_temporal():
        return {}
    checked = columns[: max(1, MAX_CELLS // max(1, frame.height))]
    data = frame.select(time, *keys, *checked).filter(pl.col(time).is_not_null())
    starts = data.select(_starts(keys)).to_series()
    if not _in_order(data, time, starts, series_count if keys else 1):
        data = data.sort([*keys, time])
        starts = data.select(_starts(keys)).to_series()
    found: dict[str, list[AbsurdValue]] = {}
    # Each column is checked in a frame of its own: a query on the whole (possibly
    # very wide) table costs its width every time, so a wide table took quadratic time.
    by_name = dict(zip(data.columns, data.get_columns(), strict=True))
    ends = starts.shift(-1, fill_value=True)
    for column in checked:
        narrow = pl.DataFrame([by_name[name] for name in (time, *keys, column)])
        if not narrow.select(_maybe(column, starts, ends).any()).item():
            continue  # the common case, decided cheaply
        # A frame of its own, so no column name of the user's can clash with these.
        check = narrow.select(
            _stands_out(column, keys).alias("out"), _near(column, keys).alias("near")
        )
        if not check["out"].any():
            continue
        rows = narrow.filter(check["out"])
        found[column] = [
            AbsurdValue(
                column=column,
                time=row[0],
                series=tuple(zip(keys, row[1:-1], strict=True)),
                value=float(row[-1]),
                ratio=abs(float(row[-1])) / near,
            )
            for row, near in zip(
                rows.iter_rows(), check["near"].filter(check["out"]), strict=True
            )
        ]
    return found


def _per_series(expr: pl.Expr, keys: list[str]) -> pl.Expr:
    return expr.over(keys) if keys else expr


def _size(column: str) -> pl.Expr:
    """The size of each value; infinite and not-a-number ones count as missing."""
    value = pl.col(column).cast(pl.Float64)
    return pl.when(value.is_finite()).then(value.abs())


def _starts(keys: list[str]) -> pl.Expr:
    """Whether a row starts a series (the first row, or a key differs from above)."""
    return pl.any_horizontal(
        pl.int_range(pl.len()) == 0,
        *(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys),
    )


def _in_order(
    data: pl.DataFrame, time: str, starts: pl.Series, series_count: int | None
) -> bool:
    """Whether each series' rows come together, in time order."""
    if series_count is None or starts.sum() != series_count:
        return False
    later = pl.col(time) >= pl.col(time).shift(1)
    return bool(data.select((pl.lit(starts) | later).all()).item())


def _maybe(column: str, starts: pl.Series, ends: pl.Series) -> pl.Expr:
    """A quick test every value that stands out passes: many times both next to it.

    (Without a pass per series: at a series' edge the row of the next series counts
    as missing.) ``ends`` marks each series' last row.
    """
    size = _size(column)
    before = pl.when(pl.lit(starts)).then(None).otherwise(size.shift(1))
    after = pl.when(pl.lit(ends)).then(None).otherwise(size.shift(-1))
    return (
        (size > 0)
        & (before.is_not_null() | after.is_not_null())
        & (before.is_null() | (size >= RATIO * before))
        & (after.is_null() | (size >= RATIO * after))
    ).fill_null(False)


def _near(column: str, keys: list[str]) -> pl.Expr:
    """The largest size among the values just before and just after each one."""
    size = _size(column)
    before = size.shift(1).rolling_max(NEIGHBOURS, min_samples=1)
    # Shifted back by the window, a trailing window covers the steps just after.
    after = size.shift(-NEIGHBOURS).rolling_max(NEIGHBOURS, min_samples=1)
    return pl.max_horizontal(_per_series(before, keys), _per_series(after, keys))


def _stands_out(column: str, keys: list[str]) -> pl.Expr:
    """Many times the values near it, not among zeros, and alone of its size."""
    size = _size(column)
    near = _near(column, keys)
    zero = (size == 0).cast(pl.Int32)
    zeros = zero.rolling_sum(2 * NEIGHBOURS + 1, center=True, min_samples=1) - zero
    # The second largest in short series, about the 1 in 200th largest in long ones:
    # one of several spikes of a size, as in spiky data, is not a typo.
    runner_up = size.quantile(1 - SHARE_OF_BIG, "lower")
    return (
        (near > 0)
        & (size >= RATIO * near)
        & (_per_series(zeros, keys) <= MAX_ZEROS)
        & (size >= SERIES_RATIO * _per_series(runner_up, keys))
    ).fill_null(False)


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


def _rounded(ratio: float) -> str:
    """Two significant digits: 77, 1,200."""
    digits = max(0, int(math.floor(math.log10(max(ratio, 1.0)))) - 1)
    return f"{round(ratio, -digits):,.0f}"
