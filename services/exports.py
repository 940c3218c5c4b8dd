"""Exporting forecasts as CSV and Excel, with spreadsheet formulas neutralised."""

from __future__ import annotations

import io

import polars as pl

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The downloadable schema that every later export keeps.
EXPORT_COLUMNS = [
    "time",
    "series",
    "forecast",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
]


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


def forecast_xlsx(points: pl.DataFrame) -> bytes:
    """The forecast as an Excel workbook: a ``Forecast`` sheet in the export schema."""
    buffer = io.BytesIO()
    frame = neutralise_formulas(points.select(EXPORT_COLUMNS))
    frame.write_excel(
        buffer,
        worksheet="Forecast",
        autofit=True,
        float_precision=4,
        freeze_panes=(1, 0),
        autofilter=True,
        table_style=None,
        include_header=True,
    )
    return buffer.getvalue()
