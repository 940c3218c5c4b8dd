"""What a column of numbers or text holds, from its values and its name.

Numbers are quantities unless their column's name says they are codes (``sku``,
``store``, ``StoreNr``); text is free text (comments: worded and mostly different),
an identifier (a code per row) or labels that repeat, however many.
"""

from __future__ import annotations

import re
from typing import Literal

import polars as pl

NumberRole = Literal["numeric", "categorical", "identifier"]
TextRole = Literal["text", "categorical", "identifier"]

# The last word of a column name that says its numbers are codes, not quantities:
# codes themselves, and the things that are numbered (store 3, product 1042).
_CODE_WORDS = frozenset(
    "id code key sku zip zipcode postcode plz ean gtin upc isbn store shop branch "
    "site warehouse dept department product item article customer client account "
    "station filiale artikel kunde".split()
)
# "Number" alone may be a count; "order number" is a code.
_NUMBER_WORDS = frozenset({"number", "no", "nr", "num"})


def number_role(column: pl.Series, distinct: int, present: int) -> NumberRole:
    """A number's role: a code when its name says so (``sku``, ``store_id``)."""
    if not column.dtype.is_integer():
        return "numeric"
    name = column.name.lower().rstrip("_")
    if distinct == present and name.endswith(("id", "code", "key")):
        return "identifier"
    if names_a_code(column.name):
        return "identifier" if distinct == present else "categorical"
    return "numeric"


def names_a_code(name: str) -> bool:
    """Whether a column's name ends in a word for codes: ``SKU``, ``StoreID``.

    Examples
    --------
    >>> [names_a_code(n) for n in ("SKU", "StoreNr", "order number", "number", "paid")]
    [True, True, True, False, False]

    """
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)]
    if not words:
        return False
    return words[-1] in _CODE_WORDS or (len(words) > 1 and words[-1] in _NUMBER_WORDS)


def text_role(column: pl.Series, distinct: int, present: int) -> TextRole:
    """Free text (comments), a code per row, or labels that repeat."""
    if distinct / present >= 0.5:
        sample = column.head(10_000).drop_nulls()
        spaced, words, chars = (
            float(stat.mean() or 0.0)  # type: ignore[arg-type]
            for stat in (
                sample.str.contains(r"\S\s+\S"),
                sample.str.count_matches(r"\S+"),
                sample.str.len_chars(),
            )
        )
        # Comments are worded: long sentences, or repeated now and then. Unique
        # short names ("Red Chair") and formulas or links are codes.
        long = words >= 4 and chars >= 25
        worded = spaced >= 0.5 and (long or distinct < present)
        if worded:
            return "text"
        if present > 20 and distinct >= 0.9 * present:
            return "identifier"
    return "categorical"
