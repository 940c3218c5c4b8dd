"""Which columns name the series of a long table: labels or codes that key each time.

A long table holds one row per series per time (store × month × sales). Its key is the
smallest set of columns that, with the time, makes every row unique. Text labels
(``"Berlin"``) and whole-number codes (store ``3``, SKU ``100234``) can both be that
key; a number qualifies only when it behaves like one: it repeats (a column with
nearly as many distinct values as rows is a measure or a row number), it is not a 0/1
flag, the table is long (its times hold 1.5 rows on average or more), and the series
it names run through time side by side, not scattered like the values of a measure
nor one after the other like the levels of a price. When several columns qualify,
the one with the fewest distinct values wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import polars as pl

# A key repeats: at most this share of its (non-missing) rows are distinct values.
MAX_DISTINCT_SHARE = 0.5
# The series a numeric code names fill at least this share of the times in their own
# span. The values of a measure, taken as "series", are scattered over the whole range.
MIN_CODE_FILL = 0.7
# ...and run side by side: on average at least this many at once. (A price that
# changes now and then, written twice on the day it changes, names periods one
# after the other, not series.)
MIN_CODE_OVERLAP = 1.5
# Numbers are only taken for codes when the times hold this many rows on average.
MIN_ROWS_PER_TIME = 1.5
# Pairs of columns tried at most, among the candidates with the fewest values.
MAX_PAIR_CANDIDATES = 12


@dataclass(frozen=True)
class KeyCandidate:
    """A column that might name the series.

    Attributes
    ----------
    name
        The column.
    distinct
        How many distinct values it holds.
    code
        Whether it is a number that must also prove it behaves like a code.

    """

    name: str
    distinct: int
    code: bool = False


def find_series_key(
    frame: pl.DataFrame,
    time: str,
    candidates: Sequence[KeyCandidate],
    times: int | None = None,
) -> list[str]:
    """The one or two columns that, with ``time``, make every row unique.

    One column is preferred to two; among those that work, the fewest distinct values
    (a label before a code when they tie, then the column order).

    Parameters
    ----------
    frame
        The table.
    time
        Its time column.
    candidates
        The columns that could name the series (labels and whole-number codes).
    times
        How many distinct times there are, when already counted.

    Returns
    -------
    list[str]
        The key's columns, or an empty list when the times are unique already or no
        candidate makes them unique.

    Examples
    --------
    >>> frame = pl.DataFrame({"month": [1, 1, 2, 2, 3, 3], "store": [7, 9] * 3,
    ...                       "units": [5, 6, 5, 8, 9, 4]})
    >>> find_series_key(frame, "month", [KeyCandidate("store", 2, code=True),
    ...                                  KeyCandidate("units", 5, code=True)])
    ['store']

    """
    present = frame.height - frame[time].null_count()
    if times is None:
        times = frame[time].drop_nulls().n_unique()
    if present == times:
        return []
    # With the time, k values can tell apart at most k rows per time.
    least = -(-present // max(1, times))
    # Numbers are codes only in a table that is long: a few times written twice in
    # one series is not a long table, whatever a number beside them says.
    long = present >= MIN_ROWS_PER_TIME * times
    usable = sorted(
        (
            c
            for c in candidates
            if 1 < c.distinct <= MAX_DISTINCT_SHARE * present and (long or not c.code)
        ),
        key=lambda c: (c.distinct, c.code),
    )
    for candidate in usable:
        if candidate.distinct >= least and _is_key(frame, time, [candidate]):
            return [candidate.name]
    pairs = sorted(
        (
            pair
            for pair in combinations(usable[:MAX_PAIR_CANDIDATES], 2)
            if _bound(pair) >= least
        ),
        key=lambda pair: (_bound(pair), sum(c.code for c in pair)),
    )
    order = {c.name: i for i, c in enumerate(candidates)}
    for pair in pairs:
        if _is_key(frame, time, list(pair)):
            return sorted((c.name for c in pair), key=order.__getitem__)
    return []


def _bound(pair: tuple[KeyCandidate, ...]) -> int:
    return pair[0].distinct * pair[1].distinct


def _is_key(frame: pl.DataFrame, time: str, key: list[KeyCandidate]) -> bool:
    names = [c.name for c in key]
    rows = frame.select(time, *names).drop_nulls()
    # Unique pairs (time, key) exactly when no key repeats a time: grouping by the key
    # is much cheaper than hashing whole rows. (No result column is named, so no
    # column name of the user's can clash.)
    unique = rows.select(
        (pl.col(time).n_unique().over(names) == pl.len().over(names)).all()
    ).item()
    if not unique:
        return False
    if not any(c.code for c in key):
        return True
    fill, overlap = _spans(rows, time, names)
    return fill >= MIN_CODE_FILL and overlap >= MIN_CODE_OVERLAP


def _spans(rows: pl.DataFrame, time: str, names: list[str]) -> tuple[float, float]:
    """How the series the key names run through the table's times.

    Returns the share of the times within each series' own span that it holds, and
    how many series run at once on average (the spans' total over all the times).
    """
    # The keys are renamed so that no column name can clash with the results' names.
    by = [pl.col(n).alias(f"key {i}") for i, n in enumerate(names)]
    spans = rows.group_by(by).agg(
        pl.len().alias("points"),
        pl.col(time).min().alias("first"),
        pl.col(time).max().alias("last"),
    )
    times = rows[time].unique().sort()
    covered = times.search_sorted(spans["last"], "right") - times.search_sorted(
        spans["first"], "left"
    )
    total = max(1, int(covered.sum()))
    return float(spans["points"].sum()) / total, total / max(1, times.len())
