"""The CSV export: its schema, and no formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl

from services.csv_layout import CsvLayout
from services.reports.cells import (
    EXPORT_COLUMNS,
    data_decimals,
    forecast_csv,
    is_formula_like,
)

COUNTS = pl.Series([3, 5, 8])


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
    rows = list(csv.reader(io.StringIO(forecast_csv(_points(), COUNTS).decode())))
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
            "statistical_forecast",
            "override_reason",
        ]
    )
    assert rows[1][1].startswith("'=")
    assert rows[2][1] == "'+1"
    assert rows[3][1] == "North"
    assert rows[2][2] == "-2.00"  # negative numbers stay numbers


def test_formula_like_text_is_recognised() -> None:
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert is_formula_like(text)
    for text in ("North", "1-2", "a=b", ""):
        assert not is_formula_like(text)


def test_numbers_keep_the_datas_decimals_plus_two() -> None:
    points = _points().with_columns(pl.lit(36435.14831449608).alias("forecast"))
    cents = pl.Series([1182.38, 1399.6, 1507.57, None])
    rows = list(csv.reader(io.StringIO(forecast_csv(points, cents).decode())))
    assert [row[2] for row in rows[1:]] == ["36435.1483"] * 3
    assert rows[1][3:7] == ["9.0000", "12.0000", "8.0000", "13.0000"]
    counted = list(csv.reader(io.StringIO(forecast_csv(points, COUNTS).decode())))
    assert counted[1][2] == "36435.15"
    assert data_decimals(pl.Series([0.1 + 0.2, 0.25, 0.75])) == 2  # float noise
    # Interpolated fill-ins (many decimals) do not decide for the typical value.
    assert data_decimals(pl.Series([10.5, 11.25, 12.75, 11.666666666666666])) == 2
    assert data_decimals(pl.Series([1 / 3, 2 / 3])) == 6  # at most six
    assert data_decimals(pl.Series([], dtype=pl.Float64)) == 0


def test_a_spreadsheet_layout_with_semicolons_and_decimal_commas() -> None:
    points = _points().with_columns(pl.lit("Köln; Mitte").alias("series"))
    points[0, "series"] = "=1+1"
    data = forecast_csv(points, pl.Series([1.5, 2.25]), CsvLayout(";", ","))
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == EXPORT_COLUMNS
    assert rows[1][:3] == ["2025-01-01", "'=1+1", "10,5000"]
    assert rows[2][1:3] == ["Köln; Mitte", "-2,0000"]
    tabbed = forecast_csv(points, COUNTS, CsvLayout("\t", "."))
    assert tabbed.decode("utf-8-sig").splitlines()[2].split("\t")[1:3] == [
        "Köln; Mitte",
        "-2.00",
    ]
    assert not forecast_csv(points, COUNTS).startswith(b"\xef")  # plain: for programs


def test_a_spreadsheet_layout_writes_times_a_spreadsheet_reads() -> None:
    hourly = _points().with_columns(
        pl.datetime_range(
            dt.datetime(2025, 3, 30, 1), dt.datetime(2025, 3, 30, 3), "1h", eager=True
        ).alias("time")
    )
    excel = forecast_csv(hourly, COUNTS, CsvLayout(";", ",")).decode("utf-8-sig")
    assert excel.splitlines()[2].startswith("2025-03-30 02:00:00;")
    plain = forecast_csv(hourly, COUNTS).decode()
    assert plain.splitlines()[2].startswith("2025-03-30T02:00:00")  # ISO for programs
