"""Exports: the CSV and Excel schema, real types, and no formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import polars as pl

from services.exports import EXPORT_COLUMNS, forecast_csv, forecast_xlsx


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


def test_workbook_has_dates_numbers_and_text_only() -> None:
    book = openpyxl.load_workbook(io.BytesIO(forecast_xlsx(_points())))
    sheet = book["Forecast"]
    assert [c.value for c in sheet[1]] == EXPORT_COLUMNS
    assert isinstance(sheet["A2"].value, dt.datetime)
    assert sheet["A2"].is_date
    assert isinstance(sheet["C2"].value, float)
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("'=")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.freeze_panes == "A2"
