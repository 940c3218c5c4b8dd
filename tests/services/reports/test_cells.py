"""The CSV export: its schema, and no formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from services.reports.cells import EXPORT_COLUMNS, forecast_csv, is_formula_like


def _points() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "series": ['=HYPERLINK("http://x")', "+1", "North"],
            "time": [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)],
            "forecast": [10.5, -2.0, 3.25],
            "lower_80": [9.0, -3.0, 2.0],
            "upper_80": [12.0, -1.0, 4.0],
            "lower_95": [8.0, -4.0, 1.0],
            "upper_95": [13.0, 0.0, 5.0],
        }
    )


def test_csv_has_the_export_schema_and_no_formulas() -> None:
    rows = list(csv.reader(io.StringIO(forecast_csv(_points()).decode())))
    assert (
        rows[0]
        == EXPORT_COLUMNS
        == [
            "time",
            "series",
            "forecast",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
        ]
    )
    assert rows[1][1].startswith("'=")
    assert rows[2][1] == "'+1"
    assert rows[3][1] == "North"
    assert rows[2][2] == "-2.0"  # negative numbers stay numbers


def test_formula_like_text_is_recognised() -> None:
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert is_formula_like(text)
    for text in ("North", "1-2", "a=b", ""):
        assert not is_formula_like(text)
