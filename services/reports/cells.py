"""Cells that stay data: the export schema, formula neutralising, the CSV file.

A text cell starting with ``= + - @``, a tab or a carriage return is run as a formula
by spreadsheet programs (OWASP "CSV injection"). CSV has no types, so such text gets a
leading quote; the workbook writes it as text with Excel's own quote-prefix style.
"""

from __future__ import annotations

import math

import polars as pl

from services.csv_layout import PLAIN, CsvLayout
from services.overrides import with_override_columns

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DECIMALS_SAMPLE = 50_000
# The downloadable schema that every export keeps.
EXPORT_COLUMNS = [
    "time",
    "series",
    "forecast",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "statistical_forecast",
    "override_reason",
]
# Columns added after them when a forecast has them (a hierarchy's level).
OPTIONAL_COLUMNS = ["hierarchy_level"]


def export_columns(points: pl.DataFrame) -> list[str]:
    """The export schema's columns, then the optional ones the points hold."""
    return EXPORT_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in points.columns]


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


def data_decimals(values: pl.Series, most: int = 6) -> int:
    """How many decimals the values are written with, at most ``most``.

    Those of the typical (median) value, so values a cleaning step filled in by
    interpolation do not count.

    Examples
    --------
    >>> data_decimals(pl.Series([1182.38, 1399.6, 1507.57]))
    2

    """
    finite = values.cast(pl.Float64).drop_nulls().drop_nans()
    finite = finite.filter(finite.is_finite())
    if finite.len() > DECIMALS_SAMPLE:  # a median needs no more (and stays fast)
        finite = finite.sample(DECIMALS_SAMPLE, seed=0)
    if finite.is_empty():
        return 0
    needed = pl.select(
        pl.coalesce(
            pl.when(
                (pl.lit(finite) - pl.lit(finite).round(places)).abs()
                <= 1e-11 * pl.lit(finite).abs().clip(lower_bound=1)
            ).then(places)
            for places in range(most + 1)
        ).fill_null(most)
    ).to_series()
    return math.ceil(needed.median() or 0)  # type: ignore[arg-type]


def forecast_csv(
    points: pl.DataFrame, history: pl.Series, layout: CsvLayout = PLAIN
) -> bytes:
    """The forecast as CSV (UTF-8), columns in the export schema.

    Numbers keep the history's own decimals plus two (``1182.38`` → ``1271.4032``,
    counts → two decimals). A layout other than the plain ``,`` and ``.`` is meant
    for a spreadsheet program: it starts with a byte-order mark (Excel needs it to
    read UTF-8) and writes times as ``2024-01-01 13:00:00``.

    Parameters
    ----------
    points
        The forecast points, in (at least) the export schema's columns.
    history
        The values the forecast was made from.
    layout
        Separator and decimal mark.

    """
    shown = with_override_columns(points)
    columns = _scenario_first(shown) + export_columns(shown)
    return (
        neutralise_formulas(shown.select(columns))
        .write_csv(
            separator=layout.separator,
            decimal_comma=layout.decimal == ",",
            float_precision=data_decimals(history) + 2,
            include_bom=not layout.plain,
            # Spreadsheets read "2024-01-01 13:00:00", not ISO's "T…000000".
            datetime_format=None if layout.plain else "%Y-%m-%d %H:%M:%S",
        )
        .encode()
    )


def _scenario_first(points: pl.DataFrame) -> list[str]:
    """A scenario's name leads its rows (``services.reports.scenario``)."""
    return ["scenario"] if "scenario" in points.columns else []
