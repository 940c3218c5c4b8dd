"""Cells that stay data: the export schema, formula neutralising, the CSV file.

A text cell starting with ``= + - @``, a tab or a carriage return is run as a formula
by spreadsheet programs (OWASP "CSV injection"). CSV has no types, so such text gets a
leading quote; the workbook writes it as text with Excel's own quote-prefix style.
"""

from __future__ import annotations

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The downloadable schema that every export keeps.
EXPORT_COLUMNS = [
    "time",
    "series",
    "forecast",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
]


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run this text as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(
            pl.any_horizontal([pl.col(c).str.starts_with(p) for p in FORMULA_PREFIXES])
        )
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def forecast_csv(points: pl.DataFrame) -> bytes:
    """The forecast as CSV (UTF-8), columns in the export schema."""
    return neutralise_formulas(points.select(EXPORT_COLUMNS)).write_csv().encode()
